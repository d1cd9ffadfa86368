"""The resolved verification method type and the DID method switch."""

from __future__ import annotations

import re
from typing import Final, Literal

import msgspec

from keys.errors import InvalidDidError, UnsupportedDidMethodError

__all__ = ["VerificationMethod", "did_method", "show"]

_MAX_DID_LENGTH: Final = 2048
_METHOD_NAME: Final = re.compile(r"[a-z0-9]+")


class VerificationMethod(msgspec.Struct, frozen=True, kw_only=True):
    """A resolved Multikey verification method.

    Attributes:
        id: The absolute verification method id (``did:…#fragment``).
        controller: The DID that controls the key.
        public_key_multibase: The key as published (``z6Mk…``).
        public_key: The decoded 32-byte Ed25519 public key.
        type: Always ``"Multikey"``.
    """

    id: str
    controller: str
    public_key_multibase: str
    public_key: bytes
    type: Literal["Multikey"] = "Multikey"


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
