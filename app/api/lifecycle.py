"""HTTP API of a credential's lifecycle (admin).

``POST /api/v1/credentials/{id}/revoke`` and ``/suspend`` (``{"reason": "…"}``), ``/reinstate``,
``/renew`` (``{"validUntil": "<dateTimeStamp or date>"}``), and ``POST …/erase`` or ``DELETE
/api/v1/credentials/{id}``. Each answers the credential's new state, ``{"id", "status",
"publication", "credential", "links"}``, where ``credential`` is the signed bytes spliced in
unchanged (``null`` once erased) and ``publication`` says whether the served status list shows
the change yet (``published``) or not (``pending``, catalogue J9).

Handlers take the ``registry``, ``session`` and ``principal`` dependencies of
:mod:`app.api.deps`; the organisation always comes from the token.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final, Literal
from uuid import UUID

import msgspec
from litestar import Response, delete, post
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromPath, JSONBody
from sqlmodel import Session

from app.api.deps import PrincipalDep, RegistryDep, SessionDep
from app.openapi import BEARER, problems
from registry.context import Registry
from registry.credentials import IssuanceService, LifecycleService, wire_status
from registry.models import CredentialRecord, OrganisationRecord
from registry.orgs import Principal, require
from registry.schemas import parse_valid_until
from registry.status import StatusListService

__all__ = ["ROUTES", "ReasonBody", "RenewBody", "credential_state"]


class ReasonBody(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Why a credential is revoked or suspended (kept in the audit log: no personal data)."""

    reason: str
    """1 to :data:`~registry.credentials.MAX_REASON_LENGTH` characters, no control characters."""


class RenewBody(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The new end of validity: a date-time in whole seconds with a time zone, or a date (the
    end of that day, UTC), read as at issue (:func:`registry.schemas.parse_valid_until`)."""

    valid_until: str = msgspec.field(name="validUntil")


def credential_state(
    registry: Registry, session: Session, org: OrganisationRecord, record: CredentialRecord
) -> bytes:
    """The JSON body ``{"id", "status", "publication", "credential", "links"}`` with the signed
    bytes spliced in.

    ``status`` is ``active``, ``suspended``, ``revoked`` or, once personal data was erased,
    ``erased``; ``publication`` is ``published`` when the served status list shows the change,
    ``pending`` while it awaits a signature (catalogue J9: the change itself is committed);
    ``credential`` is exactly the stored signed bytes (``null`` once erased);
    ``links`` are those a read of the credentials API answers an admin (the holder's link
    included while the credential is not erased).
    """
    publication = StatusListService(registry, session).publication(record.status_list_id)
    head = msgspec.json.encode(
        {
            "id": record.id,
            "status": wire_status(record),
            "publication": publication,
        }
    )
    [links] = IssuanceService(registry, session).links(org, [record], holder=True)
    signed = record.signed_bytes if record.signed_bytes is not None else b"null"
    return head[:-1] + b',"credential":' + signed + b',"links":' + msgspec.json.encode(links) + b"}"


def _state(
    registry: Registry, session: Session, principal: Principal, record: CredentialRecord
) -> Response[bytes]:
    return Response(
        credential_state(registry, session, principal.org, record),
        media_type="application/json",
        headers={"Cache-Control": "no-store"},
    )


_LIFECYCLE: Final = "/api/v1/credentials/{credential_id:uuid}"
_CHANGE_PROBLEMS: Final = (400, 401, 403, 404, 409, 422, 503)
_ERASE_PROBLEMS: Final = (400, 401, 403, 404, 409)


def _route(
    path: str, problem_codes: tuple[int, ...], *, method: Literal["POST", "DELETE"] = "POST"
) -> HTTPRouteHandler:
    """The decorator of one lifecycle route under ``/api/v1/credentials/{id}``: admin bearer,
    200 with the new state, its problems."""
    options: dict[str, Any] = {
        "sync_to_thread": True,
        "status_code": 200,
        "tags": ["lifecycle"],
        "security": BEARER,
        "responses": problems(*problem_codes),
    }
    handler = delete if method == "DELETE" else post
    return handler(_LIFECYCLE + path, **options)


def _change(
    registry: Registry,
    session: Session,
    principal: Principal,
    action: Callable[[LifecycleService], CredentialRecord],
) -> Response[bytes]:
    """Check the admin role, run one lifecycle ``action`` and answer the credential's state."""
    require(principal, "admin")
    return _state(registry, session, principal, action(LifecycleService(registry, session)))


@_route("/revoke", _CHANGE_PROBLEMS)
def revoke_credential(
    registry: RegistryDep,
    session: SessionDep,
    principal: PrincipalDep,
    credential_id: FromPath[UUID],
    data: JSONBody[ReasonBody],
) -> Response[bytes]:
    """Revoke a credential for good (admin); a reason is required."""
    return _change(
        registry,
        session,
        principal,
        lambda service: service.revoke(
            principal.org, str(credential_id), reason=data.reason, actor=principal.actor
        ),
    )


@_route("/suspend", _CHANGE_PROBLEMS)
def suspend_credential(
    registry: RegistryDep,
    session: SessionDep,
    principal: PrincipalDep,
    credential_id: FromPath[UUID],
    data: JSONBody[ReasonBody],
) -> Response[bytes]:
    """Suspend an active credential (admin); a reason is required."""
    return _change(
        registry,
        session,
        principal,
        lambda service: service.suspend(
            principal.org, str(credential_id), reason=data.reason, actor=principal.actor
        ),
    )


@_route("/reinstate", _CHANGE_PROBLEMS)
def reinstate_credential(
    registry: RegistryDep,
    session: SessionDep,
    principal: PrincipalDep,
    credential_id: FromPath[UUID],
) -> Response[bytes]:
    """Re-issue a suspended credential under its id, with a new status index (admin)."""
    return _change(
        registry,
        session,
        principal,
        lambda service: service.reinstate(principal.org, str(credential_id), actor=principal.actor),
    )


@_route("/renew", _CHANGE_PROBLEMS)
def renew_credential(
    registry: RegistryDep,
    session: SessionDep,
    principal: PrincipalDep,
    credential_id: FromPath[UUID],
    data: JSONBody[RenewBody],
) -> Response[bytes]:
    """Re-issue an active credential with a new ``validUntil`` (admin)."""
    return _change(
        registry,
        session,
        principal,
        lambda service: service.renew(
            principal.org,
            str(credential_id),
            valid_until=parse_valid_until(data.valid_until),
            actor=principal.actor,
        ),
    )


def _erase(
    registry: Registry, session: Session, principal: Principal, credential_id: UUID
) -> Response[bytes]:
    return _change(
        registry,
        session,
        principal,
        lambda service: service.erase(principal.org, str(credential_id), actor=principal.actor),
    )


@_route("/erase", _ERASE_PROBLEMS)
def erase_credential(
    registry: RegistryDep,
    session: SessionDep,
    principal: PrincipalDep,
    credential_id: FromPath[UUID],
) -> Response[bytes]:
    """Erase the recipient's personal data (admin); the status and the audit log stay."""
    return _erase(registry, session, principal, credential_id)


@_route("", _ERASE_PROBLEMS, method="DELETE")
def delete_credential(
    registry: RegistryDep,
    session: SessionDep,
    principal: PrincipalDep,
    credential_id: FromPath[UUID],
) -> Response[bytes]:
    """The same as ``POST …/erase``: a credential is never deleted, its personal data is."""
    return _erase(registry, session, principal, credential_id)


ROUTES: Final[list[Any]] = [
    revoke_credential,
    suspend_credential,
    reinstate_credential,
    renew_credential,
    erase_credential,
    delete_credential,
]
"""The route handlers of this module."""
