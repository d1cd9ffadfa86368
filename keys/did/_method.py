"""The resolved verification method type and the DID method switch."""

from __future__ import annotations

import re
from typing import Any, Final, Literal

import msgspec

from keys.errors import InvalidDidError, UnsupportedDidMethodError

__all__ = ["VerificationMethod", "VerificationMethodType", "did_method", "show"]

_MAX_DID_LENGTH: Final = 2048
_METHOD_NAME: Final = re.compile(r"[a-z0-9]+")


VerificationMethodType = Literal[
    "Multikey", "Ed25519VerificationKey2020", "JsonWebKey", "JsonWebKey2020"
]
"""The verification method types a DID document may use for an assertion key."""


class VerificationMethod(msgspec.Struct, frozen=True, kw_only=True):
    """A resolved verification method.

    Attributes:
        id: The absolute verification method id (``did:…#fragment``).
        controller: The DID that controls the key.
        public_key_multibase: The Ed25519 key as published (``z6Mk…``); ``""`` for a JSON Web
            Key that is not Ed25519.
        public_key: The decoded 32-byte Ed25519 public key; ``b""`` for a JSON Web Key that is
            not Ed25519 (RSA, P-256): check :attr:`is_ed25519` before using it.
        type: ``Multikey`` (did:key and our DID documents), ``Ed25519VerificationKey2020``
            (the legacy suite's key type, same encoding), or ``JsonWebKey``/``JsonWebKey2020``.
        public_key_jwk: The public JWK of a ``JsonWebKey`` method (no private members).
    """

    id: str
    controller: str
    public_key_multibase: str
    public_key: bytes
    type: VerificationMethodType = "Multikey"
    public_key_jwk: dict[str, Any] | None = None

    @property
    def is_ed25519(self) -> bool:
        """Whether the method holds a 32-byte Ed25519 public key."""
        return len(self.public_key) == 32


def did_method(did_url: str) -> Literal["key", "web"]:
    """Return the method of a DID or DID URL, refusing unsupported methods.

    Args:
        did_url: A DID or DID URL, e.g. ``did:web:example.com#key-1``.

    Returns:
        ``"key"`` or ``"web"``.

    Raises:
        InvalidDidError: If the value is not a well-formed DID (e.g. upper-case ``DID:KEY:``).
        UnsupportedDidMethodError: If it is not a DID (``https:…``) or uses another method.
    """
    if not isinstance(did_url, str):
        raise InvalidDidError("a DID must be a string")
    if len(did_url) > _MAX_DID_LENGTH:
        raise InvalidDidError(f"DID is too long ({len(did_url)} characters)")
    scheme, _, rest = did_url.partition(":")
    if scheme != "did":
        if scheme.lower() == "did":
            raise InvalidDidError("the DID scheme must be lower-case 'did:'")
        raise UnsupportedDidMethodError(
            f"{show(did_url)} is not a DID; only did:key and did:web are supported"
        )
    method, colon, _ = rest.partition(":")
    if not colon or not _METHOD_NAME.fullmatch(method.lower()):
        raise InvalidDidError(f"{show(did_url)} is not a well-formed DID")
    if method in ("key", "web"):
        return "key" if method == "key" else "web"
    if method != method.lower():
        raise InvalidDidError("the DID method name must be lower-case")
    raise UnsupportedDidMethodError(
        f"DID method 'did:{method[:32]}' is not supported; only did:key and did:web are"
    )


def show(value: object) -> str:
    """Quote an untrusted value for an error message: escaped and at most 80 characters."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
