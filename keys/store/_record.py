"""Key records and the sealing of their seeds under the master secret."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Final, Literal

import msgspec
import nacl.exceptions
import nacl.secret

from keys.ed25519 import Ed25519KeyPair
from keys.errors import KeyStoreError
from keys.multikey import decode_public_key, encode_public_key
from keys.store._master import MasterSecret

__all__ = ["KeyRecord", "KeyStatus", "open_record", "seal_record"]

KeyStatus = Literal["active", "retired"]

_PERSON: Final = b"leverup-keys-v1"
_DID_KEY: Final = "did:key:"


class KeyRecord(msgspec.Struct, frozen=True, kw_only=True):
    """One issuer key as stored: public data in clear, the seed only encrypted.

    Attributes:
        key_id: The key's id within its controller, ``key-1``, ``key-2``, …
        controller: The DID the key belongs to.
        public_key_multibase: The public key as Multikey (``z6Mk…``).
        created: When the key was created (UTC).
        status: ``active`` (signs new credentials) or ``retired`` (still published).
        encrypted_seed: ``nonce || SecretBox ciphertext`` of the seed, under a key derived from
            the master secret and bound to ``(controller, key_id, public_key_multibase)``.
    """

    key_id: str
    controller: str
    public_key_multibase: str
    created: datetime
    status: KeyStatus
    encrypted_seed: bytes

    @property
    def public_key(self) -> bytes:
        """The 32-byte public key."""
        return decode_public_key(self.public_key_multibase)

    @property
    def verification_method(self) -> str:
        """The verification method id to sign with (``did:key:z…#z…`` or ``did:web:…#key-N``)."""
        if self.controller.startswith(_DID_KEY):
            return f"{self.controller}#{self.public_key_multibase}"
        return f"{self.controller}#{self.key_id}"


def seal_record(
    master: MasterSecret, *, controller: str, key_id: str, seed: bytes, created: datetime
) -> KeyRecord:
    """Encrypt ``seed`` into a new active :class:`KeyRecord`.

    Raises:
        ValueError: If ``seed`` is not 32 bytes.
    """
    multibase = encode_public_key(Ed25519KeyPair.from_seed(seed).public_key)
    box = _box(master, controller, key_id, multibase)
    return KeyRecord(
        key_id=key_id,
        controller=controller,
        public_key_multibase=multibase,
        created=created.astimezone(UTC),
        status="active",
        encrypted_seed=bytes(box.encrypt(seed)),
    )


def open_record(master: MasterSecret, record: KeyRecord) -> Ed25519KeyPair:
    """Decrypt a record's seed into its key pair.

    Decryption authenticates the controller, key id and public key too, so a record whose
    ciphertext was moved, or whose public key was swapped, fails here.

    Raises:
        KeyStoreError: If the record does not decrypt under ``master`` or is inconsistent.
    """
    where = f"key {record.key_id} of {record.controller}"
    box = _box(master, record.controller, record.key_id, record.public_key_multibase)
    try:
        seed = box.decrypt(record.encrypted_seed)
    except (nacl.exceptions.CryptoError, ValueError, TypeError):
        raise KeyStoreError(f"cannot decrypt {where} (wrong LEVERUP_SECRET_KEY?)") from None
    try:
        pair = Ed25519KeyPair.from_seed(seed)
    except ValueError:
        raise KeyStoreError(f"{where} holds a malformed seed") from None
    if encode_public_key(pair.public_key) != record.public_key_multibase:
        raise KeyStoreError(f"{where} does not match its public key")
    return pair


def _box(
    master: MasterSecret, controller: str, key_id: str, multibase: str
) -> nacl.secret.SecretBox:
    context = msgspec.json.encode([controller, key_id, multibase])
    return nacl.secret.SecretBox(master.derive_key(person=_PERSON, context=context))
