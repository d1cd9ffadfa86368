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

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, Literal

from app.public.i18n import Messages, format_day, format_moment
from badge_classes import Catalogue, UnknownAchievementError
from badge_classes.model import AchievementDefinition, Level, ScaleName
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
    "claims_of_document",
    "claims_of_record",
    "eqf_of",
    "holder_name",
    "issuer_confirmed",
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
    since: str | None = None
    """When the issuer revoked or suspended it ("Revoked on 3 March 2026."), in the viewer's
    language; None when not known (any credential that is not ours) or not revoked/suspended.
    The registry has no "publish the reason" choice yet, so no reason is ever shown (item 9)."""


@dataclass(frozen=True)
class LevelView:
    """A level (or cluster) and what it means; ``scale`` names its scale (the catalogue's label,
    the one source of the scales' names on every page, item 12)."""

    name: str
    description: str
    scale: str = ""


@dataclass(frozen=True)
class ClaimsView:
    """What a credential states, ready for a template (every value plain text)."""

    name: str
    kind: str
    description: str | None = None
    cluster: LevelView | None = None
    levels: tuple[LevelView, ...] = ()
    """The achieved levels, each with its scale's name (ours: outcome, then complexity)."""
    eqf: str | None = None
    recipient: str | None = None
    issuer_name: str | None = None
    issuer_id: str | None = None
    issuer_host: str | None = None
    issuer_known: bool = False
    issuer_confirmed: bool = True
    """Whether the proof and the issuer's key verified: only then is who the issuer is a fact
    (a failed proof shows the issuer as stated and unconfirmed, never as known, item 8)."""
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
    status_changed: datetime | None = None,
) -> VerdictView:
    """The localised verdict and checks of ``report``.

    Args:
        status_changed: When our registry recorded the revocation or suspension (ours only).
    """
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
        since=(
            t[f"{verdict}_on"].format(date=format_day(status_changed, lang))
            if verdict in ("revoked", "suspended") and status_changed is not None
            else None
        ),
    )


def _level(catalogue: Catalogue, scale: ScaleName, slug: str, lang: str) -> LevelView:
    found = catalogue.scale(scale)
    level = found.level(slug)
    return LevelView(level.name(lang), level.description(lang), found.name(lang))


def eqf_of(level: Level) -> str | None:
    """The indicative EQF level of a catalogue level (its ``ext:EQFLevel`` alignments)."""
    codes = [a.target_code for a in level.alignments if a.target_type == _EQF_TYPE]
    found = [code for code in codes if code]
    return "–".join(found) if found else None


def _levels(
    catalogue: Catalogue, outcome: str | None, complexity: str | None, lang: str
) -> tuple[tuple[LevelView, ...], str | None]:
    """The outcome and complexity levels named from the catalogue, and the EQF level."""
    levels: list[LevelView] = []
    eqf = None
    if outcome is not None:
        levels.append(_level(catalogue, "outcome", outcome, lang))
    if complexity is not None:
        levels.append(_level(catalogue, "complexity", complexity, lang))
        eqf = eqf_of(catalogue.scale("complexity").level(complexity))
    return tuple(levels), eqf


def _definition(catalogue: Catalogue, slug: str) -> AchievementDefinition | None:
    try:
        return catalogue.get(slug)
    except UnknownAchievementError:
        return None


def _cluster(
    catalogue: Catalogue, definition: AchievementDefinition | None, lang: str
) -> LevelView | None:
    if definition is None or definition.cluster is None:
        return None
    found = catalogue.cluster(definition.cluster)
    return LevelView(found.name(lang), found.description(lang))


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
    confirmed: bool = True,
) -> ClaimsView:
    """The claims of one of our credentials, named from the catalogue in ``lang``.

    The issuer is shown by the name the credential signed (``signed_issuer_name``), with its
    host and DID, and the registry's name today (``issuer_name``) only beside it when the two
    differ: a later rename never re-labels what was issued.

    Args:
        confirmed: Whether the proof and the issuer's key of the copy shown verified (only then
            is the issuer shown as a registered organisation, item 8).
    """
    definition = _definition(catalogue, achievement)
    levels, eqf = _levels(catalogue, outcome, complexity, lang)
    return ClaimsView(
        name=definition.name(lang) if definition is not None else achievement,
        kind=t.role if definition is not None and definition.kind == "role" else t.competence,
        description=definition.description(lang) if definition is not None else None,
        cluster=_cluster(catalogue, definition, lang),
        levels=levels,
        eqf=eqf,
        recipient=recipient,
        issuer_name=_clip(signed_issuer_name) or issuer_name,
        issuer_id=issuer_id,
        issuer_host=issuer_host(issuer_id),
        issuer_known=confirmed,
        issuer_confirmed=confirmed,
        issuer_current_name=_renamed(signed_issuer_name, issuer_name),
        assessor=assessor,
        issued=format_day(issued, lang),
        valid_from=format_day(valid_from, lang),
        valid_until=format_day(valid_until, lang) if valid_until is not None else t.no_expiry,
        image=image,
    )


def issuer_confirmed(report: VerificationReport) -> bool:
    """Whether the report establishes who issued the credential: its proof and its issuer's key
    both passed (a revoked or expired credential's issuer is still a fact; a tampered one's is
    not, item 8)."""
    passed = {check.id for check in report.checks if check.status == "passed"}
    return {"proof", "issuer"} <= passed


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


def _subject(document: Mapping[str, Any]) -> Mapping[str, Any]:
    subject = document.get("credentialSubject")
    if isinstance(subject, list):
        subject = next((item for item in subject if isinstance(item, dict)), None)
    return subject if isinstance(subject, dict) else {}


def _dicts(value: object) -> list[Mapping[str, Any]]:
    items = value if isinstance(value, list) else [value]
    return [item for item in items if isinstance(item, dict)]


def _text(value: object) -> str | None:
    return _clip(value) if isinstance(value, str) and value.strip() else None


def holder_name(subject: Mapping[str, Any]) -> str | None:
    """The holder's name as the credential states it: ``credentialSubject.name``, or an
    unhashed ``name`` identifier (how our issuer and OB 3.0 wallets carry it)."""
    name = _text(subject.get("name"))
    if name is not None:
        return name
    for item in _dicts(subject.get("identifier")):
        if item.get("identityType") == "name" and item.get("hashed") is False:
            found = _text(item.get("identityHash"))
            if found is not None:
                return found
    return None


def _catalogue_levels(
    catalogue: Catalogue, base_url: str, achievement_id: object, achieved: set[str]
) -> tuple[str, str | None, str | None] | None:
    """``(slug, outcome, complexity)`` when the achievement and its achieved levels are this
    catalogue's (their ids under ``base_url``), else None."""
    prefix = f"{base_url}/achievements/"
    if not isinstance(achievement_id, str) or not achievement_id.startswith(prefix):
        return None
    definition = _definition(catalogue, achievement_id[len(prefix) :])
    if definition is None:
        return None
    chosen: dict[ScaleName, str | None] = {"outcome": None, "complexity": None}
    if definition.kind == "competence":
        for scale in ("outcome", "complexity"):
            for level in catalogue.scale(scale).level_slugs():
                if catalogue.level_id(definition.slug, scale, level, base_url=base_url) in achieved:
                    chosen[scale] = level
    return definition.slug, chosen["outcome"], chosen["complexity"]


def _stated_levels(
    achievement: Mapping[str, Any], results: list[Mapping[str, Any]]
) -> tuple[tuple[LevelView, ...], str | None]:
    """The achieved levels as the credential names them (any issuer's rubric)."""
    descriptions = {
        item.get("id"): item
        for item in _dicts(achievement.get("resultDescription"))
        if isinstance(item.get("id"), str)
    }
    levels: list[LevelView] = []
    eqf: str | None = None
    for result in results:
        described = descriptions.get(result.get("resultDescription"))
        achieved = result.get("achievedLevel")
        if described is None or not isinstance(achieved, str):
            continue
        for level in _dicts(described.get("rubricCriterionLevel")):
            if level.get("id") != achieved:
                continue
            name = _text(level.get("name"))
            if name is None:
                continue
            scale = _text(described.get("name")) or ""
            levels.append(LevelView(name, _text(level.get("description")) or "", scale))
            for alignment in _dicts(level.get("alignment")):
                if alignment.get("targetType") == _EQF_TYPE:
                    eqf = _text(alignment.get("targetCode")) or eqf
    return tuple(levels), eqf


def claims_of_document(
    report: VerificationReport,
    document: Mapping[str, Any] | None,
    catalogue: Catalogue,
    t: Messages,
    lang: str,
    *,
    base_url: str,
    known_issuer_name: str | None,
) -> ClaimsView | None:
    """The claims of any credential, as the credential states them (None if unreadable).

    The same summary as a page of ours, whatever the input (item 7): the holder, the
    achievement, its achieved levels with their scales and the EQF level. A credential of this
    catalogue (its achievement and level ids under ``base_url``) is named from the catalogue in
    ``lang``; any other as it names itself. Text is clipped and escaped by the templates.

    Args:
        report: The report (its ``credential`` summary).
        document: The credential's JSON object (a JWT's payload credential), if readable.
        catalogue: Our catalogue.
        t: The UI strings.
        lang: The page language.
        base_url: This service's base URL.
        known_issuer_name: Our registry's name of the issuer when the issuer is one of our
            organisations; None otherwise.
    """
    summary = report.credential
    if summary is None:
        return None
    confirmed = issuer_confirmed(report)
    known = confirmed and (known_issuer_name is not None or report.issuer_known is True)
    subject = _subject(document or {})
    achievement = next(iter(_dicts(subject.get("achievement"))), {})
    results = _dicts(subject.get("result"))
    achieved = {r["achievedLevel"] for r in results if isinstance(r.get("achievedLevel"), str)}
    ours = _catalogue_levels(catalogue, base_url, achievement.get("id"), achieved)
    name = _clip(summary.achievement_name or summary.name) or "—"
    kind, description, cluster = t.achievement, _text(achievement.get("description")), None
    if ours is not None:
        slug, outcome, complexity = ours
        definition = catalogue.get(slug)
        levels, eqf = _levels(catalogue, outcome, complexity, lang)
        name, description = definition.name(lang), definition.description(lang)
        kind = t.role if definition.kind == "role" else t.competence
        cluster = _cluster(catalogue, definition, lang)
    else:
        levels, eqf = _stated_levels(achievement, results)
    return ClaimsView(
        name=name,
        kind=kind,
        description=description,
        cluster=cluster,
        levels=levels,
        eqf=eqf,
        recipient=holder_name(subject),
        issuer_name=_clip(summary.issuer_name) or (known_issuer_name if known else None),
        issuer_id=_clip(summary.issuer_id),
        issuer_host=_clip(summary.issuer_host),
        issuer_known=known,
        issuer_confirmed=confirmed,
        issuer_current_name=_renamed(summary.issuer_name, known_issuer_name) if known else None,
        issued=_day(summary.awarded_date, lang),
        valid_from=_day(summary.valid_from, lang),
        valid_until=_day(summary.valid_until, lang) or t.no_expiry,
    )
