"""Bitstrings of the W3C Bitstring Status List: encoding, strict decoding, bit access.

``encodedList = "u" + base64url-no-padding(GZIP(bitstring))`` (multibase base64url). Bit ``i``
is read most significant first: index 0 is the left-most bit of byte 0. Encoding is
deterministic (gzip ``mtime`` 0, the zlib default level 6), so the same bits always give the
same text; the W3C example list of 131,072 zero bits is reproduced byte for byte.

Decoding is strict and bounded: the ``u`` prefix, the base64url alphabet without padding, one
complete gzip member and nothing after it, at most :data:`MAX_DECODED_BYTES` once inflated (a
gzip bomb stops there, without inflating the rest), and at least :data:`MIN_LIST_BYTES`.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import re
import secrets
import zlib
from typing import Final

__all__ = [
    "MAX_DECODED_BYTES",
    "MAX_ENCODED_CHARS",
    "MIN_LIST_BYTES",
    "STATUS_LIST_SIZE",
    "BitstringError",
    "BitstringLengthError",
    "decode_bitstring",
    "encode_bitstring",
    "get_bit",
    "new_bitstring",
    "pick_clear_bit",
    "set_bit",
]

STATUS_LIST_SIZE: Final = 131_072
"""Entries of every status list: 16 KiB of bits, the specification's minimum (herd privacy)."""

MIN_LIST_BYTES: Final = STATUS_LIST_SIZE // 8
"""Fewest bytes a decoded list may have (``STATUS_LIST_LENGTH_ERROR`` below it)."""

MAX_DECODED_BYTES: Final = 16 * 1024 * 1024
"""Most bytes a list may inflate to (16 MiB); decompression stops beyond it."""

MAX_ENCODED_CHARS: Final = 4 * 1024 * 1024
"""Longest ``encodedList`` text accepted before decoding."""

_BASE64URL: Final = re.compile(r"[A-Za-z0-9_-]*")
_GZIP_LEVEL: Final = 6
_CHUNK: Final = 512


class BitstringError(ValueError):
    """An ``encodedList`` is not a well-formed, bounded, gzip-compressed bitstring."""


class BitstringLengthError(BitstringError):
    """The decoded bitstring is shorter than :data:`MIN_LIST_BYTES`."""


def new_bitstring(size: int = STATUS_LIST_SIZE) -> bytes:
    """All-zero bits for ``size`` entries (rounded up to whole bytes).

    Raises:
        ValueError: If ``size`` is not positive.
    """
    if size <= 0:
        raise ValueError("a bitstring holds at least one entry")
    return bytes((size + 7) // 8)


def encode_bitstring(bits: bytes) -> str:
    """Encode ``bits`` as an ``encodedList``: ``"u"`` + base64url(gzip(bits)), no padding."""
    compressed = gzip.compress(bytes(bits), compresslevel=_GZIP_LEVEL, mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode("ascii").rstrip("=")


def decode_bitstring(
    encoded: str, *, min_bytes: int = MIN_LIST_BYTES, max_bytes: int = MAX_DECODED_BYTES
) -> bytes:
    """Decode an ``encodedList`` strictly.

    Args:
        encoded: The ``encodedList`` value.
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
        compressed = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise BitstringError("encodedList is not base64url without padding") from exc
    bits = _gunzip(compressed, max_bytes)
    if len(bits) < min_bytes:
        raise BitstringLengthError(
            f"the status list has {len(bits) * 8} entries; at least {min_bytes * 8} are required"
        )
    return bits


def _gunzip(data: bytes, max_bytes: int) -> bytes:
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # a gzip member, nothing else
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


def _check_index(bits: bytes, index: int) -> None:
    if not 0 <= index < len(bits) * 8:
        raise IndexError(f"bit index {index} is outside 0..{len(bits) * 8 - 1}")


def get_bit(bits: bytes, index: int) -> bool:
    """The bit at ``index``, most significant first (index 0 = left-most bit of byte 0).

    Raises:
        IndexError: If ``index`` is outside the bitstring.
    """
    _check_index(bits, index)
    return bool(bits[index >> 3] & (0x80 >> (index & 7)))


def set_bit(bits: bytes, index: int, value: bool) -> bytes:
    """A copy of ``bits`` with the bit at ``index`` set to ``value`` (most significant first).

    Raises:
        IndexError: If ``index`` is outside the bitstring.
    """
    _check_index(bits, index)
    copy = bytearray(bits)
    mask = 0x80 >> (index & 7)
    if value:
        copy[index >> 3] |= mask
    else:
        copy[index >> 3] &= ~mask & 0xFF
    return bytes(copy)


def _zeros(chunk: bytes) -> int:
    return len(chunk) * 8 - int.from_bytes(chunk, "big").bit_count()


def pick_clear_bit(bits: bytes, size: int) -> int:
    """A uniformly random index below ``size`` whose bit is clear (``secrets.randbelow``).

    Args:
        bits: The bitstring (e.g. which indexes were ever allocated).
        size: How many entries count (bits beyond it are never picked).

    Returns:
        The index.

    Raises:
        ValueError: If every bit below ``size`` is set.
    """
    if not 0 < size <= len(bits) * 8:
        raise ValueError(f"size {size} does not fit a bitstring of {len(bits) * 8} bits")
    whole = size // 8
    usable = bits[:whole]
    tail_free = [i for i in range(whole * 8, size) if not get_bit(bits, i)]
    free = _zeros(usable) + len(tail_free)
    if free == 0:
        raise ValueError("every entry is taken")
    target = secrets.randbelow(free)
    for start in range(0, whole, _CHUNK):
        chunk = usable[start : start + _CHUNK]
        zeros = _zeros(chunk)
        if target >= zeros:
            target -= zeros
            continue
        for offset, byte in enumerate(chunk):
            zeros = 8 - byte.bit_count()
            if target >= zeros:
                target -= zeros
                continue
            for bit in range(8):
                if not byte & (0x80 >> bit):
                    if target == 0:
                        return (start + offset) * 8 + bit
                    target -= 1
    return tail_free[target]
