"""HTTP API of organisations and their API tokens.

- ``GET /orgs/{slug}/did.json`` (public): the organisation's did:web DID document.
- ``GET /api/v1/org`` (viewer) and ``PATCH /api/v1/org`` (admin): the caller's organisation.
- ``GET``/``POST /api/v1/tokens``, ``DELETE /api/v1/tokens/{id}`` (admin): API tokens.

Every handler is thin: bind, check the role, call one service, return a Struct. The caller's
organisation always comes from its token, never from the request. Handlers take the
``registry``, ``session`` and ``principal`` dependencies of :mod:`app.api.deps`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Final

import msgspec
from litestar import Response, delete, get, patch, post
from litestar.params import FromPath, JSONBody
from msgspec import UNSET, UnsetType

from app.api._wire import Wire
from app.api.deps import PrincipalDep, RegistryDep, SessionDep
from app.openapi import BEARER, problems
from common.errors import InvalidInputError
from registry.errors import OrganisationNotFoundError
from registry.models import ApiTokenRecord, OrganisationRecord
from registry.orgs import (
    Address,
    OrganisationService,
    Role,
    TokenService,
    address_of,
    check_slug,
    require,
)

__all__ = [
    "ROUTES",
    "CreatedToken",
    "OrgPatch",
    "OrgProfile",
    "TokenCreate",
    "TokenInfo",
    "org_by_slug",
]

DID_MEDIA_TYPE: Final = "application/did+ld+json"
_NO_STORE: Final = {"Cache-Control": "no-store"}


class OrgProfile(Wire, frozen=True):
    """The caller's organisation."""

    slug: str
    name: str
    did: str
    url: str | None
    email: str | None
    logo_url: str | None
    address: Address | None
    require_assessor_badge: bool
    training_provider: bool
    """Designated by an operator (read-only here): its assessors may issue role badges."""
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


class TokenInfo(Wire, frozen=True):
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
        training_provider=org.training_provider,
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


@get(
    "/orgs/{slug:str}/did.json",
    sync_to_thread=True,
    tags=["organisations"],
    responses=problems(400, 404),
)
def org_did_document(
    registry: RegistryDep, session: SessionDep, slug: FromPath[str]
) -> Response[Any]:
    """An organisation's did:web DID document (public): every key, retired ones too."""
    service = OrganisationService(registry, session)
    document = service.did_document(org_by_slug(service, slug))
    return Response(
        document, media_type=DID_MEDIA_TYPE, headers={"Cache-Control": "public, max-age=60"}
    )


def org_by_slug(service: OrganisationService, slug: str) -> OrganisationRecord:
    """The organisation a public URL names; a malformed slug answers as an unknown one (404).

    Raises:
        OrganisationNotFoundError: Malformed or unknown.
    """
    try:
        check_slug(slug)
    except InvalidInputError:
        raise OrganisationNotFoundError(f"no organisation {slug!r:.70}") from None
    return service.get(slug)


@get(
    "/api/v1/org",
    sync_to_thread=True,
    tags=["organisations"],
    summary="GetOrg",
    security=BEARER,
    responses=problems(401, 403),
)
def get_org(principal: PrincipalDep) -> OrgProfile:
    """The caller's organisation (any role)."""
    require(principal, "viewer")
    return _profile(principal.org)


@patch(
    "/api/v1/org",
    sync_to_thread=True,
    tags=["organisations"],
    security=BEARER,
    responses=problems(400, 401, 403, 422),
)
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


@get(
    "/api/v1/tokens",
    sync_to_thread=True,
    tags=["tokens"],
    summary="ListTokens",
    security=BEARER,
    responses=problems(401, 403),
)
def list_tokens(
    registry: RegistryDep, session: SessionDep, principal: PrincipalDep
) -> list[TokenInfo]:
    """The organisation's API tokens, revoked ones too, without the tokens (admin)."""
    require(principal, "admin")
    return [_token_info(r) for r in TokenService(registry, session).list(principal.org)]


@post(
    "/api/v1/tokens",
    sync_to_thread=True,
    tags=["tokens"],
    status_code=201,
    security=BEARER,
    responses=problems(400, 401, 403, 422),
)
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


@delete(
    "/api/v1/tokens/{token_id:int}",
    sync_to_thread=True,
    tags=["tokens"],
    security=BEARER,
    responses=problems(400, 401, 403, 404),
)
def revoke_token(
    registry: RegistryDep, session: SessionDep, principal: PrincipalDep, token_id: FromPath[int]
) -> None:
    """Revoke an API token of the organisation for good (admin); 204 also if already revoked."""
    require(principal, "admin")
    TokenService(registry, session).revoke(principal.org, token_id, actor=principal.actor)


ROUTES: Final[list[Any]] = [
    org_did_document,
    get_org,
    patch_org,
    list_tokens,
    create_token,
    revoke_token,
]
"""The route handlers of this module."""
