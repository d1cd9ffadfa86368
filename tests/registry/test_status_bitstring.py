"""Bitstrings of the Bitstring Status List: the shared vectors, strict decoding, bit order."""

from __future__ import annotations

import base64
import collections
import gzip
import json
import time
import zlib
from pathlib import Path
from typing import Any

import pytest

from registry.status import (
    MIN_LIST_BYTES,
    STATUS_LIST_SIZE,
    BitstringError,
    BitstringLengthError,
    decode_bitstring,
    encode_bitstring,
    get_bit,
    new_bitstring,
    pick_clear_bit,
    set_bit,
)

VECTORS = "bitstring-status-list.json"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _encoded(data: bytes) -> str:
    return "u" + _b64(gzip.compress(data, mtime=0))


@pytest.fixture(scope="module")
def vectors(vectors_dir: Path) -> dict[str, Any]:
    """The shared Bitstring Status List vectors (skipped when the folder is absent)."""
    path = vectors_dir / VECTORS
    if not path.is_file():
        pytest.skip(f"{VECTORS} not found among the shared vectors")
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data


class TestSharedVectors:
    def test_the_list_size_is_131072_entries_in_16_KiB(self) -> None:
        """STATUS_LIST_SIZE is the specification's minimum, 131,072 bits = 16,384 bytes."""
        assert STATUS_LIST_SIZE == 131_072
        assert MIN_LIST_BYTES == 16_384
        assert len(new_bitstring()) == 16_384

    def test_the_w3c_example_is_reproduced_byte_for_byte(self, vectors: dict[str, Any]) -> None:
        """131,072 zero bits encode to exactly the W3C example's encodedList (51 gzip bytes)."""
        example = vectors["w3c_spec_example"]
        assert encode_bitstring(new_bitstring()) == example["encodedList"]
        assert example["encodedList"].startswith("uH4sI")

    def test_the_w3c_example_decodes_to_131072_clear_bits(self, vectors: dict[str, Any]) -> None:
        """The W3C example decodes to 16,384 bytes (131,072 bits), none of them set."""
        bits = decode_bitstring(vectors["w3c_spec_example"]["encodedList"])
        assert len(bits) == 16_384 == vectors["w3c_spec_example"]["decodedBytes"]
        assert not any(bits)

    def test_the_1edtech_list_has_exactly_bit_23_set(self, vectors: dict[str, Any]) -> None:
        """The 1EdTech validator's list: 131,072 bits, only index 23 set (MSB first)."""
        pair = vectors["1edtech_validator_pair"]
        bits = decode_bitstring(pair["statusListCredential"]["credentialSubject"]["encodedList"])
        assert len(bits) * 8 == 131_072 == pair["derived"]["decodedBits"]
        assert [i for i in range(len(bits) * 8) if get_bit(bits, i)] == [23]
        assert pair["derived"]["setBitIndexes_msb_first"] == [23]
        assert bits[2] == 0x01  # index 23 is the right-most bit of byte 2

    def test_the_1edtech_list_reencodes_to_the_same_bits(self, vectors: dict[str, Any]) -> None:
        """Our encoding of the 1EdTech bits decodes back to the same bits."""
        pair = vectors["1edtech_validator_pair"]
        bits = decode_bitstring(pair["statusListCredential"]["credentialSubject"]["encodedList"])
        assert decode_bitstring(encode_bitstring(bits)) == bits


class TestEncode:
    def test_encoding_is_deterministic(self) -> None:
        """The same bits always give the same text (gzip mtime 0)."""
        bits = set_bit(new_bitstring(), 4242, True)
        assert encode_bitstring(bits) == encode_bitstring(bytes(bits))

    def test_encoding_is_multibase_base64url_without_padding(self) -> None:
        """The text is 'u' followed by base64url characters only, no '=' '+' or '/'."""
        bits = bytes(range(256)) * 64
        text = encode_bitstring(bits)
        assert text[0] == "u"
        assert set(text[1:]) <= set(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        )

    def test_round_trip_keeps_every_bit(self) -> None:
        """decode(encode(bits)) == bits for a list with scattered bits set."""
        bits = new_bitstring()
        for index in (0, 7, 8, 23, 65_535, 131_071):
            bits = set_bit(bits, index, True)
        assert decode_bitstring(encode_bitstring(bits)) == bits


class TestDecodeRefuses:
    def test_a_missing_u_prefix(self) -> None:
        """StatusList2021-style text without the multibase prefix is refused."""
        with pytest.raises(BitstringError, match="prefix"):
            decode_bitstring(_encoded(bytes(16_384))[1:])

    def test_standard_base64_with_plus_slash_or_padding(self) -> None:
        """'+', '/' and '=' are not base64url-without-padding."""
        body = base64.b64encode(gzip.compress(bytes(16_384), mtime=0)).decode("ascii")
        for text in ("u" + body, "u" + body.rstrip("=") + "+/", "u" + _b64(b"abcd") + "=="):
            with pytest.raises(BitstringError):
                decode_bitstring(text)

    def test_an_impossible_base64_length(self) -> None:
        """A base64 body of length 4n+1 cannot be decoded."""
        with pytest.raises(BitstringError, match="base64url"):
            decode_bitstring("uAAAAA")

    def test_data_that_is_not_gzip(self) -> None:
        """A zlib stream or raw deflate data is not a gzip member."""
        for data in (zlib.compress(bytes(16_384)), bytes(16_384)):
            with pytest.raises(BitstringError, match="gzip"):
                decode_bitstring("u" + _b64(data))

    def test_a_truncated_gzip_stream(self) -> None:
        """A gzip member cut short is refused."""
        data = gzip.compress(bytes(range(256)) * 64, mtime=0)
        with pytest.raises(BitstringError, match=r"truncated|gzip"):
            decode_bitstring("u" + _b64(data[:-12]))

    def test_trailing_data_after_the_gzip_member(self) -> None:
        """Garbage, or a second gzip member, after the first member is refused."""
        member = gzip.compress(bytes(16_384), mtime=0)
        for data in (member + b"garbage", member + member):
            with pytest.raises(BitstringError, match="after"):
                decode_bitstring("u" + _b64(data))

    def test_a_gzip_bomb_is_stopped_at_the_cap(self) -> None:
        """A list inflating beyond the cap is refused without inflating all of it."""
        bomb = gzip.compress(bytes(64 * 1024 * 1024), compresslevel=9, mtime=0)
        started = time.perf_counter()
        with pytest.raises(BitstringError, match="inflates to more than"):
            decode_bitstring("u" + _b64(bomb))
        assert time.perf_counter() - started < 2.0
        with pytest.raises(BitstringError, match="inflates to more than"):
            decode_bitstring(_encoded(bytes(20_000)), max_bytes=16_384)

    def test_a_list_shorter_than_16_KiB(self) -> None:
        """A list of 1,024 bits is too short (STATUS_LIST_LENGTH_ERROR)."""
        with pytest.raises(BitstringLengthError, match="1024 entries"):
            decode_bitstring(_encoded(bytes(128)))

    def test_a_list_one_byte_short(self) -> None:
        """16,383 bytes (131,064 bits) is still too short."""
        with pytest.raises(BitstringLengthError):
            decode_bitstring(_encoded(bytes(16_383)))

    def test_a_value_that_is_not_text(self) -> None:
        """A non-string encodedList is refused."""
        with pytest.raises(BitstringError, match="string"):
            decode_bitstring(12345)  # type: ignore[arg-type]


class TestBitOrder:
    def test_index_0_is_the_leftmost_bit_of_byte_0(self) -> None:
        """Setting index 0 gives byte 0 = 0x80."""
        assert set_bit(bytes(2), 0, True) == b"\x80\x00"

    def test_index_7_and_8_straddle_the_first_byte(self) -> None:
        """Index 7 is the right-most bit of byte 0, index 8 the left-most of byte 1."""
        assert set_bit(bytes(2), 7, True) == b"\x01\x00"
        assert set_bit(bytes(2), 8, True) == b"\x00\x80"

    def test_get_bit_reads_what_set_bit_wrote(self) -> None:
        """Each index reads back set, and its neighbours stay clear."""
        bits = set_bit(bytes(4), 13, True)
        assert [i for i in range(32) if get_bit(bits, i)] == [13]

    def test_set_bit_clears_a_bit(self) -> None:
        """set_bit(..., False) clears only that bit."""
        assert set_bit(b"\xff", 3, False) == b"\xef"

    def test_an_index_outside_the_bitstring_is_refused(self) -> None:
        """Index len*8 and negative indexes raise IndexError."""
        for index in (16, -1):
            with pytest.raises(IndexError):
                get_bit(bytes(2), index)
            with pytest.raises(IndexError):
                set_bit(bytes(2), index, True)


class TestPickClearBit:
    def test_only_clear_bits_are_picked(self) -> None:
        """With every bit but 5 and 11 set, only 5 and 11 are ever picked."""
        bits = b"\xfb\xef"  # 1111 1011 1110 1111: 5 and 11 clear
        assert {pick_clear_bit(bits, 16) for _ in range(200)} == {5, 11}

    def test_bits_beyond_the_size_are_never_picked(self) -> None:
        """With size 10, indexes 10..15 never come out."""
        assert {pick_clear_bit(bytes(2), 10) for _ in range(500)} == set(range(10))

    def test_a_full_bitstring_is_refused(self) -> None:
        """No clear bit left: ValueError."""
        with pytest.raises(ValueError, match="taken"):
            pick_clear_bit(b"\xff\xc0", 10)

    def test_picks_are_roughly_uniform(self) -> None:
        """20,000 picks among 20 free entries: each comes out 700 to 1,300 times."""
        counts = collections.Counter(pick_clear_bit(bytes(3), 20) for _ in range(20_000))
        assert set(counts) == set(range(20))
        assert all(700 < count < 1300 for count in counts.values())

    def test_picks_spread_over_a_full_size_list(self) -> None:
        """Picks in a 131,072-entry list land in every eighth of it (not sequential)."""
        bits = new_bitstring()
        picks = [pick_clear_bit(bits, STATUS_LIST_SIZE) for _ in range(400)]
        assert {pick // (STATUS_LIST_SIZE // 8) for pick in picks} == set(range(8))
