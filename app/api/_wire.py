"""Bodies of the credentials API: reading requests, and answers built around the signed bytes.

Answers never re-encode a credential: the stored signed bytes are spliced into the JSON text
(``{"credential": <bytes>, …}``), so a client receives exactly what was signed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final
from urllib.parse import urlencode

import msgspec

from common.errors import InvalidInputError
from common.timeutil import parse_date_or_stamp
from registry.credentials import wire_status
from registry.errors import BatchTooLargeError
from registry.models import CredentialRecord
from registry.schemas import BatchRow, CredentialLinks, CredentialSummary, decode_credential

__all__ = [
    "Wire",
    "decode_json_batch",
    "issued_body",
    "page_links",
    "parse_when",
    "record_body",
    "summary",
]

_LINK_RELS: Final = ("first", "prev", "next", "last")


class Wire(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """Base of the API's response types: camelCase on the wire."""


class _BatchIn(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    items: list[msgspec.Raw]


def decode_json_batch(body: bytes, *, max_items: int) -> list[BatchRow]:
    """``{"items": [...]}`` → one row per item (row ``n`` is ``items[n-1]``).

    Raises:
        msgspec.DecodeError: The body is not JSON.
        InvalidInputError: It is not ``{"items": [...]}``.
        BatchTooLargeError: More than ``max_items`` items.
    """
    try:
        batch = msgspec.json.decode(body, type=_BatchIn)
    except msgspec.ValidationError as exc:
        raise InvalidInputError(f'a batch is {{"items": [...]}}: {exc}') from None
    if len(batch.items) > max_items:
        raise BatchTooLargeError(f"a batch holds at most {max_items} credentials")
    rows: list[BatchRow] = []
    for number, raw in enumerate(batch.items, start=1):
        try:
            rows.append(BatchRow(row=number, request=decode_credential(bytes(raw))))
        except msgspec.DecodeError as exc:
            rows.append(BatchRow(row=number, errors=[str(exc)]))
    return rows


def parse_when(value: str, *, end_of_day: bool) -> datetime:
    """A date-time with a time zone, or a plain date (its start or end, UTC).

    Raises:
        InvalidInputError: Neither.
    """
    try:
        return parse_date_or_stamp(value, end_of_day=end_of_day)
    except ValueError:
        raise InvalidInputError(
            f"not a date (2026-01-31) or a date-time with a time zone: {value!r:.40}"
        ) from None


def issued_body(signed_bytes: bytes, links: CredentialLinks) -> bytes:
    """``{"credential": <signed bytes>, "links": {...}}`` (the answer to an issue)."""
    return b'{"credential":' + signed_bytes + b',"links":' + msgspec.json.encode(links) + b"}"


def summary(record: CredentialRecord, links: CredentialLinks, now: datetime) -> CredentialSummary:
    """What the registry knows of ``record`` (no e-mail address, no signed bytes)."""
    return CredentialSummary(
        id=links.public,
        uuid=record.id,
        achievement=record.achievement,
        outcome=record.outcome,
        complexity=record.complexity,
        lang=record.lang,
        status=wire_status(record),
        status_reason=record.status_reason,
        status_changed_at=record.status_changed_at,
        issued_at=record.issued_at,
        valid_from=record.valid_from,
        valid_until=record.valid_until,
        expired=record.valid_until is not None and record.valid_until <= now,
        recipient_name=record.recipient_name,
        recipient_did=record.recipient_did,
        assessor_name=record.assessor_name,
        hidden=record.hidden,
        erased=record.erased_at is not None,
        version=record.version,
        links=links,
    )


def record_body(record: CredentialRecord, links: CredentialLinks, now: datetime) -> bytes:
    """The summary with ``"credential": <signed bytes>`` (``null`` once erased) spliced in."""
    head = msgspec.json.encode(summary(record, links, now))
    signed = record.signed_bytes if record.signed_bytes is not None else b"null"
    return head[:-1] + b',"credential":' + signed + b"}"


def page_links(url: str, params: dict[str, str], *, total: int, limit: int, offset: int) -> str:
    """The RFC 8288 ``Link`` header (first, prev, next, last) of a page of a search."""
    last = max(0, (total - 1) // limit * limit)
    offsets = {"first": 0, "last": last}
    if offset > 0:
        offsets["prev"] = max(0, min(offset - limit, last))
    if offset + limit < total:
        offsets["next"] = offset + limit
    parts = []
    for rel in _LINK_RELS:
        if rel in offsets:
            query = urlencode({**params, "limit": str(limit), "offset": str(offsets[rel])})
            parts.append(f'<{url}?{query}>; rel="{rel}"')
    return ", ".join(parts)
