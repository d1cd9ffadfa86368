"""Bitstrings of the W3C Bitstring Status List: encoding, strict decoding, bit access.

``encodedList = "u" + base64url-no-padding(GZIP(bitstring))`` (multibase base64url). Bit ``i``
is read most significant first: index 0 is the left-most bit of byte 0. Encoding is
deterministic (gzip ``mtime`` 0, the zlib default level 6), so the same bits always give the
same text; the W3C example list of 131,072 zero bits is reproduced byte for byte.

Decoding (strict and bounded) is the verifier's own :func:`verifier._bitstring.decode_bitstring`,
re-exported here with its limits and errors; :func:`get_bit` adds a bounds check to the
verifier's bit access.
"""

from __future__ import annotations

import gzip
import secrets
from typing import Final

from common.encoding import b64url_encode
from verifier._bitstring import (
    MAX_DECODED_BYTES,
    MAX_ENCODED_CHARS,
    MIN_LIST_BYTES,
    BitstringError,
    BitstringLengthError,
    decode_bitstring,
)
from verifier._bitstring import get_bit as _unchecked_bit

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

_GZIP_LEVEL: Final = 6
_CHUNK: Final = 512


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
    return "u" + b64url_encode(compressed)


def _check_index(bits: bytes, index: int) -> None:
    if not 0 <= index < len(bits) * 8:
        raise IndexError(f"bit index {index} is outside 0..{len(bits) * 8 - 1}")


def get_bit(bits: bytes, index: int) -> bool:
    """The bit at ``index``, most significant first (index 0 = left-most bit of byte 0).

    Raises:
        IndexError: If ``index`` is outside the bitstring.
    """
    _check_index(bits, index)
    return _unchecked_bit(bits, index)


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
