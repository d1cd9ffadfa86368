"""What the public pages show, computed from a verification report and what we know.

Two kinds of input share one view:

- one of **our** credentials (a registry record): names, levels and the cluster come from the
  catalogue in the *viewer's* language, the issuer's name from our registry (catalogue I18:
  a name is shown as known only when it is ours, never because the credential says so);
- **any** credential dropped on the verify page: its own claims (escaped by the templates,
  never rendered as HTML or Markdown, I17), its issuer marked known only when the verifier or
  our registry says so.

The verdict is one of ``valid``, ``revoked``, ``suspended``, ``expired``, ``invalid``,
``unknown`` (fail closed: a check that could not run is never read as valid).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Final, Literal

from app.public.i18n import Messages, format_day, format_moment
from badge_classes import Catalogue, UnknownAchievementError
from badge_classes.model import AchievementDefinition, Level
from common.timeutil import parse_datetime_stamp
from verifier import VerificationReport
from verifier.known_issuers import issuer_host
from verifier.problems import REVOKED

__all__ = [
    "CheckView",
    "ClaimsView",
    "LevelView",
    "Verdict",
    "VerdictView",
    "claims_of_record",
    "claims_of_summary",
    "verdict_of",
    "verdict_view",
]

Verdict = Literal["valid", "revoked", "suspended", "expired", "invalid", "unknown"]

_EQF_TYPE: Final = "ext:EQFLevel"
_MAX_TEXT: Final = 300


@dataclass(frozen=True)
class CheckView:
    """One check as shown: its stable id and status, a localised label, the verifier's note."""

    id: str
    status: str
    label: str
    status_label: str
    message: str


@dataclass(frozen=True)
class VerdictView:
    """The verdict and the checks behind it."""

    verdict: Verdict
    title: str
    text: str
    checks: tuple[CheckView, ...]
    checked_at: str


@dataclass(frozen=True)
class LevelView:
    """A level (or cluster) and what it means."""

    name: str
    description: str


@dataclass(frozen=True)
class ClaimsView:
    """What a credential states, ready for a template (every value plain text)."""

    name: str
    kind: str
    description: str | None = None
    cluster: LevelView | None = None
    outcome: LevelView | None = None
    complexity: LevelView | None = None
    eqf: str | None = None
    recipient: str | None = None
    issuer_name: str | None = None
    issuer_id: str | None = None
    issuer_host: str | None = None
    issuer_known: bool = False
    issuer_current_name: str | None = None
    """The registry's name of the issuer today, when it is not the name the credential signed."""
    assessor: str | None = None
    issued: str | None = None
    valid_from: str | None = None
    valid_until: str | None = None
    image: str | None = None


def verdict_of(report: VerificationReport, registry_status: str | None = None) -> Verdict:
    """The one-word verdict of ``report``.

    Args:
        report: The verification report.
        registry_status: Our record's status (``active``, ``suspended``, ``revoked``) when the
            credential is ours; the status list uses one bit for revoked and suspended. It is
            authoritative: a revocation whose list is still being re-signed (publication
            pending, J9) already reads revoked.
    """
    if report.verified:
        if registry_status == "revoked":
            return "revoked"
        return "suspended" if registry_status == "suspended" else "valid"
    failed = {check.id: check for check in report.checks if check.status == "failed"}
    status = failed.get("status")
    if status is not None and status.problem is not None and status.problem.type == REVOKED:
        if registry_status == "suspended" or (
            registry_status is None and "suspended" in status.message.lower()
        ):
            return "suspended"
        return "revoked"
    if set(failed) == {"expiration"}:
        return "expired"
    return "invalid" if failed else "unknown"


def verdict_view(
    report: VerificationReport,
    verdict: Verdict,
    t: Messages,
    lang: str,
    *,
    host: str,
    at: datetime,
) -> VerdictView:
    """The localised verdict and checks of ``report``."""
    checks = tuple(
        CheckView(
            id=check.id,
            status=check.status,
            label=t.get(f"check_{check.id}", check.id),
            status_label=t[f"status_{check.status}"],
            message=check.message,
        )
        for check in report.checks
    )
    return VerdictView(
        verdict=verdict,
        title=t[f"verdict_{verdict}"],
        text=t[f"verdict_{verdict}_text"],
        checks=checks,
        checked_at=t.checked_by.format(host=host, moment=format_moment(at, lang)),
    )


def _level(level: Level, lang: str) -> LevelView:
    return LevelView(level.name(lang), level.description(lang))


def _eqf(level: Level) -> str | None:
    codes = [a.target_code for a in level.alignments if a.target_type == _EQF_TYPE]
    found = [code for code in codes if code]
    return "–".join(found) if found else None


def claims_of_record(
    catalogue: Catalogue,
    t: Messages,
    lang: str,
    *,
    achievement: str,
    outcome: str | None,
    complexity: str | None,
    recipient: str | None,
    issuer_name: str,
    issuer_id: str,
    signed_issuer_name: str | None = None,
    assessor: str | None,
    issued: datetime,
    valid_from: datetime,
    valid_until: datetime | None,
    image: str,
) -> ClaimsView:
    """The claims of one of our credentials, named from the catalogue in ``lang``.

    The issuer is shown by the name the credential signed (``signed_issuer_name``), with its
    host and DID, and the registry's name today (``issuer_name``) only beside it when the two
    differ: a later rename never re-labels what was issued.
    """
    try:
        definition: AchievementDefinition | None = catalogue.get(achievement)
    except UnknownAchievementError:
        definition = None
    cluster = outcome_view = complexity_view = None
    eqf = None
    if definition is not None and definition.cluster is not None:
        found = catalogue.cluster(definition.cluster)
        cluster = LevelView(found.name(lang), found.description(lang))
    if outcome is not None:
        outcome_view = _level(catalogue.scale("outcome").level(outcome), lang)
    if complexity is not None:
        level = catalogue.scale("complexity").level(complexity)
        complexity_view, eqf = _level(level, lang), _eqf(level)
    return ClaimsView(
        name=definition.name(lang) if definition is not None else achievement,
        kind=t.role if definition is not None and definition.kind == "role" else t.competence,
        description=definition.description(lang) if definition is not None else None,
        cluster=cluster,
        outcome=outcome_view,
        complexity=complexity_view,
        eqf=eqf,
        recipient=recipient,
        issuer_name=_clip(signed_issuer_name) or issuer_name,
        issuer_id=issuer_id,
        issuer_host=issuer_host(issuer_id),
        issuer_known=True,
        issuer_current_name=_renamed(signed_issuer_name, issuer_name),
        assessor=assessor,
        issued=format_day(issued, lang),
        valid_from=format_day(valid_from, lang),
        valid_until=format_day(valid_until, lang) if valid_until is not None else t.no_expiry,
        image=image,
    )


def _renamed(signed: str | None, current: str | None) -> str | None:
    """``current`` when it is not the signed name (white space aside), else None."""
    if current is None or signed is None or " ".join(signed.split()) == " ".join(current.split()):
        return None
    return _clip(current)


def _clip(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    return value if len(value) <= _MAX_TEXT else value[: _MAX_TEXT - 1] + "…"


def _day(value: str | None, lang: str) -> str | None:
    if value is None:
        return None
    try:
        return format_day(parse_datetime_stamp(value), lang)
    except (ValueError, TypeError, OverflowError):
        return _clip(value)


def claims_of_summary(
    report: VerificationReport,
    t: Messages,
    lang: str,
    *,
    known_issuer_name: str | None,
) -> ClaimsView | None:
    """The claims of any credential, as the credential states them (None if unreadable).

    Args:
        report: The report (its ``credential`` summary).
        t: The UI strings.
        lang: The page language (for dates).
        known_issuer_name: Our registry's name of the issuer when the issuer is one of our
            organisations; None otherwise.
    """
    summary = report.credential
    if summary is None:
        return None
    known = known_issuer_name is not None or report.issuer_known is True
    return ClaimsView(
        name=_clip(summary.achievement_name or summary.name) or "—",
        kind=t.achievement,
        issuer_name=_clip(summary.issuer_name) or known_issuer_name,
        issuer_id=_clip(summary.issuer_id),
        issuer_host=_clip(summary.issuer_host),
        issuer_known=known,
        issuer_current_name=_renamed(summary.issuer_name, known_issuer_name),
        issued=_day(summary.awarded_date, lang),
        valid_from=_day(summary.valid_from, lang),
        valid_until=_day(summary.valid_until, lang) or t.no_expiry,
    )
