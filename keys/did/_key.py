"""did:key for Ed25519 keys: ``did:key:z6Mk…``, its one verification method, and resolution."""

from __future__ import annotations

from typing import Final

from keys.did._method import VerificationMethod, did_method, show
from keys.errors import InvalidDidError, InvalidMultikeyError
from keys.multikey import decode_public_key, encode_public_key

__all__ = ["did_key", "did_key_verification_method", "resolve_did_key"]

_PREFIX: Final = "did:key:"


def did_key(public_key: bytes) -> str:
    """Return the did:key DID of an Ed25519 public key (``did:key:z6Mk…``)."""
    return _PREFIX + encode_public_key(public_key)


def did_key_verification_method(public_key: bytes) -> str:
    """Return the verification method id of a did:key (``did:key:z6Mk…#z6Mk…``)."""
    multibase = encode_public_key(public_key)
    return f"{_PREFIX}{multibase}#{multibase}"


def resolve_did_key(did_url: str) -> VerificationMethod:
    """Resolve a did:key DID or DID URL to its single verification method.

    A DID without a fragment resolves to its key; a fragment must repeat the multibase value.

    Args:
        did_url: ``did:key:z6Mk…`` or ``did:key:z6Mk…#z6Mk…``.

    Returns:
        The verification method; its controller is the DID.

    Raises:
        InvalidDidError: If the DID URL is malformed, carries a version, path, query or
            parameters, has a fragment other than the key, or does not hold an Ed25519 key.
        UnsupportedDidMethodError: If it is not a DID, or its method is neither key nor web.
    """
    if did_method(did_url) != "key":
        raise InvalidDidError(f"{show(did_url)} is not a did:key")
    identifier, has_fragment, fragment = did_url[len(_PREFIX) :].partition("#")
    if any(char in identifier for char in ";?/:"):
        raise InvalidDidError("a did:key must not carry a version, path, query or parameters")
    if not identifier.startswith("z"):
        raise InvalidDidError("a did:key identifier must be a base58btc multibase value ('z…')")
    try:
        public_key = decode_public_key(identifier)
    except InvalidMultikeyError as exc:
        raise InvalidDidError(f"invalid did:key: {exc}") from exc
    if has_fragment and fragment != identifier:
        raise InvalidDidError("the fragment of a did:key URL must repeat its multibase key")
    did = _PREFIX + identifier
    return VerificationMethod(
        id=f"{did}#{identifier}",
        controller=did,
        public_key_multibase=identifier,
        public_key=public_key,
    )
