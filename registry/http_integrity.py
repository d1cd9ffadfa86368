"""HTTP API of the integrity drills: key compromise (catalogue J13) and signed audit heads.

- ``POST /api/v1/keys/{key_id}/compromised`` (admin), optional body ``{"reissue": true}``: runs
  :class:`~registry.compromise.KeyCompromiseService` and answers its report (``keyId``,
  ``previousStatus``, ``newKeyId``, ``revoked``, ``reissued``, ``listsSigned``,
  ``publication``).
- ``GET /orgs/{slug}/audit-head`` (public): the organisation's audit head signed by its key
  (:mod:`registry.audit_head`); keep copies to detect deleted newest entries later.

Both are mounted with :data:`registry.http_orgs.ROUTES`.
"""

from __future__ import annotations

from typing import Any, Final

import msgspec
from litestar import Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, RawBody
from sqlmodel import Session

from common.errors import InvalidInputError
from registry.audit_head import signed_head
from registry.auth import Principal, require
from registry.compromise import CompromiseReport, KeyCompromiseService
from registry.context import Registry
from registry.errors import OrganisationNotFoundError, SigningKeyNotFoundError
from registry.orgs import OrganisationService, check_slug

__all__ = ["ROUTES", "CompromiseBody"]

RegistryDep = NamedDependency[Registry]
SessionDep = NamedDependency[Session]
PrincipalDep = NamedDependency[Principal]

_MAX_BODY: Final = 1024


class CompromiseBody(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Options of the drill: ``reissue`` the revoked credentials as new ones (default false)."""

    reissue: bool = False


@post(
    "/api/v1/keys/{key_id:str}/compromised",
    sync_to_thread=True,
    status_code=200,
    request_max_body_size=_MAX_BODY,
    tags=["keys"],
)
def compromise_key(
    registry: RegistryDep,
    session: SessionDep,
    principal: PrincipalDep,
    key_id: FromPath[str],
    body: RawBody,
) -> CompromiseReport:
    """Mark a key compromised (admin): revoke what it signed, drop it from the DID document,
    rotate if it was active, re-sign the status lists; ``{"reissue": true}`` re-issues."""
    require(principal, "admin")
    if len(key_id) > 32:
        raise SigningKeyNotFoundError(f"no key {key_id!r:.40}")
    try:
        options = msgspec.json.decode(body, type=CompromiseBody) if body.strip() else None
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise InvalidInputError(f'the body must be {{"reissue": true|false}}: {exc}') from None
    return KeyCompromiseService(registry, session).compromise(
        principal.org,
        key_id,
        actor=principal.actor,
        reissue=options is not None and options.reissue,
    )


@get("/orgs/{slug:str}/audit-head", sync_to_thread=True, tags=["audit"])
def audit_head(registry: RegistryDep, session: SessionDep, slug: FromPath[str]) -> Response[Any]:
    """The organisation's latest audit entry (seq and hash), signed by its key (public)."""
    try:
        check_slug(slug)
    except InvalidInputError:
        raise OrganisationNotFoundError(f"no organisation {slug!r:.70}") from None
    org = OrganisationService(registry, session).get(slug)
    return Response(
        signed_head(registry, session, org),
        media_type="application/json",
        headers={"Cache-Control": "no-cache", "Access-Control-Allow-Origin": "*"},
    )


ROUTES: Final[list[Any]] = [compromise_key, audit_head]
"""Mounted by :data:`registry.http_orgs.ROUTES`."""
