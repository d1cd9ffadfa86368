"""The public site: the credential page employers see, the holder's page, the human verifier.

Compose it with :func:`template_config` (Jinja2, autoescaping on, templates compiled once) and
:func:`site_dependencies` (the ``site`` dependency every handler of :data:`ROUTES` takes)::

    Litestar(route_handlers=[*ROUTES, ...], template_config=template_config(),
             dependencies={**site_dependencies(PublicSite(registry, verifier)), ...})
"""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from litestar.di import Provide
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig

from app.public._catalogue import (
    achievement_page,
    catalogue_page,
    home_page,
    not_found_handler,
    wants_html,
)
from app.public.http import CSP, ROUTES
from app.public.site import PublicSite
from app.public.upload import UnreadableBadgeImageError

__all__ = [
    "CSP",
    "ROUTES",
    "TEMPLATES",
    "PublicSite",
    "UnreadableBadgeImageError",
    "achievement_page",
    "catalogue_page",
    "home_page",
    "not_found_handler",
    "site_dependencies",
    "template_config",
    "wants_html",
]

TEMPLATES = (
    "base.html",
    "credential.html",
    "verify.html",
    "holder.html",
    "not_found.html",
    "home.html",
    "catalogue.html",
    "achievement.html",
    "page_not_found.html",
)
"""Every page template (compiled when the template config is built)."""


def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("app.public", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        auto_reload=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    for name in TEMPLATES:
        environment.get_template(name)  # compile once, now, not on the first request
    return environment


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    """The application's template config: our Jinja2 environment, autoescaping everything."""
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(_environment()))


def site_dependencies(site: PublicSite) -> dict[str, Provide]:
    """The ``site`` dependency of the public handlers."""

    def provide_site() -> PublicSite:
        return site

    return {"site": Provide(provide_site, sync_to_thread=False)}
