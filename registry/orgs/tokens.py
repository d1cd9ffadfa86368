"""TokenService: the API tokens of each organisation, their roles, and authentication.

A token is ``lvu_`` + 43 base64url characters (32 random bytes). Only its SHA-256 (hex) is
stored, with its first characters as a ``prefix`` to tell tokens apart in listings; a copy of
the database therefore holds no usable token. The plaintext is returned once, by
:meth:`TokenService.create`, and is never logged or written to the audit log.
"""

from __future__ import annotations

import builtins
import hashlib
import hmac
import re
import secrets
from typing import Final, Literal, get_args

from sqlmodel import Session, col, select

from common.encoding import b64url_encode
from common.errors import InvalidInputError
from registry.audit.log import AuditLog
from registry.context import Registry
from registry.errors import InvalidTokenError, TokenNotFoundError
from registry.models import ApiTokenRecord, OrganisationRecord, org_id_of
from registry.orgs.fields import check_text

__all__ = [
    "ROLES",
    "TOKEN_PREFIX",
    "Role",
    "TokenService",
    "hash_token",
    "is_well_formed",
    "role_allows",
]

Role = Literal["viewer", "assessor", "admin"]
ROLES: Final[tuple[Role, ...]] = get_args(Role)
"""The roles, weakest first: each may do everything the ones before it may."""

TOKEN_PREFIX: Final = "lvu_"  # noqa: S105 - a prefix, not a secret
_TOKEN: Final = re.compile(r"lvu_[A-Za-z0-9_-]{43}")
_LISTED_CHARS: Final = 12
_REFUSED: Final = "the API token is unknown or revoked"


def hash_token(token: str) -> str:
    """The stored form of a token: hex SHA-256 of its UTF-8 bytes."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def is_well_formed(token: str) -> bool:
    """Whether ``token`` has the shape of one of ours (``lvu_`` + 43 base64url characters)."""
    return isinstance(token, str) and _TOKEN.fullmatch(token) is not None


def role_allows(role: str, needed: str) -> bool:
    """Whether ``role`` includes ``needed`` (viewer ⊂ assessor ⊂ admin); unknown roles never do."""
    if role not in ROLES or needed not in ROLES:
        return False
    return ROLES.index(role) >= ROLES.index(needed)


def _new_token() -> str:
    raw = secrets.token_bytes(32)
    return TOKEN_PREFIX + b64url_encode(raw)


class TokenService:
    """API tokens; works in the caller's transaction, never commits."""

    def __init__(self, registry: Registry, session: Session) -> None:
        """Bind the service to the process's registry and the caller's session."""
        self._registry = registry
        self._session = session
        self._audit = AuditLog(registry, session)

    def create(
        self, org: OrganisationRecord, role: str, label: str = "", *, actor: str
    ) -> tuple[str, ApiTokenRecord]:
        """Create a token of ``org`` with ``role``; audit ``token.create`` (without the token).

        Returns:
            The plaintext token (shown once, never stored) and its record.

        Raises:
            InvalidInputError: For an unknown role or a label that is too long or holds control
                characters.
        """
        if role not in ROLES:
            raise InvalidInputError(f"role must be one of {', '.join(ROLES)}")
        if label:
            check_text("label", label, 200)
        org_id = org_id_of(org)
        token = _new_token()
        record = ApiTokenRecord(
            org_id=org_id,
            role=role,
            label=label,
            token_hash=hash_token(token),
            prefix=token[:_LISTED_CHARS],
            created_at=self._registry.clock(),
        )
        self._session.add(record)
        self._session.flush()
        self._audit.append(
            org_id,
            actor=actor,
            action="token.create",
            details={"token_id": record.id, "role": role},
        )
        return token, record

    def authenticate(self, token: str) -> tuple[OrganisationRecord, ApiTokenRecord]:
        """Return the organisation and record of a valid, unrevoked token.

        The token is looked up by its SHA-256, so timing reveals nothing about stored tokens;
        the hashes are then compared in constant time.

        Raises:
            InvalidTokenError: (an ``AuthenticationError``) for a malformed, unknown or revoked
                token, with the same message for each.
        """
        if not is_well_formed(token):
            raise InvalidTokenError(_REFUSED)
        digest = hash_token(token)
        record = self._session.exec(
            select(ApiTokenRecord).where(ApiTokenRecord.token_hash == digest)
        ).first()
        if record is None or not hmac.compare_digest(record.token_hash, digest):
            raise InvalidTokenError(_REFUSED)
        if record.revoked_at is not None or record.role not in ROLES:
            raise InvalidTokenError(_REFUSED)
        org = self._session.get(OrganisationRecord, record.org_id)
        if org is None:
            raise InvalidTokenError(_REFUSED)
        return org, record

    def list(self, org: OrganisationRecord) -> builtins.list[ApiTokenRecord]:
        """Return every token of ``org`` (revoked ones too), oldest first."""
        query = (
            select(ApiTokenRecord)
            .where(ApiTokenRecord.org_id == org_id_of(org))
            .order_by(col(ApiTokenRecord.id))
        )
        return builtins.list(self._session.exec(query).all())

    def get(self, org: OrganisationRecord, token_id: int) -> ApiTokenRecord:
        """Return token ``token_id`` of ``org``.

        Raises:
            TokenNotFoundError: If ``org`` has no such token (another organisation's included).
        """
        record = self._session.get(ApiTokenRecord, token_id)
        if record is None or record.org_id != org_id_of(org):
            raise TokenNotFoundError(f"no API token {token_id} in this organisation")
        return record

    def revoke(self, org: OrganisationRecord, token_id: int, *, actor: str) -> None:
        """Revoke token ``token_id`` of ``org`` for good; audit ``token.revoke``.

        Revoking a revoked token changes nothing and writes no second entry.

        Raises:
            TokenNotFoundError: If ``org`` has no such token (another organisation's included).
        """
        record = self.get(org, token_id)
        if record.revoked_at is not None:
            return
        record.revoked_at = self._registry.clock()
        self._session.add(record)
        self._session.flush()
        self._audit.append(
            record.org_id, actor=actor, action="token.revoke", details={"token_id": token_id}
        )
