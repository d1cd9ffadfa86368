"""base64url (RFC 4648 §5) without ``=`` padding, as JOSE, multibase ``u`` and our tokens use it."""

from __future__ import annotations

import base64

__all__ = ["b64url_decode", "b64url_encode"]


def b64url_encode(data: bytes) -> str:
    """The base64url text of ``data``, without ``=`` padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Decode base64url ``text``, unpadded or padded (the missing ``=`` are added).

    As lenient as :func:`base64.urlsafe_b64decode`: characters outside the alphabet are
    discarded and set unused trailing bits are ignored. A caller that must refuse them checks
    ``text`` first, or compares :func:`b64url_encode` of the result with it.

    Raises:
        binascii.Error: A ``ValueError``; ``text`` cannot be decoded (for example one character
            more than a multiple of four).
        ValueError: ``text`` has a non-ASCII character.
    """
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
