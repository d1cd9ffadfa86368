"""Recipient identifiers: the e-mail address never appears in clear (OB 3.0 IdentityHash).

:func:`normalise_email` lives in :mod:`common.identity` (the verifier's recipient check applies
the same rule) and is re-exported here.
"""

from __future__ import annotations

import hashlib
import secrets

from common.identity import normalise_email

__all__ = ["hashed_email_identifier", "identity_hash", "normalise_email", "plain_name_identifier"]


def identity_hash(identifier: str, salt: str) -> str:
    """``"sha256$" + hex(SHA-256(UTF-8(identifier + salt)))`` (OB 3.0 IdentityHash)."""
    return "sha256$" + hashlib.sha256((identifier + salt).encode("utf-8")).hexdigest()


def hashed_email_identifier(email: str, salt: str | None = None) -> dict[str, object]:
    """An ``IdentityObject`` for a salted, hashed e-mail address.

    Args:
        email: the recipient's address (normalised before hashing).
        salt: the salt; a fresh random 128-bit hex salt when omitted.
    """
    salt = secrets.token_hex(16) if salt is None else salt
    return {
        "type": "IdentityObject",
        "identityHash": identity_hash(normalise_email(email), salt),
        "identityType": "emailAddress",
        "hashed": True,
        "salt": salt,
    }


def plain_name_identifier(name: str) -> dict[str, object]:
    """An unhashed ``name`` identifier, for recipients who want their name on the badge."""
    return {"type": "IdentityObject", "identityHash": name, "identityType": "name", "hashed": False}
