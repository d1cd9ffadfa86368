"""LifecycleService: revoke and suspend (reason, final states, 404 across organisations),
rollback of a failed transaction, and the audit entries of every action."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from registry_support import (
    ACTOR,
    FrozenClock,
    create_org,
    credential_audit,
    lifecycle,
    make_registry,
    scope,
    status_bit,
    stored_credential,
)
from sqlalchemy.engine import Engine

from common.errors import InvalidInputError
from common.timeutil import format_datetime
from registry.context import Registry
from registry.credentials.lifecycle import LifecycleService
from registry.errors import CredentialNotFoundError, InvalidStateError
from registry.models import OrganisationRecord, StatusListRecord


@pytest.fixture
def registry(engine: Engine, clock: FrozenClock) -> Registry:
    """A registry over a fresh database, on the hand-moved clock."""
    return make_registry(engine, clock=clock)


class TestRevoke:
    def test_revoke_sets_the_bit_and_the_status(self, registry: Registry, issued: Any) -> None:
        """Revoke: bit set, status revoked with its reason, one credential.revoke audit entry."""
        org, credential = issued
        record = lifecycle(registry, "revoke", org, credential.id, reason="forged portfolio")
        assert record.status == "revoked" and record.status_reason == "forged portfolio"
        assert status_bit(registry, credential.status_list_id, credential.status_index)
        [entry] = credential_audit(registry, org)[-1:]
        assert (entry.action, entry.reason, entry.credential_id) == (
            "credential.revoke",
            "forged portfolio",
            credential.id,
        )

    def test_revoking_a_revoked_credential_is_refused(
        self, registry: Registry, issued: Any
    ) -> None:
        """Revocation is final: a second revoke is InvalidStateError (409) (F16)."""
        org, credential = issued
        lifecycle(registry, "revoke", org, credential.id, reason="fraud")
        with pytest.raises(InvalidStateError, match="already revoked"):
            lifecycle(registry, "revoke", org, credential.id, reason="again")

    def test_a_suspended_credential_can_be_revoked(self, registry: Registry, issued: Any) -> None:
        """Suspended, then revoked: status revoked, the bit stays set."""
        org, credential = issued
        lifecycle(registry, "suspend", org, credential.id, reason="audit")
        assert lifecycle(registry, "revoke", org, credential.id, reason="fraud").status == "revoked"
        assert status_bit(registry, credential.status_list_id, credential.status_index)

    @pytest.mark.parametrize("reason", ["", "   ", "line\r\nbreak", "x" * 1001])
    def test_a_missing_or_bad_reason_is_refused(
        self, registry: Registry, issued: Any, reason: str
    ) -> None:
        """Empty, blank, control characters or more than 1,000 characters: 422, nothing set."""
        org, credential = issued
        with pytest.raises(InvalidInputError):
            lifecycle(registry, "revoke", org, credential.id, reason=reason)
        assert not status_bit(registry, credential.status_list_id, credential.status_index)

    def test_another_organisations_credential_is_not_found(
        self, registry: Registry, issued: Any
    ) -> None:
        """Org B revoking org A's credential: CredentialNotFoundError; A's list is unchanged."""
        _org, credential = issued
        other = create_org(registry, "centre-two")
        with pytest.raises(CredentialNotFoundError):
            lifecycle(registry, "revoke", other, credential.id, reason="fraud")
        assert not status_bit(registry, credential.status_list_id, credential.status_index)

    @pytest.mark.parametrize("cid", ["not-a-uuid", "00000000-0000-4000-8000-000000000000"])
    def test_an_unknown_credential_is_not_found(
        self, registry: Registry, issued: Any, cid: str
    ) -> None:
        """A malformed or unknown id: CredentialNotFoundError."""
        org, _credential = issued
        with pytest.raises(CredentialNotFoundError):
            lifecycle(registry, "revoke", org, cid, reason="fraud")


class TestFaults:
    def test_a_failure_after_the_revocation_rolls_everything_back(
        self, registry: Registry, issued: Any
    ) -> None:
        """An exception after revoke in the same transaction: no bit, no status, no audit."""
        org, credential = issued
        entries = len(credential_audit(registry, org))
        with pytest.raises(RuntimeError, match="crash"):
            _revoke_then_crash(registry, org, credential.id)
        assert not status_bit(registry, credential.status_list_id, credential.status_index)
        assert stored_credential(registry, credential.id).status == "active"
        assert len(credential_audit(registry, org)) == entries
        with scope(registry) as session:
            row = session.get(StatusListRecord, credential.status_list_id)
            assert row is not None and row.version == 0


def _revoke_then_crash(registry: Registry, org: OrganisationRecord, cid: str) -> None:
    with scope(registry) as session:
        LifecycleService(registry, session).revoke(org, cid, reason="fraud", actor=ACTOR)
        raise RuntimeError("crash before commit")


class TestSuspend:
    def test_suspend_sets_the_bit(self, registry: Registry, issued: Any) -> None:
        """Suspend: bit set, status suspended, credential.suspend audited with the reason."""
        org, credential = issued
        record = lifecycle(registry, "suspend", org, credential.id, reason="under review")
        assert record.status == "suspended"
        assert status_bit(registry, credential.status_list_id, credential.status_index)
        assert credential_audit(registry, org)[-1].action == "credential.suspend"

    def test_suspending_twice_is_refused(self, registry: Registry, issued: Any) -> None:
        """Only an active credential can be suspended."""
        org, credential = issued
        lifecycle(registry, "suspend", org, credential.id, reason="review")
        with pytest.raises(InvalidStateError):
            lifecycle(registry, "suspend", org, credential.id, reason="review")

    def test_a_revoked_credential_cannot_be_suspended(
        self, registry: Registry, issued: Any
    ) -> None:
        """Revoked is final: suspend is refused."""
        org, credential = issued
        lifecycle(registry, "revoke", org, credential.id, reason="fraud")
        with pytest.raises(InvalidStateError):
            lifecycle(registry, "suspend", org, credential.id, reason="review")


class TestAuditVersions:
    def test_each_action_records_the_version(self, registry: Registry, issued: Any) -> None:
        """Audit details carry the credential version after the action."""
        org, credential = issued
        lifecycle(
            registry, "renew", org, credential.id, valid_until=datetime(2032, 1, 1, tzinfo=UTC)
        )
        lifecycle(registry, "suspend", org, credential.id, reason="review")
        entries = credential_audit(registry, org)[-2:]
        assert [json.loads(e.details)["version"] for e in entries] == [2, 2]
        assert json.loads(entries[0].details)["validUntil"] == format_datetime(
            datetime(2032, 1, 1, tzinfo=UTC)
        )
        assert status_bit(registry, credential.status_list_id, credential.status_index)
