"""The assessor rule: organisations may require a valid LEVER UP Assessor badge.

When an organisation has ``require_assessor_badge`` and the achievement is a competence, the
request must name its assessor with an e-mail address, and the registry must hold an *active*,
unexpired, unerased ``assessor`` role credential whose recipient is that address, issued by
*any* organisation of this registry: the LEVER UP network trains and badges assessors
centrally and the organisations use them. A badge issued in the same batch does not count
(rows are checked against the registry as it was before the batch).

A badge the *same* organisation issued less than :data:`SELF_ISSUED_COOLING_OFF` (one hour) ago
qualifies only when an admin issues the certification: an organisation cannot mint an assessor
and certify with them in one breath unless its admin does so, knowingly (issue 12 item 29; role
badges themselves are issued by admins only, see :mod:`registry.credentials.issuance`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Final

from sqlmodel import Session, col, select

from badge_classes import Catalogue
from registry.models import CredentialRecord
from registry.schemas import CredentialIn

__all__ = [
    "ASSESSOR_ROLE",
    "NOT_QUALIFIED",
    "NO_ASSESSOR_EMAIL",
    "SELF_ISSUED_COOLING_OFF",
    "TOO_FRESH",
    "assessor_problems",
]

ASSESSOR_ROLE: Final = "assessor"
NO_ASSESSOR_EMAIL: Final = (
    "this organisation requires the assessor's name and e-mail address (assessor.email) "
    "to check their LEVER UP Assessor badge"
)
NOT_QUALIFIED: Final = (
    "the assessor holds no active, unexpired LEVER UP Assessor badge in this registry"
)
TOO_FRESH: Final = (
    "the assessor's Assessor badge was issued by this organisation less than an hour ago: "
    "only an admin may certify with it yet"
)
SELF_ISSUED_COOLING_OFF: Final = timedelta(hours=1)
"""How long an Assessor badge issued by the certifying organisation itself does not qualify
without an admin (the "last moments" of issue 12 item 29)."""
_IN_CHUNK: Final = 500


def assessor_problems(
    session: Session,
    catalogue: Catalogue,
    rows: Iterable[tuple[int, CredentialIn]],
    *,
    lookup: Callable[[str], str],
    now: datetime,
    org_id: int,
    by_admin: bool,
) -> dict[int, str]:
    """Row number → why its assessor does not qualify (call only when the rule applies).

    Args:
        session: The caller's session.
        catalogue: Tells competences (checked) from roles (not checked).
        rows: ``(row number, request)`` of valid requests.
        lookup: E-mail address → stored ``recipient_lookup``.
        now: The time badges must be valid at.
        org_id: The certifying organisation.
        by_admin: Whether an admin asks (a fresh badge of ``org_id`` then qualifies too).
    """
    problems: dict[int, str] = {}
    wanted: dict[int, str] = {}
    for number, request in rows:
        if catalogue.get(request.achievement).kind != "competence":
            continue
        if request.assessor is None or request.assessor.email is None:
            problems[number] = NO_ASSESSOR_EMAIL
        else:
            wanted[number] = lookup(request.assessor.email)
    badges = _qualified(session, set(wanted.values()), now)
    settled = now - SELF_ISSUED_COOLING_OFF
    for number, value in wanted.items():
        mine = badges.get(value, [])
        if not mine:
            problems[number] = NOT_QUALIFIED
        elif not by_admin and all(o == org_id and at > settled for o, at in mine):
            problems[number] = TOO_FRESH
    return problems


def _qualified(
    session: Session, lookups: set[str], now: datetime
) -> dict[str, list[tuple[int, datetime]]]:
    """Lookup → ``(issuing org, issued at)`` of each valid Assessor badge it holds (any org)."""
    found: dict[str, list[tuple[int, datetime]]] = {}
    ordered = sorted(lookups)
    for start in range(0, len(ordered), _IN_CHUNK):
        until = col(CredentialRecord.valid_until)
        query = (
            select(
                CredentialRecord.recipient_lookup,
                CredentialRecord.org_id,
                CredentialRecord.issued_at,
            )
            .where(CredentialRecord.achievement == ASSESSOR_ROLE)
            .where(CredentialRecord.status == "active")
            .where(col(CredentialRecord.erased_at).is_(None))
            .where(col(CredentialRecord.recipient_lookup).in_(ordered[start : start + _IN_CHUNK]))
            .where(CredentialRecord.valid_from <= now)
            .where(until.is_(None) | (until > now))
        )
        for value, org, issued_at in session.exec(query).all():
            if value is not None:
                found.setdefault(value, []).append((org, issued_at))
    return found
