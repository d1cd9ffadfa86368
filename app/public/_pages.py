"""The credential's public copy (bytes or page), its stylesheet, and the switch that hides it."""

from __future__ import annotations

from importlib import resources
from typing import Any, Final, cast
from urllib.parse import quote
from uuid import UUID

import anyio.to_thread
from litestar import MediaType, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.exceptions import ClientException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect
from litestar.response.base import ASGIResponse
from litestar.types import ASGIApp
from sqlmodel import Session

from app.http_support import matches_etag
from app.openapi import BEARER, problems
from app.public._render import (
    SiteDep,
    cached_page_response,
    credential_context,
    html_response,
    loaded_claims,
    loaded_linkedin,
    not_found_page,
    page_language,
    render,
    render_html,
)
from app.public.site import LOOP_READ_ERRORS, Loaded, PublicSite
from registry.context import Registry
from registry.credentials.holder import HolderService, holder_key, token_matches
from registry.db import session_scope
from registry.errors import CredentialNotFoundError
from registry.orgs.access import Principal, require
from registry.status import etag_of

__all__ = [
    "hide_credential",
    "holder_change",
    "holder_page",
    "public_credential",
    "show_credential",
    "stylesheet",
]

RegistryDep = NamedDependency[Registry]
SessionDep = NamedDependency[Session]
PrincipalDep = NamedDependency[Principal]

_JSON_TYPES: Final = ["application/json", "application/vc+ld+json", "application/ld+json"]
_OFFERED: Final = [*_JSON_TYPES, "text/html"]

# --------------------------------------------------------------------------------------------
# the public credential


@get("/credentials/{credential_ref:str}", tags=["credentials"], responses=problems(400, 404, 406))
async def public_credential(
    request: Request[Any, Any, Any],
    site: SiteDep,
    credential_ref: FromPath[str],
    lang: FromQuery[str | None] = None,
) -> ASGIApp:
    """The credential: its signed bytes for machines, its verified page for browsers.

    ``/credentials/{uuid}.json`` is always ``application/json``; otherwise ``Accept`` chooses
    among ``application/json`` (the default), ``application/vc+ld+json``,
    ``application/ld+json`` and ``text/html`` (406 for anything else).
    """
    download = credential_ref.endswith(".json")
    wanted = credential_ref.removesuffix(".json")
    media = "application/json"
    if not download:
        chosen = request.accept.best_match(_OFFERED)
        if chosen is None:
            raise ClientException(
                status_code=406,
                detail=f"this credential is available as {', '.join(_OFFERED)}",
            )
        media = chosen
    # Annotated ASGIApp so that Litestar takes either a Response or a ready ASGIResponse (a
    # cached page with its headers encoded once); it dispatches on the value at run time.
    if media == "text/html":
        page = await _page(request, site, wanted, page_language(request, lang))
        return cast("ASGIApp", page)
    loaded = await anyio.to_thread.run_sync(lambda: site.load(wanted))
    return cast("ASGIApp", _signed(request, loaded, media, download))


async def _page(
    request: Request[Any, Any, Any], site: PublicSite, wanted: str, language: str
) -> Response[bytes] | ASGIResponse:
    """The page: from the page cache while the registry reports the state it shows, else
    loaded, verified (cached), rendered and kept."""

    def cached() -> bytes | None:
        try:
            key, state = site.state(wanted)
        except LOOP_READ_ERRORS:
            if not site.inline_state:
                raise
            return None  # SQLite busy for the loop's short read: the worker thread reads
        hit = site.pages.get((key, language), site.now())
        return hit[1] if hit is not None and hit[0] == state else None

    def fresh() -> tuple[Loaded, dict[str, Any]]:
        loaded = site.load(wanted)
        return loaded, credential_context(site, loaded, language)

    try:
        body = cached() if site.inline_state else await anyio.to_thread.run_sync(cached)
        if body is not None:
            return cached_page_response(body)
        loaded, context = await anyio.to_thread.run_sync(fresh)
    except CredentialNotFoundError:
        return not_found_page(request, site, language)
    body = render_html(request, site, "credential.html", language, **context)
    entry = (site.page_state(loaded), body)
    site.pages.put((loaded.record.id, language), entry, site.fresh_until(loaded))
    return html_response(body)


def _signed(
    request: Request[Any, Any, Any], loaded: Loaded, media: str, download: bool
) -> Response[bytes]:
    etag = etag_of(loaded.signed)
    headers = {
        "ETag": etag,
        "Cache-Control": "no-cache",
        "Vary": "Accept",
        "Access-Control-Allow-Origin": "*",
        "X-Content-Type-Options": "nosniff",
    }
    if download:
        headers["Content-Disposition"] = f'inline; filename="{loaded.record.id}.json"'
    if matches_etag(request.headers.get("if-none-match"), etag):
        return Response(b"", status_code=304, headers=headers)
    return Response(loaded.signed, media_type=media, headers=headers)


@get("/assets/public.css", tags=["pages"], include_in_schema=False)
async def stylesheet() -> Response[bytes]:
    """The pages' only stylesheet (self-hosted: the CSP allows nothing else)."""
    return Response(
        _STYLESHEET,
        media_type="text/css",  # Litestar adds "; charset=utf-8" to text types itself
        headers={"Cache-Control": "public, max-age=86400", "X-Content-Type-Options": "nosniff"},
    )


_STYLESHEET: Final = resources.files("app.public").joinpath("static", "public.css").read_bytes()


# --------------------------------------------------------------------------------------------
# the holder's page


def _holder_context(site: PublicSite, loaded: Loaded, lang: str, key: str) -> dict[str, Any]:
    record = loaded.record
    claims = loaded_claims(site, loaded, lang, image="")
    return {
        "uuid": record.id,
        "name": claims.name,
        "hidden": record.hidden,
        "key": key,
        # Nothing to share while revoked or suspended (item 9).
        "linkedin": loaded_linkedin(site, loaded, claims.name)
        if record.status == "active"
        else None,
    }


def _holder_load(site: PublicSite, ref: str, key: str | None) -> Loaded:
    """The credential if ``key`` is its holder key (else "not found", like an unknown id)."""
    loaded = site.load(ref, include_hidden=True)
    if not token_matches(holder_key(site.registry), loaded.record.id, key):
        raise CredentialNotFoundError(f"no credential {loaded.record.id}")
    return loaded


@get("/credentials/{credential_ref:str}/holder", tags=["pages"], include_in_schema=False)
async def holder_page(
    request: Request[Any, Any, Any],
    site: SiteDep,
    credential_ref: FromPath[str],
    key: FromQuery[str | None] = None,
    lang: FromQuery[str | None] = None,
) -> Response[bytes]:
    """The holder's page: hide or show the public page (needs the holder link's key)."""
    language = page_language(request, lang)
    try:
        loaded = await anyio.to_thread.run_sync(lambda: _holder_load(site, credential_ref, key))
    except CredentialNotFoundError:
        return not_found_page(request, site, language)
    context = _holder_context(site, loaded, language, key or "")
    response = render(
        request,
        site,
        "holder.html",
        language,
        lang_query=f"key={quote(key or '', safe='')}&",
        **context,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@post(
    "/credentials/{credential_ref:str}/holder",
    tags=["pages"],
    include_in_schema=False,
    status_code=303,
    request_max_body_size=4096,
)
async def holder_change(
    request: Request[Any, Any, Any], site: SiteDep, credential_ref: FromPath[str]
) -> Response[Any]:
    """Hide or show the public page (form: ``key``, ``action`` = hide|show, ``lang``).

    No cookie is involved: the key in the form body is the authority, so a cross-site form
    cannot act without knowing it.
    """
    form = await request.form()
    key, action = form.get("key"), form.get("action")
    wanted = form.get("lang")
    language = page_language(request, wanted if isinstance(wanted, str) else None)
    if not isinstance(key, str) or action not in ("hide", "show"):
        return not_found_page(request, site, language)

    def change() -> str:
        loaded = _holder_load(site, credential_ref, key)
        with session_scope(site.registry.engine) as session:
            HolderService(site.registry, session).set_hidden(loaded.record.id, action == "hide")
        return loaded.record.id

    try:
        uuid = await anyio.to_thread.run_sync(change)
    except CredentialNotFoundError:
        return not_found_page(request, site, language)
    target = f"/credentials/{uuid}/holder?key={quote(key, safe='')}&lang={language}"
    return Redirect(target, status_code=303, headers={"Cache-Control": "no-store"})


# --------------------------------------------------------------------------------------------
# the organisation's switch


async def _set_hidden(
    registry: Registry, session: Session, principal: Principal, credential_id: UUID, hidden: bool
) -> Response[Any]:
    require(principal, "assessor")

    def work() -> bool:
        record = HolderService(registry, session).set_hidden(
            str(credential_id), hidden, actor=principal.actor, org_id=principal.org_id
        )
        return record.hidden

    state = await anyio.to_thread.run_sync(work)
    return Response(
        {"id": str(credential_id), "hidden": state},
        media_type=MediaType.JSON,
        headers={"Cache-Control": "no-store"},
    )


@post(
    "/api/v1/credentials/{credential_id:uuid}/hide",
    status_code=200,
    tags=["credentials"],
    security=BEARER,
    responses=problems(400, 401, 403, 404),
)
async def hide_credential(
    registry: RegistryDep,
    session: SessionDep,
    principal: PrincipalDep,
    credential_id: FromPath[UUID],
) -> Response[Any]:
    """Hide the public page of one of the organisation's credentials (assessor or admin)."""
    return await _set_hidden(registry, session, principal, credential_id, True)


@post(
    "/api/v1/credentials/{credential_id:uuid}/show",
    status_code=200,
    tags=["credentials"],
    security=BEARER,
    responses=problems(400, 401, 403, 404),
)
async def show_credential(
    registry: RegistryDep,
    session: SessionDep,
    principal: PrincipalDep,
    credential_id: FromPath[UUID],
) -> Response[Any]:
    """Show again the public page of one of the organisation's credentials (assessor or admin)."""
    return await _set_hidden(registry, session, principal, credential_id, False)
