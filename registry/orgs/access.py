"""Who is asking, and may they: bearer-token authentication and role checks.

:func:`authenticate` takes what a request carried (its ``Authorization`` header values and its
query parameters), authenticates the token in the caller's session and returns the
:class:`Principal`. No token, a malformed, unknown or revoked one, or a token sent in the query
string: :class:`~registry.errors.InvalidTokenError` (401 ``invalid-token``). :func:`require` then
checks the role (viewer ⊂ assessor ⊂ admin): 403 ``insufficient-role``. The HTTP door
(:mod:`app.api.deps`) turns a request into these arguments; this module knows no web framework.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from sqlmodel import Session

from registry.context import Registry
from registry.errors import InvalidTokenError, PermissionDeniedError
from registry.models import ApiTokenRecord, OrganisationRecord, org_id_of
from registry.orgs.tokens import ROLES, TOKEN_PREFIX, Role, TokenService, role_allows

__all__ = ["QUERY_TOKEN_PARAMETERS", "Principal", "authenticate", "bearer_token", "require"]

QUERY_TOKEN_PARAMETERS: Final = frozenset({"access_token", "api_key", "apikey"})
"""Query parameters that carry a token in the URL (and so in logs): always refused, as is any
query value that starts like one of our tokens."""

_ACTOR_LIMIT: Final = 200


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated caller of a request.

    Attributes:
        org: The token's organisation: the only one whose data the caller may see.
        token: The token's record (never the token itself).
        role: The token's role.
        actor: How the audit log names the caller: ``token:<id>:<label>``.
    """

    org: OrganisationRecord
    token: ApiTokenRecord
    role: Role
    actor: str

    @property
    def org_id(self) -> int:
        """The organisation's id."""
        return org_id_of(self.org)


def bearer_token(authorization: list[str]) -> str:
    """Extract the token from the ``Authorization`` header values of a request.

    Args:
        authorization: Every ``Authorization`` header the request carried.

    Returns:
        The token text (not yet checked).

    Raises:
        InvalidTokenError: If there is no header, more than one, or it is not ``Bearer <token>``.
    """
    if not authorization:
        raise InvalidTokenError(
            "an API token is required: Authorization: Bearer <token>", token_sent=False
        )
    if len(authorization) > 1:
        raise InvalidTokenError("send exactly one Authorization header")
    scheme, _, token = authorization[0].strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise InvalidTokenError("the Authorization header must be: Bearer <token>")
    return token.strip()


def authenticate(
    registry: Registry,
    session: Session,
    *,
    authorization: list[str],
    query: Iterable[tuple[str, str]] = (),
) -> Principal:
    """Authenticate the bearer token a request carried.

    Args:
        registry: The process's registry.
        session: The request's session.
        authorization: Every ``Authorization`` header value of the request.
        query: The request's query parameters as ``(name, value)`` pairs: a token there is
            refused, even beside a valid header (URLs end up in logs).

    Raises:
        InvalidTokenError: 401, for a missing, malformed, unknown or revoked token, or a token
            sent in the query string.
    """
    pairs = list(query)
    if QUERY_TOKEN_PARAMETERS & {name.lower() for name, _ in pairs} or any(
        value.startswith(TOKEN_PREFIX) for _, value in pairs
    ):
        raise InvalidTokenError(
            "API tokens in the URL are refused (they end up in logs); use the Authorization header"
        )
    token = bearer_token(authorization)
    org, record = TokenService(registry, session).authenticate(token)
    role = next(r for r in ROLES if r == record.role)
    actor = f"token:{record.id}:{record.label}"[:_ACTOR_LIMIT]
    return Principal(org=org, token=record, role=role, actor=actor)


def require(principal: Principal, *roles: Role) -> None:
    """Allow the request if the caller's role includes one of ``roles``.

    Args:
        principal: The authenticated caller.
        roles: The roles that may; a stronger role may too (``require(p, "viewer")`` admits
            assessors and admins).

    Raises:
        PermissionDeniedError: 403, if none of ``roles`` is included in the caller's role.
        ValueError: If no role is given (a programming error).
    """
    if not roles:
        raise ValueError("require() needs at least one role")
    if not any(role_allows(principal.role, needed) for needed in roles):
        weakest = min(roles, key=ROLES.index)
        raise PermissionDeniedError(
            f"this needs the {weakest} role or above; the token's role is {principal.role}"
        )
