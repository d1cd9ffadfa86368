"""Badge artwork: every badge renders, deterministically, legibly, safely, in PNG and SVG."""

from __future__ import annotations

import io
import math
import struct
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageFont

from badge_classes import (
    LANGUAGES,
    Catalogue,
    CatalogueDataError,
    UnknownAchievementError,
    UnknownLevelError,
    UnknownScaleError,
    UnsupportedLanguageError,
)
from badge_classes import artwork as artwork_module
from badge_classes.artwork import (
    FONT_FILE,
    MAX_SIZE,
    MIN_SIZE,
    TEXT_COLOUR,
    Artwork,
    ImageSizeError,
    contrast_ratio,
    load_style,
)
from common.baking import bake_png, bake_svg, unbake_png, unbake_svg

SVG_NS = "{http://www.w3.org/2000/svg}"
CATALOGUE = Catalogue.load()
COMPETENCES = [d.slug for d in CATALOGUE.definitions() if d.kind == "competence"]
ROLES = [d.slug for d in CATALOGUE.definitions() if d.kind == "role"]
OUTCOMES = CATALOGUE.scale("outcome").level_slugs()
BADGES: list[tuple[str, str | None]] = [
    *[(slug, outcome) for slug in COMPETENCES for outcome in OUTCOMES],
    *[(slug, None) for slug in COMPETENCES],
    *[(slug, None) for slug in ROLES],
]
"""Every badge: each competence at each outcome level, each competence alone, each role."""
INNER_RING = 228 - 3
"""Radius of the inside edge of the white ring (the design grid is 512 x 512)."""


@pytest.fixture(scope="module")
def artwork() -> Artwork:
    """A renderer of the shipped catalogue."""
    return Artwork(CATALOGUE)


def _chunks(png: bytes) -> Iterator[bytes]:
    """The chunk types of a PNG file, in order."""
    offset = 8
    while offset < len(png):
        (length,) = struct.unpack(">I", png[offset : offset + 4])
        yield png[offset + 4 : offset + 8]
        offset += 12 + length


def _svg_root(svg: bytes) -> ET.Element:
    return ET.fromstring(svg)


def _texts(svg: bytes) -> list[ET.Element]:
    return list(_svg_root(svg).iter(f"{SVG_NS}text"))


class TestRendering:
    """Every competence x outcome level, competence and role renders as PNG and SVG."""

    @pytest.mark.parametrize(("slug", "outcome"), BADGES)
    def test_every_badge_renders_as_png(
        self, artwork: Artwork, slug: str, outcome: str | None
    ) -> None:
        """A 512 x 512 RGBA PNG with a transparent corner and the badge colour on its disc."""
        image = Image.open(io.BytesIO(artwork.png(slug, outcome)))
        assert image.format == "PNG"
        assert image.size == (512, 512)
        assert image.mode == "RGBA"
        assert image.getpixel((2, 2)) == (0, 0, 0, 0)
        colour = load_style().colour_of(CATALOGUE.get(slug))
        expected = (*(int(colour[i : i + 2], 16) for i in (1, 3, 5)), 255)
        # Between the ring and the rim, straight above the centre: the badge colour.
        assert image.getpixel((256, 16)) == expected

    @pytest.mark.parametrize("lang", LANGUAGES)
    @pytest.mark.parametrize(("slug", "outcome"), BADGES)
    def test_every_badge_renders_as_svg_in_every_language(
        self, artwork: Artwork, slug: str, outcome: str | None, lang: str
    ) -> None:
        """Well-formed SVG whose title is the alt text and whose name is on the badge."""
        svg = artwork.svg(slug, outcome, lang=lang)
        root = _svg_root(svg)
        assert root.tag == f"{SVG_NS}svg"
        assert root.get("viewBox") == "0 0 512 512"
        title = root.find(f"{SVG_NS}title")
        assert title is not None
        assert title.text == artwork.alt_text(slug, outcome, lang=lang)
        drawn = " ".join(text.text or "" for text in _texts(svg)).lower()
        # A role's "LEVER UP" is the badge's header, not repeated in its label.
        name = CATALOGUE.get(slug).name(lang).replace("LEVER UP", " ").replace("-", " ")
        assert all(word.lower() in drawn for word in name.split())

    @pytest.mark.parametrize("size", [MIN_SIZE, 100, 256, MAX_SIZE])
    def test_png_has_the_requested_size(self, artwork: Artwork, size: int) -> None:
        """The PNG is exactly ``size`` pixels square."""
        image = Image.open(io.BytesIO(artwork.png("teamwork", "expert", size=size)))
        assert image.size == (size, size)

    def test_size_below_the_minimum_is_refused(self, artwork: Artwork) -> None:
        """A PNG smaller than 64 pixels is an invalid-input error."""
        with pytest.raises(ImageSizeError):
            artwork.png("teamwork", size=MIN_SIZE - 1)

    def test_size_above_the_maximum_is_refused(self, artwork: Artwork) -> None:
        """A PNG larger than 1024 pixels is refused (it would only cost memory)."""
        with pytest.raises(ImageSizeError):
            artwork.png("teamwork", size=MAX_SIZE + 1)

    def test_unknown_achievement_is_refused(self, artwork: Artwork) -> None:
        """No artwork for a slug outside the catalogue."""
        with pytest.raises(UnknownAchievementError):
            artwork.png("juggling")

    def test_unknown_outcome_is_refused(self, artwork: Artwork) -> None:
        """No artwork for a level that the outcome scale does not have."""
        with pytest.raises(UnknownLevelError):
            artwork.svg("teamwork", "grandmaster")

    def test_outcome_of_a_role_is_refused(self, artwork: Artwork) -> None:
        """A role has no outcome levels."""
        with pytest.raises(UnknownScaleError):
            artwork.png("tutor", "expert")

    def test_unknown_language_is_refused(self, artwork: Artwork) -> None:
        """Only catalogue languages label a badge."""
        with pytest.raises(UnsupportedLanguageError):
            artwork.svg("teamwork", lang="de")

    def test_missing_font_is_a_configuration_error(
        self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        """Package data left out of an install fails loudly, naming the font."""
        monkeypatch.setattr(artwork_module, "FONT_FILE", tmp_path / "missing.ttf")
        artwork_module._font.cache_clear()
        try:
            with pytest.raises(CatalogueDataError, match=r"missing\.ttf"):
                Artwork(CATALOGUE).svg("teamwork")
        finally:
            artwork_module._font.cache_clear()

    def test_levels_are_told_apart(self, artwork: Artwork) -> None:
        """Each outcome level gives a different image, with as many filled stars as its rank."""
        images = {artwork.png("empathy", outcome) for outcome in OUTCOMES}
        assert len(images) == len(OUTCOMES)
        for rank, outcome in enumerate(OUTCOMES, start=1):
            root = _svg_root(artwork.svg("empathy", outcome))
            stars = list(root.iter(f"{SVG_NS}polygon"))
            assert len(stars) == len(OUTCOMES)
            assert sum(star.get("fill") == TEXT_COLOUR for star in stars) == rank

    def test_languages_are_told_apart(self, artwork: Artwork) -> None:
        """The label follows the language."""
        assert artwork.png("teamwork", "basic", lang="pl") != artwork.png("teamwork", "basic")


class TestDeterminism:
    """The same input gives the same bytes, with nothing in the file that changes."""

    def test_two_renderers_give_identical_png(self) -> None:
        """Fresh renderers (no shared cache) produce byte-identical PNGs."""
        first = Artwork(CATALOGUE).png("organisation-planning", "accomplished", lang="da")
        second = Artwork(CATALOGUE).png("organisation-planning", "accomplished", lang="da")
        assert first == second

    def test_two_renderers_give_identical_svg(self) -> None:
        """Fresh renderers produce byte-identical SVGs."""
        first = Artwork(CATALOGUE).svg("leadership", "expert", lang="fr")
        assert first == Artwork(CATALOGUE).svg("leadership", "expert", lang="fr")

    def test_png_carries_no_text_or_time_chunk(self, artwork: Artwork) -> None:
        """Only IHDR, IDAT and IEND: no tIME, tEXt, zTXt, iTXt or other metadata."""
        chunks = set(_chunks(artwork.png("trainer")))
        assert chunks <= {b"IHDR", b"IDAT", b"IEND"}
        assert not chunks & {b"tIME", b"tEXt", b"zTXt", b"iTXt", b"eXIf"}


class TestLegibility:
    """Text is readable: enough contrast, every glyph in the font, nothing off the badge."""

    def test_every_colour_gives_white_text_aa_contrast(self) -> None:
        """WCAG 2.1 §1.4.3 AA: at least 4.5:1 between the white text and each badge colour."""
        for colour in load_style().all_colours():
            assert contrast_ratio(colour, TEXT_COLOUR) >= 4.5, colour

    def test_contrast_ratio_matches_wcag_reference_values(self) -> None:
        """Black on white is 21:1, a colour on itself 1:1, #777777 on white about 4.48:1."""
        assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
        assert contrast_ratio("#1B5E80", "#1B5E80") == pytest.approx(1.0)
        assert contrast_ratio("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)

    def test_font_covers_every_character_drawn(self, artwork: Artwork) -> None:
        """No label in any language falls back to the font's missing-glyph box (pl, da...)."""
        font = ImageFont.truetype(str(FONT_FILE), 40, layout_engine=ImageFont.Layout.BASIC)
        missing = bytes(font.getmask("\uffff"))
        characters = {
            char
            for slug, outcome in BADGES
            for lang in LANGUAGES
            for text in _texts(artwork.svg(slug, outcome, lang=lang))
            for char in text.text or ""
            if not char.isspace()
        }
        assert {"ł", "ę", "ż", "æ", "ø", "é"} <= characters
        assert sorted(c for c in characters if bytes(font.getmask(c)) == missing) == []

    @pytest.mark.parametrize("lang", LANGUAGES)
    def test_text_stays_inside_the_ring(self, artwork: Artwork, lang: str) -> None:
        """Every line of every badge fits inside the white ring (corners of its box)."""
        for slug, outcome in BADGES:
            for text in _texts(artwork.svg(slug, outcome, lang=lang)):
                width = float(text.get("textLength", "0"))
                size = float(text.get("font-size", "0"))
                baseline = float(text.get("y", "0"))
                for dx in (-width / 2, width / 2):
                    for y in (baseline - 0.76 * size, baseline + 0.24 * size):
                        distance = math.hypot(dx, y - 256)
                        assert distance < INNER_RING, (slug, outcome, lang, text.text)

    def test_alt_text_names_badge_and_level_in_each_language(self, artwork: Artwork) -> None:
        """The alt text holds the competence, the outcome level and its rank."""
        scale = CATALOGUE.scale("outcome")
        for lang in LANGUAGES:
            alt = artwork.alt_text("teamwork", "accomplished", lang=lang)
            assert CATALOGUE.get("teamwork").name(lang) in alt
            assert scale.level("accomplished").name(lang) in alt
            assert "2" in alt
            assert "3" in alt
        assert artwork.alt_text("teamwork", "accomplished") == (
            "LEVER UP badge: Teamwork \N{EN DASH} Outcome level: Accomplished (2 of 3)"
        )

    def test_alt_text_of_a_competence_names_its_cluster(self, artwork: Artwork) -> None:
        """Without a level, the alt text names the cluster."""
        assert artwork.alt_text("teamwork", lang="it") == (
            "Badge LEVER UP: Lavoro di squadra \N{EN DASH} Competenze sociali"
        )


class TestSvgSafety:
    """Our SVG is inert: no script, no event handler, no external reference (I8, I9)."""

    @pytest.mark.parametrize(("slug", "outcome"), BADGES)
    def test_svg_has_no_script_handler_or_reference(
        self, artwork: Artwork, slug: str, outcome: str | None
    ) -> None:
        """Only drawing elements; no attribute can run code or fetch anything."""
        svg = artwork.svg(slug, outcome, lang="pl")
        assert b"<!DOCTYPE" not in svg
        assert b"<!ENTITY" not in svg
        allowed = {"svg", "title", "circle", "polygon", "rect", "g", "text"}
        for element in _svg_root(svg).iter():
            assert element.tag.removeprefix(SVG_NS) in allowed, element.tag
            for name, value in element.attrib.items():
                assert not name.lower().startswith("on"), name
                assert "href" not in name.lower(), name
                assert "url(" not in value
                assert "javascript:" not in value.lower()

    def test_label_text_is_escaped(self, artwork: Artwork) -> None:
        """Names holding XML metacharacters ("&") stay text."""
        svg = artwork.svg("flexibility-adaptability")
        assert b"Flexibility &amp; Adaptability" in svg or b"&amp;" in svg
        _svg_root(svg)


class TestBaking:
    """The artwork carries a baked credential, which comes back byte for byte."""

    CREDENTIAL = b'{"@context":["https://www.w3.org/ns/credentials/v2"],"name":"A & <b>]]>"}'

    def test_png_bakes_and_unbakes(self, artwork: Artwork) -> None:
        """A baked PNG badge gives back the credential bytes."""
        baked = bake_png(artwork.png("empathy", "expert"), self.CREDENTIAL)
        assert unbake_png(baked) == self.CREDENTIAL

    def test_svg_bakes_and_unbakes(self, artwork: Artwork) -> None:
        """A baked SVG badge gives back the credential bytes and is still well-formed."""
        baked = bake_svg(artwork.svg("empathy", "expert"), self.CREDENTIAL)
        assert unbake_svg(baked) == self.CREDENTIAL
        _svg_root(baked)


class TestImageObjects:
    """The OB 3.0 Image objects of achievements point at this artwork."""

    BASE = "https://badges.example.org"

    def test_achievement_image(self) -> None:
        """An achievement's image is its PNG, captioned with the alt text of its language."""
        image = CATALOGUE.achievement("teamwork", base_url=self.BASE, lang="nl")["image"]
        assert image == {
            "id": f"{self.BASE}/achievements/teamwork/image.png?lang=nl",
            "type": "Image",
            "caption": Artwork(CATALOGUE).alt_text("teamwork", lang="nl"),
        }

    def test_english_image_url_has_no_query(self) -> None:
        """English is the default label: its URL carries no query."""
        image = CATALOGUE.image("tutor", base_url=self.BASE)
        assert image["id"] == f"{self.BASE}/achievements/tutor/image.png"

    def test_outcome_image(self) -> None:
        """A competence at an outcome level has its own image URL (a path, no query)."""
        image = CATALOGUE.image("teamwork", base_url=self.BASE, outcome="expert")
        assert image["id"] == f"{self.BASE}/achievements/teamwork/expert/image.png"
        assert image["caption"] == Artwork(CATALOGUE).alt_text("teamwork", "expert")

    def test_outcome_image_of_a_role_is_refused(self) -> None:
        """Roles have no outcome image."""
        with pytest.raises(UnknownScaleError):
            CATALOGUE.image("assessor", base_url=self.BASE, outcome="basic")

    def test_outcome_image_of_an_unknown_level_is_refused(self) -> None:
        """Only levels of the outcome scale have images."""
        with pytest.raises(UnknownLevelError):
            CATALOGUE.image("teamwork", base_url=self.BASE, outcome="high")
