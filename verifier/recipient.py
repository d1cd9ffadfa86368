"""The optional recipient check (ob3-requirements §4 step 11, ID-04; catalogue H18, H19).

Someone who knows the holder's e-mail address asks whether the credential was issued to it.
The candidate is normalised by the issuer's rule (:func:`common.identity.normalise_email`) and
compared with every ``credentialSubject.identifier`` entry whose ``identityType`` is
``emailAddress``:

- ``hashed: true`` with ``sha256$<hex>``: SHA-256 of the normalised address followed by the
  entry's ``salt`` (none when absent); the hex digits are compared case-insensitively;
- ``hashed: true`` with ``md5$<hex>``: the same with MD5, accepted only with ``weak_hash`` set
  in the result (MD5 gives the holder's address almost no protection);
- ``hashed: false``: the stated address, normalised the same way, compared with the candidate.

Every comparison is constant-time (:func:`hmac.compare_digest`) and every entry is compared, so
the time taken does not say which entry matched. Pure: no I/O, nothing logged or kept; the
answer says nothing about the credential's validity (verify it first).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping
from typing import Any, Final, Literal

import msgspec

from common.identity import normalise_email
from verifier._jwt import check_jwt_parse, looks_like_jwt
from verifier._parse import check_parse

__all__ = ["RecipientCheck", "RecipientOutcome", "check_recipient", "credential_document"]

RecipientOutcome = Literal["matched", "not_matched", "no_identifier"]
"""``no_identifier``: the credential states no e-mail identifier the check could use."""

_EMAIL: Final = "emailAddress"
_ALGORITHMS: Final[dict[str, Callable[[bytes], Any]]] = {
    "sha256": hashlib.sha256,
    "md5": hashlib.md5,
}
_WEAK: Final = frozenset({"md5"})


class RecipientCheck(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """The result of a recipient check (wire names ``checked``, ``matched``, ``weakHash``).

    Attributes:
        outcome: ``matched``, ``not_matched`` or ``no_identifier``.
        weak_hash: The match rests on an MD5 identity hash.
    """

    outcome: RecipientOutcome
    weak_hash: bool = False

    @property
    def checked(self) -> bool:
        """Whether the credential had an e-mail identifier to compare with."""
        return self.outcome != "no_identifier"

    @property
    def matched(self) -> bool:
        """Whether the candidate is the address the credential was issued to."""
        return self.outcome == "matched"

    def to_wire(self) -> dict[str, bool]:
        """``{"checked", "matched", "weakHash"}``, as ``POST /api/v1/verify`` reports it."""
        return {"checked": self.checked, "matched": self.matched, "weakHash": self.weak_hash}


def _subjects(credential: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    subject = credential.get("credentialSubject")
    items = subject if isinstance(subject, list) else [subject]
    return [item for item in items if isinstance(item, Mapping)]


def _email_identifiers(credential: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    found: list[Mapping[str, Any]] = []
    for subject in _subjects(credential):
        identifiers = subject.get("identifier")
        items = identifiers if isinstance(identifiers, list) else [identifiers]
        found += [
            item
            for item in items
            if isinstance(item, Mapping)
            and item.get("identityType") == _EMAIL
            and isinstance(item.get("identityHash"), str)
            and isinstance(item.get("hashed"), bool)
        ]
    return found


def _same(left: str, right: str) -> bool:
    return hmac.compare_digest(left.encode("utf-8"), right.encode("utf-8"))


def _hashed_match(identifier: Mapping[str, Any], candidate: str) -> tuple[bool, bool]:
    """``(matched, weak)`` for a ``hashed: true`` identifier."""
    algorithm, separator, digest = str(identifier["identityHash"]).partition("$")
    hasher = _ALGORITHMS.get(algorithm.lower())
    if not separator or hasher is None:
        return False, False
    salt = identifier.get("salt")
    salt = salt if isinstance(salt, str) else ""
    expected = hasher((candidate + salt).encode("utf-8")).hexdigest()
    return _same(expected, digest.strip().lower()), algorithm.lower() in _WEAK


def check_recipient(credential: Mapping[str, Any], email: str) -> RecipientCheck:
    """Whether ``credential`` was issued to ``email``.

    Args:
        credential: The parsed credential (see :func:`credential_document`).
        email: The candidate address, as typed (normalised here).

    Returns:
        ``matched`` (``weak_hash`` when only an MD5 hash matched), ``not_matched``, or
        ``no_identifier`` when the credential states no usable e-mail identifier.
    """
    identifiers = _email_identifiers(credential)
    if not identifiers:
        return RecipientCheck(outcome="no_identifier")
    candidate = normalise_email(email)
    strong = weak = False
    for identifier in identifiers:  # every entry, whatever matched before
        if identifier["hashed"]:
            matched, is_weak = _hashed_match(identifier, candidate)
        else:
            stated = normalise_email(str(identifier["identityHash"]))
            matched, is_weak = _same(stated, candidate), False
        strong |= matched and not is_weak
        weak |= matched and is_weak
    if strong:
        return RecipientCheck(outcome="matched")
    if weak:
        return RecipientCheck(outcome="matched", weak_hash=True)
    return RecipientCheck(outcome="not_matched")


def credential_document(data: bytes | str) -> dict[str, Any] | None:
    """The credential in ``data`` (JSON or a compact JWT) under the ``parse`` check's rules.

    Returns:
        The credential object, or None when ``data`` is not a readable credential.
    """
    if looks_like_jwt(data):
        _, jwt = check_jwt_parse(data)
        return jwt.credential if jwt is not None else None
    _, document = check_parse(data)
    return document
