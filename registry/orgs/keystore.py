"""DbKeyStore: the :class:`keys.store.KeyStore` of the registry, over the ``signing_keys`` table.

Seeds are sealed exactly as :class:`keys.store.FileKeyStore` seals them (``keys.store``'s
``seal_record``/``open_record``: SecretBox under a key derived from the master secret and bound
to controller, key id and public key), so a row copied to another controller, or a public key
edited in the database, does not open. The store works inside the caller's transaction and never
commits; writers of one controller are serialised by :func:`registry.locks.transaction_lock`.
Seeds are never logged, returned or shown by ``repr``. A key marked ``compromised``
(:meth:`DbKeyStore.mark_compromised`, catalogue J13) is left out of :meth:`DbKeyStore.list`, so it
neither signs nor appears in a DID document again; its row stays (key ids are never reused).
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from datetime import datetime
from typing import Final

import sqlalchemy as sa
from sqlmodel import Session, col, select

from common.timeutil import utcnow
from keys.errors import KeyNotFoundError, KeyStoreError
from keys.store import KeyRecord, KeyStoreBase, MasterSecret, next_key_id, open_record, seal_record
from registry.locks import transaction_lock
from registry.models import SigningKeyRecord

__all__ = ["COMPROMISED", "DbKeyStore", "key_id_of"]

COMPROMISED: Final = "compromised"
"""Status of a key marked compromised: never signs, never published again (catalogue J13)."""


def key_id_of(verification_method: str) -> str:
    """The key id (``key-N``) of a verification method ``did:web:…#key-N``."""
    return verification_method.rsplit("#", 1)[-1]


class DbKeyStore(KeyStoreBase):
    """A :class:`~keys.store.KeyStore` kept in the ``signing_keys`` table of the caller's session.

    Every change checks first that the master secret opens a key already stored (so a wrong
    secret never adds keys nobody can open) and keeps the retired keys, so credentials they
    signed keep verifying.
    """

    def __init__(
        self, session: Session, master: MasterSecret, *, clock: Callable[[], datetime] = utcnow
    ) -> None:
        """Use ``session`` (never committed here) and ``master`` to seal and open seeds.

        Args:
            session: The caller's session; its transaction holds every change.
            master: The master secret that encrypts the seeds.
            clock: The source of ``created`` timestamps (aware, UTC).
        """
        self._session = session
        self._master = master
        self._clock = clock

    def __repr__(self) -> str:
        """Show nothing secret."""
        return "DbKeyStore(<signing_keys>)"

    def list(self, controller: str | None = None) -> builtins.list[KeyRecord]:
        """Return the records of ``controller`` (or of every controller), oldest first.

        Compromised keys are left out: they never sign and are never published again.
        """
        return [_to_record(row) for row in self._rows(controller) if row.status != COMPROMISED]

    def statuses(self, controller: str) -> builtins.list[tuple[str, str]]:
        """``(key_id, status)`` of every key of ``controller``, compromised ones too, oldest
        first."""
        return [(row.key_id, row.status) for row in self._rows(controller)]

    def mark_compromised(self, controller: str, key_id: str) -> str:
        """Mark ``key_id`` of ``controller`` compromised; return the status it had.

        The caller rotates to a fresh key when the key was ``active`` (the controller has no
        active key until then).

        Raises:
            KeyNotFoundError: If the controller has no such key.
        """
        transaction_lock(self._session, f"keys:{controller}")
        row = self._session.exec(
            select(SigningKeyRecord)
            .where(SigningKeyRecord.controller == controller)
            .where(SigningKeyRecord.key_id == key_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).first()
        if row is None:
            raise KeyNotFoundError(f"{controller} has no key {key_id!r:.40}")
        previous = row.status
        row.status = COMPROMISED
        self._session.add(row)
        self._session.flush()
        return previous

    def controllers(self) -> builtins.list[str]:
        """Return every controller that has keys, sorted."""
        query = select(SigningKeyRecord.controller).distinct().order_by(SigningKeyRecord.controller)
        return builtins.list(self._session.exec(query).all())

    def _rows(self, controller: str | None) -> builtins.list[SigningKeyRecord]:
        query = select(SigningKeyRecord)
        if controller is not None:
            query = query.where(SigningKeyRecord.controller == controller)
        query = query.order_by(col(SigningKeyRecord.controller), col(SigningKeyRecord.id))
        return builtins.list(self._session.exec(query).all())

    def check_opens(self) -> None:
        """Check that the master secret opens the oldest key stored (nothing stored: nothing to
        check); the health check asks.

        Raises:
            KeyStoreError: The key does not decrypt (a wrong master secret) or is inconsistent.
        """
        self._check_master()

    def _check_master(self) -> None:
        """Fail closed unless the master secret opens the oldest key already stored."""
        first = self._session.exec(
            select(SigningKeyRecord).order_by(col(SigningKeyRecord.id)).limit(1)
        ).first()
        if first is not None:
            open_record(self._master, _to_record(first, compromised_ok=True))

    def _add(self, controller: str, seed: bytes, *, first: bool | None) -> KeyRecord:
        """Seal ``seed`` as the new active key of ``controller``, retiring the previous one.

        ``first`` True requires a controller without keys, False one with keys, None either.
        """
        transaction_lock(self._session, f"keys:{controller}")
        self._check_master()
        mine = self._rows(controller)
        if first is False and not mine:
            raise KeyNotFoundError(f"no keys for {controller}; create one first")
        if first and mine:
            raise KeyStoreError(f"{controller} already has keys")
        record = seal_record(
            self._master,
            controller=controller,
            key_id=next_key_id(r.key_id for r in mine),
            seed=seed,
            created=self._clock(),
        )
        taken = self._session.exec(
            select(SigningKeyRecord.id).where(
                SigningKeyRecord.public_key_multibase == record.public_key_multibase
            )
        ).first()
        if taken is not None:
            raise KeyStoreError("this key is already in the key store")
        self._session.exec(
            sa.update(SigningKeyRecord)
            .where(col(SigningKeyRecord.controller) == controller)
            .where(col(SigningKeyRecord.status) == "active")
            .values(status="retired")
        )
        self._session.add(
            SigningKeyRecord(
                controller=record.controller,
                key_id=record.key_id,
                public_key_multibase=record.public_key_multibase,
                encrypted_seed=record.encrypted_seed,
                status=record.status,
                created_at=record.created,
            )
        )
        self._session.flush()
        return record


def _to_record(row: SigningKeyRecord, *, compromised_ok: bool = False) -> KeyRecord:
    status = row.status
    if compromised_ok and status == COMPROMISED:
        status = "retired"  # only to check that the master secret opens it
    if status not in ("active", "retired"):
        raise KeyStoreError(f"key {row.key_id} of {row.controller} has an unknown status")
    return KeyRecord(
        key_id=row.key_id,
        controller=row.controller,
        public_key_multibase=row.public_key_multibase,
        created=row.created_at,
        status="active" if status == "active" else "retired",
        encrypted_seed=bytes(row.encrypted_seed),
    )
