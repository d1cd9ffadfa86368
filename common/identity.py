"""The recipient identity rule shared by the issuer (which hashes) and the verifier (which checks).

An e-mail address is normalised before it is hashed into an OB 3.0 ``IdentityHash`` and, in the
same way, before a candidate address is compared with one (catalogue H18: "applied in the same
way when checking"). The rule lives here so that neither side imports the other.
"""

from __future__ import annotations

__all__ = ["normalise_email"]


def normalise_email(email: str) -> str:
    """Trim and lower-case an e-mail address (the rule before hashing and before checking)."""
    return email.strip().lower()
