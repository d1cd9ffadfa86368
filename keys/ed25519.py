"""Ed25519 signing and verification: the only module that calls PyNaCl's signing API.

:func:`verify_signature` raises :class:`~keys.errors.InvalidSignatureError` for every failure.
PyNaCl (libsodium) rejects small-order public keys, non-canonical ``S`` (``S >= L``, e.g. a
signature malleated to ``S + L``) and small-order ``R``; it raises ``BadSignatureError`` for
those but ``ValueError``/``TypeError`` for wrong lengths or types, and all of them end up here
as one error class so that no crypto failure can escape as anything but "invalid".
"""

from __future__ import annotations

from dataclasses import dataclass, field

import nacl.exceptions
import nacl.signing

from keys.errors import InvalidSignatureError

__all__ = [
    "PUBLIC_KEY_LENGTH",
    "SEED_LENGTH",
    "SIGNATURE_LENGTH",
    "Ed25519KeyPair",
    "verify_signature",
]

SEED_LENGTH = 32
"""Length in bytes of an Ed25519 secret seed (RFC 8032 private key)."""
PUBLIC_KEY_LENGTH = 32
"""Length in bytes of an Ed25519 public key."""
SIGNATURE_LENGTH = 64
"""Length in bytes of an Ed25519 signature."""


@dataclass(frozen=True, slots=True, repr=False)
class Ed25519KeyPair:
    """An Ed25519 signing key and its public key.

    Build one with :meth:`from_seed` or :meth:`generate`. The seed is held privately and is
    never shown by ``repr``; equality compares public keys only.

    Attributes:
        public_key: The 32-byte public key.
    """

    public_key: bytes
    _signing_key: nacl.signing.SigningKey = field(compare=False)

    @classmethod
    def from_seed(cls, seed: bytes) -> Ed25519KeyPair:
        """Build a key pair from a 32-byte secret seed.

        Args:
            seed: The RFC 8032 private key (what W3C ``privateKeyMultibase`` carries).

        Returns:
            The key pair.

        Raises:
            ValueError: If ``seed`` is not exactly 32 bytes.
        """
        if not isinstance(seed, bytes) or len(seed) != SEED_LENGTH:
            raise ValueError(f"an Ed25519 seed must be {SEED_LENGTH} bytes")
        signing_key = nacl.signing.SigningKey(seed)
        return cls(bytes(signing_key.verify_key), signing_key)

    @classmethod
    def generate(cls) -> Ed25519KeyPair:
        """Generate a key pair from the operating system's CSPRNG.

        Returns:
            A new key pair.
        """
        signing_key = nacl.signing.SigningKey.generate()
        return cls(bytes(signing_key.verify_key), signing_key)

    def sign(self, message: bytes) -> bytes:
        """Sign ``message`` with pure Ed25519 (RFC 8032).

        Args:
            message: The bytes to sign.

        Returns:
            The 64-byte signature.
        """
        return self._signing_key.sign(message).signature

    def __repr__(self) -> str:
        """Show the public key only."""
        return f"Ed25519KeyPair(public_key={self.public_key.hex()})"


def verify_signature(public_key: bytes, signature: bytes, message: bytes) -> None:
    """Verify an Ed25519 signature, raising on any failure.

    Args:
        public_key: The 32-byte public key.
        signature: The 64-byte signature.
        message: The signed bytes.

    Raises:
        InvalidSignatureError: If the signature does not verify, or if any argument has the
            wrong type or length, or the key is not an acceptable Ed25519 point.
    """
    if not all(isinstance(value, bytes) for value in (public_key, signature, message)):
        raise InvalidSignatureError("public key, signature and message must be bytes")
    if len(public_key) != PUBLIC_KEY_LENGTH:
        raise InvalidSignatureError(
            f"Ed25519 public key must be {PUBLIC_KEY_LENGTH} bytes, got {len(public_key)}"
        )
    if len(signature) != SIGNATURE_LENGTH:
        raise InvalidSignatureError(
            f"Ed25519 signature must be {SIGNATURE_LENGTH} bytes, got {len(signature)}"
        )
    try:
        nacl.signing.VerifyKey(public_key).verify(message, signature)
    except (nacl.exceptions.CryptoError, ValueError, TypeError) as exc:
        raise InvalidSignatureError("Ed25519 signature does not verify") from exc
