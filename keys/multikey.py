"""Multikey encoding of Ed25519 keys (multibase base58btc ``z`` + multicodec prefix).

A public key is ``"z" + base58btc(0xed 0x01 || 32-byte key)``, which always reads ``z6Mk…``.
A secret key is the W3C ``privateKeyMultibase`` form ``"z" + base58btc(0x80 0x26 || seed)``,
which reads ``z3u2…``. Decoding is strict: vc-di-eddsa says any other encoding MUST NOT be
allowed, so no other multibase letter, multicodec prefix or length gets through.
"""

from __future__ import annotations

from typing import Final

import base58

from keys.ed25519 import PUBLIC_KEY_LENGTH, SEED_LENGTH, Ed25519KeyPair
from keys.errors import InvalidMultikeyError

__all__ = [
    "ED25519_PRIV_PREFIX",
    "ED25519_PUB_PREFIX",
    "decode_public_key",
    "decode_secret_key",
    "encode_public_key",
    "encode_secret_key",
]

ED25519_PUB_PREFIX: Final = b"\xed\x01"
"""Multicodec ``ed25519-pub`` (0xed) as an unsigned varint."""
ED25519_PRIV_PREFIX: Final = b"\x80\x26"
"""Multicodec ``ed25519-priv`` (0x1300) as an unsigned varint."""

_BASE58BTC: Final = "z"
_ALPHABET: Final = frozenset(base58.BITCOIN_ALPHABET.decode("ascii"))
# Base58 decoding is quadratic; a valid value is under 100 characters, so cap before decoding.
_MAX_LENGTH: Final = 128
_KNOWN_CODECS: Final = {b"\xec\x01": "x25519-pub", b"\xe7\x01": "secp256k1-pub"}


def encode_public_key(public_key: bytes) -> str:
    """Encode an Ed25519 public key as ``publicKeyMultibase``.

    Args:
        public_key: The 32-byte public key.

    Returns:
        The Multikey value, ``z6Mk…``.

    Raises:
        InvalidMultikeyError: If ``public_key`` is not 32 bytes.
    """
    if not isinstance(public_key, bytes) or len(public_key) != PUBLIC_KEY_LENGTH:
        raise InvalidMultikeyError(f"an Ed25519 public key must be {PUBLIC_KEY_LENGTH} bytes")
    return _encode(ED25519_PUB_PREFIX + public_key)


def decode_public_key(value: str) -> bytes:
    """Decode a ``publicKeyMultibase`` value that must hold an Ed25519 public key.

    Args:
        value: The Multikey value, ``z6Mk…``.

    Returns:
        The 32-byte public key.

    Raises:
        InvalidMultikeyError: If the value is not base58btc, does not carry the ``0xed01``
            prefix, or does not hold exactly 32 key bytes.
    """
    raw = _decode(value, "publicKeyMultibase")
    prefix = raw[:2]
    if prefix != ED25519_PUB_PREFIX:
        name = _KNOWN_CODECS.get(prefix)
        what = f"{name} key" if name else f"multicodec prefix 0x{prefix.hex()}"
        raise InvalidMultikeyError(
            f"publicKeyMultibase holds a {what}; only Ed25519 (prefix 0xed01) is allowed"
        )
    key = raw[2:]
    if len(key) != PUBLIC_KEY_LENGTH:
        raise InvalidMultikeyError(
            f"publicKeyMultibase holds a {len(key)}-byte Ed25519 key; expected {PUBLIC_KEY_LENGTH}"
        )
    return key


def encode_secret_key(seed: bytes) -> str:
    """Encode an Ed25519 seed as W3C ``privateKeyMultibase``.

    Args:
        seed: The 32-byte secret seed.

    Returns:
        The Multikey value, ``z3u2…``.

    Raises:
        InvalidMultikeyError: If ``seed`` is not 32 bytes.
    """
    if not isinstance(seed, bytes) or len(seed) != SEED_LENGTH:
        raise InvalidMultikeyError(f"an Ed25519 seed must be {SEED_LENGTH} bytes")
    return _encode(ED25519_PRIV_PREFIX + seed)


def decode_secret_key(value: str) -> bytes:
    """Decode a secret Multikey into the 32-byte Ed25519 seed.

    Accepts the W3C form (``0x8026 || seed``) and the form published by the Open Badges
    implementation guide (``0x8026 || seed || public key``); in the second, the public half
    must match the seed. Error messages never include the value.

    Args:
        value: The secret Multikey value.

    Returns:
        The 32-byte seed.

    Raises:
        InvalidMultikeyError: If the value is malformed, not an Ed25519 secret key, or its
            public half does not belong to its seed.
    """
    raw = _decode(value, "secret Multikey")
    if raw[:2] != ED25519_PRIV_PREFIX:
        raise InvalidMultikeyError(
            "secret Multikey is not an Ed25519 secret key (expected prefix 0x8026)"
        )
    body = raw[2:]
    if len(body) == SEED_LENGTH:
        return body
    if len(body) == SEED_LENGTH + PUBLIC_KEY_LENGTH:
        seed, public_key = body[:SEED_LENGTH], body[SEED_LENGTH:]
        if Ed25519KeyPair.from_seed(seed).public_key != public_key:
            raise InvalidMultikeyError("secret Multikey: public half does not match the seed")
        return seed
    raise InvalidMultikeyError(
        f"secret Multikey holds {len(body)} bytes; expected {SEED_LENGTH} "
        f"(or {SEED_LENGTH + PUBLIC_KEY_LENGTH} as seed and public key)"
    )


def _encode(raw: bytes) -> str:
    return _BASE58BTC + base58.b58encode(raw).decode("ascii")


def _decode(value: str, what: str) -> bytes:
    if not isinstance(value, str):
        raise InvalidMultikeyError(f"{what} must be a string")
    if not value:
        raise InvalidMultikeyError(f"{what} is empty")
    if len(value) > _MAX_LENGTH:
        raise InvalidMultikeyError(f"{what} is too long ({len(value)} characters)")
    if value[0] != _BASE58BTC:
        raise InvalidMultikeyError(
            f"{what} must use multibase base58btc (prefix 'z'), got prefix {value[0]!r}"
        )
    body = value[1:]
    if not body or not _ALPHABET.issuperset(body):
        # The base58 package would strip trailing whitespace; refuse anything off-alphabet.
        raise InvalidMultikeyError(f"{what} is not valid base58btc")
    decoded: bytes = base58.b58decode(body)
    return decoded
