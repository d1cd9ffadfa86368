"""The assessor rule: organisations may require a valid LEVER UP Assessor badge.

When an organisation has ``require_assessor_badge`` and the achievement is a competence, the
request must name its assessor with an e-mail address, and the registry must hold an *active*,
unexpired, unerased ``assessor`` role credential whose recipient is that address, issued by
*any* organisation of this registry: the LEVER UP network trains and badges assessors
centrally and the organisations use them. A badge issued in the same batch does not count
(rows are checked against the registry as it was before the batch).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Final

from sqlmodel import Session, col, select

from badge_classes import Catalogue
from registry.models import CredentialRecord
from registry.schemas import CredentialIn

__all__ = ["ASSESSOR_ROLE", "NOT_QUALIFIED", "NO_ASSESSOR_EMAIL", "assessor_problems"]

ASSESSOR_ROLE: Final = "assessor"
NO_ASSESSOR_EMAIL: Final = (
    "this organisation requires the assessor's name and e-mail address (assessor.email) "
    "to check their LEVER UP Assessor badge"
)
NOT_QUALIFIED: Final = (
    "the assessor holds no active, unexpired LEVER UP Assessor badge in this registry"
)
_IN_CHUNK: Final = 500


def assessor_problems(
    session: Session,
    catalogue: Catalogue,
    rows: Iterable[tuple[int, CredentialIn]],
    *,
    lookup: Callable[[str], str],
    now: datetime,
) -> dict[int, str]:
    """Row number → why its assessor does not qualify (call only when the rule applies).

    Args:
        session: The caller's session.
        catalogue: Tells competences (checked) from roles (not checked).
        rows: ``(row number, request)`` of valid requests.
        lookup: E-mail address → stored ``recipient_lookup``.
        now: The time badges must be valid at.
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
    qualified = _qualified(session, set(wanted.values()), now)
    for number, value in wanted.items():
        if value not in qualified:
            problems[number] = NOT_QUALIFIED
    return problems


def _qualified(session: Session, lookups: set[str], now: datetime) -> set[str]:
    """The lookups among ``lookups`` whose holder has a valid Assessor badge (any org)."""
    found: set[str] = set()
    ordered = sorted(lookups)
    for start in range(0, len(ordered), _IN_CHUNK):
        until = col(CredentialRecord.valid_until)
        query = (
            select(CredentialRecord.recipient_lookup)
            .where(CredentialRecord.achievement == ASSESSOR_ROLE)
            .where(CredentialRecord.status == "active")
            .where(col(CredentialRecord.erased_at).is_(None))
            .where(col(CredentialRecord.recipient_lookup).in_(ordered[start : start + _IN_CHUNK]))
            .where(CredentialRecord.valid_from <= now)
            .where(until.is_(None) | (until > now))
        )
        found.update(value for value in session.exec(query).all() if value is not None)
    return found
