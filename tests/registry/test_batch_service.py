"""IssuanceService.issue_batch: validate every row first, then issue all in one transaction."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from issuance_support import (
    competence_body,
    competence_request,
    counts,
    fail_statements,
    inserts_into,
    issue_assessor_badge,
    new_org,
    registry_verifier,
    request_of,
    role_body,
    stored,
)
from registry_support import ACTOR, make_registry, scope
from sqlalchemy.engine import Engine
from sqlmodel import select

from common.errors import InvalidInputError
from registry.audit.log import AuditLog
from registry.context import Registry
from registry.credentials.issuance import (
    ISSUE_ACTION,
    MAX_REPORTED_ROWS,
    IssuanceService,
    IssuedItem,
)
from registry.errors import BatchInvalidError, BatchTooLargeError
from registry.models import CredentialRecord, OrganisationRecord, StatusListRecord
from registry.orgs.service import OrganisationService
from registry.schemas import BatchRow, CredentialIn
from registry.status import StatusListService


@pytest.fixture
def registry(engine: Engine) -> Registry:
    """A registry over a fresh database; batches of at most 50."""
    return make_registry(engine, max_batch_items=50)


@pytest.fixture
def small_lists() -> Iterator[None]:
    """Status lists of 16 entries, so a batch spans several lists."""
    original = StatusListService.list_size
    StatusListService.list_size = 16
    yield
    StatusListService.list_size = original


def _cohort(size: int) -> list[CredentialIn]:
    return [
        request_of(competence_body(recipient={"email": f"v{n}@example.org", "name": f"V {n}"}))
        for n in range(size)
    ]


def _batch(
    registry: Registry, org: OrganisationRecord, items: list[CredentialIn] | list[BatchRow]
) -> list[IssuedItem]:
    with scope(registry) as session:
        return IssuanceService(registry, session).issue_batch(org, items, actor=ACTOR)


class TestBatchIssue:
    def test_every_item_is_issued_and_stored_exactly(
        self, registry: Registry, org: OrganisationRecord
    ) -> None:
        """Each item becomes one stored credential whose bytes are the ones signed."""
        items = _batch(registry, org, _cohort(12))
        assert [i.row for i in items] == list(range(1, 13))
        assert counts(registry).credentials == 12
        for item in items:
            assert stored(registry, item.id).signed_bytes == item.signed_bytes
            assert json.loads(item.signed_bytes)["id"] == item.credential_id

    def test_indexes_are_distinct_and_allocated(
        self, registry: Registry, org: OrganisationRecord
    ) -> None:
        """Every credential has its own status index, each marked allocated."""
        items = _batch(registry, org, _cohort(30))
        assert len({(i.status_list_id, i.status_index) for i in items}) == 30
        assert counts(registry).allocated == 30

    @pytest.mark.usefixtures("small_lists")
    def test_a_batch_spans_several_lists(self, registry: Registry, org: OrganisationRecord) -> None:
        """A list that fills up opens the next one; no index is used twice."""
        items = _batch(registry, org, _cohort(40))
        assert {i.status_seq for i in items} == {1, 2, 3}
        assert len({(i.status_list_id, i.status_index) for i in items}) == 40
        with scope(registry) as session:
            lists = session.exec(select(StatusListRecord)).all()
            assert sorted(row.allocated_count for row in lists) == [8, 16, 16]

    def test_each_credential_verifies(self, registry: Registry, org: OrganisationRecord) -> None:
        """Every credential of a batch passes our verifier with its status list."""
        verifier = registry_verifier(registry)
        for item in _batch(registry, org, _cohort(3)):
            report = verifier.verify(item.signed_bytes)
            assert report.verified, [c for c in report.checks if c.status != "passed"]

    def test_one_audit_entry_per_credential_in_an_intact_chain(
        self, registry: Registry, org: OrganisationRecord
    ) -> None:
        """Each credential gets a credential.issue entry carrying the batch id; the chain holds."""
        items = _batch(registry, org, _cohort(5))
        assert org.id is not None
        with scope(registry) as session:
            log = AuditLog(registry, session)
            entries = [e for e in log.entries(org.id) if e.action == ISSUE_ACTION]
            broken = log.verify_chain(org.id)
        assert [e.credential_id for e in entries] == [i.id for i in items]
        assert len({json.loads(e.details)["batch"] for e in entries}) == 1
        assert broken is None

    def test_chain_continues_after_single_appends(
        self, registry: Registry, org: OrganisationRecord
    ) -> None:
        """A batch after other audited actions continues the same chain."""
        _batch(registry, org, _cohort(2))
        with scope(registry) as session:
            fresh = OrganisationService(registry, session).get(org.slug)
            OrganisationService(registry, session).rotate_key(fresh, actor=ACTOR)
        _batch(registry, org, _cohort(2))
        assert org.id is not None
        with scope(registry) as session:
            assert AuditLog(registry, session).verify_chain(org.id) is None

    def test_progress_reports_each_signature(
        self, registry: Registry, org: OrganisationRecord
    ) -> None:
        """The progress callback counts signed credentials up to the batch size."""
        seen: list[int] = []
        with scope(registry) as session:
            IssuanceService(registry, session).issue_batch(
                org, _cohort(4), actor=ACTOR, progress=seen.append
            )
        assert seen == [1, 2, 3, 4]


class TestBatchRefusals:
    def test_one_bad_row_refuses_the_whole_batch(
        self, registry: Registry, org: OrganisationRecord
    ) -> None:
        """A wrong level in row 3 names row 3; no credential, index or audit entry is written."""
        items = _cohort(5)
        items[2] = request_of(competence_body(outcome="legendary"))
        before = counts(registry)
        with pytest.raises(BatchInvalidError) as caught:
            _batch(registry, org, items)
        assert caught.value.rows == [
            {"row": 3, "errors": ["unknown outcome level 'legendary' (one of: basic, "
                                  "accomplished, expert)"]}
        ]  # fmt: skip
        assert "1 of 5 rows" in caught.value.detail
        assert counts(registry) == before

    def test_every_bad_row_is_reported(self, registry: Registry, org: OrganisationRecord) -> None:
        """All wrong rows are listed, in row order, with parse errors carried through."""
        items: list[BatchRow] = [
            BatchRow(row=2, request=request_of(competence_body(achievement="juggling"))),
            BatchRow(row=3, request=request_of(role_body())),
            BatchRow(row=4, errors=["recipient_email is empty"]),
        ]
        with pytest.raises(BatchInvalidError) as caught:
            _batch(registry, org, items)
        assert [r["row"] for r in caught.value.rows] == [2, 4]
        assert caught.value.rows[1]["errors"] == ["recipient_email is empty"]

    def test_too_many_items_is_413(self, registry: Registry, org: OrganisationRecord) -> None:
        """More than LEVERUP_MAX_BATCH_ITEMS items are refused before any work."""
        with pytest.raises(BatchTooLargeError) as caught:
            _batch(registry, org, _cohort(51))
        assert caught.value.status == 413
        assert counts(registry).credentials == 0

    def test_empty_batch_is_refused(self, registry: Registry, org: OrganisationRecord) -> None:
        """A batch needs at least one item."""
        with pytest.raises(InvalidInputError, match="at least one"):
            _batch(registry, org, [])

    def test_report_is_capped(self, engine: Engine) -> None:
        """At most MAX_REPORTED_ROWS rows are listed; the detail gives the full count."""
        registry = make_registry(engine, max_batch_items=MAX_REPORTED_ROWS + 5)
        org = new_org(registry)
        with scope(registry) as session:
            rows = [BatchRow(row=n, errors=["bad"]) for n in range(MAX_REPORTED_ROWS + 5)]
            with pytest.raises(BatchInvalidError) as caught:
                IssuanceService(registry, session).issue_batch(org, rows, actor=ACTOR)
        assert len(caught.value.rows) == MAX_REPORTED_ROWS
        assert caught.value.detail.startswith(f"{MAX_REPORTED_ROWS + 5} of")

    def test_unqualified_assessor_row_is_reported(
        self, registry: Registry, org: OrganisationRecord
    ) -> None:
        """With the assessor rule on, a row whose assessor holds no badge names that row."""
        issue_assessor_badge(registry, org, "qualified@example.org")
        with scope(registry) as session:
            fresh = OrganisationService(registry, session).get(org.slug)
            OrganisationService(registry, session).update(
                fresh, actor=ACTOR, require_assessor_badge=True
            )
            session.expunge(fresh)
        items = [
            competence_request("qualified@example.org"),
            competence_request("unknown@example.org"),
            request_of(role_body("tutor")),
        ]
        before = counts(registry)
        with pytest.raises(BatchInvalidError) as caught:
            _batch(registry, fresh, items)
        assert [r["row"] for r in caught.value.rows] == [2]
        assert counts(registry) == before

    def test_database_failure_leaves_nothing(
        self, registry: Registry, org: OrganisationRecord, engine: Engine
    ) -> None:
        """The audit insert failing after 10 signatures rolls back everything."""
        before = counts(registry)
        with (
            fail_statements(engine, inserts_into("audit_log")) as failed,
            pytest.raises(sa.exc.OperationalError),
        ):
            _batch(registry, org, _cohort(10))
        assert failed
        assert counts(registry) == before


class TestCheckBatch:
    def test_check_issues_nothing(self, registry: Registry, org: OrganisationRecord) -> None:
        """check_batch validates like issue_batch and writes nothing."""
        with scope(registry) as session:
            size = IssuanceService(registry, session).check_batch(org, _cohort(7))
        assert size == 7
        assert counts(registry).credentials == 0
        assert counts(registry).allocated == 0

    def test_check_reports_bad_rows(self, registry: Registry, org: OrganisationRecord) -> None:
        """check_batch raises the same per-row report."""
        items = [*_cohort(2), request_of(competence_body(lang="xx"))]
        with scope(registry) as session, pytest.raises(BatchInvalidError) as caught:
            IssuanceService(registry, session).check_batch(org, items)
        assert [r["row"] for r in caught.value.rows] == [3]


class TestStoredRows:
    def test_rows_hold_the_lookup_and_names(
        self, registry: Registry, org: OrganisationRecord
    ) -> None:
        """Bulk-inserted rows carry the same columns a single issue writes."""
        item = _batch(registry, org, _cohort(1))[0]
        record = stored(registry, item.id)
        assert record.recipient_name == "V 0"
        assert record.recipient_lookup is not None and len(record.recipient_lookup) == 64
        assert (record.status, record.version, record.hidden) == ("active", 1, False)
        assert record.status_index == item.status_index
        with scope(registry) as session:
            assert session.get(CredentialRecord, item.id) is not None
