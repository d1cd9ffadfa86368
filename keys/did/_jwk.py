"""``JsonWebKey`` verification methods: a strict reading of a public ``publicKeyJwk``.

Accepted key types (the ones the verifier allowlists for JWT-secured credentials): Ed25519
(``OKP``), RSA of at least :data:`MIN_RSA_BITS` bits, and EC P-256. Private members refuse the
key; only the public members are kept. Nothing here verifies a signature: the JWK is handed to
the caller (an Ed25519 key is also decoded to its 32 bytes).
"""

from __future__ import annotations

import binascii
import re
from collections.abc import Mapping
from typing import Any, Final, cast

from common.encoding import b64url_decode
from keys.did._method import VerificationMethod, VerificationMethodType, show
from keys.errors import InvalidDidError, InvalidMultikeyError
from keys.multikey import encode_public_key

__all__ = ["MIN_RSA_BITS", "jwk_verification_method", "public_jwk"]

MIN_RSA_BITS: Final = 2048
"""Smallest RSA modulus accepted."""

_PRIVATE: Final = ("d", "p", "q", "dp", "dq", "qi", "oth", "k")
_B64URL: Final = re.compile(r"[A-Za-z0-9_-]+")
_MAX_MEMBER: Final = 2048
_PUBLIC_MEMBERS: Final = {
    ("OKP", "Ed25519"): ("x",),
    ("EC", "P-256"): ("x", "y"),
    ("RSA", None): ("n", "e"),
}


def _b64url(jwk: Mapping[str, Any], member: str) -> bytes:
    value = jwk.get(member)
    if not isinstance(value, str) or len(value) > _MAX_MEMBER or not _B64URL.fullmatch(value):
        raise InvalidDidError(f"publicKeyJwk.{member} is not an unpadded base64url string")
    try:
        return b64url_decode(value)
    except (binascii.Error, ValueError) as exc:
        raise InvalidDidError(f"publicKeyJwk.{member} is not valid base64url") from exc


def public_jwk(jwk: object) -> dict[str, str]:
    """Check a public JWK and return its public members only.

    Args:
        jwk: The ``publicKeyJwk`` value (or a JOSE ``jwk`` header).

    Returns:
        ``kty`` (and ``crv``) with the key's public members.

    Raises:
        InvalidDidError: For a private member, an unsupported key type or curve, bad base64url,
            a key of the wrong size, or an RSA modulus under :data:`MIN_RSA_BITS` bits.
    """
    if not isinstance(jwk, Mapping):
        raise InvalidDidError("publicKeyJwk must be a JSON object")
    private = [member for member in _PRIVATE if member in jwk]
    if private:
        raise InvalidDidError(f"publicKeyJwk holds private key members ({', '.join(private)})")
    kty, crv = jwk.get("kty"), jwk.get("crv")
    members = _PUBLIC_MEMBERS.get((kty, None if kty == "RSA" else crv))  # type: ignore[arg-type]
    if members is None:
        raise InvalidDidError(
            f"publicKeyJwk key type {show(kty)}/{show(crv)} is not supported "
            "(Ed25519, RSA or P-256)"
        )
    decoded = {member: _b64url(jwk, member) for member in members}
    if kty == "OKP" and len(decoded["x"]) != 32:
        raise InvalidDidError("publicKeyJwk Ed25519 x must be 32 bytes")
    if kty == "EC" and (len(decoded["x"]) != 32 or len(decoded["y"]) != 32):
        raise InvalidDidError("publicKeyJwk P-256 x and y must be 32 bytes each")
    if kty == "RSA":
        bits = int.from_bytes(decoded["n"], "big").bit_length()
        if bits < MIN_RSA_BITS:
            raise InvalidDidError(f"publicKeyJwk RSA modulus has {bits} bits; at least 2048")
    result = {"kty": cast(str, kty), **{member: cast(str, jwk[member]) for member in members}}
    if kty != "RSA":
        result["crv"] = cast(str, crv)
    return result


def jwk_verification_method(
    method: Mapping[str, Any], vm_id: str, controller: str
) -> VerificationMethod:
    """The :class:`VerificationMethod` of a ``JsonWebKey`` entry (type and controller checked).

    Raises:
        InvalidDidError: If ``publicKeyJwk`` is missing or fails :func:`public_jwk`.
    """
    if "publicKeyJwk" not in method:
        raise InvalidDidError(f"verification method {vm_id} has no publicKeyJwk")
    try:
        jwk = public_jwk(method["publicKeyJwk"])
    except InvalidDidError as exc:
        raise InvalidDidError(f"verification method {vm_id}: {exc}") from exc
    public_key = b""
    multibase = ""
    if jwk["kty"] == "OKP":
        public_key = b64url_decode(jwk["x"])
        try:
            multibase = encode_public_key(public_key)
        except InvalidMultikeyError as exc:
            raise InvalidDidError(f"verification method {vm_id}: {exc}") from exc
    return VerificationMethod(
        id=vm_id,
        controller=controller,
        public_key_multibase=multibase,
        public_key=public_key,
        type=cast(VerificationMethodType, method.get("type")),
        public_key_jwk=jwk,
    )
