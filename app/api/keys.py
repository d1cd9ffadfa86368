"""HTTP API of an organisation's signing keys (admin).

- ``POST /api/v1/keys/rotate``: a new active key; older keys stay in the DID document.
- ``POST /api/v1/keys/{key_id}/compromised``, optional body ``{"reissue": true}``: the
  key-compromise drill (catalogue J13), :class:`~registry.credentials.KeyCompromiseService`; it
  answers the drill's report (``keyId``, ``previousStatus``, ``newKeyId``, ``revoked``,
  ``reissued``, ``listsSigned``, ``publication``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

import msgspec
from litestar import post
from litestar.params import FromPath, RawBody

from app.api._wire import Wire
from app.api.deps import PrincipalDep, RegistryDep, SessionDep
from app.openapi import BEARER, problems, request_body
from common.errors import InvalidInputError
from registry.credentials import CompromiseReport, KeyCompromiseService
from registry.errors import SigningKeyNotFoundError
from registry.orgs import OrganisationService, require

__all__ = ["ROUTES", "CompromiseBody", "KeyInfo"]

_MAX_BODY: Final = 1024


class KeyInfo(Wire, frozen=True):
    """A signing key (public data only)."""

    key_id: str
    verification_method: str
    public_key_multibase: str
    status: str
    created: datetime


class CompromiseBody(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Options of the drill: ``reissue`` the revoked credentials as new ones (default false)."""

    reissue: bool = False


@post(
    "/api/v1/keys/{key_id:str}/compromised",
    sync_to_thread=True,
    status_code=200,
    request_max_body_size=_MAX_BODY,
    tags=["keys"],
    security=BEARER,
    responses=problems(400, 401, 403, 404, 413, 422, 503),
    operation_class=request_body(
        "Options (optional; an empty body is the default): reissue the revoked credentials.",
        {"application/json": CompromiseBody},
    ),
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


@post(
    "/api/v1/keys/rotate",
    sync_to_thread=True,
    tags=["keys"],
    status_code=201,
    security=BEARER,
    responses=problems(401, 403, 503),
)
def rotate_key(registry: RegistryDep, session: SessionDep, principal: PrincipalDep) -> KeyInfo:
    """Make a new signing key (admin); older keys stay in the DID document."""
    require(principal, "admin")
    record = OrganisationService(registry, session).rotate_key(principal.org, actor=principal.actor)
    return KeyInfo(
        key_id=record.key_id,
        verification_method=record.verification_method,
        public_key_multibase=record.public_key_multibase,
        status=record.status,
        created=record.created,
    )


ROUTES: Final[list[Any]] = [rotate_key, compromise_key]
"""The route handlers of this module."""
