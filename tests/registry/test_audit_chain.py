"""AuditLog: append-only, per-organisation sequence and hash chain, tamper detection, races."""

from __future__ import annotations

import hashlib
import itertools
import json
import threading

import pytest
import sqlalchemy as sa
from orgs_support import create_org, scope

from common.timeutil import format_datetime
from registry.audit.log import GENESIS_HASH, AuditLog
from registry.context import Registry


def _append(registry: Registry, org_id: int, n: int) -> None:
    with scope(registry) as session:
        log = AuditLog(registry, session)
        for i in range(n):
            log.append(
                org_id,
                actor="token:1:ops",
                action="credential.revoke",
                credential_id=f"00000000-0000-4000-8000-{i:012d}",
                reason=f"reason {i}",
                details={"index": i, "note": "é"},
            )


def _sql(registry: Registry, statement: str, **params: object) -> None:
    with registry.engine.begin() as connection:
        connection.execute(sa.text(statement), params)


def _verify(registry: Registry, org_id: int) -> int | None:
    with scope(registry) as session:
        return AuditLog(registry, session).verify_chain(org_id)


class TestChain:
    def test_hash_follows_the_documented_formula(self, registry: Registry) -> None:
        """hash = SHA-256(prev_hash ‖ canonical JSON of the entry), recomputed here by hand; the
        entry carries the reason's SHA-256, not the text (hash version 2, issue 12 item 30)."""
        org_id = create_org(registry)
        _append(registry, org_id, 2)
        with scope(registry) as session:
            entries = AuditLog(registry, session).entries(org_id)
        for entry in entries:
            body = {
                "seq": entry.seq,
                "at": format_datetime(entry.at),
                "actor": entry.actor,
                "action": entry.action,
                "credential_id": entry.credential_id,
                "reason_sha256": None
                if entry.reason is None
                else hashlib.sha256(entry.reason.encode("utf-8")).hexdigest(),
                "details": json.loads(entry.details),
            }
            text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
            digest = hashlib.sha256(entry.prev_hash.encode() + text.encode("utf-8")).hexdigest()
            assert entry.hash == digest

    def test_sequence_starts_at_one_from_the_genesis_hash(self, registry: Registry) -> None:
        """Entries are numbered 1, 2, …; the first links to 64 zeros, each next to the last."""
        org_id = create_org(registry)
        _append(registry, org_id, 3)
        with scope(registry) as session:
            entries = AuditLog(registry, session).entries(org_id)
        assert [e.seq for e in entries] == [1, 2, 3, 4]
        assert entries[0].prev_hash == GENESIS_HASH
        assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(entries))

    def test_each_organisation_has_its_own_chain(self, registry: Registry) -> None:
        """Two organisations both start at seq 1 and do not share links."""
        one, two = create_org(registry, "centre-one"), create_org(registry, "centre-two")
        _append(registry, one, 2)
        with scope(registry) as session:
            log = AuditLog(registry, session)
            assert [e.seq for e in log.entries(one)] == [1, 2, 3]
            assert [e.seq for e in log.entries(two)] == [1]
            assert log.entries(two)[0].prev_hash == GENESIS_HASH

    def test_intact_chain_verifies(self, registry: Registry) -> None:
        """An untouched chain has no broken entry."""
        org_id = create_org(registry)
        _append(registry, org_id, 5)
        assert _verify(registry, org_id) is None

    def test_empty_log_verifies(self, registry: Registry) -> None:
        """An organisation without entries has nothing broken."""
        assert _verify(registry, 12345) is None

    def test_entries_are_paged_by_seq(self, registry: Registry) -> None:
        """entries(after_seq, limit) returns the next entries in order."""
        org_id = create_org(registry)
        _append(registry, org_id, 5)
        with scope(registry) as session:
            page = AuditLog(registry, session).entries(org_id, after_seq=2, limit=2)
        assert [e.seq for e in page] == [3, 4]

    def test_head_is_the_latest_entry(self, registry: Registry) -> None:
        """head() is the entry with the highest seq."""
        org_id = create_org(registry)
        _append(registry, org_id, 2)
        with scope(registry) as session:
            head = AuditLog(registry, session).head(org_id)
        assert head is not None and head.seq == 3


class TestRefusals:
    def test_details_with_nan_are_refused(self, registry: Registry) -> None:
        """Details must be plain JSON; NaN is refused and nothing is written."""
        org_id = create_org(registry)
        with pytest.raises(ValueError, match="JSON compliant"), scope(registry) as session:
            AuditLog(registry, session).append(
                org_id, actor="cli:x", action="x", details={"n": float("nan")}
            )
        with scope(registry) as session:
            assert len(AuditLog(registry, session).entries(org_id)) == 1

    def test_empty_actor_is_refused(self, registry: Registry) -> None:
        """Every entry names who acted."""
        with pytest.raises(ValueError, match="actor"), scope(registry) as session:
            AuditLog(registry, session).append(create_org(registry), actor="", action="x")

    def test_overlong_action_is_refused(self, registry: Registry) -> None:
        """Actions fit their column (32 characters) on every backend."""
        with pytest.raises(ValueError, match="action"), scope(registry) as session:
            AuditLog(registry, session).append(create_org(registry), actor="cli:x", action="a" * 33)

    def test_negative_after_seq_is_refused(self, registry: Registry) -> None:
        """Paging starts at 0 or later."""
        with pytest.raises(ValueError, match="after_seq"), scope(registry) as session:
            AuditLog(registry, session).entries(1, after_seq=-1)

    def test_oversized_page_is_refused(self, registry: Registry) -> None:
        """At most 1000 entries per page."""
        with pytest.raises(ValueError, match="limit"), scope(registry) as session:
            AuditLog(registry, session).entries(1, limit=1001)


class TestTamperDetection:
    def test_edited_reason_is_detected(self, registry: Registry) -> None:
        """Changing an entry's reason in SQL breaks that entry."""
        org_id = create_org(registry)
        _append(registry, org_id, 4)
        _sql(
            registry,
            "UPDATE audit_log SET reason = 'nothing' WHERE seq = 3 AND org_id = :o",
            o=org_id,
        )
        assert _verify(registry, org_id) == 3

    def test_edited_details_are_detected(self, registry: Registry) -> None:
        """Changing an entry's details breaks that entry."""
        org_id = create_org(registry)
        _append(registry, org_id, 4)
        _sql(registry, "UPDATE audit_log SET details = :d WHERE seq = 2", d='{"index":9}')
        assert _verify(registry, org_id) == 2

    def test_unparsable_details_are_detected(self, registry: Registry) -> None:
        """Details that are not a JSON object break the entry (no crash)."""
        org_id = create_org(registry)
        _append(registry, org_id, 2)
        _sql(registry, "UPDATE audit_log SET details = :d WHERE seq = 2", d="[1")
        assert _verify(registry, org_id) == 2

    def test_rehashed_entry_breaks_the_next_link(self, registry: Registry) -> None:
        """Rewriting an entry with a fresh hash is caught by the next entry's prev_hash."""
        org_id = create_org(registry)
        _append(registry, org_id, 4)
        _sql(registry, f"UPDATE audit_log SET hash = '{'a' * 64}' WHERE seq = 2")
        assert _verify(registry, org_id) == 2
        _sql(registry, "UPDATE audit_log SET prev_hash = :h WHERE seq = 3", h="a" * 64)
        assert _verify(registry, org_id) == 2

    def test_deleted_entry_is_detected(self, registry: Registry) -> None:
        """A row removed from the middle leaves a gap in the sequence."""
        org_id = create_org(registry)
        _append(registry, org_id, 4)
        _sql(registry, "DELETE FROM audit_log WHERE seq = 3")
        assert _verify(registry, org_id) == 3

    def test_edited_time_is_detected(self, registry: Registry) -> None:
        """Back-dating an entry breaks it."""
        org_id = create_org(registry)
        _append(registry, org_id, 2)
        _sql(registry, "UPDATE audit_log SET at = :t WHERE seq = 2", t="2020-01-01 00:00:00")
        assert _verify(registry, org_id) == 2


class TestConcurrentAppends:
    def test_eight_threads_append_160_entries_without_a_fork(self, registry: Registry) -> None:
        """8 threads x 20 appends (one transaction each) give seq 1..160 and a valid chain."""
        org_id = create_org(registry)
        _sql(registry, "DELETE FROM audit_log")  # start from an empty chain
        errors: list[BaseException] = []
        start = threading.Barrier(8)

        def worker(n: int) -> None:
            try:
                start.wait()
                for i in range(20):
                    with scope(registry) as session:
                        AuditLog(registry, session).append(
                            org_id, actor=f"token:{n}:w", action="test.append", details={"i": i}
                        )
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        with scope(registry) as session:
            entries = AuditLog(registry, session).entries(org_id, limit=1000)
        assert [e.seq for e in entries] == list(range(1, 161))
        assert _verify(registry, org_id) is None
