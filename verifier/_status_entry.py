"""Pieces of a Bitstring Status List check shared by every status checker (catalogue F2-F8, F10).

Both the network checker (:mod:`verifier.remote_status`) and the registry's checker of its own
lists (which may import the verifier, never the reverse) use them: reading the
``credentialStatus`` entries (at most :data:`MAX_ENTRIES`, F10) and combining their results,
parsing one ``BitstringStatusListEntry`` (F5, F17), checking a list credential's envelope (its
``id``, type and issuer, F4), its validity period (F14) and subject, and reading the entry's bit
from the strictly decoded ``encodedList`` (F6-F8). Where they fetch the list, how they verify
its proof and how they word the verdict stays with each checker.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from common.timeutil import parse_datetime_stamp
from verifier._bitstring import BitstringError, BitstringLengthError, decode_bitstring, get_bit
from verifier._util import errored, failed, passed, quote, stated_issuer_id
from verifier.problems import (
    MALFORMED_VALUE_ERROR,
    RANGE_ERROR,
    STATUS_LIST_LENGTH_ERROR,
    STATUS_NOT_CHECKED,
    STATUS_VERIFICATION_ERROR,
)
from verifier.report import Check

__all__ = [
    "MAX_ENTRIES",
    "PURPOSES",
    "BitstringEntry",
    "UntrustedListError",
    "check_list_envelope",
    "check_list_validity",
    "issuer_id_of",
    "list_subject",
    "parse_bitstring_entry",
    "read_status_bit",
    "status_entries",
    "worst_check",
]

MAX_ENTRIES: Final = 8
"""Most ``credentialStatus`` entries one credential may carry (each one is checked)."""

PURPOSES: Final = ("revocation", "suspension")
"""The status purposes a foreign list may have (anything else cannot be confirmed)."""

_INDEX: Final = re.compile(r"0|[1-9][0-9]*")
_MAX_INDEX_DIGITS: Final = 18


class UntrustedListError(Exception):
    """The list credential cannot be trusted; ``message`` says why (never a verdict on the bit).

    Args:
        message: Why.
        problem: The problem type of the ``error`` check it becomes.
    """

    def __init__(self, message: str, problem: str = STATUS_VERIFICATION_ERROR) -> None:
        super().__init__(message)
        self.message = message
        self.problem = problem


@dataclass(frozen=True)
class BitstringEntry:
    """A well-formed ``BitstringStatusListEntry``."""

    purpose: str
    index: int
    list_url: str


def issuer_id_of(document: Mapping[str, Any]) -> str | None:
    """The ``issuer`` id of a credential (a string, or an object's ``id``), or None (also when
    it is empty)."""
    return stated_issuer_id(document) or None


def status_entries(credential: Mapping[str, Any]) -> list[Any] | Check:
    """The credential's ``credentialStatus`` entries, or the ``failed`` check if there are none
    or more than :data:`MAX_ENTRIES`."""
    raw = credential.get("credentialStatus")
    entries: list[Any] = raw if isinstance(raw, list) else [raw]
    if raw is None or not entries:
        return failed("status", MALFORMED_VALUE_ERROR, "credentialStatus is empty")
    if len(entries) > MAX_ENTRIES:
        return failed(
            "status",
            MALFORMED_VALUE_ERROR,
            f"credentialStatus has {len(entries)} entries; at most {MAX_ENTRIES} are checked",
        )
    return entries


def worst_check(results: Sequence[Check]) -> Check:
    """One answer for several entries: the first ``failed``, else the first ``error``, else pass."""
    for wanted in ("failed", "error"):
        for result in results:
            if result.status == wanted:
                return result
    if len(results) == 1:
        return results[0]
    return passed("status", f"none of the {len(results)} status entries is set")


def parse_bitstring_entry(
    raw: Mapping[str, Any], purposes: Collection[str] | None = PURPOSES
) -> BitstringEntry | Check:
    """Parse a ``BitstringStatusListEntry`` (its type already known), or the check it fails.

    Args:
        raw: The entry.
        purposes: The purposes that can be confirmed (``None``: any); another is an ``error``.
    """
    purpose = raw.get("statusPurpose")
    url = raw.get("statusListCredential")
    if not isinstance(purpose, str) or not purpose:
        return failed("status", MALFORMED_VALUE_ERROR, "the status entry has no statusPurpose")
    if not isinstance(url, str) or not url:
        return failed(
            "status", MALFORMED_VALUE_ERROR, "the status entry has no statusListCredential"
        )
    if "id" in raw and (not isinstance(raw["id"], str) or raw["id"] == url):
        return failed(
            "status",
            MALFORMED_VALUE_ERROR,
            "the status entry's id must be a URL other than the list's",
        )
    size = raw.get("statusSize", 1)
    if type(size) is not int or size != 1:
        return failed(
            "status",
            MALFORMED_VALUE_ERROR,
            f"statusSize {quote(size)} is not supported (1 bit per entry)",
        )
    text = raw.get("statusListIndex")
    if not isinstance(text, str) or not _INDEX.fullmatch(text):
        return failed(
            "status",
            MALFORMED_VALUE_ERROR,
            f"statusListIndex {quote(text)} is not a base-10 integer in a string",
        )
    if len(text) > _MAX_INDEX_DIGITS:
        return failed("status", RANGE_ERROR, f"statusListIndex {quote(text)} is out of range")
    if purposes is not None and purpose not in purposes:
        return errored(
            "status",
            STATUS_NOT_CHECKED,
            f"status purpose {quote(purpose)} is not supported: the status cannot be confirmed",
        )
    return BitstringEntry(purpose=purpose, index=int(text), list_url=url)


def check_list_envelope(document: object, url: str, issuer: str) -> dict[str, Any]:
    """Check that ``document`` is a ``BitstringStatusListCredential`` found at its own ``id``
    and issued by ``issuer`` (F4); return it.

    Raises:
        UntrustedListError: If it is not.
    """
    if not isinstance(document, dict):
        raise UntrustedListError("the status list credential is not a JSON object")
    if document.get("id") != url:
        raise UntrustedListError("the status list credential's id is not the URL it was found at")
    types = document.get("type")
    if not isinstance(types, list) or "BitstringStatusListCredential" not in types:
        raise UntrustedListError("the status list is not a BitstringStatusListCredential")
    list_issuer = issuer_id_of(document)
    if list_issuer != issuer:
        raise UntrustedListError(
            f"the status list is issued by {quote(list_issuer)}, not by the credential's "
            f"issuer {quote(issuer)}"
        )
    return document


def check_list_validity(document: Mapping[str, Any], now: datetime, skew: timedelta) -> None:
    """Check the list's ``validFrom``/``validUntil`` against ``now`` (F14); ``skew`` tolerates
    only an issuer clock running ahead (``validFrom``), never a list past its ``validUntil``.

    Raises:
        UntrustedListError: If either is malformed, or the list is not valid at ``now``.
    """
    for member in ("validFrom", "validUntil"):
        value = document.get(member)
        if value is None:
            continue
        try:
            moment = parse_datetime_stamp(value)
        except (TypeError, ValueError):
            raise UntrustedListError(f"its {member} is not a dateTimeStamp") from None
        if member == "validFrom" and moment > now + skew:
            raise UntrustedListError("the status list is not valid yet")
        if member == "validUntil" and moment < now:
            raise UntrustedListError(f"the status list expired on {value}")


def list_subject(document: Mapping[str, Any]) -> dict[str, Any]:
    """The list's ``credentialSubject``, which must be a ``BitstringStatusList``.

    Raises:
        UntrustedListError: If it is not.
    """
    subject = document.get("credentialSubject")
    if not isinstance(subject, dict) or subject.get("type") != "BitstringStatusList":
        raise UntrustedListError("its credentialSubject is not a BitstringStatusList")
    return subject


def read_status_bit(entry: BitstringEntry, subject: Mapping[str, Any]) -> bool | Check:
    """The entry's bit in the list ``subject`` (purposes already matched), or the check it fails:
    an ``encodedList`` that does not decode strictly (F8) or is too short (F7), an index outside
    it (F6)."""
    try:
        bits = decode_bitstring(subject.get("encodedList"))
    except BitstringLengthError as exc:
        return errored("status", STATUS_LIST_LENGTH_ERROR, f"the status list is too short: {exc}")
    except BitstringError as exc:
        return errored(
            "status", STATUS_VERIFICATION_ERROR, f"the status list's encodedList is invalid: {exc}"
        )
    size = len(bits) * 8
    if entry.index >= size:
        return failed(
            "status",
            RANGE_ERROR,
            f"statusListIndex {entry.index} is outside the list of {size} entries",
        )
    return get_bit(bits, entry.index)
