"""Strict, bounded decoding of a Bitstring Status List ``encodedList`` (catalogue F7, F8).

``encodedList = "u" + base64url-no-padding(GZIP(bitstring))``; bit ``i`` is read most
significant first (index 0 is the left-most bit of byte 0). Decoding demands the ``u`` prefix,
the base64url alphabet without padding, exactly one complete gzip member with nothing after it,
at most :data:`MAX_DECODED_BYTES` once inflated (a gzip bomb stops there, without inflating the
rest), and at least :data:`MIN_LIST_BYTES` (131,072 entries).

This is the one decoder of the project: the registry (which may import the verifier, never the
reverse) reuses it and adds what is its own (encoding, allocation, bounds-checked bit access).
"""

from __future__ import annotations

import binascii
import re
import zlib
from typing import Final

from common.encoding import b64url_decode

__all__ = [
    "MAX_DECODED_BYTES",
    "MAX_ENCODED_CHARS",
    "MIN_LIST_BYTES",
    "BitstringError",
    "BitstringLengthError",
    "decode_bitstring",
    "get_bit",
]

MIN_LIST_BYTES: Final = 131_072 // 8
"""Fewest bytes a decoded list may have (``STATUS_LIST_LENGTH_ERROR`` below it)."""

MAX_DECODED_BYTES: Final = 16 * 1024 * 1024
"""Most bytes a list may inflate to (16 MiB); decompression stops beyond it."""

MAX_ENCODED_CHARS: Final = 4 * 1024 * 1024
"""Longest ``encodedList`` text accepted before decoding."""

_BASE64URL: Final = re.compile(r"[A-Za-z0-9_-]*")


class BitstringError(ValueError):
    """An ``encodedList`` is not a well-formed, bounded, gzip-compressed bitstring."""


class BitstringLengthError(BitstringError):
    """The decoded bitstring holds fewer than 131,072 entries."""


def decode_bitstring(
    encoded: object, *, min_bytes: int = MIN_LIST_BYTES, max_bytes: int = MAX_DECODED_BYTES
) -> bytes:
    """Decode an ``encodedList`` strictly (see the module docstring).

    Args:
        encoded: The ``encodedList`` value (anything but a string is refused).
        min_bytes: Fewest decoded bytes accepted (16 KiB = 131,072 entries by default).
        max_bytes: Most decoded bytes inflated (a bigger list is refused, never fully inflated).

    Returns:
        The bitstring.

    Raises:
        BitstringLengthError: If the bitstring is shorter than ``min_bytes``.
        BitstringError: For anything else that is not exactly a multibase base64url gzip member.
    """
    if not isinstance(encoded, str):
        raise BitstringError("encodedList must be a string")
    if not encoded.startswith("u"):
        raise BitstringError("encodedList must start with the multibase base64url prefix 'u'")
    text = encoded[1:]
    if len(text) > MAX_ENCODED_CHARS:
        raise BitstringError(f"encodedList is longer than {MAX_ENCODED_CHARS} characters")
    if not _BASE64URL.fullmatch(text) or len(text) % 4 == 1:
        raise BitstringError("encodedList is not base64url without padding")
    try:
        compressed = b64url_decode(text)
    except (binascii.Error, ValueError) as exc:
        raise BitstringError("encodedList is not base64url without padding") from exc
    bits = _gunzip(compressed, max_bytes)
    if len(bits) < min_bytes:
        raise BitstringLengthError(
            f"the status list has {len(bits) * 8} entries; at least {min_bytes * 8} are required"
        )
    return bits


def _gunzip(data: bytes, max_bytes: int) -> bytes:
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # one gzip member, nothing else
    try:
        bits = inflater.decompress(data, max_bytes + 1)
    except zlib.error as exc:
        raise BitstringError("encodedList is not gzip-compressed data") from exc
    if len(bits) > max_bytes:
        raise BitstringError(f"the status list inflates to more than {max_bytes} bytes")
    if not inflater.eof:
        raise BitstringError("encodedList holds a truncated gzip stream")
    if inflater.unused_data:
        raise BitstringError("encodedList has data after its gzip member")
    return bits


def get_bit(bits: bytes, index: int) -> bool:
    """The bit at ``index`` (most significant first); the caller checks the range."""
    return bool(bits[index >> 3] & (0x80 >> (index & 7)))
