"""Multikey encoding of Ed25519 public and secret keys (keys.multikey)."""

from __future__ import annotations

import base64

import base58
import pytest
from hypothesis import given
from hypothesis import strategies as st

from keys import (
    Ed25519KeyPair,
    InvalidMultikeyError,
    decode_public_key,
    decode_secret_key,
    encode_public_key,
    encode_secret_key,
)

# did:key vector (seed 00…00) and W3C vc-di-eddsa key pair, restated so the tests run alone.
ZERO_SEED_PUBLIC = bytes.fromhex("3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29")
ZERO_SEED_MULTIKEY = "z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"
W3C_SEED = bytes.fromhex("c96ef9ea10c5e414c471723aff9de72c35fa5b70fae97e8832ecac7d2e2b8ed6")
W3C_PRIVATE_MULTIKEY = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"
W3C_PUBLIC_MULTIKEY = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
# Open Badges implementation guide: secretKeyMultibase is 0x8026 || seed || public key.
OB_SECRET_MULTIKEY = (
    "zrv2bqTbNwCTsRrHFcJCPjVAduh4Ezcnoq1A3ZxH1GWTNkxipLVuaAoMFmze2gFN9oNXfJjufxSHWVZzsJiUsMHFMcx"
)
OB_SEED = bytes.fromhex("6241a409e6707bb640a0140a8a32bc3d193c33a661747284d6adfa4ed4180be4")

keys_32 = st.binary(min_size=32, max_size=32)


def z58(raw: bytes) -> str:
    return "z" + base58.b58encode(raw).decode()


class TestEncodePublicKey:
    def test_matches_the_did_key_vector(self) -> None:
        """The public key of seed 00…00 encodes to the published Multikey."""
        assert encode_public_key(ZERO_SEED_PUBLIC) == ZERO_SEED_MULTIKEY

    @given(keys_32)
    def test_always_reads_z6mk(self, key: bytes) -> None:
        """Every Ed25519 Multikey starts with z6Mk (the 0xed01 prefix in base58btc)."""
        assert encode_public_key(key).startswith("z6Mk")

    def test_rejects_31_bytes(self) -> None:
        """A short key cannot be encoded."""
        with pytest.raises(InvalidMultikeyError, match="32 bytes"):
            encode_public_key(bytes(31))


class TestDecodePublicKey:
    def test_matches_the_did_key_vector(self) -> None:
        """The published Multikey decodes to the public key of seed 00…00."""
        assert decode_public_key(ZERO_SEED_MULTIKEY) == ZERO_SEED_PUBLIC

    @given(keys_32)
    def test_round_trips(self, key: bytes) -> None:
        """decode(encode(key)) == key for every 32-byte value."""
        assert decode_public_key(encode_public_key(key)) == key

    def test_rejects_a_missing_z_prefix(self) -> None:
        """E8: the base58 text without the multibase 'z' is refused."""
        with pytest.raises(InvalidMultikeyError, match="base58btc"):
            decode_public_key(ZERO_SEED_MULTIKEY[1:])

    def test_rejects_base64url_multibase(self) -> None:
        """Multibase 'u' (base64url) is another encoding and MUST NOT be allowed."""
        value = "u" + base64.urlsafe_b64encode(b"\xed\x01" + ZERO_SEED_PUBLIC).decode().rstrip("=")
        with pytest.raises(InvalidMultikeyError, match="prefix 'u'"):
            decode_public_key(value)

    def test_rejects_hex_multibase(self) -> None:
        """Multibase 'f' (base16) is refused."""
        with pytest.raises(InvalidMultikeyError, match="prefix 'f'"):
            decode_public_key("f" + (b"\xed\x01" + ZERO_SEED_PUBLIC).hex())

    def test_rejects_characters_outside_base58(self) -> None:
        """'0', 'O', 'I' and 'l' are not base58btc; decoding fails cleanly."""
        for bad in ("0", "O", "I", "l"):
            with pytest.raises(InvalidMultikeyError, match="not valid base58btc"):
                decode_public_key(ZERO_SEED_MULTIKEY[:10] + bad + ZERO_SEED_MULTIKEY[11:])

    def test_rejects_trailing_whitespace(self) -> None:
        """A trailing newline (which the base58 package would strip) is refused."""
        with pytest.raises(InvalidMultikeyError, match="not valid base58btc"):
            decode_public_key(ZERO_SEED_MULTIKEY + "\n")

    def test_rejects_a_bare_z(self) -> None:
        """'z' with no payload is refused."""
        with pytest.raises(InvalidMultikeyError):
            decode_public_key("z")

    def test_rejects_empty(self) -> None:
        """The empty string is refused."""
        with pytest.raises(InvalidMultikeyError, match="empty"):
            decode_public_key("")

    def test_rejects_bytes(self) -> None:
        """A bytes value is refused: a Multikey is text."""
        with pytest.raises(InvalidMultikeyError, match="string"):
            decode_public_key(ZERO_SEED_MULTIKEY.encode())  # type: ignore[arg-type]

    def test_rejects_an_overlong_value_before_decoding(self) -> None:
        """A huge value is refused by length, before quadratic base58 decoding."""
        with pytest.raises(InvalidMultikeyError, match="too long"):
            decode_public_key("z" + "2" * 100_000)

    def test_rejects_an_x25519_key(self) -> None:
        """E8: prefix 0xec01 (x25519-pub) is not an Ed25519 key."""
        with pytest.raises(InvalidMultikeyError, match="x25519-pub"):
            decode_public_key(z58(b"\xec\x01" + ZERO_SEED_PUBLIC))

    def test_rejects_an_unknown_prefix(self) -> None:
        """Any prefix other than 0xed01 is refused, and named in the message."""
        with pytest.raises(InvalidMultikeyError, match="0x1200"):
            decode_public_key(z58(b"\x12\x00" + ZERO_SEED_PUBLIC))

    def test_rejects_a_secret_key(self) -> None:
        """A secret Multikey (0x8026) is not a public key."""
        with pytest.raises(InvalidMultikeyError, match="0x8026"):
            decode_public_key(W3C_PRIVATE_MULTIKEY)

    def test_rejects_a_raw_key_without_prefix(self) -> None:
        """32 raw bytes in base58btc, with no multicodec prefix, are refused."""
        with pytest.raises(InvalidMultikeyError):
            decode_public_key(z58(ZERO_SEED_PUBLIC))

    def test_rejects_a_31_byte_key(self) -> None:
        """E8: 0xed01 followed by 31 bytes is refused (invalidPublicKeyLength)."""
        with pytest.raises(InvalidMultikeyError, match="31-byte"):
            decode_public_key(z58(b"\xed\x01" + ZERO_SEED_PUBLIC[:31]))

    def test_rejects_a_33_byte_key(self) -> None:
        """E8: 0xed01 followed by 33 bytes is refused (invalidPublicKeyLength)."""
        with pytest.raises(InvalidMultikeyError, match="33-byte"):
            decode_public_key(z58(b"\xed\x01" + ZERO_SEED_PUBLIC + b"\x00"))


class TestSecretKey:
    def test_encodes_the_w3c_vector(self) -> None:
        """The W3C seed encodes to the published privateKeyMultibase."""
        assert encode_secret_key(W3C_SEED) == W3C_PRIVATE_MULTIKEY

    def test_decodes_the_w3c_vector(self) -> None:
        """The published privateKeyMultibase decodes to the seed of the published public key."""
        seed = decode_secret_key(W3C_PRIVATE_MULTIKEY)
        assert seed == W3C_SEED
        assert encode_public_key(Ed25519KeyPair.from_seed(seed).public_key) == W3C_PUBLIC_MULTIKEY

    def test_decodes_the_open_badges_64_byte_form(self) -> None:
        """The OB guide's seed||public secretKeyMultibase decodes to its first 32 bytes."""
        assert decode_secret_key(OB_SECRET_MULTIKEY) == OB_SEED

    @given(keys_32)
    def test_round_trips(self, seed: bytes) -> None:
        """decode(encode(seed)) == seed, and the value reads z3u2."""
        value = encode_secret_key(seed)
        assert value.startswith("z3u2")
        assert decode_secret_key(value) == seed

    def test_rejects_a_mismatched_public_half(self) -> None:
        """A 64-byte form whose public half is not the seed's key is refused."""
        value = z58(b"\x80\x26" + OB_SEED + ZERO_SEED_PUBLIC)
        with pytest.raises(InvalidMultikeyError, match="does not match"):
            decode_secret_key(value)

    def test_rejects_a_public_key(self) -> None:
        """A public Multikey is not a secret key."""
        with pytest.raises(InvalidMultikeyError, match="0x8026"):
            decode_secret_key(ZERO_SEED_MULTIKEY)

    def test_rejects_a_31_byte_seed(self) -> None:
        """0x8026 followed by 31 bytes is refused."""
        with pytest.raises(InvalidMultikeyError, match="31 bytes"):
            decode_secret_key(z58(b"\x80\x26" + W3C_SEED[:31]))

    def test_rejects_encoding_a_short_seed(self) -> None:
        """encode_secret_key refuses a seed that is not 32 bytes."""
        with pytest.raises(InvalidMultikeyError, match="32 bytes"):
            encode_secret_key(W3C_SEED[:31])

    def test_errors_never_echo_the_secret(self) -> None:
        """A malformed secret value is not repeated in the error message."""
        value = W3C_PRIVATE_MULTIKEY + "0"
        with pytest.raises(InvalidMultikeyError) as caught:
            decode_secret_key(value)
        assert W3C_PRIVATE_MULTIKEY[1:] not in str(caught.value)
