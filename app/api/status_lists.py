"""HTTP API of status lists.

``GET /orgs/{slug}/status/revocation/{seq}`` (public): the signed list credential exactly as
stored (``application/vc+ld+json``), with a strong ``ETag`` (``If-None-Match`` → 304) and
``Cache-Control: public, max-age=LEVERUP_STATUS_LIST_MAX_AGE``; who fetches is not logged. When
the list's publication is pending (J9) a re-signature is attempted first; until one works the
last signed list is served.
"""

from __future__ import annotations

from typing import Any, Final

from litestar import Request, Response, get
from litestar.params import FromPath

from app.api.deps import RegistryDep, SessionDep
from app.http_support import matches_etag
from app.openapi import problems
from registry.errors import StatusListNotFoundError
from registry.status import REVOCATION, StatusListService, parse_seq, republish

__all__ = ["LIST_MEDIA_TYPE", "ROUTES"]

LIST_MEDIA_TYPE: Final = "application/vc+ld+json"
"""Media type of a status list credential (Bitstring Status List §Media Types)."""


@get(
    "/orgs/{slug:str}/status/revocation/{seq:str}",
    sync_to_thread=True,
    tags=["status"],
    responses=problems(400, 404, 503),
)
def status_list(
    request: Request[Any, Any, Any],
    registry: RegistryDep,
    session: SessionDep,
    slug: FromPath[str],
    seq: FromPath[str],
) -> Response[bytes]:
    """A signed Bitstring Status List credential of an organisation (public, cacheable)."""
    number = parse_seq(seq)
    if number is None:
        raise StatusListNotFoundError(f"no status list {seq!r:.20} of {slug!r:.70}")
    service = StatusListService(registry, session)
    signed, etag, lagging = service.published_list(slug, REVOCATION, number)
    if lagging:
        # Publication pending (J9): try to re-sign now, in a transaction of its own; until it
        # works the last signed list is served, never an unsigned one.
        fresh = republish(registry, slug, REVOCATION, number)
        if fresh is not None:
            signed, etag = fresh
    headers = {
        "ETag": etag,
        "Cache-Control": f"public, max-age={registry.settings.status_list_max_age}",
    }
    if matches_etag(request.headers.get("if-none-match"), etag):
        return Response(b"", status_code=304, headers=headers)
    return Response(signed, media_type=LIST_MEDIA_TYPE, headers=headers)


ROUTES: Final[list[Any]] = [status_list]
"""The route handlers of this module."""
