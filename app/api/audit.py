"""HTTP API of the audit log.

- ``GET /api/v1/audit`` (viewer): a page of the organisation's entries, oldest first.
- ``GET /api/v1/audit/verify`` (viewer): the hash chain recomputed; the first broken entry.
- ``GET /orgs/{slug}/audit-head`` (public): the organisation's audit head signed by its key
  (:mod:`registry.audit.head`); keep copies to detect deleted newest entries later.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Final

import msgspec
from litestar import Response, get
from litestar.params import FromPath, QueryParameter

from app.api._wire import Wire
from app.api.deps import PrincipalDep, RegistryDep, SessionDep
from app.api.orgs import org_by_slug
from app.openapi import BEARER, problems
from registry.audit.head import signed_head
from registry.audit.log import MAX_PAGE, AuditLog
from registry.models import AuditEntryRecord
from registry.orgs import OrganisationService, require

__all__ = ["ROUTES", "AuditEntry", "AuditPage", "ChainCheck"]


class AuditEntry(Wire, frozen=True):
    """An audit log entry with its place in the hash chain."""

    seq: int
    at: datetime
    actor: str
    action: str
    credential_id: str | None
    reason: str | None
    """The free-text reason (null once the credential's personal data was erased)."""
    reason_sha256: str | None
    """What the chain commits to (``hashVersion`` 2): SHA-256 of the reason."""
    hash_version: int
    """1: the chain hashes ``reason`` in clear (entries older than migration 0004); 2: it
    hashes ``reasonSha256``."""
    details: dict[str, Any]
    prev_hash: str
    hash: str


class AuditPage(Wire, frozen=True):
    """A page of the audit log; ask again with ``after=next_after`` while it is not null."""

    entries: list[AuditEntry]
    next_after: int | None


class ChainCheck(Wire, frozen=True):
    """The result of recomputing the organisation's hash chain."""

    valid: bool
    first_broken_seq: int | None
    head_seq: int
    head_hash: str | None


def _entry(record: AuditEntryRecord) -> AuditEntry:
    return AuditEntry(
        seq=record.seq,
        at=record.at,
        actor=record.actor,
        action=record.action,
        credential_id=record.credential_id,
        reason=record.reason,
        reason_sha256=record.reason_hash,
        hash_version=record.hash_version,
        details=msgspec.json.decode(record.details),
        prev_hash=record.prev_hash,
        hash=record.hash,
    )


@get(
    "/api/v1/audit",
    sync_to_thread=True,
    tags=["audit"],
    security=BEARER,
    responses=problems(400, 401, 403),
)
def audit_entries(
    registry: RegistryDep,
    session: SessionDep,
    principal: PrincipalDep,
    after: Annotated[int, QueryParameter(ge=0, le=2**31 - 1)] = 0,
    limit: Annotated[int, QueryParameter(ge=1, le=MAX_PAGE)] = 100,
) -> AuditPage:
    """A page of the organisation's audit log, oldest first, after entry ``after`` (viewer+)."""
    require(principal, "viewer")
    records = AuditLog(registry, session).entries(principal.org_id, after_seq=after, limit=limit)
    next_after = records[-1].seq if len(records) == limit else None
    return AuditPage(entries=[_entry(r) for r in records], next_after=next_after)


@get(
    "/api/v1/audit/verify",
    sync_to_thread=True,
    tags=["audit"],
    security=BEARER,
    responses=problems(401, 403),
)
def audit_verify(registry: RegistryDep, session: SessionDep, principal: PrincipalDep) -> ChainCheck:
    """Recompute the organisation's hash chain; name the first broken entry (viewer+)."""
    require(principal, "viewer")
    log = AuditLog(registry, session)
    broken = log.verify_chain(principal.org_id)
    head = log.head(principal.org_id)
    return ChainCheck(
        valid=broken is None,
        first_broken_seq=broken,
        head_seq=0 if head is None else head.seq,
        head_hash=None if head is None else head.hash,
    )


@get(
    "/orgs/{slug:str}/audit-head",
    sync_to_thread=True,
    tags=["audit"],
    responses=problems(400, 404, 503),
)
def audit_head(registry: RegistryDep, session: SessionDep, slug: FromPath[str]) -> Response[Any]:
    """The organisation's latest audit entry (seq and hash), signed by its key (public)."""
    org = org_by_slug(OrganisationService(registry, session), slug)
    return Response(
        signed_head(registry, session, org),
        media_type="application/json",
        headers={"Cache-Control": "no-cache", "Access-Control-Allow-Origin": "*"},
    )


ROUTES: Final[list[Any]] = [audit_entries, audit_verify, audit_head]
"""The route handlers of this module."""
