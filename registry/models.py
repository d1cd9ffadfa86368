"""The registry's tables (SQLModel, ``table=True``). Handlers never return these: services turn
rows into wire types. Every timestamp is stored in UTC and read back as an aware datetime.

Schema changes go through a new Alembic migration in ``registry/migrations/versions``; a test
checks the migrations produce exactly these tables.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

__all__ = [
    "ApiTokenRecord",
    "AuditEntryRecord",
    "CredentialRecord",
    "CredentialVersionRecord",
    "IdempotencyRecord",
    "OrganisationRecord",
    "SeenStatusBitsRecord",
    "SigningKeyRecord",
    "StatusListRecord",
    "UTCDateTime",
    "org_id_of",
]


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend (SQLite stores no offset)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _when(**kwargs: Any) -> Any:
    return Field(sa_type=UTCDateTime, **kwargs)


class OrganisationRecord(SQLModel, table=True):
    """An issuing organisation: a volunteer centre, VET provider or validation centre."""

    __tablename__ = "organisations"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=64, unique=True, index=True)
    name: str = Field(max_length=200)
    name_key: str | None = Field(default=None, max_length=800, unique=True, index=True)
    """The name's confusable-insensitive key (``registry.orgs.fields.name_key``): names are
    unique up to case and look-alike characters. ``None`` only for an organisation whose name
    collided when migration 0004 filled the keys (until it is renamed)."""
    did: str = Field(max_length=300, unique=True)
    url: str | None = Field(default=None, max_length=500)
    email: str | None = Field(default=None, max_length=254)
    logo_url: str | None = Field(default=None, max_length=500)
    address: str | None = Field(default=None, sa_type=sa.Text)
    """The OB 3.0 Address object as JSON, or None."""
    require_assessor_badge: bool = False
    """Refuse competence certifications whose assessor holds no valid LEVER Assessor badge."""
    training_provider: bool = False
    """Designated by an operator of the service (``leverup orgs create --training-provider``):
    its assessor tokens may issue practitioner-role badges, which otherwise only admins may."""
    created_at: datetime = _when()


def org_id_of(org: OrganisationRecord) -> int:
    """The stored organisation's primary key.

    Raises:
        ValueError: ``org`` was never stored (a programming error).
    """
    if org.id is None:
        raise ValueError("the organisation is not stored yet")
    return org.id


class ApiTokenRecord(SQLModel, table=True):
    """An API token of an organisation; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisations.id", index=True)
    role: str = Field(max_length=16)
    """``admin``, ``assessor`` or ``viewer``."""
    label: str = Field(default="", max_length=200)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    prefix: str = Field(max_length=16)
    """The token's first characters, to tell tokens apart in listings."""
    created_at: datetime = _when()
    revoked_at: datetime | None = _when(default=None)


class SigningKeyRecord(SQLModel, table=True):
    """An Ed25519 key of a controller (an organisation's DID), its seed encrypted at rest."""

    __tablename__ = "signing_keys"
    __table_args__ = (sa.UniqueConstraint("controller", "key_id"),)

    id: int | None = Field(default=None, primary_key=True)
    controller: str = Field(max_length=300, index=True)
    key_id: str = Field(max_length=32)
    public_key_multibase: str = Field(max_length=64)
    encrypted_seed: bytes = Field(sa_type=sa.LargeBinary)
    status: str = Field(max_length=16)
    """``active``, ``retired`` (still published) or ``compromised`` (never published again)."""
    created_at: datetime = _when()


class StatusListRecord(SQLModel, table=True):
    """One Bitstring Status List of an organisation and purpose (>= 131,072 entries)."""

    __tablename__ = "status_lists"
    __table_args__ = (sa.UniqueConstraint("org_id", "purpose", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisations.id", index=True)
    purpose: str = Field(max_length=16)
    seq: int
    size: int
    bits: bytes = Field(sa_type=sa.LargeBinary)
    """The status bitstring, most significant bit first (index 0 = left-most bit of byte 0)."""
    allocated: bytes = Field(sa_type=sa.LargeBinary)
    """Which indexes were ever handed out (never reused), same bit order."""
    allocated_count: int = 0
    version: int = 0
    """Bumped on every bit change; the signed list is re-signed for each version."""
    signed_version: int = 0
    """The ``version`` that ``signed_bytes`` shows; lower while a publication is pending."""
    signed_bytes: bytes | None = Field(default=None, sa_type=sa.LargeBinary)
    etag: str | None = Field(default=None, max_length=80)
    updated_at: datetime = _when()


class CredentialRecord(SQLModel, table=True):
    """An issued credential: the signed bytes exactly as signed, plus indexed lookup columns."""

    __tablename__ = "credentials"
    __table_args__ = (sa.UniqueConstraint("status_list_id", "status_index"),)

    id: str = Field(primary_key=True, max_length=36)
    """The uuid in the credential id ``{BASE}/credentials/{uuid}``."""
    org_id: int = Field(foreign_key="organisations.id", index=True)
    achievement: str = Field(max_length=64, index=True)
    outcome: str | None = Field(default=None, max_length=16)
    complexity: str | None = Field(default=None, max_length=16)
    lang: str = Field(max_length=8)
    recipient_lookup: str | None = Field(default=None, max_length=64, index=True)
    """Keyed hash of the normalised e-mail (search without storing the address); erasable."""
    recipient_name: str | None = Field(default=None, max_length=200)
    recipient_did: str | None = Field(default=None, max_length=300)
    assessor_name: str | None = Field(default=None, max_length=200)
    status: str = Field(max_length=16, index=True)
    """``active``, ``suspended`` or ``revoked``."""
    status_reason: str | None = Field(default=None, sa_type=sa.Text)
    status_changed_at: datetime | None = _when(default=None)
    issued_at: datetime = _when(index=True)
    valid_from: datetime = _when()
    valid_until: datetime | None = _when(default=None, index=True)
    status_list_id: int = Field(foreign_key="status_lists.id")
    status_index: int
    version: int = 1
    signed_bytes: bytes | None = Field(default=None, sa_type=sa.LargeBinary)
    """Exactly the bytes that were signed and returned; None once erased."""
    key_id: str | None = Field(default=None, max_length=32, index=True)
    """The organisation's key (``key-N``) whose proof the current copy carries."""
    hidden: bool = False
    """The holder hid the public page (the credential keeps verifying elsewhere)."""
    erased_at: datetime | None = _when(default=None)


class CredentialVersionRecord(SQLModel, table=True):
    """An earlier copy of a credential replaced by a renewal or reinstatement."""

    __tablename__ = "credential_versions"
    __table_args__ = (sa.UniqueConstraint("credential_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    credential_id: str = Field(foreign_key="credentials.id", index=True, max_length=36)
    version: int
    status_list_id: int = Field(foreign_key="status_lists.id")
    status_index: int
    signed_bytes: bytes | None = Field(default=None, sa_type=sa.LargeBinary)
    replaced_at: datetime = _when()


class AuditEntryRecord(SQLModel, table=True):
    """An append-only, hash-chained audit entry (per organisation)."""

    __tablename__ = "audit_log"
    __table_args__ = (sa.UniqueConstraint("org_id", "seq"),)

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisations.id", index=True)
    seq: int
    at: datetime = _when()
    actor: str = Field(max_length=200)
    action: str = Field(max_length=32)
    credential_id: str | None = Field(default=None, max_length=36, index=True)
    reason: str | None = Field(default=None, sa_type=sa.Text)
    """The free-text reason; cleared when the credential's personal data is erased (entries of
    ``hash_version`` 2, whose hash commits to ``reason_hash`` only)."""
    reason_hash: str | None = Field(default=None, max_length=64)
    """Hex SHA-256 of the UTF-8 reason (``hash_version`` 2), or None without a reason."""
    hash_version: int = 2
    """1: the chain hashes the reason in clear (entries written before migration 0004);
    2: it hashes ``reason_hash``."""
    details: str = Field(default="{}", sa_type=sa.Text)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class IdempotencyRecord(SQLModel, table=True):
    """The stored answer to a request sent with an ``Idempotency-Key``."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (sa.UniqueConstraint("org_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organisations.id", index=True)
    key: str = Field(max_length=200)
    request_hash: str = Field(max_length=64)
    status_code: int
    response: bytes = Field(sa_type=sa.LargeBinary)
    created_at: datetime = _when(index=True)


class SeenStatusBitsRecord(SQLModel, table=True):
    """The bits ever seen set in a verified foreign revocation list, by list URL (the
    verifier's rollback memory, issue 12 item 32: revocation is final, so a later copy of the
    list that clears one is refused)."""

    __tablename__ = "seen_status_bits"

    url_hash: str = Field(primary_key=True, max_length=64)
    """SHA-256 (hex) of the list URL: a fixed-size key for URLs of any length."""
    url: str = Field(sa_type=sa.Text)
    bits: bytes = Field(sa_type=sa.LargeBinary)
    """zlib-compressed bitstring (most significant bit first) of every bit seen set."""
    updated_at: datetime = _when()
