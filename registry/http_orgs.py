"""HTTP API of organisations: DID documents, the caller's profile, tokens, keys and audit log.

Every handler is thin: bind, check the role, call one service, return a Struct. The caller's
organisation always comes from its token, never from the request. Handlers take the
``registry``, ``session`` and ``principal`` dependencies of :mod:`registry.deps`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Final

import msgspec
from litestar import Response, delete, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from msgspec import UNSET, UnsetType
from sqlmodel import Session

from common.errors import InvalidInputError
from registry import http_integrity
from registry.audit import MAX_PAGE, AuditLog
from registry.auth import Principal, require
from registry.context import Registry
from registry.errors import OrganisationNotFoundError
from registry.models import ApiTokenRecord, AuditEntryRecord, OrganisationRecord
from registry.org_fields import Address, address_of, check_slug
from registry.orgs import OrganisationService
from registry.tokens import Role, TokenService

__all__ = [
    "ROUTES",
    "AuditEntry",
    "AuditPage",
    "ChainCheck",
    "CreatedToken",
    "KeyInfo",
    "OrgPatch",
    "OrgProfile",
    "TokenCreate",
    "TokenInfo",
]

DID_MEDIA_TYPE: Final = "application/did+ld+json"
_NO_STORE: Final = {"Cache-Control": "no-store"}

RegistryDep = NamedDependency[Registry]
SessionDep = NamedDependency[Session]
PrincipalDep = NamedDependency[Principal]


class _Wire(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """Response types: camelCase on the wire."""


class OrgProfile(_Wire, frozen=True):
    """The caller's organisation."""

    slug: str
    name: str
    did: str
    url: str | None
    email: str | None
    logo_url: str | None
    address: Address | None
    require_assessor_badge: bool
    created_at: datetime


class OrgPatch(msgspec.Struct, kw_only=True, rename="camel", forbid_unknown_fields=True):
    """Profile fields to change; an absent field stays, ``null`` clears an optional one."""

    name: str | UnsetType = UNSET
    url: str | UnsetType | None = UNSET
    email: str | UnsetType | None = UNSET
    logo_url: str | UnsetType | None = UNSET
    address: Address | UnsetType | None = UNSET
    require_assessor_badge: bool | UnsetType = UNSET


class TokenCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A token to create."""

    role: Role
    label: Annotated[str, msgspec.Meta(max_length=200)] = ""


class TokenInfo(_Wire, frozen=True):
    """A token as listed: never the token, only its first characters."""

    id: int
    role: str
    label: str
    prefix: str
    created_at: datetime
    revoked_at: datetime | None


class CreatedToken(TokenInfo, frozen=True):
    """A new token: the only time the token itself is shown."""

    token: str


class KeyInfo(_Wire, frozen=True):
    """A signing key (public data only)."""

    key_id: str
    verification_method: str
    public_key_multibase: str
    status: str
    created: datetime


class AuditEntry(_Wire, frozen=True):
    """An audit log entry with its place in the hash chain."""

    seq: int
    at: datetime
    actor: str
    action: str
    credential_id: str | None
    reason: str | None
    details: dict[str, Any]
    prev_hash: str
    hash: str


class AuditPage(_Wire, frozen=True):
    """A page of the audit log; ask again with ``after=next_after`` while it is not null."""

    entries: list[AuditEntry]
    next_after: int | None


class ChainCheck(_Wire, frozen=True):
    """The result of recomputing the organisation's hash chain."""

    valid: bool
    first_broken_seq: int | None
    head_seq: int
    head_hash: str | None


def _profile(org: OrganisationRecord) -> OrgProfile:
    return OrgProfile(
        slug=org.slug,
        name=org.name,
        did=org.did,
        url=org.url,
        email=org.email,
        logo_url=org.logo_url,
        address=address_of(org),
        require_assessor_badge=org.require_assessor_badge,
        created_at=org.created_at,
    )


def _token_info(record: ApiTokenRecord) -> TokenInfo:
    assert record.id is not None
    return TokenInfo(
        id=record.id,
        role=record.role,
        label=record.label,
        prefix=record.prefix,
        created_at=record.created_at,
        revoked_at=record.revoked_at,
    )


def _entry(record: AuditEntryRecord) -> AuditEntry:
    return AuditEntry(
        seq=record.seq,
        at=record.at,
        actor=record.actor,
        action=record.action,
        credential_id=record.credential_id,
        reason=record.reason,
        details=msgspec.json.decode(record.details),
        prev_hash=record.prev_hash,
        hash=record.hash,
    )


@get("/orgs/{slug:str}/did.json", sync_to_thread=True, tags=["organisations"])
def org_did_document(
    registry: RegistryDep, session: SessionDep, slug: FromPath[str]
) -> Response[Any]:
    """An organisation's did:web DID document (public): every key, retired ones too."""
    service = OrganisationService(registry, session)
    document = service.did_document(service.get(_slug_or_404(slug)))
    return Response(
        document, media_type=DID_MEDIA_TYPE, headers={"Cache-Control": "public, max-age=60"}
    )


def _slug_or_404(slug: str) -> str:
    """A malformed slug names no organisation: answer as for an unknown one."""
    try:
        return check_slug(slug)
    except InvalidInputError:
        raise OrganisationNotFoundError(f"no organisation {slug!r}") from None


@get("/api/v1/org", sync_to_thread=True, tags=["organisations"])
def get_org(principal: PrincipalDep) -> OrgProfile:
    """The caller's organisation (any role)."""
    require(principal, "viewer")
    return _profile(principal.org)


@patch("/api/v1/org", sync_to_thread=True, tags=["organisations"])
def patch_org(
    registry: RegistryDep, session: SessionDep, principal: PrincipalDep, data: JSONBody[OrgPatch]
) -> OrgProfile:
    """Change the caller's organisation profile (admin)."""
    require(principal, "admin")
    fields = {
        name: getattr(data, name)
        for name in data.__struct_fields__
        if not isinstance(getattr(data, name), UnsetType)
    }
    org = OrganisationService(registry, session).update(
        principal.org, actor=principal.actor, **fields
    )
    return _profile(org)


@get("/api/v1/tokens", sync_to_thread=True, tags=["tokens"])
def list_tokens(
    registry: RegistryDep, session: SessionDep, principal: PrincipalDep
) -> list[TokenInfo]:
    """The organisation's API tokens, revoked ones too, without the tokens (admin)."""
    require(principal, "admin")
    return [_token_info(r) for r in TokenService(registry, session).list(principal.org)]


@post("/api/v1/tokens", sync_to_thread=True, tags=["tokens"], status_code=201)
def create_token(
    registry: RegistryDep, session: SessionDep, principal: PrincipalDep, data: JSONBody[TokenCreate]
) -> Response[CreatedToken]:
    """Create an API token (admin); the response is the only place the token appears."""
    require(principal, "admin")
    token, record = TokenService(registry, session).create(
        principal.org, data.role, data.label, actor=principal.actor
    )
    info = _token_info(record)
    created = CreatedToken(**msgspec.structs.asdict(info), token=token)
    return Response(created, status_code=201, headers=_NO_STORE)


@delete("/api/v1/tokens/{token_id:int}", sync_to_thread=True, tags=["tokens"])
def revoke_token(
    registry: RegistryDep, session: SessionDep, principal: PrincipalDep, token_id: FromPath[int]
) -> None:
    """Revoke an API token of the organisation for good (admin); 204 also if already revoked."""
    require(principal, "admin")
    TokenService(registry, session).revoke(principal.org, token_id, actor=principal.actor)


@post("/api/v1/keys/rotate", sync_to_thread=True, tags=["keys"], status_code=201)
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


@get("/api/v1/audit", sync_to_thread=True, tags=["audit"])
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


@get("/api/v1/audit/verify", sync_to_thread=True, tags=["audit"])
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


ROUTES: Final[list[Any]] = [
    org_did_document,
    get_org,
    patch_org,
    list_tokens,
    create_token,
    revoke_token,
    rotate_key,
    audit_entries,
    audit_verify,
    *http_integrity.ROUTES,
]
"""The route handlers ``app/asgi.py`` mounts (the key-compromise and audit-head routes of
:mod:`registry.http_integrity` included)."""
