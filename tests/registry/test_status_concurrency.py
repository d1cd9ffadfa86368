"""Concurrency: parallel allocations never share an index, parallel revocations lose no bit.

Every test runs on SQLite (writers serialised by BEGIN IMMEDIATE) and, with
LEVERUP_TEST_DATABASE_URL set, on PostgreSQL (row locks), one transaction per operation.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import pytest
from registry_support import create_org, issue_credential, scope
from sqlmodel import select

from registry.audit.log import AuditLog
from registry.context import Registry
from registry.credentials.lifecycle import LifecycleService
from registry.models import CredentialRecord, OrganisationRecord, StatusListRecord
from registry.status import STATUS_LIST_SIZE, StatusListService, decode_bitstring, get_bit

_T = TypeVar("_T")
ACTOR = "cli:concurrency-tests"


@pytest.fixture
def org(registry: Registry) -> OrganisationRecord:
    """One organisation, committed (no status list yet)."""
    return create_org(registry)


def _in_threads(threads: int, work: Callable[[int], _T]) -> list[_T]:
    """Run ``work(0..threads-1)`` in as many threads, released together by a barrier."""
    barrier = threading.Barrier(threads)

    def run(number: int) -> _T:
        barrier.wait()
        return work(number)

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(run, range(threads)))


class TestParallelAllocation:
    def test_32_threads_allocating_20_each_get_640_distinct_indexes(
        self, registry: Registry, org: OrganisationRecord
    ) -> None:
        """32 threads x 20 allocations (one transaction each, list 1 opened in the race)."""

        def allocate_20(_number: int) -> list[tuple[int, int]]:
            found = []
            for _ in range(20):
                with scope(registry) as session:
                    row, index = StatusListService(registry, session).allocate(org)
                    found.append((row.seq, index))
            return found

        picks = [pick for batch in _in_threads(32, allocate_20) for pick in batch]
        assert len(picks) == 640
        assert {seq for seq, _ in picks} == {1}
        assert len({index for _, index in picks}) == 640
        with scope(registry) as session:
            [row] = session.exec(select(StatusListRecord)).all()
        assert row.allocated_count == 640
        assert all(get_bit(row.allocated, index) for _, index in picks)
        assert sum(bin(byte).count("1") for byte in row.allocated) == 640

    def test_parallel_allocations_roll_over_to_one_new_list(
        self, registry: Registry, org: OrganisationRecord, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """16 threads x 4 allocations on 16-entry lists fill exactly lists 1 to 4."""
        monkeypatch.setattr(StatusListService, "list_size", 16)

        def allocate_4(_number: int) -> list[tuple[int, int]]:
            found = []
            for _ in range(4):
                with scope(registry) as session:
                    row, index = StatusListService(registry, session).allocate(org)
                    found.append((row.seq, index))
            return found

        picks = [pick for batch in _in_threads(16, allocate_4) for pick in batch]
        assert len(set(picks)) == 64
        assert sorted({seq for seq, _ in picks}) == [1, 2, 3, 4]
        with scope(registry) as session:
            rows = session.exec(select(StatusListRecord)).all()
        assert sorted((r.seq, r.allocated_count) for r in rows) == [(s, 16) for s in (1, 2, 3, 4)]
        assert STATUS_LIST_SIZE == 131_072


class TestParallelRevocation:
    def test_10_threads_revoking_50_credentials_lose_no_bit(
        self, registry: Registry, org: OrganisationRecord
    ) -> None:
        """50 revocations from 10 threads: exactly those 50 bits in the signed list, version 50."""
        with scope(registry) as session:
            credentials = [issue_credential(registry, session, org) for _ in range(60)]
        revoked, kept = credentials[:50], credentials[50:]

        def revoke_5(number: int) -> None:
            for credential in revoked[number * 5 : number * 5 + 5]:
                with scope(registry) as session:
                    LifecycleService(registry, session).revoke(
                        org, credential.id, reason="batch revocation", actor=ACTOR
                    )

        _in_threads(10, revoke_5)
        with scope(registry) as session:
            signed, _etag = StatusListService(registry, session).signed_list(
                org.slug, "revocation", 1
            )
            [row] = session.exec(select(StatusListRecord)).all()
            statuses = {r.id: r.status for r in session.exec(select(CredentialRecord)).all()}
            assert org.id is not None
            entries = AuditLog(registry, session).entries(org.id, limit=1000)
            assert AuditLog(registry, session).verify_chain(org.id) is None
        published = decode_bitstring(json.loads(signed)["credentialSubject"]["encodedList"])
        set_bits = {i for i in range(STATUS_LIST_SIZE) if get_bit(published, i)}
        assert set_bits == {c.status_index for c in revoked}
        assert not any(get_bit(published, c.status_index) for c in kept)
        assert published == row.bits and row.version == 50
        assert [statuses[c.id] for c in revoked] == ["revoked"] * 50
        revocations = [e.credential_id for e in entries if e.action == "credential.revoke"]
        assert sorted(revocations) == sorted(str(c.id) for c in revoked)

    def test_racing_revocations_of_one_credential_succeed_once(
        self, registry: Registry, org: OrganisationRecord
    ) -> None:
        """8 threads revoking the same credential: one succeeds, seven get InvalidStateError."""
        with scope(registry) as session:
            credential = issue_credential(registry, session, org)

        def revoke(_number: int) -> str:
            try:
                with scope(registry) as session:
                    LifecycleService(registry, session).revoke(
                        org, credential.id, reason="fraud", actor=ACTOR
                    )
            except Exception as exc:  # the outcome is what is counted
                return type(exc).__name__
            return "ok"

        outcomes = _in_threads(8, revoke)
        assert sorted(outcomes) == ["InvalidStateError"] * 7 + ["ok"]
