"""base64url without padding: the one encoder and decoder (common.encoding)."""

from __future__ import annotations

import base64
import binascii

import pytest

from common.encoding import b64url_decode, b64url_encode


@pytest.mark.parametrize("data", [b"", b"a", b"ab", b"abc", b"\xfb\xff\xfe", bytes(range(256))])
def test_round_trip_without_padding(data: bytes) -> None:
    """Encoding drops the padding and uses ``-``/``_``; decoding gives the bytes back."""
    text = b64url_encode(data)
    assert "=" not in text
    assert text == base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")
    assert b64url_decode(text) == data


def test_padded_text_is_decoded_too() -> None:
    """Text that keeps its padding decodes to the same bytes."""
    assert b64url_decode("YQ==") == b64url_decode("YQ") == b"a"


def test_one_character_past_a_multiple_of_four_is_refused() -> None:
    """No byte string encodes to 4n+1 characters: binascii.Error (a ValueError)."""
    with pytest.raises(binascii.Error):
        b64url_decode("AAAAA")


def test_non_ascii_text_is_a_value_error() -> None:
    """A non-ASCII character raises ValueError (callers catch it with binascii.Error)."""
    with pytest.raises(ValueError, match="ASCII"):
        b64url_decode("YQé")
