"""Badge artwork: the PNG and SVG images of every competence, outcome level and role.

One design, drawn twice: a disc in the colour of the competence's cluster (or of the role), a
white ring, "LEVER UP" on top, the competence or role name in the middle (wrapped and sized to
fit, in the requested catalogue language), and underneath the outcome level (one to three
stars and its name), the cluster name (a competence without a level) or the word for a
practitioner role. :meth:`Artwork.png` rasterises it with Pillow; :meth:`Artwork.svg` writes the
same geometry as SVG text (no scripts, no external references, no raster data).

Determinism: the same input gives the same bytes. The label font ships with the package
(``data/fonts``, DejaVu Sans Bold subset to Latin, Latin-1 and Latin Extended-A so Polish and
Danish names render), text is laid out with Pillow's basic layout engine (no system shaping
library) and PNGs carry no timestamp or text chunk. Renders are memoised.

Colours and the few words the images need live in ``data/artwork.toml``; every colour must give
white text a WCAG 2.1 contrast ratio of at least 4.5:1 (:func:`contrast_ratio`).
"""

from __future__ import annotations

import functools
import io
import math
import threading
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final, Protocol
from xml.sax.saxutils import escape, quoteattr

import msgspec
from PIL import Image, ImageDraw, ImageFont

from badge_classes import ids
from badge_classes.errors import CatalogueDataError, CatalogueError, UnknownScaleError
from badge_classes.loader import DEFAULT_DATA_DIR
from badge_classes.model import (
    AchievementDefinition,
    Cluster,
    Scale,
    ScaleName,
    Translations,
    check_language,
)
from common.errors import InvalidInputError

__all__ = [
    "DEFAULT_SIZE",
    "FONT_FILE",
    "MAX_SIZE",
    "MIN_SIZE",
    "TEXT_COLOUR",
    "Artwork",
    "CatalogueLookups",
    "ImageSizeError",
    "Style",
    "Words",
    "caption",
    "contrast_ratio",
    "image_object",
    "image_url",
    "load_style",
]

DEFAULT_SIZE: Final = 512
"""Width and height of a PNG badge unless asked otherwise (what wallets show)."""
MIN_SIZE: Final = 64
MAX_SIZE: Final = 1024
"""Smallest and largest PNG the renderer draws."""
TEXT_COLOUR: Final = "#FFFFFF"
"""The colour of all text and marks, drawn on the badge colour."""
FONT_FILE: Final = DEFAULT_DATA_DIR / "fonts" / "DejaVuSans-Bold.ttf"
"""The label font (DejaVu Sans Bold, Latin subset; licence beside it)."""
STYLE_FILE: Final = DEFAULT_DATA_DIR / "artwork.toml"

_FONT_FAMILY: Final = "'DejaVu Sans', Verdana, Arial, sans-serif"
_GRID: Final = 512
"""The design grid: every coordinate below is in pixels of a 512 x 512 badge."""
_CENTRE: Final = 256.0
_DISC_RADIUS: Final = 250.0
_RING_RADIUS: Final = 228.0
_RING_WIDTH: Final = 6.0
_HEADER: Final = ("LEVER UP", 28, 132.0)
"""Header text, font size and baseline."""
_LABEL_SIZES: Final = tuple(range(54, 21, -2))
_LABEL_BOX: Final = (234.0, 350.0, 4, 164.0)
"""Centre y, width, most lines and height of the name (between the header and the stars)."""
_FOOT_BOX: Final = (400.0, 300.0, 2, 60.0)
_CLUSTER_BOX: Final = (378.0, 300.0, 2, 60.0)
_LINE_HEIGHT: Final = 1.18
_STAR_Y: Final = 350.0
_STAR_OUTER: Final = 19.0
_STAR_INNER: Final = 8.0
_STAR_GAP: Final = 50.0
_STAR_STROKE: Final = 3.5
_FOOT_SIZES: Final = (26, 24, 22, 20)
_RULE: Final = (226.0, 286.0, 350.0, 4.0)
"""A role's rule under its name: x from, x to, y, thickness."""
_PNG_CACHE: Final = 256
"""Memoised PNGs (a 512 px badge is about 70 KB, a 1024 px one about 200 KB)."""
_SVG_CACHE: Final = 1024
"""Memoised SVGs (about 2 KB each; 63 badges in 7 languages make 441)."""
_RENDER_LOCK: Final = threading.Lock()
"""FreeType faces are not safe to share between threads: one render at a time (renders are
memoised, so only the first request of each image waits)."""


class ImageSizeError(CatalogueError, InvalidInputError, ValueError):
    """The requested image size is outside :data:`MIN_SIZE` .. :data:`MAX_SIZE`."""


class Words(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The words of the artwork in one language.

    Attributes:
        badge: What the image is; opens its alt text (``"LEVER UP badge"``).
        of: Joins a level's rank and the number of levels (``"2 of 3"``).
        role: The caption under a practitioner role's name.
    """

    badge: str
    of: str
    role: str


class Colours(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """Badge colours (``#RRGGBB``) by cluster and role, and the colour of anything else."""

    default: str
    clusters: dict[str, str] = msgspec.field(default_factory=dict)
    roles: dict[str, str] = msgspec.field(default_factory=dict)


class Style(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """``data/artwork.toml``: the colours and words of the badge images."""

    colours: Colours
    text: Translations[Words]

    def colour_of(self, definition: AchievementDefinition) -> str:
        """The badge colour of a competence (its cluster's) or a role (its own)."""
        if definition.kind == "role":
            return self.colours.roles.get(definition.slug, self.colours.default)
        return self.colours.clusters.get(definition.cluster or "", self.colours.default)

    def all_colours(self) -> list[str]:
        """Every colour the style may draw a badge in."""
        return [
            self.colours.default,
            *self.colours.clusters.values(),
            *self.colours.roles.values(),
        ]


@functools.cache
def load_style() -> Style:
    """Read ``data/artwork.toml`` (once per process).

    Raises:
        CatalogueDataError: If the file is missing or malformed, or a colour is not
            ``#RRGGBB``.
    """
    try:
        with STYLE_FILE.open("rb") as handle:
            raw = tomllib.load(handle)
        style = msgspec.convert(raw, Style)
        for colour in style.all_colours():
            _rgb(colour)
    except (OSError, tomllib.TOMLDecodeError, msgspec.ValidationError, ValueError) as exc:
        msg = f"{STYLE_FILE.name}: {exc}"
        raise CatalogueDataError(msg) from exc
    return style


def _rgb(colour: str) -> tuple[int, int, int]:
    if len(colour) != 7 or colour[0] != "#":
        msg = f"colour {colour!r} is not #RRGGBB"
        raise ValueError(msg)
    value = int(colour[1:], 16)
    return (value >> 16) & 0xFF, (value >> 8) & 0xFF, value & 0xFF


def _luminance(colour: str) -> float:
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(channel) for channel in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    """The WCAG 2.1 contrast ratio of two ``#RRGGBB`` colours (1 to 21).

    WCAG 2.1 §1.4.3 asks for at least 4.5:1 between text and its background (level AA).
    """
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


# --------------------------------------------------------------------------------------------
# What a badge shows


def caption(
    definition: AchievementDefinition,
    lang: str,
    *,
    cluster: Cluster | None = None,
    scale: Scale | None = None,
    level: str | None = None,
) -> str:
    """The alt text of a badge (the ``caption`` of its OB 3.0 Image) in ``lang``.

    Args:
        definition: The competence or role.
        lang: A catalogue language.
        cluster: The competence's cluster (named when no level is given).
        scale: The outcome scale, when ``level`` is given.
        level: An outcome level slug of ``scale``.

    Returns:
        e.g. ``"LEVER UP badge: Empathy \N{EN DASH} Outcome level: Expert (3 of 3)"``.
    """
    words = load_style().text.get(lang)
    head = f"{words.badge}: {definition.name(lang).strip()}"
    if scale is not None and level is not None:
        found = scale.level(level)
        rank = scale.levels.index(found) + 1
        return (
            f"{head} – {scale.name(lang).strip()}: {found.name(lang).strip()} "
            f"({rank} {words.of} {len(scale.levels)})"
        )
    if definition.kind == "role":
        return f"{head} – {words.role}"
    if cluster is not None:
        return f"{head} – {cluster.name(lang).strip()}"
    return head


def image_url(
    base_url: str, slug: str, outcome: str | None = None, *, lang: str = "en", ext: str = "png"
) -> str:
    """The URL of a badge image served by the application.

    ``{base}/achievements/{slug}/image.png`` for an achievement,
    ``{base}/achievements/{slug}/{outcome}/image.png`` for a competence at an outcome level;
    ``?lang=`` follows for a language other than English.
    """
    path = ids.achievement_id(base_url, slug)
    if outcome is not None:
        path += f"/{outcome}"
    path += f"/image.{ext}"
    return path if lang == "en" else f"{path}?lang={lang}"


def image_object(url: str, alt: str) -> dict[str, object]:
    """An OB 3.0 ``Image`` object (ob3-requirements §1.9: ``id``, ``type``, ``caption`` only)."""
    return {"id": url, "type": "Image", "caption": alt}


@dataclass(frozen=True, slots=True)
class _Text:
    text: str
    size: float
    x: float
    y: float
    width: float


@dataclass(frozen=True, slots=True)
class _Design:
    """A badge laid out on the 512 grid, ready for either renderer."""

    colour: str
    texts: tuple[_Text, ...]
    stars: tuple[tuple[tuple[tuple[float, float], ...], bool], ...]
    rule: bool
    alt: str


@functools.cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    try:
        return ImageFont.truetype(str(FONT_FILE), size, layout_engine=ImageFont.Layout.BASIC)
    except OSError as exc:
        msg = f"the badge font {FONT_FILE.name} cannot be read (is the package data installed?)"
        raise CatalogueDataError(msg) from exc


def _width(text: str, size: int) -> float:
    return float(_font(size).getlength(text))


def _wrap(words: Sequence[str], size: int, max_width: float) -> list[str]:
    lines: list[str] = []
    for word in words:
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and _width(candidate, size) <= max_width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


def _fit(
    text: str, sizes: Sequence[int], max_width: float, max_lines: int, max_height: float
) -> tuple[int, list[str]]:
    """The largest font size at which ``text`` wraps into lines that fit the box."""
    words = text.split()
    for size in sizes:
        lines = _wrap(words, size, max_width)
        if (
            len(lines) <= max_lines
            and len(lines) * size * _LINE_HEIGHT <= max_height
            and all(_width(line, size) <= max_width for line in lines)
        ):
            return size, lines
    size = sizes[-1]
    return size, _wrap(words, size, max_width)


def _line(text: str, size: int, y: float) -> _Text:
    return _Text(text=text, size=size, x=_CENTRE, y=y, width=_width(text, size))


def _block(text: str, sizes: Sequence[int], box: tuple[float, float, int, float]) -> list[_Text]:
    """Lines of ``text`` centred on ``box`` = (centre y, max width, max lines, max height)."""
    centre, max_width, max_lines, max_height = box
    size, lines = _fit(text, sizes, max_width, max_lines, max_height)
    step = size * _LINE_HEIGHT
    # Baselines of lines centred on ``centre``: cap height is about 0.73 em in DejaVu Sans.
    first = centre - step * (len(lines) - 1) / 2 + size * 0.73 / 2
    return [_line(line, size, first + step * index) for index, line in enumerate(lines)]


def _label(definition: AchievementDefinition, lang: str) -> str:
    """The name drawn on the badge: a role's name without the "LEVER UP" already on top."""
    name = definition.name(lang).strip()
    if definition.kind != "role":
        return name
    bare = name.replace("LEVER UP-", "").replace("LEVER UP", "").strip(" -")
    return bare[:1].upper() + bare[1:] if bare else name


def _star(cx: float, cy: float) -> tuple[tuple[float, float], ...]:
    points = []
    for index in range(10):
        radius = _STAR_OUTER if index % 2 == 0 else _STAR_INNER
        angle = math.pi / 5 * index - math.pi / 2
        points.append(
            (round(cx + radius * math.cos(angle), 2), round(cy + radius * math.sin(angle), 2))
        )
    return tuple(points)


def _design(
    style: Style,
    definition: AchievementDefinition,
    lang: str,
    *,
    cluster: Cluster | None,
    scale: Scale | None,
    outcome: str | None,
) -> _Design:
    header_text, header_size, header_y = _HEADER
    texts = [_line(header_text, header_size, header_y)]
    texts += _block(_label(definition, lang), _LABEL_SIZES, _LABEL_BOX)
    stars: list[tuple[tuple[tuple[float, float], ...], bool]] = []
    foot: str | None = None
    if scale is not None and outcome is not None:
        level = scale.level(outcome)
        rank = scale.levels.index(level) + 1
        count = len(scale.levels)
        left = _CENTRE - _STAR_GAP * (count - 1) / 2
        stars = [(_star(left + _STAR_GAP * i, _STAR_Y), i < rank) for i in range(count)]
        foot = level.name(lang).strip().upper()
    elif definition.kind == "role":
        foot = style.text.get(lang).role.upper()
    elif cluster is not None:
        foot = cluster.name(lang).strip()
    if foot is not None:
        boxed = _FOOT_BOX if stars or definition.kind == "role" else _CLUSTER_BOX
        texts += _block(foot, _FOOT_SIZES, boxed)
    alt = caption(definition, lang, cluster=cluster, scale=scale, level=outcome)
    return _Design(
        colour=style.colour_of(definition),
        texts=tuple(texts),
        stars=tuple(stars),
        rule=definition.kind == "role",
        alt=alt,
    )


# --------------------------------------------------------------------------------------------
# Renderers


def _fmt(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _svg(design: _Design) -> bytes:
    fill = TEXT_COLOUR
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" width="512" height="512" '
        'viewBox="0 0 512 512" role="img" aria-labelledby="badge-title">',
        f'<title id="badge-title">{escape(design.alt)}</title>',
        f'<circle cx="256" cy="256" r="{_fmt(_DISC_RADIUS)}" fill="{design.colour}"/>',
        f'<circle cx="256" cy="256" r="{_fmt(_RING_RADIUS)}" fill="none" stroke="{fill}" '
        f'stroke-width="{_fmt(_RING_WIDTH)}"/>',
    ]
    for points, filled in design.stars:
        coords = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in points)
        paint = (
            f'fill="{fill}"'
            if filled
            else (
                f'fill="none" stroke="{fill}" stroke-width="{_fmt(_STAR_STROKE)}" '
                'stroke-linejoin="round"'
            )
        )
        parts.append(f'<polygon points="{coords}" {paint}/>')
    if design.rule:
        x1, x2, y, thickness = _RULE
        parts.append(
            f'<rect x="{_fmt(x1)}" y="{_fmt(y - thickness / 2)}" width="{_fmt(x2 - x1)}" '
            f'height="{_fmt(thickness)}" fill="{fill}"/>'
        )
    parts.append(
        f'<g fill="{fill}" font-family={quoteattr(_FONT_FAMILY)} font-weight="bold" '
        'text-anchor="middle">'
    )
    for text in design.texts:
        parts.append(
            f'<text x="{_fmt(text.x)}" y="{_fmt(text.y)}" font-size="{_fmt(text.size)}" '
            f'textLength="{_fmt(text.width)}" lengthAdjust="spacingAndGlyphs">'
            f"{escape(text.text)}</text>"
        )
    parts.append("</g></svg>\n")
    return "\n".join(parts).encode("utf-8")


def _png(design: _Design, size: int) -> bytes:
    factor = max(2, math.ceil(1024 / size))
    canvas = size * factor
    scale = canvas / _GRID
    image = Image.new("RGBA", (canvas, canvas), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    white = _rgb(TEXT_COLOUR)

    def box(radius: float) -> tuple[float, float, float, float]:
        return (
            (_CENTRE - radius) * scale,
            (_CENTRE - radius) * scale,
            (_CENTRE + radius) * scale,
            (_CENTRE + radius) * scale,
        )

    draw.ellipse(box(_DISC_RADIUS), fill=_rgb(design.colour))
    half = _RING_WIDTH / 2
    draw.ellipse(box(_RING_RADIUS + half), fill=white)
    draw.ellipse(box(_RING_RADIUS - half), fill=_rgb(design.colour))
    for points, filled in design.stars:
        scaled = [(x * scale, y * scale) for x, y in points]
        if filled:
            draw.polygon(scaled, fill=white)
        else:
            stroke = max(1, round(_STAR_STROKE * scale))
            draw.line([*scaled, scaled[0], scaled[1]], fill=white, width=stroke, joint="curve")
    if design.rule:
        x1, x2, y, thickness = _RULE
        draw.rectangle(
            (x1 * scale, (y - thickness / 2) * scale, x2 * scale, (y + thickness / 2) * scale),
            fill=white,
        )
    for text in design.texts:
        font = _font(max(1, round(text.size * scale)))
        draw.text((text.x * scale, text.y * scale), text.text, font=font, fill=white, anchor="ms")
    small = image.convert("RGBa").resize((size, size), Image.Resampling.LANCZOS).convert("RGBA")
    buffer = io.BytesIO()
    # No pnginfo, no dpi: the file holds IHDR, IDAT and IEND only (no tEXt, no tIME).
    small.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


class CatalogueLookups(Protocol):
    """The catalogue look-ups :class:`Artwork` needs (a :class:`~badge_classes.Catalogue`).

    A protocol rather than the class itself, so that this module need not import the catalogue
    module (which imports this one through ``render``).
    """

    def get(self, slug: str) -> AchievementDefinition:
        """The definition of a competence or role."""
        ...

    def cluster(self, slug: str) -> Cluster:
        """A competence cluster."""
        ...

    def scale(self, name: ScaleName) -> Scale:
        """A scale with its ordered levels."""
        ...


class Artwork:
    """The badge images of one catalogue, rendered on demand and memoised.

    Thread-safe: renders are pure functions of their arguments, memoised as bytes.
    """

    __slots__ = ("_catalogue", "_png", "_style", "_svg")

    def __init__(self, catalogue: CatalogueLookups, style: Style | None = None) -> None:
        """Bind to a catalogue; the style defaults to ``data/artwork.toml``."""
        self._catalogue = catalogue
        self._style = style or load_style()
        self._png: Callable[[str, str | None, str, int], bytes] = functools.lru_cache(
            maxsize=_PNG_CACHE
        )(self._render_png)
        self._svg: Callable[[str, str | None, str], bytes] = functools.lru_cache(
            maxsize=_SVG_CACHE
        )(self._render_svg)

    @property
    def style(self) -> Style:
        """The colours and words in use."""
        return self._style

    def png(
        self, slug: str, outcome: str | None = None, *, lang: str = "en", size: int = DEFAULT_SIZE
    ) -> bytes:
        """The PNG badge of a competence (optionally at an outcome level) or a role.

        Args:
            slug: A competence or role slug.
            outcome: An outcome level slug (competences only), or None.
            lang: The language of the label.
            size: Width and height in pixels, :data:`MIN_SIZE` to :data:`MAX_SIZE`.

        Raises:
            UnknownAchievementError: No such competence or role.
            UnknownScaleError: An outcome for a role.
            UnknownLevelError: No such outcome level.
            UnsupportedLanguageError: Not a catalogue language.
            ImageSizeError: ``size`` out of range.
        """
        if not MIN_SIZE <= size <= MAX_SIZE:
            msg = f"image size must be between {MIN_SIZE} and {MAX_SIZE} pixels, not {size}"
            raise ImageSizeError(msg)
        return self._png(slug, outcome, lang, size)

    def svg(self, slug: str, outcome: str | None = None, *, lang: str = "en") -> bytes:
        """The SVG badge (UTF-8), the same design as :meth:`png`; raises as :meth:`png`."""
        return self._svg(slug, outcome, lang)

    def alt_text(self, slug: str, outcome: str | None = None, *, lang: str = "en") -> str:
        """The alt text of a badge in ``lang``; raises as :meth:`png`."""
        with _RENDER_LOCK:
            return self._layout(slug, outcome, lang).alt

    def _layout(self, slug: str, outcome: str | None, lang: str) -> _Design:
        definition = self._catalogue.get(slug)
        check_language(lang)
        cluster = None
        if definition.cluster is not None:
            cluster = self._catalogue.cluster(definition.cluster)
        scale = None
        if outcome is not None:
            if definition.kind != "competence":
                msg = f"{slug!r} is a {definition.kind}; it has no outcome levels"
                raise UnknownScaleError(msg)
            scale = self._catalogue.scale("outcome")
            scale.level(outcome)
        return _design(self._style, definition, lang, cluster=cluster, scale=scale, outcome=outcome)

    def _render_png(self, slug: str, outcome: str | None, lang: str, size: int) -> bytes:
        with _RENDER_LOCK:
            return _png(self._layout(slug, outcome, lang), size)

    def _render_svg(self, slug: str, outcome: str | None, lang: str) -> bytes:
        with _RENDER_LOCK:
            return _svg(self._layout(slug, outcome, lang))
