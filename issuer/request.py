"""What an issuer is asked to certify: the wire type of an issue request."""

from __future__ import annotations

import re
from datetime import datetime

import msgspec

from common.errors import InvalidInputError

__all__ = ["EvidenceItem", "IssueRequest", "Recipient"]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DID = re.compile(r"^did:[a-z0-9]+:[A-Za-z0-9._:%-]+$")


class Recipient(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Who receives the credential."""

    email: str
    """E-mail address; only its salted hash goes into the credential."""
    name: str | None = None
    """Optional name, shown in clear on the credential when given."""
    did: str | None = None
    """Optional holder DID (from a wallet); becomes ``credentialSubject.id``."""


class EvidenceItem(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One piece of evidence (portfolio item, interview record)."""

    name: str
    narrative: str | None = None
    description: str | None = None
    genre: str | None = None
    id: str | None = None
    """A URL or ``urn:`` identifier; no large data URIs (OB implementation guide)."""


class IssueRequest(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Certify one LEVER competence (with both levels) or one practitioner role."""

    achievement: str
    """Slug of a competence or role of the catalogue."""
    recipient: Recipient
    outcome: str | None = None
    """Outcome level: basic, accomplished or expert (competences only)."""
    complexity: str | None = None
    """Environment complexity: low, mid-low, mid-high or high (competences only)."""
    evidence: list[EvidenceItem] | None = None
    valid_until: datetime | None = msgspec.field(default=None, name="validUntil")
    lang: str | None = None
    assessor: str | None = None
    """Name of the assessor who certified the competence."""

    def __post_init__(self) -> None:
        if not _EMAIL.match(self.recipient.email.strip()):
            raise InvalidInputError(f"not an e-mail address: {self.recipient.email!r}")
        if self.recipient.did is not None and not _DID.match(self.recipient.did):
            raise InvalidInputError(f"not a DID: {self.recipient.did!r}")
        if self.valid_until is not None and self.valid_until.tzinfo is None:
            raise InvalidInputError("validUntil needs a time zone (e.g. 2030-01-01T00:00:00Z)")
        if self.valid_until is not None and self.valid_until.microsecond:
            # The credential states whole seconds: a fraction would be dropped (catalogue G10).
            raise InvalidInputError("validUntil must be whole seconds (e.g. 2030-01-01T00:00:00Z)")
        for text in (self.recipient.name, self.assessor):
            if text is not None and not text.strip():
                raise InvalidInputError("names must not be blank")
