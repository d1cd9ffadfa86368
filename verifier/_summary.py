"""The credential summary shown beside the checks (the credential's own claims)."""

from __future__ import annotations

from typing import Any

from verifier._envelope import date_members
from verifier._util import stated_issuer_id
from verifier.report import CredentialSummary

__all__ = ["summarize"]


def _text(value: Any) -> str | None:
    return value[:1000] if isinstance(value, str) else None


def _member(value: Any, key: str) -> str | None:
    return _text(value.get(key)) if isinstance(value, dict) else None


def summarize(document: dict[str, Any]) -> CredentialSummary:
    """Extract the display fields of a parsed credential, tolerating any shape.

    Args:
        document: The parsed credential (possibly invalid).

    Returns:
        The summary; members that are absent or not strings are ``None``.
    """
    start, end = date_members(document)  # VC 1.1 dates only in a VC 1.1 credential (G7)
    issuer = document.get("issuer")
    subject = document.get("credentialSubject")
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    return CredentialSummary(
        id=_text(document.get("id")),
        name=_text(document.get("name")),
        issuer_id=_text(stated_issuer_id(document)),
        issuer_name=_member(issuer, "name"),
        achievement_id=_member(achievement, "id"),
        achievement_name=_member(achievement, "name"),
        valid_from=_text(document.get(start)),
        valid_until=_text(document.get(end)),
        awarded_date=_text(document.get("awardedDate")),
    )
