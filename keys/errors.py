"""Errors raised by the ``keys`` package.

Every error is a :class:`KeysError`, so a caller that only needs "the key layer refused this" can
catch one class::

    KeysError
    ├── InvalidSignatureError      an Ed25519 signature does not verify, whatever the reason
    ├── InvalidMultikeyError       a Multikey value is malformed or not an Ed25519 key
    ├── InvalidDidError            a DID, DID URL or DID document fails a check
    ├── UnsupportedDidMethodError  a DID method other than did:key and did:web
    ├── KeyNotFoundError           the key store holds no (active) key for a controller
    ├── KeyStoreError              the key store cannot be read, written or decrypted
    └── MasterSecretError          the master secret is missing, ill-formed or badly protected

Messages never contain key material; verifiers may show them to users.
"""

from __future__ import annotations

__all__ = [
    "InvalidDidError",
    "InvalidMultikeyError",
    "InvalidSignatureError",
    "KeyNotFoundError",
    "KeyStoreError",
    "KeysError",
    "MasterSecretError",
    "UnsupportedDidMethodError",
]


class KeysError(Exception):
    """Base class of every error raised by the ``keys`` package."""


class InvalidSignatureError(KeysError):
    """An Ed25519 signature does not verify (bad signature, key or lengths)."""


class InvalidMultikeyError(KeysError):
    """A Multikey value is malformed, uses another encoding, or holds another key type."""


class InvalidDidError(KeysError):
    """A DID, DID URL or DID document is malformed or fails a verifier check."""


class UnsupportedDidMethodError(KeysError):
    """The DID method is neither did:key nor did:web (or the identifier is not a DID)."""


class KeyNotFoundError(KeysError):
    """The key store holds no key, or no active key, for the controller."""


class KeyStoreError(KeysError):
    """The key store cannot be read, written or decrypted, or refuses the operation."""


class MasterSecretError(KeysError):
    """The master secret is missing, ill-formed, or stored with unsafe permissions."""
