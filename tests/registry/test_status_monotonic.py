"""Our status lists never go back in time (security catalogue F13 and J18, registry side).

Every re-signing of a list (a revocation, a batch, a key rotation's ``republish_all``) must
publish a ``validFrom`` and a ``signed_version`` that never decrease: a verifier that remembers
the newest list it saw (``verifier.remote_status``, F13) would otherwise take our own fresh list
for a replayed old one. The registry clock is a :class:`FrozenClock` moved by the tests.
"""

from __future__ import annotations

import itertools
import json
from datetime import datetime

import pytest
from registry_support import FrozenClock, create_org, issue_credential, make_registry, scope
from sqlalchemy.engine import Engine
from sqlmodel import select

from common.timeutil import parse_datetime_stamp
from registry.context import Registry
from registry.models import OrganisationRecord, StatusListRecord
from registry.status import StatusListService


@pytest.fixture
def registry(engine: Engine, clock: FrozenClock) -> Registry:
    """A registry over a fresh database at ``clock``."""
    return make_registry(engine, clock=clock)


@pytest.fixture
def org(registry: Registry) -> OrganisationRecord:
    """One organisation, committed."""
    return create_org(registry)


def _published(registry: Registry) -> tuple[datetime, int]:
    """(validFrom of the signed list 1, its signed_version)."""
    with scope(registry) as session:
        row = session.exec(select(StatusListRecord).where(StatusListRecord.seq == 1)).one()
        assert row.signed_bytes is not None
        document = json.loads(row.signed_bytes)
        return parse_datetime_stamp(document["validFrom"]), row.signed_version


def _revoke_one(registry: Registry, org: OrganisationRecord, email: str) -> None:
    with scope(registry) as session:
        credential = issue_credential(registry, session, org, email=email)
        StatusListService(registry, session).set_bit(
            credential.status_list_id, credential.status_index, True
        )


def _republish(registry: Registry, org: OrganisationRecord) -> None:
    with scope(registry) as session:
        StatusListService(registry, session).republish_all(org)


def _assert_never_decreases(seen: list[tuple[datetime, int]]) -> None:
    for (from_a, version_a), (from_b, version_b) in itertools.pairwise(seen):
        assert from_b >= from_a, f"validFrom went back: {from_a} -> {from_b}"
        assert version_b >= version_a, f"version went back: {version_a} -> {version_b}"


def test_f13_resignings_never_decrease_valid_from_or_version(
    registry: Registry, org: OrganisationRecord, clock: FrozenClock
) -> None:
    """Revocations and republications over time: validFrom and signed_version only grow, and
    each revocation makes both strictly newer."""
    seen: list[tuple[datetime, int]] = []
    for step in range(3):
        clock.advance(61)
        _revoke_one(registry, org, f"learner{step}@example.org")
        seen.append(_published(registry))
        clock.advance(5)
        _republish(registry, org)
        seen.append(_published(registry))
    _assert_never_decreases(seen)
    revocations = seen[::2]
    assert all(b[0] > a[0] and b[1] > a[1] for a, b in itertools.pairwise(revocations))


def test_f13_resigning_in_the_same_second_keeps_valid_from(
    registry: Registry, org: OrganisationRecord
) -> None:
    """Two re-signings in one second: the same validFrom (equal, never older), version kept."""
    _revoke_one(registry, org, "same@example.org")
    first = _published(registry)
    _republish(registry, org)
    _assert_never_decreases([first, _published(registry)])


def test_j19_clock_stepped_back_does_not_roll_the_list_back(
    registry: Registry, org: OrganisationRecord, clock: FrozenClock
) -> None:
    """The system clock steps back 1 h between two revocations: the new list's validFrom must
    still not be older than the previous one (else verifiers see a rollback)."""
    _revoke_one(registry, org, "before@example.org")
    before = _published(registry)
    clock.advance(-3600)
    _revoke_one(registry, org, "after@example.org")
    _assert_never_decreases([before, _published(registry)])
