"""Compact JWTs for the verifier tests, built by hand (not with the library the verifier uses).

Tokens are assembled from their parts (base64url of the JSON header and payload, then the
signature over ``header.payload``), so a test can produce exactly the malformed or hostile
token a catalogue row describes. EdDSA signs with the fixed test keys; RS256 and ES256 use
keys from ``cryptography`` generated once per session.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from verifier_support import T1, T1_VM, build_credential

from keys.ed25519 import Ed25519KeyPair

JWT_WEB_DID: Final = "did:web:jwt-issuer.example"


def b64(data: bytes) -> str:
    """Unpadded base64url."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64_json(value: Any) -> str:
    """Unpadded base64url of compact JSON (UTF-8)."""
    return b64(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def seconds(stamp: str) -> int:
    """The NumericDate of an ``...Z`` timestamp."""
    return int(datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp())


def vc_payload(credential: Mapping[str, Any] | None = None, **claims: Any) -> dict[str, Any]:
    """A VC-JOSE-COSE payload: the credential plus the OB claims (iss, jti, nbf, exp)."""
    document = dict(credential or build_credential())
    payload: dict[str, Any] = {
        **document,
        "iss": document["issuer"]["id"],
        "jti": document["id"],
        "nbf": seconds(document["validFrom"]),
    }
    if "validUntil" in document:
        payload["exp"] = seconds(document["validUntil"])
    payload.update(claims)
    return {key: value for key, value in payload.items() if value is not None}


def eddsa_header(kid: str = T1_VM, **members: Any) -> dict[str, Any]:
    """``{"alg": "EdDSA", "kid": ..., "typ": "vc+jwt"}`` plus ``members``."""
    header: dict[str, Any] = {"alg": "EdDSA", "kid": kid, "typ": "vc+jwt", **members}
    return {key: value for key, value in header.items() if value is not None}


def signing_input(header: Mapping[str, Any] | str, payload: Mapping[str, Any] | str) -> str:
    """``base64url(header) + "." + base64url(payload)`` (strings are taken as encoded)."""
    head = header if isinstance(header, str) else b64_json(header)
    body = payload if isinstance(payload, str) else b64_json(payload)
    return f"{head}.{body}"


def sign_eddsa(
    header: Mapping[str, Any] | str,
    payload: Mapping[str, Any] | str,
    key_pair: Ed25519KeyPair = T1,
) -> str:
    """A compact JWS signed with Ed25519 (whatever ``alg`` the header claims)."""
    data = signing_input(header, payload)
    return f"{data}.{b64(key_pair.sign(data.encode('ascii')))}"


def eddsa_jwt(payload: Mapping[str, Any] | None = None, **header: Any) -> str:
    """A valid EdDSA VC-JOSE-COSE token of the base credential by T1 (did:key)."""
    return sign_eddsa(eddsa_header(**header), payload or vc_payload())


def rsa_key() -> rsa.RSAPrivateKey:
    """A fresh 2048-bit RSA key."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def ec_key() -> ec.EllipticCurvePrivateKey:
    """A fresh P-256 key."""
    return ec.generate_private_key(ec.SECP256R1())


def _int(value: int, length: int | None = None) -> str:
    size = length or (value.bit_length() + 7) // 8
    return b64(value.to_bytes(size, "big"))


def public_jwk(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> dict[str, str]:
    """The public JWK of an RSA or P-256 key."""
    if isinstance(key, rsa.RSAPrivateKey):
        numbers = key.public_key().public_numbers()
        return {"kty": "RSA", "n": _int(numbers.n), "e": _int(numbers.e)}
    point = key.public_key().public_numbers()
    return {"kty": "EC", "crv": "P-256", "x": _int(point.x, 32), "y": _int(point.y, 32)}


def sign_rs256(
    header: Mapping[str, Any], payload: Mapping[str, Any], key: rsa.RSAPrivateKey
) -> str:
    """A compact JWS signed RSASSA-PKCS1-v1_5 with SHA-256."""
    data = signing_input(header, payload)
    signature = key.sign(data.encode("ascii"), padding.PKCS1v15(), hashes.SHA256())
    return f"{data}.{b64(signature)}"


def sign_es256(
    header: Mapping[str, Any], payload: Mapping[str, Any], key: ec.EllipticCurvePrivateKey
) -> str:
    """A compact JWS signed ECDSA P-256 / SHA-256 (raw ``r || s``, RFC 7518 §3.4)."""
    data = signing_input(header, payload)
    der = key.sign(data.encode("ascii"), ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    return f"{data}.{b64(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"


def jwk_did_document(did: str, jwk: Mapping[str, Any], fragment: str = "key-1") -> dict[str, Any]:
    """A did:web document whose one assertion key is a ``JsonWebKey`` with ``jwk``."""
    vm = f"{did}#{fragment}"
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/jwk/v1"],
        "id": did,
        "verificationMethod": [
            {"id": vm, "type": "JsonWebKey", "controller": did, "publicKeyJwk": dict(jwk)}
        ],
        "assertionMethod": [vm],
    }


def web_credential(did: str = JWT_WEB_DID) -> dict[str, Any]:
    """The base credential issued by a did:web issuer."""
    return build_credential(did)
