"""The pieces an issue passes along: drafts, what was issued, its row, the per-row report."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Final

import msgspec

from common.timeutil import parse_datetime_stamp
from registry.errors import BatchInvalidError
from registry.schemas import CredentialIn

__all__ = ["MAX_REPORTED_ROWS", "Draft", "IssuedItem", "batch_error", "credential_row", "fresh_row"]

MAX_REPORTED_ROWS: Final = 1000
"""Most rows a :class:`BatchInvalidError` lists (the detail says how many were wrong)."""


class Draft:
    """A validated, built, not yet signed credential."""

    __slots__ = ("document", "request", "row", "uuid")

    def __init__(self, row: int, request: CredentialIn, uuid: str, document: dict[str, Any]):
        """Keep the row number, the request, the credential's uuid and its unsigned document."""
        self.row = row
        self.request = request
        self.uuid = uuid
        self.document = document


class IssuedItem(msgspec.Struct, frozen=True, kw_only=True):
    """One issued credential as stored (the row is not loaded back, for speed).

    Attributes:
        row: The item's row number in the batch.
        id: The credential's uuid.
        credential_id: Its id, ``{BASE}/credentials/{uuid}``.
        achievement: The achievement slug.
        status_list_id: The status list row holding its revocation bit.
        status_purpose: That list's purpose (``revocation``).
        status_seq: That list's number.
        status_index: Its index in the list.
        signed_bytes: Exactly the bytes that were signed and stored.
        lang: The credential's language.
        issued_at: When it was issued.
        valid_until: Its ``validUntil``, or None.
    """

    row: int
    id: str
    credential_id: str
    achievement: str
    status_list_id: int
    status_purpose: str
    status_seq: int
    status_index: int
    signed_bytes: bytes
    lang: str
    issued_at: datetime
    valid_until: datetime | None = None


def credential_row(
    org_id: int,
    draft: Draft,
    item: IssuedItem,
    now: datetime,
    *,
    lookup: Callable[[str], str],
    default_lang: str,
    key_id: str | None = None,
) -> dict[str, Any]:
    """The ``credentials`` row of an issued credential, every column given (bulk insert)."""
    request = draft.request
    return fresh_row(
        id=item.id,
        org_id=org_id,
        achievement=request.achievement,
        outcome=request.outcome,
        complexity=request.complexity,
        lang=request.lang or default_lang,
        recipient_lookup=lookup(request.recipient.email),
        recipient_name=_stripped(request.recipient.name),
        recipient_did=request.recipient.did,
        assessor_name=None if request.assessor is None else _stripped(request.assessor.name),
        now=now,
        document=draft.document,
        status_list_id=item.status_list_id,
        status_index=item.status_index,
        signed_bytes=item.signed_bytes,
        key_id=key_id,
    )


def fresh_row(
    *,
    id: str,
    org_id: int,
    achievement: str,
    outcome: str | None,
    complexity: str | None,
    lang: str,
    recipient_lookup: str | None,
    recipient_name: str | None,
    recipient_did: str | None,
    assessor_name: str | None,
    now: datetime,
    document: dict[str, Any],
    status_list_id: int,
    status_index: int,
    signed_bytes: bytes,
    key_id: str | None,
    hidden: bool = False,
) -> dict[str, Any]:
    """Every column of a new, active credential issued ``now`` (version 1): the one row shape
    of a bulk insert, for a batch and for the key-compromise re-issue alike. ``validUntil`` is
    read from the signed ``document``."""
    until = document.get("validUntil")
    return {
        "id": id,
        "org_id": org_id,
        "achievement": achievement,
        "outcome": outcome,
        "complexity": complexity,
        "lang": lang,
        "recipient_lookup": recipient_lookup,
        "recipient_name": recipient_name,
        "recipient_did": recipient_did,
        "assessor_name": assessor_name,
        "status": "active",
        "status_reason": None,
        "status_changed_at": None,
        "issued_at": now,
        "valid_from": now,
        "valid_until": None if until is None else parse_datetime_stamp(until),
        "status_list_id": status_list_id,
        "status_index": status_index,
        "version": 1,
        "signed_bytes": signed_bytes,
        "key_id": key_id,
        "hidden": hidden,
        "erased_at": None,
    }


def batch_error(errors: dict[int, list[str]], total: int) -> BatchInvalidError:
    """The :class:`BatchInvalidError` listing ``errors`` (row → messages) in row order."""
    numbers = sorted(errors)
    rows = [{"row": n, "errors": errors[n]} for n in numbers[:MAX_REPORTED_ROWS]]
    shown = ""
    if len(numbers) > MAX_REPORTED_ROWS:
        shown = f"; the first {MAX_REPORTED_ROWS} are listed"
    return BatchInvalidError(
        f"{len(numbers)} of {total} rows are invalid{shown}; nothing was issued", rows
    )


def _stripped(text: str | None) -> str | None:
    return None if text is None else text.strip()
