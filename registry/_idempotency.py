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
sent again with the same key. Rows are kept until purged (no expiry yet).
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Final

import msgspec
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from registry.errors import IdempotencyConflictError
from registry.models import IdempotencyRecord

__all__ = ["MAX_KEY_LENGTH", "Claim", "StoredAnswer", "begin", "fingerprint", "parse_key"]

MAX_KEY_LENGTH: Final = 200


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
    return StoredAnswer(record.status_code, record.response)


def begin(
    session: Session, org_id: int, key: str, request_hash: str, *, now: datetime
) -> StoredAnswer | Claim:
    """Replay the stored answer for ``key``, or claim the key for this request.

    Raises:
        IdempotencyConflictError: The key was used with a different request (422).
    """
    existing = _stored(session, org_id, key)
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
