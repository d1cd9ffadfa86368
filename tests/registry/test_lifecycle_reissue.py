"""LifecycleService re-issues: reinstate (new index), renew (new validUntil), and erase."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from registry_support import (
    FrozenClock,
    credential_audit,
    document_of,
    issue_credential,
    lifecycle,
    local_verifier,
    make_registry,
    scope,
    status_bit,
    stored_credential,
)
from sqlalchemy.engine import Engine
from sqlmodel import select

from common.errors import InvalidInputError
from common.timeutil import parse_datetime_stamp
from registry.context import Registry
from registry.errors import InvalidStateError
from registry.models import CredentialRecord, CredentialVersionRecord


@pytest.fixture
def registry(engine: Engine, clock: FrozenClock) -> Registry:
    """A registry over a fresh database, on the hand-moved clock."""
    return make_registry(engine, clock=clock)


def verifies(registry: Registry, record: CredentialRecord) -> bool:
    """Whether our verifier accepts the proof and issuer of ``record`` (status not checked)."""
    assert record.signed_bytes is not None
    with scope(registry) as session:
        report = local_verifier(registry, session, status=False).verify(record.signed_bytes)
    checks = {c.id: c.status for c in report.checks}
    return checks["proof"] == checks["issuer"] == "passed"


class TestReinstate:
    def test_reinstate_reissues_under_the_same_id_with_a_new_index(
        self, registry: Registry, issued: Any, clock: FrozenClock
    ) -> None:
        """Reinstate: same id/awardedDate/validUntil, newer validFrom, new index, version 2."""
        org, credential = issued
        before = document_of(credential)
        lifecycle(registry, "suspend", org, credential.id, reason="review")
        clock.advance(60)
        record = lifecycle(registry, "reinstate", org, credential.id)
        after = document_of(record)
        assert record.status == "active" and record.version == 2
        assert after["id"] == before["id"]
        assert after["awardedDate"] == before["awardedDate"]
        assert after.get("validUntil") == before.get("validUntil")
        assert parse_datetime_stamp(after["validFrom"]) == clock.now.replace(microsecond=0)
        assert record.status_index != credential.status_index or (
            record.status_list_id != credential.status_list_id
        )
        assert after["credentialStatus"]["statusListIndex"] == str(record.status_index)
        assert not status_bit(registry, record.status_list_id, record.status_index)
        assert status_bit(registry, credential.status_list_id, credential.status_index)
        assert verifies(registry, record)

    def test_reinstate_keeps_the_suspended_copy(self, registry: Registry, issued: Any) -> None:
        """The replaced copy is kept in credential_versions, byte for byte, with its index."""
        org, credential = issued
        lifecycle(registry, "suspend", org, credential.id, reason="review")
        lifecycle(registry, "reinstate", org, credential.id)
        with scope(registry) as session:
            [old] = session.exec(select(CredentialVersionRecord)).all()
        assert old.credential_id == credential.id and old.version == 1
        assert old.signed_bytes == credential.signed_bytes
        assert (old.status_list_id, old.status_index) == (
            credential.status_list_id,
            credential.status_index,
        )

    def test_valid_from_moves_one_second_when_the_clock_stands_still(
        self, registry: Registry, issued: Any, clock: FrozenClock
    ) -> None:
        """Re-issued in the same second: validFrom = previous validFrom + 1 s."""
        org, credential = issued
        previous = parse_datetime_stamp(document_of(credential)["validFrom"])
        lifecycle(registry, "suspend", org, credential.id, reason="review")
        record = lifecycle(registry, "reinstate", org, credential.id)
        assert parse_datetime_stamp(document_of(record)["validFrom"]) == previous + timedelta(
            seconds=1
        )

    def test_an_active_credential_cannot_be_reinstated(
        self, registry: Registry, issued: Any
    ) -> None:
        """Reinstate needs a suspended credential."""
        org, credential = issued
        with pytest.raises(InvalidStateError, match="suspended"):
            lifecycle(registry, "reinstate", org, credential.id)

    def test_a_revoked_credential_cannot_be_reinstated(
        self, registry: Registry, issued: Any
    ) -> None:
        """Un-revoking is refused: 409 (F16)."""
        org, credential = issued
        lifecycle(registry, "revoke", org, credential.id, reason="fraud")
        with pytest.raises(InvalidStateError):
            lifecycle(registry, "reinstate", org, credential.id)

    def test_an_expired_credential_cannot_be_reinstated(
        self, registry: Registry, issued: Any, clock: FrozenClock
    ) -> None:
        """Suspended past its validUntil: reinstate is refused (renewal is the way)."""
        org, _ = issued
        with scope(registry) as session:
            short = issue_credential(
                registry, session, org, valid_until=clock.now + timedelta(days=1)
            )
        lifecycle(registry, "suspend", org, short.id, reason="review")
        clock.advance(2 * 86_400)
        with pytest.raises(InvalidStateError, match="expired"):
            lifecycle(registry, "reinstate", org, short.id)


class TestRenew:
    def test_renew_reissues_with_a_new_valid_until_and_a_new_index(
        self, registry: Registry, issued: Any, clock: FrozenClock
    ) -> None:
        """Renew: same id and awardedDate; a new index (issue 12 item 22: the old copy's bit is
        set); newer validFrom; new validUntil; version 2."""
        org, credential = issued
        before = document_of(credential)
        clock.advance(30)
        until = datetime(2031, 6, 30, 12, 0, tzinfo=UTC)
        record = lifecycle(registry, "renew", org, credential.id, valid_until=until)
        after = document_of(record)
        assert after["validUntil"] == "2031-06-30T12:00:00Z" and record.valid_until == until
        assert after["id"] == before["id"] and after["awardedDate"] == before["awardedDate"]
        assert after["credentialStatus"] != before["credentialStatus"]
        assert after["credentialStatus"]["statusListIndex"] == str(record.status_index)
        assert status_bit(registry, credential.status_list_id, credential.status_index)
        assert not status_bit(registry, record.status_list_id, record.status_index)
        assert after["validFrom"] > before["validFrom"]
        assert (
            list(after)[: list(after).index("validUntil")]
            == list(before)[: list(before).index("validFrom") + 1]
        )
        assert record.version == 2 and verifies(registry, record)
        assert credential_audit(registry, org)[-1].action == "credential.renew"

    def test_renew_keeps_the_earlier_copy(self, registry: Registry, issued: Any) -> None:
        """The earlier copy goes to credential_versions with its own (now set) index."""
        org, credential = issued
        lifecycle(
            registry, "renew", org, credential.id, valid_until=datetime(2032, 1, 1, tzinfo=UTC)
        )
        with scope(registry) as session:
            [old] = session.exec(select(CredentialVersionRecord)).all()
        assert old.signed_bytes == credential.signed_bytes
        assert old.status_index == credential.status_index

    def test_a_valid_until_in_the_past_is_refused(
        self, registry: Registry, issued: Any, clock: FrozenClock
    ) -> None:
        """validUntil not later than now: 422, nothing changed."""
        org, credential = issued
        with pytest.raises(InvalidInputError, match="later"):
            lifecycle(
                registry, "renew", org, credential.id, valid_until=clock.now - timedelta(days=1)
            )
        assert stored_credential(registry, credential.id).version == 1

    def test_a_valid_until_without_a_time_zone_is_refused(
        self, registry: Registry, issued: Any
    ) -> None:
        """A naive validUntil: 422."""
        org, credential = issued
        with pytest.raises(InvalidInputError, match="time zone"):
            lifecycle(registry, "renew", org, credential.id, valid_until=datetime(2032, 1, 1))

    def test_a_suspended_credential_cannot_be_renewed(
        self, registry: Registry, issued: Any
    ) -> None:
        """Renew needs an active credential."""
        org, credential = issued
        lifecycle(registry, "suspend", org, credential.id, reason="review")
        with pytest.raises(InvalidStateError, match="active"):
            lifecycle(
                registry, "renew", org, credential.id, valid_until=datetime(2032, 1, 1, tzinfo=UTC)
            )


class TestErase:
    def test_erase_removes_personal_data_and_keeps_the_status(
        self, registry: Registry, issued: Any
    ) -> None:
        """Erase: lookup, name, DID and signed bytes (also of versions) gone; bit and audit kept."""
        org, credential = issued
        lifecycle(registry, "suspend", org, credential.id, reason="review")
        lifecycle(registry, "reinstate", org, credential.id)
        record = lifecycle(registry, "erase", org, credential.id)
        assert record.erased_at is not None
        stored = stored_credential(registry, credential.id)
        assert (stored.recipient_lookup, stored.recipient_name, stored.recipient_did) == (
            None,
            None,
            None,
        )
        assert stored.signed_bytes is None and stored.status == "active"
        with scope(registry) as session:
            versions = session.exec(select(CredentialVersionRecord)).all()
        assert versions and all(v.signed_bytes is None for v in versions)
        assert status_bit(registry, credential.status_list_id, credential.status_index)
        actions = [e.action for e in credential_audit(registry, org)]
        assert actions[-3:] == ["credential.suspend", "credential.reinstate", "credential.erase"]

    def test_the_audit_log_holds_no_personal_data(self, registry: Registry, issued: Any) -> None:
        """No audit entry of a lifecycle action names the recipient."""
        org, credential = issued
        lifecycle(registry, "revoke", org, credential.id, reason="fraud")
        lifecycle(registry, "erase", org, credential.id)
        text = json.dumps([(e.reason, e.details, e.actor) for e in credential_audit(registry, org)])
        assert "Ada Volunteer" not in text and "volunteer@example.org" not in text

    def test_erasing_twice_is_refused(self, registry: Registry, issued: Any) -> None:
        """A second erase: InvalidStateError."""
        org, credential = issued
        lifecycle(registry, "erase", org, credential.id)
        with pytest.raises(InvalidStateError, match="erased"):
            lifecycle(registry, "erase", org, credential.id)

    def test_an_erased_credential_cannot_be_renewed(self, registry: Registry, issued: Any) -> None:
        """Nothing is left to re-issue: renew is refused."""
        org, credential = issued
        lifecycle(registry, "erase", org, credential.id)
        with pytest.raises(InvalidStateError, match="erased"):
            lifecycle(
                registry, "renew", org, credential.id, valid_until=datetime(2032, 1, 1, tzinfo=UTC)
            )

    def test_an_erased_credential_can_still_be_revoked(
        self, registry: Registry, issued: Any
    ) -> None:
        """Revocation needs no personal data: it still sets the bit."""
        org, credential = issued
        lifecycle(registry, "erase", org, credential.id)
        assert lifecycle(registry, "revoke", org, credential.id, reason="fraud").status == "revoked"
        assert status_bit(registry, credential.status_list_id, credential.status_index)
