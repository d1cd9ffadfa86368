"""The pages a person reaches first: the landing page, the catalogue, one page per competence and
role, and the 404 page of any unknown address (issue 12 item 14).

The routes (``/``, ``/achievements``, ``/achievements/{slug}``) are composed in ``app/asgi.py``:
each answers JSON to JSON clients exactly as before and, when the client prefers ``text/html``
(a browser), one of these pages, in the viewer's language (``?lang=`` or ``Accept-Language``).
Every label of a scale or level comes from the catalogue (the one source of truth, item 12).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

from babel.units import format_unit
from litestar import Request, Response
from litestar.exceptions import HTTPException, NotFoundException

from app.public._render import page_language, render
from app.public.i18n import messages
from app.public.site import PublicSite
from app.public.views import eqf_of
from badge_classes import Catalogue
from badge_classes.artwork import image_url
from badge_classes.model import AchievementDefinition

__all__ = [
    "achievement_page",
    "catalogue_page",
    "home_page",
    "not_found_handler",
    "wants_html",
]

_NEGOTIATED: Final = ["application/json", "application/ld+json", "text/html"]
"""What the catalogue routes offer; JSON first, so ``*/*`` and no ``Accept`` stay JSON."""


def wants_html(request: Request[Any, Any, Any]) -> bool:
    """Whether the client prefers an HTML page (a browser) to JSON."""
    return request.accept.best_match(_NEGOTIATED) == "text/html"


@dataclass(frozen=True)
class _Entry:
    """One competence or role in a list: its page, name, description and badge."""

    slug: str
    name: str
    description: str
    image: str


@dataclass(frozen=True)
class _Group:
    """A cluster of competences, or the roles."""

    name: str
    description: str
    entries: tuple[_Entry, ...]


@dataclass(frozen=True)
class _LevelRow:
    name: str
    description: str
    eqf: str | None


@dataclass(frozen=True)
class _ScaleView:
    name: str
    description: str
    levels: tuple[_LevelRow, ...]


def _image(site: PublicSite, slug: str, lang: str) -> str:
    return image_url(site.base_url, slug, lang=lang).removeprefix(site.base_url)


def _entry(site: PublicSite, definition: AchievementDefinition, lang: str) -> _Entry:
    return _Entry(
        definition.slug,
        definition.name(lang),
        definition.description(lang),
        _image(site, definition.slug, lang),
    )


def _groups(site: PublicSite, lang: str) -> tuple[_Group, ...]:
    catalogue = site.registry.catalogue
    definitions = catalogue.definitions()
    groups = [
        _Group(
            cluster.name(lang),
            cluster.description(lang),
            tuple(_entry(site, d, lang) for d in definitions if d.cluster == cluster.slug),
        )
        for cluster in catalogue.clusters
    ]
    t = messages(lang)
    roles = tuple(_entry(site, d, lang) for d in definitions if d.kind == "role")
    groups.append(_Group(t.roles_heading, t.roles_intro, roles))
    return tuple(group for group in groups if group.entries)


def _scales(catalogue: Catalogue, lang: str) -> tuple[_ScaleView, ...]:
    views = []
    for scale in catalogue.scales:
        rows = []
        for level in scale.levels:
            rows.append(_LevelRow(level.name(lang), level.description(lang), eqf_of(level)))
        views.append(_ScaleView(scale.name(lang), scale.description(lang), tuple(rows)))
    return tuple(views)


def _years(count: int, lang: str) -> str:
    """``count`` years in ``lang``, plural rules included (CLDR via Babel): "3 lata", "5 lat".

    Babel 2.18 has no long pattern for Italian and echoes the unit's id; the short form
    ("3 anni") is then used."""
    text = format_unit(count, "duration-year", length="long", locale=lang)
    if "duration-year" in text:
        text = format_unit(count, "duration-year", length="short", locale=lang)
    return text


def _page(
    request: Request[Any, Any, Any],
    site: PublicSite,
    template: str,
    lang: str,
    *,
    status: int = 200,
    **context: Any,
) -> Response[bytes]:
    response = render(request, site, template, lang, status=status, **context)
    # The same address answers JSON to other clients: caches must keep them apart.
    response.headers["Cache-Control"] = "public, max-age=300" if status == 200 else "no-cache"
    return response


def home_page(
    request: Request[Any, Any, Any], site: PublicSite, lang: str | None
) -> Response[bytes]:
    """The landing page: what this service is, verify a credential, the catalogue."""
    return _page(request, site, "home.html", page_language(request, lang))


def catalogue_page(
    request: Request[Any, Any, Any], site: PublicSite, lang: str | None
) -> Response[bytes]:
    """The catalogue: every competence by cluster, the roles, and the two scales."""
    language = page_language(request, lang)
    return _page(
        request,
        site,
        "catalogue.html",
        language,
        groups=_groups(site, language),
        scales=_scales(site.registry.catalogue, language),
    )


def achievement_page(
    request: Request[Any, Any, Any], site: PublicSite, slug: str, lang: str | None
) -> Response[bytes]:
    """One competence or role: what it certifies, its indicators and, for a competence, the
    levels it is certified at (a 404 page for an unknown slug)."""
    language = page_language(request, lang)
    catalogue = site.registry.catalogue
    try:
        definition = catalogue.get(slug)
    except LookupError:
        return page_not_found(request, site, language)
    t = messages(language)
    cluster = None
    if definition.cluster is not None:
        found = catalogue.cluster(definition.cluster)
        cluster = (found.name(language), found.description(language))
    return _page(
        request,
        site,
        "achievement.html",
        language,
        entry=_entry(site, definition, language),
        kind=t.role if definition.kind == "role" else t.competence,
        cluster=cluster,
        indicators=definition.indicators(language),
        scales=_scales(catalogue, language) if definition.kind == "competence" else (),
        valid_years=(
            _years(definition.default_valid_years, language)
            if definition.default_valid_years
            else None
        ),
        url=f"{site.base_url}/achievements/{definition.slug}",
    )


def page_not_found(request: Request[Any, Any, Any], site: PublicSite, lang: str) -> Response[bytes]:
    """The readable 404 page of an address this service does not have."""
    return _page(request, site, "page_not_found.html", lang, status=404)


def not_found_handler(
    site: PublicSite,
) -> Callable[[Request[Any, Any, Any], NotFoundException], Response[Any]]:
    """The application's handler of "no such route": a browser (``text/html`` preferred) gets
    a readable page in its language; any other client the problem it got before (the handler
    the problem plugin registered for HTTP errors, so the bytes are the same)."""

    def handle(request: Request[Any, Any, Any], exc: NotFoundException) -> Response[Any]:
        if request.method in ("GET", "HEAD") and wants_html(request):
            query = request.query_params.get("lang")
            return page_not_found(request, site, page_language(request, query))
        problem = request.app.exception_handlers[HTTPException]
        response: Response[Any] = problem(request, exc)
        return response

    return handle
