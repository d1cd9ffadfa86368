"""``JsonWebKey`` and ``Ed25519VerificationKey2020`` methods in DID documents (keys.did)."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from keys import (
    Ed25519KeyPair,
    InvalidDidError,
    did_web_document,
    encode_public_key,
    public_jwk,
    resolve_in_document,
)

DID = "did:web:jwk.example"
VM = f"{DID}#key-1"
ED = Ed25519KeyPair.from_seed(bytes(31) + b"\x09").public_key


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _int(value: int, size: int | None = None) -> str:
    return _b64(value.to_bytes(size or (value.bit_length() + 7) // 8, "big"))


def _rsa_jwk(bits: int = 2048) -> dict[str, str]:
    numbers = rsa.generate_private_key(65537, bits).public_key().public_numbers()
    return {"kty": "RSA", "n": _int(numbers.n), "e": _int(numbers.e)}


def _ec_jwk() -> dict[str, str]:
    point = ec.generate_private_key(ec.SECP256R1()).public_key().public_numbers()
    return {"kty": "EC", "crv": "P-256", "x": _int(point.x, 32), "y": _int(point.y, 32)}


def _document(jwk: dict[str, Any], vm_type: str = "JsonWebKey") -> dict[str, Any]:
    return {
        "id": DID,
        "verificationMethod": [{"id": VM, "type": vm_type, "controller": DID, "publicKeyJwk": jwk}],
        "assertionMethod": [VM],
    }


def test_rsa_json_web_key_resolves() -> None:
    """An RSA JsonWebKey resolves with its public JWK and no Ed25519 key."""
    jwk = _rsa_jwk()
    method = resolve_in_document(_document(jwk), VM, expected_did=DID)
    assert method.type == "JsonWebKey"
    assert method.public_key_jwk == jwk
    assert not method.is_ed25519
    assert method.controller == DID


def test_p256_json_web_key_2020_resolves() -> None:
    """A P-256 JsonWebKey2020 resolves."""
    method = resolve_in_document(_document(_ec_jwk(), "JsonWebKey2020"), VM, expected_did=DID)
    assert method.type == "JsonWebKey2020"
    assert method.public_key_jwk is not None and method.public_key_jwk["crv"] == "P-256"


def test_ed25519_json_web_key_resolves_to_the_raw_key() -> None:
    """An OKP Ed25519 JWK gives the 32-byte key and its Multikey form."""
    jwk = {"kty": "OKP", "crv": "Ed25519", "x": _b64(ED)}
    method = resolve_in_document(_document(jwk), VM, expected_did=DID)
    assert method.public_key == ED
    assert method.public_key_multibase == encode_public_key(ED)


def test_ed25519_verification_key_2020_resolves() -> None:
    """The legacy Ed25519VerificationKey2020 type reads publicKeyMultibase like Multikey."""
    document = did_web_document(DID, [("key-1", ED)])
    document["verificationMethod"][0]["type"] = "Ed25519VerificationKey2020"
    method = resolve_in_document(document, VM, expected_did=DID)
    assert method.type == "Ed25519VerificationKey2020"
    assert method.public_key == ED


def test_private_jwk_member_refuses_the_document() -> None:
    """A publicKeyJwk with "d" refuses the whole document."""
    jwk = {"kty": "OKP", "crv": "Ed25519", "x": _b64(ED), "d": _b64(bytes(32))}
    with pytest.raises(InvalidDidError, match="secret key material"):
        resolve_in_document(_document(jwk), VM, expected_did=DID)


def test_small_rsa_key_is_refused() -> None:
    """RSA keys under 2048 bits are refused."""
    with pytest.raises(InvalidDidError, match="2048"):
        resolve_in_document(_document(_rsa_jwk(1024)), VM, expected_did=DID)


def test_unsupported_curve_is_refused() -> None:
    """Only Ed25519, RSA and P-256 are accepted."""
    jwk = {"kty": "EC", "crv": "secp256k1", "x": _b64(bytes(32)), "y": _b64(bytes(32))}
    with pytest.raises(InvalidDidError, match="not supported"):
        resolve_in_document(_document(jwk), VM, expected_did=DID)


def test_missing_public_key_jwk_is_refused() -> None:
    """A JsonWebKey without publicKeyJwk is refused."""
    document = _document({})
    del document["verificationMethod"][0]["publicKeyJwk"]
    with pytest.raises(InvalidDidError, match="no publicKeyJwk"):
        resolve_in_document(document, VM, expected_did=DID)


def test_padded_base64_is_refused() -> None:
    """JWK members are unpadded base64url."""
    with pytest.raises(InvalidDidError, match="base64url"):
        public_jwk({"kty": "OKP", "crv": "Ed25519", "x": _b64(ED) + "="})


def test_public_jwk_keeps_only_public_members() -> None:
    """Extra members (kid, use, alg) are dropped from the comparable form."""
    jwk = {"kty": "OKP", "crv": "Ed25519", "x": _b64(ED), "kid": "k", "use": "sig"}
    assert public_jwk(jwk) == {"kty": "OKP", "crv": "Ed25519", "x": _b64(ED)}
