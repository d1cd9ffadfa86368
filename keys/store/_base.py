"""The key-store policy both stores share; a subclass supplies only the storage.

The policy: a did:web controller gets ``key-1`` on :meth:`create` and ``key-N+1`` on
:meth:`rotate` or :meth:`import_seed`, the previous active key is retired but kept (credentials
it signed keep verifying); a did:key controller holds exactly its own seed; there is one active
key per controller; public keys are published only after their seed decrypts.
"""

from __future__ import annotations

import builtins
import re
from abc import ABC, abstractmethod
from collections.abc import Iterable
from typing import Final

import nacl.utils

from keys.did import did_key, did_method, did_web_url
from keys.ed25519 import SEED_LENGTH, Ed25519KeyPair
from keys.errors import KeyNotFoundError, KeyStoreError
from keys.store._master import MasterSecret
from keys.store._record import KeyRecord, open_record

__all__ = ["KeyStoreBase", "next_key_id"]

_KEY_ID: Final = re.compile(r"key-([1-9][0-9]*)")


def next_key_id(key_ids: Iterable[str]) -> str:
    """``key-N+1`` for the highest ``key-N`` in ``key_ids`` (``key-1`` for none)."""
    numbers = [int(m[1]) for key_id in key_ids if (m := _KEY_ID.fullmatch(key_id))]
    return f"key-{max(numbers, default=0) + 1}"


class KeyStoreBase(ABC):
    """The :class:`~keys.store.KeyStore` policy over an abstract storage.

    Subclasses implement :meth:`list`, :meth:`controllers` and :meth:`_add` (seal the seed as
    the controller's new active key and retire the previous one, atomically, after checking the
    master secret opens what is stored).
    """

    _master: MasterSecret

    def create(self, controller: str) -> KeyRecord:
        """Create the first key (``key-1``, active) of a did:web controller.

        Raises:
            KeyStoreError: If the controller already has keys, is a did:key (whose key comes
                first: use :func:`~keys.store.create_did_key`), or the master secret is wrong.
            InvalidDidError: If the controller is not a valid did:web DID.
        """
        if did_method(controller) == "key":
            raise KeyStoreError("a did:key is derived from its key; use create_did_key")
        did_web_url(controller)
        return self._add(controller, nacl.utils.random(SEED_LENGTH), first=True)

    def import_seed(self, controller: str, seed: bytes) -> KeyRecord:
        """Store an existing 32-byte seed as the controller's new active key.

        The first key of a controller becomes ``key-1``; otherwise the seed becomes ``key-N+1``
        and the previous active key is retired, as in :meth:`rotate`. A did:key controller
        takes only its own seed, once.

        Raises:
            KeyStoreError: If the seed is not 32 bytes, is already in the store, is not the key
                of a did:key controller (or that did:key is already stored), or the master
                secret is wrong.
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
            KeyStoreError: If the controller is a did:key (a new key is a new DID) or the master
                secret is wrong.
        """
        if did_method(controller) == "key":
            raise KeyStoreError("a did:key cannot rotate: a new key means a new DID")
        return self._add(controller, nacl.utils.random(SEED_LENGTH), first=False)

    def signing_key(self, controller: str) -> tuple[KeyRecord, Ed25519KeyPair]:
        """Return the active record of ``controller`` and its decrypted key pair.

        Raises:
            KeyNotFoundError: If the controller has no active key.
            KeyStoreError: If the key does not decrypt (wrong master secret) or the store holds
                more than one active key.
        """
        active = [r for r in self.list(controller) if r.status == "active"]
        if not active:
            raise KeyNotFoundError(f"no active key for {controller}")
        if len(active) > 1:
            raise KeyStoreError(f"the key store holds {len(active)} active keys for {controller}")
        return active[0], open_record(self._master, active[0])

    def public_keys(self, controller: str) -> builtins.list[tuple[str, bytes]]:
        """Return ``(key_id, public key)`` for every key of ``controller``, oldest first.

        Each record is decrypted first: only public keys whose seed the master secret sealed
        are returned, so a public key edited into the store is never published. A controller
        without keys gets an empty list.

        Raises:
            KeyStoreError: If a key does not decrypt or does not match its public key.
        """
        return [(r.key_id, open_record(self._master, r).public_key) for r in self.list(controller)]

    @abstractmethod
    def list(self, controller: str | None = None) -> builtins.list[KeyRecord]:
        """Return the records of ``controller`` (or of every controller), oldest first."""

    @abstractmethod
    def controllers(self) -> builtins.list[str]:
        """Return every controller that has keys, sorted."""

    @abstractmethod
    def _add(self, controller: str, seed: bytes, *, first: bool | None) -> KeyRecord:
        """Seal ``seed`` as the new active key of ``controller``, retiring the previous one.

        ``first`` True requires a controller without keys, False one with keys, None either.
        """
