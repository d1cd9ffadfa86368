"""Security catalogue group I rows for the PNG reader that test_baking.py does not name: I7.

I7 (APNG frame flood): an animated PNG declaring 10,000 frames of 4096 x 4096. The reader
(:func:`common.baking.unbake_png`) never decodes image data, so a declared frame count or size
costs nothing; the flood of ``fcTL``/``fdAT`` chunks itself is refused by the chunk cap
(:data:`common.baking.DEFAULT_MAX_CHUNKS`), which the app turns into a 422
``unreadable-badge-image`` problem. The APNGs are built here, independently of the module.
"""

from __future__ import annotations

import struct
import time
import zlib

import pytest

from common.baking import DEFAULT_MAX_CHUNKS, PNG_SIGNATURE, BakingError, unbake_png

CREDENTIAL = b'{"type": ["VerifiableCredential", "OpenBadgeCredential"], "name": "APNG"}'
SIDE = 4096
FRAMES = 10_000


def _chunk(chunk_type: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(chunk_type + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + chunk_type + data + struct.pack(">I", crc)


def _fctl(sequence: int) -> bytes:
    """A frame control chunk: a full 4096 x 4096 frame, 1/100 s, no dispose, no blend."""
    return _chunk(b"fcTL", struct.pack(">IIIIIHHBB", sequence, SIDE, SIDE, 0, 0, 1, 100, 0, 0))


def _apng(declared: int, written: int) -> bytes:
    """An APNG of 4096 x 4096 RGBA declaring ``declared`` frames in acTL and carrying
    ``written`` of them (fcTL + IDAT for the first, fcTL + fdAT for the others), with our
    credential in an uncompressed iTXt chunk before the image data."""
    ihdr = struct.pack(">IIBBBBB", SIDE, SIDE, 8, 6, 0, 0, 0)
    itxt = b"openbadgecredential\x00\x00\x00\x00\x00" + CREDENTIAL
    pixels = zlib.compress(b"\x00" * 64)  # never inflated by the reader
    parts = [
        PNG_SIGNATURE,
        _chunk(b"IHDR", ihdr),
        _chunk(b"acTL", struct.pack(">II", declared, 0)),
        _chunk(b"iTXt", itxt),
        _fctl(0),
        _chunk(b"IDAT", pixels),
    ]
    sequence = 1
    for _ in range(written - 1):
        parts.append(_fctl(sequence))
        parts.append(_chunk(b"fdAT", struct.pack(">I", sequence + 1) + pixels))
        sequence += 2
    parts.append(_chunk(b"IEND", b""))
    return b"".join(parts)


def test_i7_apng_frame_flood_is_refused_by_the_chunk_cap() -> None:
    """10,000 real frames (about 20,000 chunks, well under the size cap): refused, quickly."""
    data = _apng(FRAMES, FRAMES)
    assert len(data) < 5 * 1024 * 1024  # the chunk cap decides, not the size cap
    started = time.perf_counter()
    with pytest.raises(BakingError, match=f"more than {DEFAULT_MAX_CHUNKS} chunks"):
        unbake_png(data)
    assert time.perf_counter() - started < 2.0


def test_i7_apng_just_under_the_chunk_cap_is_read_without_decoding() -> None:
    """An APNG declaring 10,000 frames of 4096 x 4096 but carrying as many frames as the cap
    allows: its credential comes out byte for byte, and nothing is decoded (it would take
    gigabytes: 10,000 x 64 MiB of RGBA)."""
    # Chunks: IHDR, acTL, iTXt, fcTL, IDAT, 2 per further frame, IEND.
    frames = (DEFAULT_MAX_CHUNKS - 6) // 2 + 1
    data = _apng(FRAMES, frames)
    started = time.perf_counter()
    assert unbake_png(data) == CREDENTIAL
    assert time.perf_counter() - started < 2.0


def test_i7_apng_one_frame_over_the_cap_is_refused() -> None:
    """The cap is exact: two chunks more than the previous test (one frame) are refused."""
    frames = (DEFAULT_MAX_CHUNKS - 6) // 2 + 2
    with pytest.raises(BakingError, match="chunks"):
        unbake_png(_apng(FRAMES, frames))


def test_i7_declared_frame_count_alone_costs_nothing() -> None:
    """acTL claiming 2**31 - 1 frames with one frame present: the declaration is never acted on."""
    assert unbake_png(_apng(2**31 - 1, 1)) == CREDENTIAL
