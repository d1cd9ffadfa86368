"""Ed25519 key pairs and signature verification (keys.ed25519)."""

from __future__ import annotations

import dataclasses

import pytest

from keys import Ed25519KeyPair, InvalidSignatureError, verify_signature

# RFC 8032 §7.1, TEST 1 (empty message).
RFC8032_SEED = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
RFC8032_PUBLIC = bytes.fromhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
RFC8032_SIGNATURE = bytes.fromhex(
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
)
# The order of the Ed25519 base point.
L = 2**252 + 27742317777372353535851937790883648493
IDENTITY_POINT = b"\x01" + bytes(31)


class TestEd25519KeyPair:
    def test_from_seed_matches_rfc8032(self) -> None:
        """The RFC 8032 test seed yields the published public key and signature."""
        pair = Ed25519KeyPair.from_seed(RFC8032_SEED)
        assert pair.public_key == RFC8032_PUBLIC
        assert pair.sign(b"") == RFC8032_SIGNATURE

    def test_from_seed_rejects_31_bytes(self) -> None:
        """A seed one byte short is refused."""
        with pytest.raises(ValueError, match="32 bytes"):
            Ed25519KeyPair.from_seed(bytes(31))

    def test_from_seed_rejects_33_bytes(self) -> None:
        """A seed one byte long is refused (no silent truncation)."""
        with pytest.raises(ValueError, match="32 bytes"):
            Ed25519KeyPair.from_seed(bytes(33))

    def test_from_seed_rejects_64_byte_libsodium_secret(self) -> None:
        """The 64-byte seed||public form is not a seed."""
        with pytest.raises(ValueError, match="32 bytes"):
            Ed25519KeyPair.from_seed(RFC8032_SEED + RFC8032_PUBLIC)

    def test_from_seed_rejects_text(self) -> None:
        """A hex string is not a seed."""
        with pytest.raises(ValueError, match="32 bytes"):
            Ed25519KeyPair.from_seed(RFC8032_SEED.hex())  # type: ignore[arg-type]

    def test_generate_makes_distinct_keys(self) -> None:
        """Two generated key pairs differ."""
        assert Ed25519KeyPair.generate().public_key != Ed25519KeyPair.generate().public_key

    def test_repr_never_shows_the_seed(self) -> None:
        """repr and str show the public key and nothing of the seed."""
        pair = Ed25519KeyPair.from_seed(RFC8032_SEED)
        for text in (repr(pair), str(pair), f"{pair!r}"):
            assert RFC8032_SEED.hex() not in text
            assert RFC8032_SEED.hex()[:16] not in text
            assert str(RFC8032_SEED) not in text
            assert RFC8032_PUBLIC.hex() in text

    def test_is_frozen(self) -> None:
        """The public key cannot be replaced after construction."""
        pair = Ed25519KeyPair.from_seed(RFC8032_SEED)
        with pytest.raises(dataclasses.FrozenInstanceError):
            pair.public_key = bytes(32)  # type: ignore[misc]

    def test_equality_is_by_public_key(self) -> None:
        """Two pairs from one seed are equal and hash alike."""
        first, second = (
            Ed25519KeyPair.from_seed(RFC8032_SEED),
            Ed25519KeyPair.from_seed(RFC8032_SEED),
        )
        assert first == second
        assert hash(first) == hash(second)


class TestVerifySignature:
    @pytest.fixture
    def pair(self) -> Ed25519KeyPair:
        return Ed25519KeyPair.from_seed(RFC8032_SEED)

    def test_accepts_a_valid_signature(self, pair: Ed25519KeyPair) -> None:
        """A signature made by the key verifies."""
        verify_signature(pair.public_key, pair.sign(b"hello"), b"hello")

    def test_accepts_the_rfc8032_vector(self) -> None:
        """The RFC 8032 TEST 1 signature verifies."""
        verify_signature(RFC8032_PUBLIC, RFC8032_SIGNATURE, b"")

    def test_rejects_another_message(self, pair: Ed25519KeyPair) -> None:
        """A signature does not verify over a different message."""
        with pytest.raises(InvalidSignatureError, match="does not verify"):
            verify_signature(pair.public_key, pair.sign(b"hello"), b"hellp")

    def test_rejects_another_key(self, pair: Ed25519KeyPair) -> None:
        """A signature does not verify under another public key."""
        other = Ed25519KeyPair.generate()
        with pytest.raises(InvalidSignatureError):
            verify_signature(other.public_key, pair.sign(b"hello"), b"hello")

    def test_rejects_a_flipped_bit(self, pair: Ed25519KeyPair) -> None:
        """Changing one bit of the signature breaks it."""
        signature = bytearray(pair.sign(b"hello"))
        signature[10] ^= 1
        with pytest.raises(InvalidSignatureError):
            verify_signature(pair.public_key, bytes(signature), b"hello")

    def test_rejects_a_63_byte_signature(self, pair: Ed25519KeyPair) -> None:
        """A truncated signature raises InvalidSignatureError, not ValueError."""
        with pytest.raises(InvalidSignatureError, match="64 bytes, got 63"):
            verify_signature(pair.public_key, pair.sign(b"m")[:63], b"m")

    def test_rejects_a_65_byte_signature(self, pair: Ed25519KeyPair) -> None:
        """A signature with a trailing byte raises InvalidSignatureError (PyNaCl: ValueError)."""
        with pytest.raises(InvalidSignatureError, match="64 bytes, got 65"):
            verify_signature(pair.public_key, pair.sign(b"m") + b"\x00", b"m")

    def test_rejects_an_empty_signature(self, pair: Ed25519KeyPair) -> None:
        """An empty signature is refused."""
        with pytest.raises(InvalidSignatureError):
            verify_signature(pair.public_key, b"", b"m")

    def test_rejects_a_31_byte_key(self, pair: Ed25519KeyPair) -> None:
        """A short public key raises InvalidSignatureError, not ValueError."""
        with pytest.raises(InvalidSignatureError, match="32 bytes, got 31"):
            verify_signature(pair.public_key[:31], pair.sign(b"m"), b"m")

    def test_rejects_a_33_byte_key(self, pair: Ed25519KeyPair) -> None:
        """A long public key (e.g. still carrying a multicodec byte) is refused."""
        with pytest.raises(InvalidSignatureError, match="32 bytes, got 33"):
            verify_signature(b"\xed" + pair.public_key, pair.sign(b"m"), b"m")

    def test_rejects_text_arguments(self, pair: Ed25519KeyPair) -> None:
        """A str message raises InvalidSignatureError (PyNaCl: TypeError)."""
        with pytest.raises(InvalidSignatureError, match="must be bytes"):
            verify_signature(pair.public_key, pair.sign(b"m"), "m")  # type: ignore[arg-type]

    def test_rejects_identity_key_with_identity_r_and_zero_s(self) -> None:
        """Regression (catalogue L14): identity key, R = identity, S = 0 matches every message
        in a naive verifier; it must not verify."""
        signature = IDENTITY_POINT + bytes(32)
        for message in (b"", b"any message"):
            with pytest.raises(InvalidSignatureError):
                verify_signature(IDENTITY_POINT, signature, message)

    def test_rejects_all_zero_key_and_signature(self) -> None:
        """An all-zero key (a small-order point) with an all-zero signature does not verify."""
        with pytest.raises(InvalidSignatureError):
            verify_signature(bytes(32), bytes(64), b"m")

    def test_rejects_order_two_key(self) -> None:
        """The small-order point (0, -1) is refused as a public key."""
        order_two = bytes.fromhex("ec" + "ff" * 30 + "7f")
        with pytest.raises(InvalidSignatureError):
            verify_signature(order_two, IDENTITY_POINT + bytes(32), b"m")

    def test_rejects_s_plus_l_malleated_signature(self, pair: Ed25519KeyPair) -> None:
        """Regression (catalogue L14, C6): a valid signature with S replaced by S + L
        (a second encoding of the same scalar) must not verify."""
        signature = pair.sign(b"m")
        s = int.from_bytes(signature[32:], "little")
        malleated = signature[:32] + (s + L).to_bytes(32, "little")
        verify_signature(pair.public_key, signature, b"m")
        with pytest.raises(InvalidSignatureError):
            verify_signature(pair.public_key, malleated, b"m")
