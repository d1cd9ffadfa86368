"""``Idempotency-Key``: a retried issue request gets the first answer, never a second credential.

Keys are scoped to the organisation (``UNIQUE(org_id, key)``). The fingerprint of a request is
``SHA-256(path ‖ 0x00 ‖ media type ‖ 0x00 ‖ raw body)``. In the request's transaction:

1. a stored answer for the key is replayed (same fingerprint), or refused with
   ``idempotency-key-reused`` (another fingerprint);
2. otherwise the key is *claimed* by inserting its row before any work. A concurrent request
   with the same key waits on the unique index (PostgreSQL) or on the write lock (SQLite)
   until the first one ends: if it committed, its answer is replayed; if it rolled back, the
   claim succeeds and the work is done once;
3. the answer (status and exact bytes) is written into the claimed row in the same transaction
   as the credentials, so both commit or neither does.

Only successful answers are stored: a refused request leaves no row, so it can be corrected and
sent again with the same key.

Erasure reaches stored answers too (:func:`redact_erased`): the answer to a single issue of an
erased credential is purged (its row keeps the key and answers ``410 credential-erased``, so a
replay neither returns the credential nor issues it again); in a batch answer the erased item
loses its holder link and says ``"erased": true``.

Keys expire after ``LEVERUP_IDEMPOTENCY_TTL_HOURS`` (24; 0 keeps them for ever): an expired key
is treated as new (its row is replaced). Expired rows are purged a few at a time on every claim
(at most :data:`PURGE_ON_WRITE` rows, so a request never pays for a backlog) and in bulk by the
app's background task (:func:`purge_expired`).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from typing import Final

import msgspec
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from registry.errors import CredentialErasedError, IdempotencyConflictError
from registry.models import IdempotencyRecord

__all__ = [
    "MAX_KEY_LENGTH",
    "PURGE_ON_WRITE",
    "Claim",
    "StoredAnswer",
    "begin",
    "fingerprint",
    "parse_key",
    "purge_expired",
    "redact_erased",
    "ttl_of",
]

MAX_KEY_LENGTH: Final = 200
PURGE_ON_WRITE: Final = 100
"""Most expired rows one claim deletes on the way."""
ERASED: Final = 410
"""The stored status of an answer purged because its credential was erased."""


def ttl_of(hours: int) -> timedelta | None:
    """The lifetime of a key from ``LEVERUP_IDEMPOTENCY_TTL_HOURS`` (None: for ever)."""
    return None if hours <= 0 else timedelta(hours=hours)


def purge_expired(
    session: Session, *, now: datetime, ttl: timedelta | None, limit: int | None = None
) -> int:
    """Delete keys older than ``ttl`` (at most ``limit`` of them); return how many went."""
    if ttl is None:
        return 0
    expired = select(IdempotencyRecord.id).where(col(IdempotencyRecord.created_at) <= now - ttl)
    if limit is not None:
        expired = expired.order_by(col(IdempotencyRecord.created_at)).limit(limit)
    ids = list(session.exec(expired).all())
    if not ids:
        return 0
    session.execute(sa.delete(IdempotencyRecord).where(col(IdempotencyRecord.id).in_(ids)))
    return len(ids)


class StoredAnswer(msgspec.Struct, frozen=True):
    """A replayed answer: the first request's status code and exact body bytes."""

    status_code: int
    body: bytes


class Claim:
    """A claimed key: :meth:`complete` stores the answer in the same transaction."""

    def __init__(self, session: Session, record: IdempotencyRecord) -> None:
        self._session = session
        self._record = record

    def complete(self, status_code: int, body: bytes) -> None:
        """Store the answer (flushed, committed with the work)."""
        self._record.status_code = status_code
        self._record.response = body
        self._session.add(self._record)
        self._session.flush()


def parse_key(value: str | None) -> str | None:
    """The key of an ``Idempotency-Key`` header (a quoted sf-string or bare), or None.

    Raises:
        ValueError: If the key is empty, longer than 200 characters or not printable ASCII.
    """
    if value is None:
        return None
    key = value.strip()
    if len(key) >= 2 and key[0] == key[-1] == '"':
        key = key[1:-1]
    if not 1 <= len(key) <= MAX_KEY_LENGTH or not all(" " < c <= "~" for c in key):
        raise ValueError(
            f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} printable ASCII characters"
        )
    return key


def fingerprint(path: str, media_type: str, body: bytes) -> str:
    """The hex SHA-256 that tells two requests with the same key apart."""
    digest = hashlib.sha256()
    digest.update(path.encode("utf-8") + b"\x00" + media_type.encode("utf-8") + b"\x00")
    digest.update(body)
    return digest.hexdigest()


def _stored(session: Session, org_id: int, key: str) -> IdempotencyRecord | None:
    return session.exec(
        select(IdempotencyRecord)
        .where(IdempotencyRecord.org_id == org_id)
        .where(IdempotencyRecord.key == key)
        .execution_options(populate_existing=True)
    ).first()


def _answer(record: IdempotencyRecord, request_hash: str) -> StoredAnswer:
    if record.request_hash != request_hash:
        raise IdempotencyConflictError(
            "this Idempotency-Key was already used with a different request; use a new key"
        )
    if record.status_code == ERASED:
        raise CredentialErasedError(
            "the credential issued for this Idempotency-Key was erased since; its answer is"
            " not kept and it is not issued again"
        )
    return StoredAnswer(record.status_code, record.response)


def redact_erased(session: Session, org_id: int, credential_uuid: str) -> int:
    """Purge or redact every stored answer of ``org_id`` that holds ``credential_uuid``, whose
    personal data is being erased; return how many answers changed.

    A single issue's answer (the signed credential, the recipient's name, the holder link) is
    dropped: the row keeps its key and fingerprint with status :data:`ERASED`. A batch answer
    keeps its other items; the erased one loses its holder link and gets ``"erased": true``.
    """
    needle = credential_uuid.encode("ascii")
    response = col(IdempotencyRecord.response)
    # A byte search in the database: SQLite's LIKE does not match inside a BLOB, its instr()
    # does; PostgreSQL has LIKE for bytea.
    holds = (
        sa.func.instr(response, needle) > 0
        if session.get_bind().dialect.name == "sqlite"
        else response.contains(needle)
    )
    rows = session.exec(
        select(IdempotencyRecord)
        .where(IdempotencyRecord.org_id == org_id)
        .where(col(IdempotencyRecord.status_code) != ERASED)
        .where(holds)
    ).all()
    changed = 0
    for row in rows:
        answer = json.loads(row.response)
        items = answer.get("items") if isinstance(answer, dict) else None
        if isinstance(items, list):
            for item in items:
                if isinstance(item, dict) and str(item.get("id", "")).endswith(credential_uuid):
                    item["erased"] = True
                    if isinstance(item.get("links"), dict):
                        item["links"]["holder"] = None
            row.response = msgspec.json.encode(answer)
        else:
            row.status_code, row.response = ERASED, b""
        session.add(row)
        changed += 1
    if changed:
        session.flush()
    return changed


def begin(
    session: Session,
    org_id: int,
    key: str,
    request_hash: str,
    *,
    now: datetime,
    ttl: timedelta | None = None,
) -> StoredAnswer | Claim:
    """Replay the stored answer for ``key``, or claim the key for this request.

    A key stored more than ``ttl`` ago is expired: it is claimed anew as if never seen.

    Raises:
        IdempotencyConflictError: The key was used with a different request (422).
    """
    purge_expired(session, now=now, ttl=ttl, limit=PURGE_ON_WRITE)
    existing = _stored(session, org_id, key)
    if existing is not None and ttl is not None and existing.created_at <= now - ttl:
        session.execute(
            sa.delete(IdempotencyRecord).where(col(IdempotencyRecord.id) == existing.id)
        )
        session.expunge(existing)
        existing = None
    if existing is not None:
        return _answer(existing, request_hash)
    record = IdempotencyRecord(
        org_id=org_id, key=key, request_hash=request_hash, status_code=0, response=b"",
        created_at=now,
    )  # fmt: skip
    try:
        with session.begin_nested():
            session.add(record)
            session.flush()
    except IntegrityError:
        # A concurrent request with this key committed first (we waited for it): its answer.
        existing = _stored(session, org_id, key)
        if existing is None:  # pragma: no cover - the unique index said it exists
            raise
        return _answer(existing, request_hash)
    return Claim(session, record)
