"""The key store interface, and operations written once against it."""

from __future__ import annotations

import builtins
from typing import Protocol

import nacl.utils

from keys.did import did_key
from keys.ed25519 import SEED_LENGTH, Ed25519KeyPair
from keys.store._record import KeyRecord

__all__ = ["KeyStore", "create_did_key"]


class KeyStore(Protocol):
    """Where issuer keys live, encrypted at rest.

    Each controller (a DID) has keys ``key-1``, ``key-2``, … in creation order; exactly one is
    active and signs, the others are retired but kept so their credentials keep verifying.
    """

    def create(self, controller: str) -> KeyRecord:
        """Create the first key (``key-1``, active) of a did:web controller."""
        ...

    def import_seed(self, controller: str, seed: bytes) -> KeyRecord:
        """Store an existing 32-byte seed as the controller's new active key."""
        ...

    def list(self, controller: str | None = None) -> builtins.list[KeyRecord]:
        """Return the records of one controller, or of all, oldest first."""
        ...

    def signing_key(self, controller: str) -> tuple[KeyRecord, Ed25519KeyPair]:
        """Return the active record of a controller and its decrypted key pair."""
        ...

    def rotate(self, controller: str) -> KeyRecord:
        """Add a new active key to a did:web controller; the previous one is retired."""
        ...

    def public_keys(self, controller: str) -> builtins.list[tuple[str, bytes]]:
        """Return ``(key_id, public key)`` of every key of a controller, oldest first (or [])."""
        ...

    def controllers(self) -> builtins.list[str]:
        """Return every controller that has keys, sorted."""
        ...


def create_did_key(store: KeyStore) -> KeyRecord:
    """Create a did:key issuer: a new random key whose DID is derived from it.

    The seed never leaves the ``keys`` package.

    Args:
        store: The key store to keep the key in.

    Returns:
        The record; its ``controller`` is the new ``did:key:z6Mk…``.
    """
    seed = nacl.utils.random(SEED_LENGTH)
    return store.import_seed(did_key(Ed25519KeyPair.from_seed(seed).public_key), seed)
