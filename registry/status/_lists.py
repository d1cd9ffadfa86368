"""StatusListService: allocate status indexes, set bits, sign and serve the list credentials.

Each organisation has revocation lists numbered 1, 2, … of :data:`STATUS_LIST_SIZE` entries. An
index is drawn uniformly at random (``secrets.randbelow``) among those never handed out
(``status_lists.allocated``) and is never reused; a full list makes the next one open.

Concurrency: every change to an organisation's lists of one purpose (allocating, opening the
next list, setting a bit, a first signature) takes a transaction lock named after them
(:func:`registry.locks.transaction_lock`; ``BEGIN IMMEDIATE`` already serialises writers on
SQLite), then re-reads the list row under ``SELECT … FOR NO KEY UPDATE`` with
``populate_existing``, so it works on the latest committed state: parallel issues never share
an index and parallel revocations never lose a bit. Lock order: the status-list lock is taken
before the audit lock (``AuditLog.append`` comes after any allocation or bit change), and a
lifecycle action locks its credential row before either.

Whenever a bit changes the list credential is re-signed in the same transaction and stored as
signed bytes plus an ``ETag`` (the quoted SHA-256 of those bytes), and ``signed_version``
catches up with ``version``. Publication never holds a status change back (catalogue J9): when
the list cannot be signed (key store down, signing error) the bit still changes and commits,
the last signed list stays served (never an unsigned one), ``signed_version`` lags, and a later
attempt publishes it: the next status change of the organisation, a ``GET`` of the list
(:func:`republish`), the app's background task and ``leverup status republish``
(:func:`republish_lagging`).
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC
from typing import Any, Final

import msgspec
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from common.timeutil import format_datetime, parse_datetime_stamp
from issuer import sign_credential
from registry.context import Registry
from registry.db import session_scope
from registry.errors import (
    DatabaseUnavailableError,
    InvalidStateError,
    StatusListNotFoundError,
    StatusListUnavailableError,
)
from registry.locks import transaction_lock
from registry.models import OrganisationRecord, StatusListRecord, org_id_of
from registry.orgs.service import OrganisationService
from registry.status._bitstring import (
    STATUS_LIST_SIZE,
    encode_bitstring,
    get_bit,
    new_bitstring,
    pick_clear_bit,
    set_bit,
)

__all__ = [
    "LIST_CONTEXT",
    "PENDING",
    "PUBLISHED",
    "PURPOSES",
    "REVOCATION",
    "RepublishReport",
    "StatusListService",
    "etag_of",
    "list_path",
    "parse_seq",
    "republish",
    "republish_lagging",
]

log = logging.getLogger("leverup.status")

PUBLISHED: Final = "published"
"""Publication state: the served list shows every bit change."""
PENDING: Final = "pending"
"""Publication state: a bit changed but the list is not re-signed yet (catalogue J9)."""

REVOCATION: Final = "revocation"
"""The one status purpose credentials carry (docs/registry.md, "Status")."""

PURPOSES: Final = frozenset({REVOCATION})
"""Purposes the registry publishes lists for."""

LIST_CONTEXT: Final = "https://www.w3.org/ns/credentials/v2"
"""The list credential's only context: VC 2.0 defines every Bitstring Status List term."""

_SEQ: Final = re.compile(r"[1-9][0-9]{0,8}")


def list_path(slug: str, purpose: str, seq: int) -> str:
    """The path of a list credential under the base URL: ``/orgs/{slug}/status/{purpose}/{seq}``."""
    return f"/orgs/{slug}/status/{purpose}/{seq}"


def etag_of(data: bytes) -> str:
    """The strong ETag of ``data``: its SHA-256 in hex, quoted."""
    return '"' + hashlib.sha256(data).hexdigest() + '"'


class StatusListService:
    """Status lists of every organisation; works in the caller's transaction, never commits.

    Attributes:
        list_size: Entries of each new list (131,072; tests may lower it on the class).
    """

    list_size: int = STATUS_LIST_SIZE

    def __init__(self, registry: Registry, session: Session) -> None:
        """Bind the service to the process's registry and the caller's session."""
        self._registry = registry
        self._session = session
        self._orgs = OrganisationService(registry, session)

    # -- allocation --------------------------------------------------------------------------

    def allocate(self, org: OrganisationRecord) -> tuple[StatusListRecord, int]:
        """Hand out a random, never-used revocation index of ``org`` (opening a list if needed).

        Returns:
            The list (locked by this transaction until it ends) and the index.
        """
        org_id = org_id_of(org)
        self._lock(org_id, REVOCATION)
        row = self._latest(org_id, REVOCATION)
        if row is None or row.allocated_count >= row.size:
            row = self._open(org, REVOCATION, 1 if row is None else row.seq + 1)
        index = pick_clear_bit(row.allocated, row.size)
        row.allocated = set_bit(row.allocated, index, True)
        row.allocated_count += 1
        self._session.add(row)
        self._session.flush()
        return row, index

    def entry(
        self, org: OrganisationRecord, status_list: StatusListRecord, index: int
    ) -> dict[str, Any]:
        """The ``credentialStatus`` object of index ``index`` of ``status_list`` (ST-01)."""
        url = self.list_url(org, status_list.purpose, status_list.seq)
        return {
            "id": f"{url}#{index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": status_list.purpose,
            "statusListIndex": str(index),
            "statusListCredential": url,
        }

    def list_url(self, org: OrganisationRecord, purpose: str, seq: int) -> str:
        """The list credential's id: ``{BASE}/orgs/{slug}/status/{purpose}/{seq}``."""
        return self._registry.base_url + list_path(org.slug, purpose, seq)

    # -- bits --------------------------------------------------------------------------------

    def set_bit(self, status_list_id: int, index: int, value: bool) -> None:
        """Set the bit of ``index`` and try to re-sign the list in this transaction.

        Setting a bit that is already set changes nothing. Bits are never cleared: revocation
        is irreversible, and a reinstated credential gets a new index. When the list cannot be
        signed the bit changes all the same and the publication is left pending (J9).

        Raises:
            StatusListNotFoundError: If there is no such list.
            ValueError: If ``index`` was never allocated in that list.
            InvalidStateError: If asked to clear a set bit.
        """
        row = self._locked_row(status_list_id)
        _check_allocated(row, index)
        current = get_bit(row.bits, index)
        if current == value:
            return
        if not value:
            raise InvalidStateError("a status bit is never cleared (revocation is irreversible)")
        row.bits = set_bit(row.bits, index, True)
        row.version += 1
        self._session.add(row)
        self._session.flush()
        self.try_publish(self._orgs.get_by_id(row.org_id), row)

    def set_bits(self, status_list_id: int, indexes: Iterable[int], *, publish: bool = True) -> int:
        """Set many bits of one list at once (one version, at most one signature).

        Returns:
            How many bits changed (already set ones are skipped).

        Raises:
            StatusListNotFoundError: If there is no such list.
            ValueError: If an index was never allocated in that list.
        """
        row = self._locked_row(status_list_id)
        bits = bytearray(row.bits)
        changed = 0
        for index in indexes:
            _check_allocated(row, index)
            if not bits[index >> 3] & (0x80 >> (index & 7)):
                bits[index >> 3] |= 0x80 >> (index & 7)
                changed += 1
        if changed:
            row.bits = bytes(bits)
            row.version += 1
            self._session.add(row)
            self._session.flush()
            if publish:
                self.try_publish(self._orgs.get_by_id(row.org_id), row)
        return changed

    def republish_all(self, org: OrganisationRecord) -> int:
        """Re-sign every list of ``org`` now (e.g. with a new key); return how many were signed.

        A list that cannot be signed is left pending, as in :meth:`try_publish`.
        """
        ids = self._session.exec(
            select(StatusListRecord.id, StatusListRecord.purpose)
            .where(StatusListRecord.org_id == org_id_of(org))
            .order_by(col(StatusListRecord.id))
        ).all()
        signed = 0
        for list_id, purpose in ids:
            row = self._relocked(org_id_of(org), purpose, list_id)
            if row is not None and self.try_publish(org, row):
                signed += 1
        return signed

    def get_bit(self, status_list_id: int, index: int) -> bool:
        """The current bit of ``index`` in the list (as stored in this transaction).

        Raises:
            StatusListNotFoundError: If there is no such list.
            IndexError: If ``index`` is outside the list.
        """
        row = self._session.get(StatusListRecord, status_list_id)
        if row is None:
            raise StatusListNotFoundError(f"no status list with id {status_list_id}")
        return get_bit(row.bits, index)

    # -- publication -------------------------------------------------------------------------

    def try_publish(self, org: OrganisationRecord, row: StatusListRecord) -> bool:
        """Re-sign ``row`` (locked by the caller) now; False, logged, if it cannot be signed.

        Database errors propagate (the transaction is lost anyway); anything else that stops
        the signature (key store down, a key that does not open, a signing error) leaves the
        last signed list in place and ``signed_version`` behind ``version``.
        """
        try:
            self._sign(org, row)
        except (SQLAlchemyError, DatabaseUnavailableError):
            raise
        except Exception as exc:
            log.warning(
                "status list %s of %s: publication pending (%s: %s)",
                row.seq,
                org.slug,
                type(exc).__name__,
                exc,
            )
            return False
        return True

    def publish_pending(self, org: OrganisationRecord) -> int:
        """Try to re-sign every lagging list of ``org`` in this transaction; return how many.

        Raises:
            Whatever :meth:`try_publish` lets through (database errors).
        """
        lagging = self._session.exec(
            select(StatusListRecord.id, StatusListRecord.purpose)
            .where(StatusListRecord.org_id == org_id_of(org))
            .where(_lags())
        ).all()
        published = 0
        for list_id, purpose in lagging:
            row = self._relocked(org_id_of(org), purpose, list_id)
            if row is not None and _lagging(row) and self.try_publish(org, row):
                published += 1
        return published

    def pending_lists(self, org: OrganisationRecord) -> int:
        """How many of ``org``'s lists await publication."""
        return len(
            self._session.exec(
                select(StatusListRecord.id)
                .where(StatusListRecord.org_id == org_id_of(org))
                .where(_lags())
            ).all()
        )

    def publication(self, status_list_id: int) -> str:
        """:data:`PUBLISHED` when the served list shows every change of list ``status_list_id``,
        :data:`PENDING` otherwise."""
        row = self._session.get(StatusListRecord, status_list_id)
        if row is None:
            raise StatusListNotFoundError(f"no status list with id {status_list_id}")
        return PENDING if _lagging(row) else PUBLISHED

    def find(
        self, slug: str, purpose: str, seq: int
    ) -> tuple[OrganisationRecord, StatusListRecord]:
        """The organisation ``slug`` and its list ``seq`` of ``purpose``.

        Raises:
            StatusListNotFoundError: If either does not exist.
        """
        org = self._session.exec(
            select(OrganisationRecord).where(OrganisationRecord.slug == slug)
        ).first()
        row = None
        if org is not None and purpose in PURPOSES:
            row = self._first(
                _list_query(org_id_of(org), purpose).where(StatusListRecord.seq == seq)
            )
        if org is None or row is None:
            raise StatusListNotFoundError(f"no status list {list_path(slug, purpose, seq)}")
        return org, row

    def signed_list(self, slug: str, purpose: str, seq: int) -> tuple[bytes, str]:
        """The last signed list credential and its ETag (see :meth:`published_list`)."""
        signed, etag, _lagging_now = self.published_list(slug, purpose, seq)
        return signed, etag

    def published_list(self, slug: str, purpose: str, seq: int) -> tuple[bytes, str, bool]:
        """The last signed list credential, its ETag, and whether its publication is pending
        (one look-up; signed now if it never was).

        A list whose publication is pending is served as last signed; see :func:`republish`.

        Raises:
            StatusListNotFoundError: If there is no such list.
            StatusListUnavailableError: It was never signed and cannot be signed now.
        """
        org, row = self.find(slug, purpose, seq)
        if row.signed_bytes is None or row.etag is None:
            locked = self._relocked(row.org_id, row.purpose, row.id)
            row = locked if locked is not None else row
            if (row.signed_bytes is None or row.etag is None) and not self.try_publish(org, row):
                raise StatusListUnavailableError(
                    f"status list {list_path(slug, purpose, seq)} cannot be signed right now"
                )
        signed, etag = _published(row)
        return signed, etag, _lagging(row)

    def list_document(self, org: OrganisationRecord, row: StatusListRecord) -> dict[str, Any]:
        """The unsigned list credential of ``row`` as of now (ST-03)."""
        url = self.list_url(org, row.purpose, row.seq)
        return {
            "@context": [LIST_CONTEXT],
            "id": url,
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": org.did,
            "validFrom": self._valid_from(row),
            "credentialSubject": {
                "id": f"{url}#list",
                "type": "BitstringStatusList",
                "statusPurpose": row.purpose,
                "encodedList": encode_bitstring(row.bits),
                "ttl": self._registry.settings.status_list_max_age * 1000,
            },
        }

    # -- internals ---------------------------------------------------------------------------

    def _valid_from(self, row: StatusListRecord) -> str:
        """Now, but never earlier than the list signed before: a clock stepped back must not
        make a newer list look older (verifiers refuse lists that roll back; J19, F13)."""
        now = self._registry.clock().astimezone(UTC).replace(microsecond=0)
        if row.signed_bytes:
            try:
                previous = parse_datetime_stamp(msgspec.json.decode(row.signed_bytes)["validFrom"])
            except (msgspec.DecodeError, KeyError, TypeError, ValueError):
                previous = None
            if previous is not None and previous > now:
                now = previous
        return format_datetime(now)

    def _sign(self, org: OrganisationRecord, row: StatusListRecord) -> None:
        document = self.list_document(org, row)
        signed = sign_credential(
            self._registry.processor,
            document,
            self._orgs.signer(org),
            created=document["validFrom"],
        )
        row.signed_bytes = signed.signed_bytes
        row.etag = etag_of(signed.signed_bytes)
        row.signed_version = row.version
        row.updated_at = self._registry.clock()
        self._session.add(row)
        self._session.flush()

    def _open(self, org: OrganisationRecord, purpose: str, seq: int) -> StatusListRecord:
        size = self.list_size
        row = StatusListRecord(
            org_id=org_id_of(org),
            purpose=purpose,
            seq=seq,
            size=size,
            bits=new_bitstring(size),
            allocated=new_bitstring(size),
            allocated_count=0,
            version=0,
            updated_at=self._registry.clock(),
        )
        self._session.add(row)
        self._session.flush()
        self._sign(org, row)
        return row

    def _lock(self, org_id: int, purpose: str) -> None:
        """Serialise every change to ``org_id``'s lists of ``purpose`` (held until the end)."""
        transaction_lock(self._session, f"status-list:{org_id}:{purpose}")

    def _locked_row(self, status_list_id: int) -> StatusListRecord:
        """The list ``status_list_id``, its purpose's lock taken and the row locked and re-read.

        Raises:
            StatusListNotFoundError: If there is no such list.
        """
        found = self._first(select(StatusListRecord).where(StatusListRecord.id == status_list_id))
        row = None if found is None else self._relocked(found.org_id, found.purpose, status_list_id)
        if row is None:
            raise StatusListNotFoundError(f"no status list with id {status_list_id}")
        return row

    def _relocked(
        self, org_id: int, purpose: str, status_list_id: int | None
    ) -> StatusListRecord | None:
        """Take the lock of ``(org_id, purpose)``, then lock and re-read list ``status_list_id``
        (the state another transaction committed while this one waited)."""
        self._lock(org_id, purpose)
        return self._first(
            select(StatusListRecord).where(StatusListRecord.id == status_list_id), lock=True
        )

    def _latest(self, org_id: int, purpose: str) -> StatusListRecord | None:
        query = _list_query(org_id, purpose).order_by(col(StatusListRecord.seq).desc()).limit(1)
        return self._first(query, lock=True)

    def _first(
        self, query: SelectOfScalar[StatusListRecord], *, lock: bool = False
    ) -> StatusListRecord | None:
        if lock:
            query = query.with_for_update(key_share=True)
        return self._session.exec(query.execution_options(populate_existing=True)).first()


def _check_allocated(row: StatusListRecord, index: int) -> None:
    if not 0 <= index < row.size or not get_bit(row.allocated, index):
        raise ValueError(f"index {index} of status list {row.id} was never allocated")


def _lags() -> Any:
    """The SQL condition of a list whose publication is pending."""
    return (col(StatusListRecord.signed_version) < col(StatusListRecord.version)) | col(
        StatusListRecord.signed_bytes
    ).is_(None)


def _lagging(row: StatusListRecord) -> bool:
    return row.signed_bytes is None or row.signed_version < row.version


@dataclass(frozen=True)
class RepublishReport:
    """What :func:`republish_lagging` did: lists re-signed, and lists still pending."""

    published: int
    pending: int


def republish(registry: Registry, slug: str, purpose: str, seq: int) -> tuple[bytes, str] | None:
    """Re-sign one lagging list in a transaction of its own; its new bytes and ETag, or None.

    For callers outside any write transaction (the public ``GET`` of a list, which itself only
    reads): None when the list is not lagging or still cannot be signed.

    Raises:
        StatusListNotFoundError: If there is no such list.
    """
    with session_scope(registry.engine) as session:
        service = StatusListService(registry, session)
        org, row = service.find(slug, purpose, seq)
        service._lock(row.org_id, row.purpose)
        locked = service._first(
            select(StatusListRecord).where(StatusListRecord.id == row.id), lock=True
        )
        if locked is None or not _lagging(locked) or not service.try_publish(org, locked):
            return None
        return _published(locked)


def republish_lagging(registry: Registry, *, limit: int = 1000) -> RepublishReport:
    """Re-sign every lagging list (up to ``limit``), each organisation in its own transaction.

    Used by the app's background task and ``leverup status republish``.
    """
    with session_scope(registry.engine, read_only=True) as session:
        org_ids = session.exec(
            select(StatusListRecord.org_id).where(_lags()).distinct().limit(limit)
        ).all()
    published = 0
    for org_id in org_ids:
        with session_scope(registry.engine) as session:
            service = StatusListService(registry, session)
            org = service._orgs.get_by_id(org_id)
            published += service.publish_pending(org)
    with session_scope(registry.engine, read_only=True) as session:
        pending = len(session.exec(select(StatusListRecord.id).where(_lags())).all())
    return RepublishReport(published=published, pending=pending)


def _list_query(org_id: int, purpose: str) -> SelectOfScalar[StatusListRecord]:
    return (
        select(StatusListRecord)
        .where(StatusListRecord.org_id == org_id)
        .where(StatusListRecord.purpose == purpose)
    )


def _published(row: StatusListRecord) -> tuple[bytes, str]:
    if row.signed_bytes is None or row.etag is None:
        raise RuntimeError(f"status list {row.id} was not signed")
    return row.signed_bytes, row.etag


def parse_seq(text: str) -> int | None:
    """The list number of a URL segment (``1``…``999999999``, no sign or leading zero), or None."""
    return int(text) if _SEQ.fullmatch(text) else None
