"""The web application: one factory, one settings object.

``create_app()`` builds the Litestar app from :class:`Settings` (read from ``LEVERUP_*`` when
not given). The HTTP API lives in :mod:`app.api`, the pages in :mod:`app.public`; this module only
composes them.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

import anyio.to_thread
from litestar import Litestar, MediaType, Request, get
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotFoundException
from litestar.middleware import DefineMiddleware
from litestar.middleware.rate_limit import RateLimitConfig
from litestar.params import FromPath, FromQuery
from litestar.response import Response
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app import api, http_media, public
from app.api._canonical import canonical_credential_path
from app.context import LocalServices
from app.http_headers import security_headers
from app.http_limits import BodyReader
from app.openapi import openapi_config, problems, schema_asset
from app.problems import INTERNAL_ERROR_HANDLERS, problem_plugin
from badge_classes import UnknownAchievementError, UnsupportedLanguageError
from common.errors import InvalidInputError, NotFoundError
from common.settings import Settings, load_settings
from keys.errors import KeyNotFoundError
from registry import background
from registry.db import probe_engine
from registry.orgs.keystore import DbKeyStore

__all__ = ["MAX_BODY_BYTES", "create_app"]

log = logging.getLogger("leverup")

MAX_BODY_BYTES = 1_000_000
"""Largest request body accepted (413 beyond it); a credential is a few kilobytes."""

JSON_LD = "application/ld+json"

Services = NamedDependency[LocalServices]
"""Handlers receive the process's services by this explicit, named dependency."""


HEALTH_TIMEOUT_SECONDS = 2.0
"""The health check answers 503 rather than wait longer than this for the database."""

_HEALTH_THREADS = anyio.CapacityLimiter(2)
"""The health check's own worker threads: never queued behind the requests' threads."""


def _unhealthy(slug: str, title: str, detail: str) -> Response[Any]:
    return Response(
        {"type": f"urn:leverup:problem:{slug}", "title": title, "status": 503, "detail": detail},
        status_code=503,
        media_type="application/problem+json",
        headers={"Cache-Control": "no-store"},
    )


def _keys_open(services: LocalServices, probe: Engine) -> None:
    """Raise unless the master secret opens the keys: the registry's oldest signing key and
    the local issuer's active one (whichever exist)."""
    with Session(probe) as session:
        DbKeyStore(session, services.registry.master).check_opens()
    with contextlib.suppress(KeyNotFoundError):  # no local key yet: nothing to open
        services.store.signing_key(services.issuer_did)


@get("/health", tags=["service"], responses=problems(503, limited=False))
async def health(services: Services, probe: NamedDependency[Engine]) -> Response[Any]:
    """200 when the service answers, its database answers and its key store opens; 503 (a
    problem) otherwise.

    It has a path of its own (issue 12, item 26): its own threads and its own connection pool
    (``probe``), outside the rate limit and the write queue, so it answers while writes queue.
    A wrong master secret (no key decrypts) is unhealthy too (item 36): the service could sign
    nothing. The answer never says why beyond that; the log does.
    """

    def ping() -> None:
        with probe.connect() as connection:
            connection.exec_driver_sql("SELECT 1")

    try:
        with anyio.fail_after(HEALTH_TIMEOUT_SECONDS):
            await anyio.to_thread.run_sync(ping, limiter=_HEALTH_THREADS, abandon_on_cancel=True)
    except Exception:
        return _unhealthy(
            "database-unavailable",
            "The database does not answer",
            "The service is up but its database does not answer.",
        )
    try:
        with anyio.fail_after(HEALTH_TIMEOUT_SECONDS):
            await anyio.to_thread.run_sync(
                _keys_open, services, probe, limiter=_HEALTH_THREADS, abandon_on_cancel=True
            )
    except Exception as exc:
        log.error("health: the signing keys cannot be opened: %s", exc)
        return _unhealthy(
            "key-store-unavailable",
            "The signing keys cannot be opened",
            "The service is up but cannot open its signing keys.",
        )
    return Response(
        {"status": "ok", "database": "ok", "keys": "ok"},
        media_type=MediaType.JSON,
        headers={"Cache-Control": "no-store"},
    )


SiteDep = NamedDependency[public.PublicSite]
"""The public site (pages), for the routes that answer a browser with a page."""

_NEGOTIATED = {"Vary": "Accept, Accept-Language"}
"""The same address answers a browser with a page (in its language): caches keep them apart."""


def _index_document(services: LocalServices) -> dict[str, Any]:
    base = services.settings.base_url
    return {
        "service": "LEVER UP Badges",
        "issuer": services.issuer_did,
        "links": {
            "achievements": f"{base}/achievements",
            "didDocument": f"{base}/.well-known/did.json",
            "verify": f"{base}/api/v1/verify",
            "verifyPage": f"{base}/verify",
            "openapi": f"{base}/schema",
            "health": f"{base}/health",
        },
    }


@get("/", sync_to_thread=False, tags=["service"], responses=problems(400))
def index(
    request: Request[Any, Any, Any],
    services: Services,
    site: SiteDep,
    lang: FromQuery[str | None] = None,
) -> Response[Any]:
    """What this service is, and where things are: JSON, or for a browser (``text/html``
    preferred) the landing page in its language."""
    if public.wants_html(request):
        return public.home_page(request, site, lang)
    return Response(_index_document(services), media_type=MediaType.JSON, headers=_NEGOTIATED)


@get("/achievements", sync_to_thread=False, tags=["catalogue"], responses=problems(400, 422))
def list_achievements(
    request: Request[Any, Any, Any],
    services: Services,
    site: SiteDep,
    lang: FromQuery[str | None] = None,
) -> Response[Any]:
    """Every LEVER achievement (15 competences, 3 roles) as an OB 3.0 Achievement; for a
    browser, the catalogue page."""
    if public.wants_html(request):
        return public.catalogue_page(request, site, lang)
    catalogue = services.catalogue
    language = "en" if lang is None else lang
    try:
        achievements = [
            catalogue.achievement(slug, base_url=services.settings.base_url, lang=language)
            for slug in catalogue.slugs()
        ]
    except UnsupportedLanguageError as exc:
        raise InvalidInputError(f"unsupported language {lang!r}") from exc
    return Response(achievements, media_type=MediaType.JSON, headers=_NEGOTIATED)


@get(
    "/achievements/{slug:str}",
    sync_to_thread=False,
    tags=["catalogue"],
    responses=problems(400, 404, 422),
)
def get_achievement(
    request: Request[Any, Any, Any],
    services: Services,
    site: SiteDep,
    slug: FromPath[str],
    lang: FromQuery[str | None] = None,
) -> Response[Any]:
    """One achievement, as a JSON-LD document (its ``id`` is this URL); for a browser, its
    page."""
    if public.wants_html(request):
        return public.achievement_page(request, site, slug, lang)
    language = "en" if lang is None else lang
    try:
        achievement = services.catalogue.achievement(
            slug, base_url=services.settings.base_url, lang=language
        )
    except UnknownAchievementError as exc:
        raise NotFoundError(f"no achievement {slug!r}") from exc
    except UnsupportedLanguageError as exc:
        raise InvalidInputError(f"unsupported language {lang!r}") from exc
    document = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        **achievement,
    }
    return Response(
        document,
        media_type=JSON_LD,
        headers={"Cache-Control": "public, max-age=3600", **_NEGOTIATED},
    )


@get("/.well-known/did.json", sync_to_thread=False, tags=["keys"], responses=problems(404))
def did_document(services: Services) -> Response[Any]:
    """The local issuer's did:web DID document (every key, retired ones too)."""
    document = services.did_document()
    if document is None:
        raise NotFoundError("the local issuer has no key yet")
    return Response(document, media_type="application/did+ld+json")


def create_app(settings: Settings | None = None, services: LocalServices | None = None) -> Litestar:
    """Build the application.

    Args:
        settings: the settings; read from ``LEVERUP_*`` when omitted.
        services: pre-built services (tests); built from ``settings`` when omitted.
    """
    settings = settings or (services.settings if services else load_settings())
    services = services or LocalServices(settings)

    def provide_services() -> LocalServices:
        return services

    def on_startup() -> None:
        services.ensure_issuer_key()

    registry = services.registry  # opens the database and applies pending migrations
    site = public.PublicSite(registry, services.verifier)
    probe = probe_engine(registry.engine)

    def provide_probe() -> Engine:
        return probe

    middleware: list[Any] = []
    if settings.rate_limit_per_minute:
        # Per client address (catalogue H14); the health check stays outside the limit.
        middleware.append(
            RateLimitConfig(
                rate_limit=("minute", settings.rate_limit_per_minute), exclude=["/health"]
            ).middleware
        )
    # Every body is read in full, bounded in size and time, before any handler or database
    # work (issue 12, item 25).
    middleware.append(DefineMiddleware(BodyReader, timeout=settings.body_timeout_seconds))
    return Litestar(
        middleware=middleware,
        route_handlers=[
            index,
            health,
            list_achievements,
            get_achievement,
            did_document,
            # The public pages and verifiers (app.public) own GET /credentials/{uuid}.
            *public.ROUTES,
            # The API in its own order (app.api.ROUTES: Litestar 2.25 wraps a sync handler twice
            # when a later handler joins its path, and the lifecycle routes share paths).
            *api.ROUTES,
            *http_media.ROUTES,
            schema_asset,
        ],
        dependencies={
            "services": Provide(provide_services, sync_to_thread=False),
            "probe": Provide(provide_probe, sync_to_thread=False),
            **api.registry_dependencies(registry),
            **public.site_dependencies(site),
        },
        template_config=public.template_config(),
        plugins=[problem_plugin()],
        # Unknown addresses: a readable page for browsers, the problem for everyone else.
        exception_handlers={
            **INTERNAL_ERROR_HANDLERS,  # type: ignore[dict-item]
            NotFoundException: public.not_found_handler(site),
        },
        on_startup=[on_startup],
        # Re-signs status lists whose publication is pending, purges expired idempotency keys
        # (LEVERUP_STATUS_REPUBLISH_SECONDS; 0 turns it off).
        lifespan=[background.lifespan(registry)],
        on_shutdown=[registry.engine.dispose, probe.dispose],
        request_max_body_size=MAX_BODY_BYTES,
        # A credential's uuid in one spelling only: others are 404 (issue 12, item 38).
        guards=[canonical_credential_path],
        # nosniff everywhere, no-store on the API, CSP and no framing for the docs (item 35).
        before_send=[security_headers],
        multipart_form_part_limit=10,
        openapi_config=openapi_config(
            description="Open Badges 3.0 credentials for LEVER UP competences: issue, store, "
            "revoke, suspend, renew and verify. Authorize with an organisation's API token "
            "(Bearer). Every error is an RFC 9457 problem with a stable `type` "
            "(urn:leverup:problem:…)."
        ),
        debug=False,
    )
