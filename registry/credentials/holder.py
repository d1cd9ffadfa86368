"""The holder's controls over a credential's public page, and the links a holder shares.

A holder proves nothing but the possession of an unguessable link: ``{BASE}/credentials/{uuid}/
holder?key=…``, where the key is ``base64url(HMAC-SHA256(K, uuid))`` and ``K`` is derived from
the master secret for this purpose only (a distinct BLAKE2b personalisation, see
:func:`registry.credentials._reads.lookup_key` for the pattern). The key is compared in constant
time. With it, the holder hides or shows the public page (``CredentialRecord.hidden``): a hidden
credential's page, JSON copy, baked images and QR codes answer 404, while its status list entry
and its verification elsewhere are unaffected. Each change appends one audit entry (actor
``holder``, or the organisation token that made it).

LinkedIn's "Add to profile" link is built by :func:`sharing.linkedin.linkedin_url`.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from typing import Final

from sqlmodel import Session, select

from common.encoding import b64url_encode
from issuer import credential_url
from registry.audit.log import AuditLog
from registry.context import Registry
from registry.errors import CredentialNotFoundError
from registry.models import CredentialRecord

__all__ = [
    "HOLDER_ACTOR",
    "HolderService",
    "holder_key",
    "holder_token",
    "holder_url",
    "token_matches",
]

HOLDER_ACTOR: Final = "holder"
"""The audit actor of a change made through the holder link."""

_PERSON: Final = b"leverup-holder"
_CONTEXT: Final = b"public-page"


def holder_key(registry: Registry) -> bytes:
    """The HMAC key of holder links, derived from the master secret (its own purpose)."""
    return registry.master.derive_key(person=_PERSON, context=_CONTEXT)


def holder_token(key: bytes, credential_uuid: str) -> str:
    """``base64url(HMAC-SHA256(key, uuid))`` without padding: the holder link's ``key``."""
    digest = hmac.new(key, credential_uuid.encode("ascii"), hashlib.sha256).digest()
    return b64url_encode(digest)


def token_matches(key: bytes, credential_uuid: str, presented: str | None) -> bool:
    """Whether ``presented`` is the holder token of ``credential_uuid`` (constant time)."""
    if not presented or len(presented) > 128:
        return False
    expected = holder_token(key, credential_uuid)
    return hmac.compare_digest(expected.encode("ascii"), presented.encode("utf-8", "replace"))


def holder_url(registry: Registry, credential_uuid: str, key: bytes | None = None) -> str:
    """The holder's private link to hide or show the public page of ``credential_uuid``."""
    token = holder_token(key or holder_key(registry), credential_uuid)
    return f"{credential_url(registry.base_url, credential_uuid)}/holder?key={token}"


class HolderService:
    """Hide or show a credential's public page; works in the caller's transaction."""

    def __init__(self, registry: Registry, session: Session) -> None:
        """Bind the service to the process's registry and the caller's session."""
        self._registry = registry
        self._session = session

    def set_hidden(
        self,
        credential_id: str,
        hidden: bool,
        *,
        actor: str = HOLDER_ACTOR,
        org_id: int | None = None,
    ) -> CredentialRecord:
        """Hide (``True``) or show the public page, with one audit entry when it changes.

        Args:
            credential_id: The credential's uuid.
            hidden: The new state.
            actor: Who asks (``holder``, or an organisation token).
            org_id: When given, the credential must belong to this organisation.

        Raises:
            CredentialNotFoundError: Unknown, another organisation's, or erased.
        """
        try:
            key = str(uuid.UUID(credential_id))
        except (ValueError, TypeError, AttributeError):
            raise CredentialNotFoundError(f"no credential {credential_id!r:.60}") from None
        query = select(CredentialRecord).where(CredentialRecord.id == key)
        if org_id is not None:
            query = query.where(CredentialRecord.org_id == org_id)
        record = self._session.exec(
            query.with_for_update(key_share=True).execution_options(populate_existing=True)
        ).first()
        if record is None or record.erased_at is not None or record.signed_bytes is None:
            raise CredentialNotFoundError(f"no credential {key}")
        if record.hidden == hidden:
            return record
        record.hidden = hidden
        self._session.add(record)
        self._session.flush()
        AuditLog(self._registry, self._session).append(
            record.org_id,
            actor=actor,
            action="credential.hide" if hidden else "credential.show",
            credential_id=record.id,
            details={"version": record.version},
        )
        return record
