"""AuditLog: the append-only, hash-chained audit log of each organisation.

Entry ``seq`` of an organisation (1, 2, …) has::

    hash = hex(SHA-256(ASCII(prev_hash) ‖ UTF-8(canonical JSON of the entry)))

where the entry is ``{seq, at, actor, action, credential_id, reason_sha256, details}`` (``at``
as ``YYYY-MM-DDThh:mm:ssZ``, ``details`` as a JSON object, ``reason_sha256`` the hex SHA-256 of
the UTF-8 reason or null), canonical JSON is
``json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False)``, and
``prev_hash`` is the previous entry's ``hash`` (64 zeros for ``seq`` 1).

The chain commits to the hash of a free-text reason, never the text (``hash_version`` 2), so
erasing a credential's personal data clears the text of its entries' reasons
(:meth:`AuditLog.clear_reasons`) and the chain still verifies; a stored reason must still match
its hash. Entries written before migration 0004 (``hash_version`` 1) keep their hashing, with
``reason`` (the text) in place of ``reason_sha256``, so chains written before stay verifiable;
their reasons cannot be cleared without breaking the chain and stay.

:meth:`AuditLog.append` (one entry) and :meth:`AuditLog.append_many` (a cohort, one insert)
share one code path, so both write exactly the same chain. Appends for one organisation are
serialised (a transaction lock on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite) and
``(org_id, seq)`` is unique, so concurrent appends can neither fork the chain nor repeat a
``seq``. Entries hold ids, actions and reasons only: never a name, an
e-mail address or a token.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Final

import sqlalchemy as sa
from sqlmodel import Session, col, select

from common.timeutil import format_datetime
from registry.context import Registry
from registry.locks import transaction_lock
from registry.models import AuditEntryRecord

__all__ = [
    "CURRENT_HASH_VERSION",
    "GENESIS_HASH",
    "MAX_PAGE",
    "AuditLog",
    "canonical_json",
    "entry_hash",
    "lock_chain",
    "reason_digest",
]

CURRENT_HASH_VERSION: Final = 2
"""The hashing of new entries: 2 commits to the reason's SHA-256 (1: the reason in clear)."""

GENESIS_HASH: Final = "0" * 64
"""``prev_hash`` of an organisation's first entry."""

MAX_PAGE: Final = 1000
"""Most entries :meth:`AuditLog.entries` returns at once."""

_VERIFY_BATCH: Final = 500


def canonical_json(value: Any) -> str:
    """The canonical JSON text the chain hashes (sorted keys, no spaces, UTF-8 kept).

    Raises:
        ValueError: For NaN or infinite numbers.
        TypeError: For values JSON cannot represent.
    """
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def lock_chain(session: Session, org_id: int) -> None:
    """Hold the lock of ``org_id``'s chain until the transaction ends (every appender takes it)."""
    transaction_lock(session, f"audit:{org_id}")


def reason_digest(reason: str | None) -> str | None:
    """Hex SHA-256 of the UTF-8 ``reason`` (what the chain commits to), or None."""
    return None if reason is None else hashlib.sha256(reason.encode("utf-8")).hexdigest()


def entry_hash(
    prev_hash: str,
    *,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    credential_id: str | None,
    reason: str | None,
    details: Mapping[str, Any],
    reason_hash: str | None = None,
    version: int = CURRENT_HASH_VERSION,
) -> str:
    """The hex SHA-256 that chains an entry to the one before it (see the module docstring).

    ``version`` 2 hashes ``reason_hash`` (given, or computed from ``reason``); version 1 hashes
    ``reason`` itself.
    """
    body: dict[str, Any] = {
        "seq": seq,
        "at": format_datetime(at),
        "actor": actor,
        "action": action,
        "credential_id": credential_id,
        "details": dict(details),
    }
    if version == 1:
        body["reason"] = reason
    else:
        body["reason_sha256"] = reason_hash if reason_hash is not None else reason_digest(reason)
    data = prev_hash.encode("ascii") + canonical_json(body).encode("utf-8")
    return hashlib.sha256(data).hexdigest()


class AuditLog:
    """The audit log of every organisation; works in the caller's transaction, never commits."""

    def __init__(self, registry: Registry, session: Session) -> None:
        """Bind the log to the process's registry and the caller's session."""
        self._registry = registry
        self._session = session

    def append(
        self,
        org_id: int,
        *,
        actor: str,
        action: str,
        credential_id: str | None = None,
        reason: str | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> AuditEntryRecord:
        """Append an entry to ``org_id``'s chain (flushed, not committed).

        Args:
            org_id: The organisation whose log this is.
            actor: ``token:<id>:<label>`` or ``cli:<user>``.
            action: What happened, e.g. ``credential.issue``, ``token.create``.
            credential_id: The credential concerned, if any.
            reason: The reason given, if any (revocation, suspension).
            details: Further ids and flags; JSON values only, no personal data.

        Returns:
            The new entry.

        Raises:
            ValueError: If ``details`` holds something JSON cannot represent, or a text field is
                empty or too long for its column.
        """
        [row] = self._chain(
            org_id, actor=actor, action=action, reason=reason, entries=[(credential_id, details)]
        )
        entry = AuditEntryRecord(**row)
        self._session.add(entry)
        self._session.flush()
        return entry

    def append_many(
        self,
        org_id: int,
        *,
        actor: str,
        action: str,
        entries: Sequence[tuple[str | None, Mapping[str, Any] | None]],
        reason: str | None = None,
    ) -> int:
        """Append one entry per ``(credential_id, details)``, in order, in one statement.

        The entries are exactly what :meth:`append` would write one by one (the same lock,
        ``seq`` numbering and hash chain; one timestamp). Returns how many were written.

        Raises:
            ValueError: As :meth:`append`.
        """
        if not entries:
            return 0
        rows = self._chain(org_id, actor=actor, action=action, reason=reason, entries=entries)
        self._session.execute(sa.insert(AuditEntryRecord), rows)
        return len(rows)

    def _chain(
        self,
        org_id: int,
        *,
        actor: str,
        action: str,
        reason: str | None,
        entries: Sequence[tuple[str | None, Mapping[str, Any] | None]],
    ) -> list[dict[str, Any]]:
        """The rows of ``entries`` chained after the head (takes the chain's lock)."""
        _check_text("actor", actor, 200)
        _check_text("action", action, 32)
        texts: list[str] = []
        for credential_id, details in entries:
            if credential_id is not None:
                _check_text("credential_id", credential_id, 36)
            texts.append(canonical_json(dict(details or {})))
        lock_chain(self._session, org_id)
        last = self.head(org_id)
        seq = 0 if last is None else last.seq
        prev_hash = GENESIS_HASH if last is None else last.hash
        at = self._registry.clock().astimezone(UTC).replace(microsecond=0)
        rows: list[dict[str, Any]] = []
        reason_hash = reason_digest(reason)
        for (credential_id, _details), text in zip(entries, texts, strict=True):
            seq += 1
            digest = entry_hash(
                prev_hash,
                seq=seq,
                at=at,
                actor=actor,
                action=action,
                credential_id=credential_id,
                reason=reason,
                details=json.loads(text),
                reason_hash=reason_hash,
            )
            rows.append(
                {
                    "org_id": org_id,
                    "seq": seq,
                    "at": at,
                    "actor": actor,
                    "action": action,
                    "credential_id": credential_id,
                    "reason": reason,
                    "reason_hash": reason_hash,
                    "hash_version": CURRENT_HASH_VERSION,
                    "details": text,
                    "prev_hash": prev_hash,
                    "hash": digest,
                }
            )
            prev_hash = digest
        return rows

    def clear_reasons(self, org_id: int, credential_id: str) -> int:
        """Clear the free-text reasons of ``credential_id``'s entries (its personal data is
        erased): their hashes stay, so the chain still verifies. Entries of ``hash_version`` 1
        chain the text itself and keep it. Returns how many were cleared."""
        result = self._session.execute(
            sa.update(AuditEntryRecord)
            .where(col(AuditEntryRecord.org_id) == org_id)
            .where(col(AuditEntryRecord.credential_id) == credential_id)
            .where(col(AuditEntryRecord.hash_version) >= 2)
            .where(col(AuditEntryRecord.reason).is_not(None))
            .values(reason=None)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    def entries(
        self, org_id: int, *, after_seq: int = 0, limit: int = 100
    ) -> list[AuditEntryRecord]:
        """Return up to ``limit`` (at most :data:`MAX_PAGE`) entries after ``after_seq``, in order.

        Raises:
            ValueError: If ``after_seq`` is negative or ``limit`` is not 1 to :data:`MAX_PAGE`.
        """
        if after_seq < 0:
            raise ValueError("after_seq must not be negative")
        if not 1 <= limit <= MAX_PAGE:
            raise ValueError(f"limit must be between 1 and {MAX_PAGE}")
        return list(
            self._session.exec(
                select(AuditEntryRecord)
                .where(AuditEntryRecord.org_id == org_id)
                .where(AuditEntryRecord.seq > after_seq)
                .order_by(col(AuditEntryRecord.seq))
                .limit(limit)
            ).all()
        )

    def head(self, org_id: int) -> AuditEntryRecord | None:
        """Return the organisation's latest entry, or None when its log is empty."""
        return self._session.exec(
            select(AuditEntryRecord)
            .where(AuditEntryRecord.org_id == org_id)
            .order_by(col(AuditEntryRecord.seq).desc())
            .limit(1)
        ).first()

    def verify_chain(self, org_id: int) -> int | None:
        """Recompute the chain of ``org_id``; return the first broken ``seq``, or None.

        An entry is broken when its ``seq`` is not the next number (a deleted or inserted row),
        its ``prev_hash`` is not the previous entry's ``hash``, its ``details`` is not a JSON
        object, its ``hash`` does not match its content, or (``hash_version`` 2) a stored
        reason does not match its ``reason_hash``. Removing entries from the end cannot
        be detected from the chain alone: compare :meth:`head` with a copy kept elsewhere.
        """
        expected_seq, prev_hash = 1, GENESIS_HASH
        while True:
            batch = self.entries(org_id, after_seq=expected_seq - 1, limit=_VERIFY_BATCH)
            for entry in batch:
                if entry.seq != expected_seq or entry.prev_hash != prev_hash:
                    return expected_seq
                if entry.hash != _recompute(entry):
                    return entry.seq
                expected_seq, prev_hash = expected_seq + 1, entry.hash
            if len(batch) < _VERIFY_BATCH:
                return None


def _recompute(entry: AuditEntryRecord) -> str | None:
    try:
        details = json.loads(entry.details)
    except ValueError:
        return None
    if not isinstance(details, dict) or entry.hash_version not in (1, 2):
        return None
    stored = entry.reason
    if (
        entry.hash_version == 2
        and stored is not None
        and reason_digest(stored) != entry.reason_hash
    ):
        return None  # the stored text is not the reason the chain committed to
    return entry_hash(
        entry.prev_hash,
        seq=entry.seq,
        at=entry.at,
        actor=entry.actor,
        action=entry.action,
        credential_id=entry.credential_id,
        reason=entry.reason,
        details=details,
        reason_hash=entry.reason_hash,
        version=entry.hash_version,
    )


def _check_text(name: str, value: str, limit: int) -> None:
    if not value or len(value) > limit:
        raise ValueError(f"audit {name} must be 1 to {limit} characters")
