"""Wire types of the credentials API (msgspec Structs): what clients send and what they get.

A request names what to certify; everything the issuer controls (``id``, ``issuer``,
``credentialStatus``, ``proof``, ``@context``) is refused as an unknown field. Text fields have
length limits (422 beyond them) and refuse control characters (NUL included), so nothing that a
database would refuse after signing is ever signed.
"""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import datetime
from typing import Annotated, Any, Final

import msgspec

from common.errors import InvalidInputError
from common.timeutil import parse_date_or_stamp, parse_whole_seconds
from issuer import EvidenceItem, IssueRequest, Recipient

__all__ = [
    "AssessorIn",
    "BatchIssued",
    "BatchItemIssued",
    "BatchRow",
    "CredentialIn",
    "CredentialLinks",
    "CredentialSummary",
    "EvidenceIn",
    "RecipientIn",
    "SearchBody",
    "SearchFilters",
    "decode_credential",
    "duplicate_key",
    "parse_valid_until",
]

_EMAIL: Final = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_EVIDENCE_ID: Final = re.compile(
    r"^(?:https?://[^\s/?#]+[^\s]*|urn:[A-Za-z0-9][A-Za-z0-9-]{0,31}:\S+)$"
)
_MULTILINE_OK: Final = frozenset("\n\r\t")

Slug = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
Level = Annotated[str, msgspec.Meta(min_length=1, max_length=16)]
Lang = Annotated[str, msgspec.Meta(min_length=2, max_length=8)]
Email = Annotated[str, msgspec.Meta(min_length=3, max_length=254)]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Did = Annotated[str, msgspec.Meta(min_length=8, max_length=300)]
LongText = Annotated[str, msgspec.Meta(min_length=1, max_length=5000)]
Genre = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
Url = Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
AwareDateTime = Annotated[datetime, msgspec.Meta(tz=True)]


def _check_line(field: str, value: str | None) -> None:
    """Refuse control characters (NUL included) in a one-line text field."""
    if value is not None and any(unicodedata.category(c) == "Cc" for c in value):
        raise ValueError(f"{field} must not contain control characters")


def _check_block(field: str, value: str | None) -> None:
    """Refuse control characters other than line breaks and tabs in a multi-line field."""
    if value is not None and any(
        unicodedata.category(c) == "Cc" and c not in _MULTILINE_OK for c in value
    ):
        raise ValueError(f"{field} must not contain control characters")


def _check_email(field: str, value: str | None) -> None:
    if value is not None and not _EMAIL.match(value.strip()):
        raise ValueError(f"{field} is not an e-mail address")


class _In(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Request types: unknown fields are refused (no mass assignment)."""


class RecipientIn(_In, frozen=True):
    """Who receives the credential: only a salted hash of the e-mail goes into it."""

    email: Email
    name: Name | None = None
    did: Did | None = None

    def __post_init__(self) -> None:
        _check_line("recipient.email", self.email)
        _check_email("recipient.email", self.email)
        _check_line("recipient.name", self.name)
        _check_line("recipient.did", self.did)
        if self.name is not None and not self.name.strip():
            raise ValueError("recipient.name must not be blank")


class AssessorIn(_In, frozen=True):
    """The assessor who certified a competence; the e-mail is used only to check the
    assessor's LEVER UP Assessor badge and is stored nowhere."""

    name: Name
    email: Email | None = None

    def __post_init__(self) -> None:
        _check_line("assessor.name", self.name)
        if not self.name.strip():
            raise ValueError("assessor.name must not be blank")
        _check_line("assessor.email", self.email)
        _check_email("assessor.email", self.email)


class EvidenceIn(_In, frozen=True):
    """One piece of evidence; ``id`` is an absolute http(s) URL or a ``urn:``."""

    name: Name
    narrative: LongText | None = None
    description: LongText | None = None
    genre: Genre | None = None
    id: Url | None = None

    def __post_init__(self) -> None:
        _check_line("evidence.name", self.name)
        _check_block("evidence.narrative", self.narrative)
        _check_block("evidence.description", self.description)
        _check_line("evidence.genre", self.genre)
        if self.id is not None and not _EVIDENCE_ID.match(self.id):
            raise ValueError("evidence.id must be an absolute http(s) URL or a urn:")


class CredentialIn(_In, frozen=True):
    """``POST /api/v1/credentials``: certify one competence (both levels) or one role."""

    achievement: Slug
    recipient: RecipientIn
    outcome: Level | None = None
    complexity: Level | None = None
    evidence: Annotated[list[EvidenceIn], msgspec.Meta(max_length=20)] | None = None
    valid_until: Annotated[str, msgspec.Meta(max_length=64)] | None = msgspec.field(
        default=None, name="validUntil"
    )
    """Kept as sent and parsed strictly by :func:`parse_valid_until` (a date, or whole seconds
    with a time zone): a decoded datetime would already have rounded a sub-microsecond fraction
    (catalogue G10)."""
    lang: Lang | None = None
    assessor: AssessorIn | None = None

    def to_issue_request(self) -> IssueRequest:
        """The issuer's request (the assessor by name only).

        Raises:
            InvalidInputError: If the issuer refuses a value (e-mail, DID, blank names).
        """
        evidence = None
        if self.evidence is not None:
            evidence = [
                EvidenceItem(
                    name=e.name,
                    narrative=e.narrative,
                    description=e.description,
                    genre=e.genre,
                    id=e.id,
                )
                for e in self.evidence
            ]
        return IssueRequest(
            achievement=self.achievement,
            recipient=Recipient(
                email=self.recipient.email, name=self.recipient.name, did=self.recipient.did
            ),
            outcome=self.outcome,
            complexity=self.complexity,
            evidence=evidence,
            valid_until=None if self.valid_until is None else parse_valid_until(self.valid_until),
            lang=self.lang,
            assessor=None if self.assessor is None else self.assessor.name.strip(),
        )


VALID_UNTIL_FORMS: Final = (
    "validUntil must be a date (2030-12-31, the end of that day UTC) or a date-time in whole"
    " seconds with a time zone (2030-12-31T00:00:00Z)"
)


def parse_valid_until(value: str) -> datetime:
    """The one reading of a ``validUntil`` a person or a program sends (API, renewal, CSV):
    a date-time in whole seconds with a time zone, or a plain ``YYYY-MM-DD`` date meaning the
    end of that day, UTC (``23:59:59Z``). A fraction of a second is refused, never rounded
    (catalogue G10).

    Raises:
        InvalidInputError: Neither form.
    """
    try:
        return parse_whole_seconds(value)
    except ValueError:
        pass
    if "T" not in value:  # a stamp with a fraction must not slip through as "a date"
        try:
            return parse_date_or_stamp(value, end_of_day=True)
        except ValueError:
            pass
    raise InvalidInputError(VALID_UNTIL_FORMS)


class BatchRow(msgspec.Struct, frozen=True, kw_only=True):
    """One item of a batch as parsed: its row number, and the request or why it is unreadable.

    ``row`` is the item's 1-based position in ``items`` (JSON) or the spreadsheet row number
    of the CSV file (the header is row 1, so the first credential is row 2).
    """

    row: int
    request: CredentialIn | None = None
    errors: list[str] = msgspec.field(default_factory=list)


class SearchFilters(msgspec.Struct, frozen=True, kw_only=True):
    """Filters of a credential search; each one given narrows the result.

    Attributes:
        achievement: The achievement slug.
        status: ``active``, ``suspended``, ``revoked`` or ``erased`` (personal data erased).
        recipient_email: The recipient's address (compared by its keyed hash).
        issued_from: Issued at or after.
        issued_until: Issued at or before.
        valid: True: not expired (no ``validUntil`` or one in the future); False: expired.
    """

    achievement: str | None = None
    status: str | None = None
    recipient_email: str | None = None
    issued_from: datetime | None = None
    issued_until: datetime | None = None
    valid: bool | None = None


class SearchBody(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The JSON body of ``POST /api/v1/credentials/search``: the filters of
    ``GET /api/v1/credentials``, so a recipient's address never appears in a URL or access log.
    """

    achievement: Annotated[str, msgspec.Meta(max_length=64)] | None = None
    status: Annotated[str, msgspec.Meta(max_length=16)] | None = None
    recipient: Annotated[str, msgspec.Meta(max_length=254)] | None = None
    """The recipient's e-mail address (compared by its keyed hash)."""
    issued_from: Annotated[str, msgspec.Meta(max_length=40)] | None = msgspec.field(
        default=None, name="issuedFrom"
    )
    issued_until: Annotated[str, msgspec.Meta(max_length=40)] | None = msgspec.field(
        default=None, name="issuedUntil"
    )
    valid: bool | None = None
    limit: Annotated[int, msgspec.Meta(ge=1, le=100)] = 20
    offset: Annotated[int, msgspec.Meta(ge=0, le=2**31 - 1)] = 0


class _Out(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """Response types: camelCase on the wire."""


class CredentialLinks(_Out, frozen=True):
    """Where a credential can be read.

    Attributes:
        self_: The API resource (``GET /api/v1/credentials/{uuid}``, token needed).
        public: The credential's id, its public URL (content negotiated).
        status: The Bitstring Status List credential that holds its revocation bit.
        json: The public signed credential as a JSON download.
        page: The public page people open (the same URL as ``public``, for a browser).
        holder: The holder's private link to hide or show the public page (share it with the
            holder only).
        badge_png: The baked badge image (PNG).
        badge_svg: The baked badge image (SVG).
        qr_png: A QR code of the public page (PNG).
        qr_svg: A QR code of the public page (SVG).
        linkedin: LinkedIn's "Add to profile" link for the holder, when the credential is known.
    """

    self_: str = msgspec.field(name="self")
    public: str
    status: str | None
    json: str
    page: str | None = None
    holder: str | None = None
    badge_png: str | None = None
    badge_svg: str | None = None
    qr_png: str | None = None
    qr_svg: str | None = None
    linkedin: str | None = None


class CredentialSummary(_Out, frozen=True):
    """What the registry knows of a credential besides its signed bytes (no e-mail address)."""

    id: str
    uuid: str
    achievement: str
    outcome: str | None
    complexity: str | None
    lang: str
    status: str
    status_reason: str | None
    status_changed_at: datetime | None
    issued_at: datetime
    valid_from: datetime
    valid_until: datetime | None
    expired: bool
    recipient_name: str | None
    recipient_did: str | None
    assessor_name: str | None
    hidden: bool
    erased: bool
    version: int
    links: CredentialLinks


class BatchItemIssued(_Out, frozen=True):
    """One credential of an issued batch."""

    row: int
    id: str
    links: CredentialLinks


class BatchIssued(_Out, frozen=True):
    """``201`` answer of ``POST /api/v1/credentials/batch``."""

    count: int
    items: list[BatchItemIssued]


def duplicate_key(data: bytes | str) -> str | None:
    """The first object member name that occurs twice in the JSON ``data``, or None.

    JSON parsers disagree on which duplicate wins, so requests with duplicates are refused.
    ``data`` must already be valid JSON.
    """
    found: list[str] = []

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: set[str] = set()
        for key, _ in items:
            if key in seen and not found:
                found.append(key)
            seen.add(key)
        return {}

    json.loads(data, object_pairs_hook=pairs)
    return found[0] if found else None


def decode_credential(data: bytes) -> CredentialIn:
    """Decode one request body or batch item.

    Raises:
        msgspec.DecodeError: Malformed JSON, or a member name that occurs twice (parsers
            disagree on which one wins).
        msgspec.ValidationError: Wrong types, unknown fields, limits, control characters.
    """
    request = msgspec.json.decode(data, type=CredentialIn)
    twice = duplicate_key(data)
    if twice is not None:
        raise msgspec.DecodeError(f"JSON is malformed: the member {twice!r} occurs twice")
    return request
