"""DbKeyStore: the :class:`keys.store.KeyStore` of the registry, over the ``signing_keys`` table.

Seeds are sealed exactly as :class:`keys.store.FileKeyStore` seals them (``keys.store``'s
``seal_record``/``open_record``: SecretBox under a key derived from the master secret and bound
to controller, key id and public key), so a row copied to another controller, or a public key
edited in the database, does not open. The store works inside the caller's transaction and never
commits; writers of one controller are serialised by :func:`registry.locks.transaction_lock`.
Seeds are never logged, returned or shown by ``repr``.
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Callable
from datetime import datetime
from typing import Final

import nacl.utils
import sqlalchemy as sa
from sqlmodel import Session, col, select

from common.timeutil import utcnow
from keys.did import did_key, did_method, did_web_url
from keys.ed25519 import SEED_LENGTH, Ed25519KeyPair
from keys.errors import KeyNotFoundError, KeyStoreError
from keys.store import KeyRecord, MasterSecret

# Private to keys.store today; keys.store should export them (see the registry's report).
from keys.store._record import open_record, seal_record
from registry.locks import transaction_lock
from registry.models import SigningKeyRecord

__all__ = ["DbKeyStore"]

_KEY_ID: Final = re.compile(r"key-([1-9][0-9]*)")


class DbKeyStore:
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

    def create(self, controller: str) -> KeyRecord:
        """Create the first key (``key-1``, active) of a did:web controller.

        Raises:
            KeyStoreError: If the controller already has keys, is a did:key, or the master
                secret does not open the keys already stored.
            InvalidDidError: If the controller is not a valid did:web DID.
        """
        if did_method(controller) == "key":
            raise KeyStoreError("a did:key is derived from its key; use create_did_key")
        did_web_url(controller)
        return self._add(controller, nacl.utils.random(SEED_LENGTH), first=True)

    def import_seed(self, controller: str, seed: bytes) -> KeyRecord:
        """Store an existing 32-byte seed as the controller's new active key.

        Raises:
            KeyStoreError: If the seed is not 32 bytes, is already stored, is not the key of a
                did:key controller (or that did:key is stored already), or the master secret
                is wrong.
            InvalidDidError: If the controller is not a valid did:key or did:web DID.
        """
        if not isinstance(seed, bytes) or len(seed) != SEED_LENGTH:
            raise KeyStoreError(f"a seed must be {SEED_LENGTH} bytes")
        if did_method(controller) == "web":
            did_web_url(controller)
            return self._add(controller, seed, first=None)
        if did_key(Ed25519KeyPair.from_seed(seed).public_key) != controller:
            raise KeyStoreError(f"the seed is not the key of {controller}")
        return self._add(controller, seed, first=True)

    def rotate(self, controller: str) -> KeyRecord:
        """Add ``key-N+1`` as the active key of a did:web controller; ``key-N`` is retired.

        Raises:
            KeyNotFoundError: If the controller has no keys.
            KeyStoreError: If the controller is a did:key or the master secret is wrong.
        """
        if did_method(controller) == "key":
            raise KeyStoreError("a did:key cannot rotate: a new key means a new DID")
        return self._add(controller, nacl.utils.random(SEED_LENGTH), first=False)

    def list(self, controller: str | None = None) -> builtins.list[KeyRecord]:
        """Return the records of ``controller`` (or of every controller), oldest first."""
        return [_to_record(row) for row in self._rows(controller)]

    def signing_key(self, controller: str) -> tuple[KeyRecord, Ed25519KeyPair]:
        """Return the active record of ``controller`` and its decrypted key pair.

        Raises:
            KeyNotFoundError: If the controller has no active key.
            KeyStoreError: If the key does not decrypt (wrong master secret) or the controller
                has more than one active key.
        """
        active = [r for r in self.list(controller) if r.status == "active"]
        if not active:
            raise KeyNotFoundError(f"no active key for {controller}")
        if len(active) > 1:
            raise KeyStoreError(f"the key store holds {len(active)} active keys for {controller}")
        return active[0], open_record(self._master, active[0])

    def public_keys(self, controller: str) -> builtins.list[tuple[str, bytes]]:
        """Return ``(key_id, public key)`` of every key of ``controller``, oldest first.

        Each record is decrypted first, so a public key written into the table by hand is never
        published. A controller without keys gets an empty list.

        Raises:
            KeyStoreError: If a key does not decrypt or does not match its public key.
        """
        return [(r.key_id, open_record(self._master, r).public_key) for r in self.list(controller)]

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

    def _check_master(self) -> None:
        """Fail closed unless the master secret opens the oldest key already stored."""
        first = self._session.exec(
            select(SigningKeyRecord).order_by(col(SigningKeyRecord.id)).limit(1)
        ).first()
        if first is not None:
            open_record(self._master, _to_record(first))

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
            key_id=_next_key_id(mine),
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


def _to_record(row: SigningKeyRecord) -> KeyRecord:
    status = row.status
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


def _next_key_id(rows: builtins.list[SigningKeyRecord]) -> str:
    numbers = [int(m[1]) for r in rows if (m := _KEY_ID.fullmatch(r.key_id))]
    return f"key-{max(numbers, default=0) + 1}"
