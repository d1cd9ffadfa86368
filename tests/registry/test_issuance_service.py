"""IssuanceService.issue: one transaction, exact bytes, keyed recipient lookup, assessor rule."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

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
    row_count,
    stored,
)
from registry_support import ACTOR, FrozenClock, make_registry, scope
from sqlalchemy.engine import Engine

from common.errors import InvalidInputError
from issuer import normalise_email
from registry.audit.log import AuditLog
from registry.context import Registry
from registry.credentials.issuance import ISSUE_ACTION, IssuanceService, lookup_key
from registry.credentials.lifecycle import LifecycleService
from registry.errors import AssessorNotQualifiedError, CredentialNotFoundError
from registry.models import CredentialRecord, OrganisationRecord
from registry.orgs.service import OrganisationService
from registry.schemas import CredentialIn

YEAR = 365 * 24 * 3600


@pytest.fixture
def registry(engine: Engine, clock: FrozenClock) -> Registry:
    """A registry over a fresh database."""
    return make_registry(engine, clock=clock)


def _issue(registry: Registry, org: OrganisationRecord, request: CredentialIn) -> CredentialRecord:
    with scope(registry) as session:
        record = IssuanceService(registry, session).issue(org, request, actor=ACTOR)
        session.expunge(record)
    return record


def _require_assessor_badge(registry: Registry, org: OrganisationRecord) -> OrganisationRecord:
    with scope(registry) as session:
        fresh = OrganisationService(registry, session).get(org.slug)
        OrganisationService(registry, session).update(
            fresh, actor=ACTOR, require_assessor_badge=True
        )
        session.expunge(fresh)
    return fresh


class TestIssue:
    def test_stores_exactly_the_signed_bytes(
        self, registry: Registry, org: OrganisationRecord
    ) -> None:
        """The record holds the bytes the issuer signed, read back byte for byte."""
        record = _issue(registry, org, request_of(competence_body()))
        assert record.signed_bytes is not None
        assert stored(registry, record.id).signed_bytes == record.signed_bytes
        document = json.loads(record.signed_bytes)
        assert document["id"] == f"{registry.base_url}/credentials/{record.id}"
        assert document["issuer"]["id"] == org.did

    def test_record_columns_describe_the_credential(
        self, registry: Registry, org: OrganisationRecord, clock: FrozenClock
    ) -> None:
        """Achievement, levels, language, names, dates and status are stored as issued."""
        record = _issue(registry, org, request_of(competence_body()))
        assert (record.achievement, record.outcome, record.complexity) == (
            "teamwork",
            "accomplished",
            "mid-high",
        )
        assert (record.lang, record.recipient_name, record.assessor_name) == (
            "it",
            "Ada Volunteer",
            "Maria Rossi",
        )
        assert record.status == "active"
        assert record.issued_at == record.valid_from == clock.now
        assert record.version == 1

    def test_credential_verifies_with_the_registry_status_list(
        self, registry: Registry, org: OrganisationRecord
    ) -> None:
        """Our verifier (did:web of the organisation, our status list) finds it valid."""
        record = _issue(registry, org, request_of(competence_body()))
        assert record.signed_bytes is not None
        report = registry_verifier(registry).verify(record.signed_bytes)
        assert report.verified, [c for c in report.checks if c.status != "passed"]
        assert {c.id: c.status for c in report.checks}["status"] == "passed"

    def test_credential_matches_the_ob_json_schema(
        self, registry: Registry, org: OrganisationRecord, ob_credential_validator: Any
    ) -> None:
        """The issued credential passes the official OB 3.0 AchievementCredential schema."""
        record = _issue(registry, org, request_of(competence_body()))
        assert record.signed_bytes is not None
        errors = list(ob_credential_validator.iter_errors(json.loads(record.signed_bytes)))
        assert errors == []

    def test_status_entry_names_the_allocated_index(
        self, registry: Registry, org: OrganisationRecord
    ) -> None:
        """credentialStatus points at the organisation's list and the record's index."""
        record = _issue(registry, org, request_of(competence_body()))
        assert record.signed_bytes is not None
        entry = json.loads(record.signed_bytes)["credentialStatus"]
        assert entry["statusListIndex"] == str(record.status_index)
        assert entry["statusListCredential"] == (
            f"{registry.base_url}/orgs/{org.slug}/status/revocation/1"
        )
        assert counts(registry).allocated == 1

    def test_recipient_lookup_is_a_keyed_hash_of_the_normalised_email(
        self, registry: Registry, org: OrganisationRecord
    ) -> None:
        """recipient_lookup = HMAC-SHA256(master-derived key, normalised e-mail)."""
        record = _issue(registry, org, request_of(competence_body()))
        expected = hmac.new(
            lookup_key(registry),
            normalise_email("Volunteer@Example.org").encode(),
            hashlib.sha256,
        ).hexdigest()
        assert record.recipient_lookup == expected

    def test_the_email_address_is_stored_nowhere(
        self, registry: Registry, org: OrganisationRecord, engine: Engine
    ) -> None:
        """Neither the record, nor the signed bytes, nor the audit log hold the address."""
        record = _issue(registry, org, request_of(competence_body()))
        assert record.signed_bytes is not None
        assert b"volunteer@example.org" not in record.signed_bytes.lower()
        assert "volunteer@example.org" not in repr(record.model_dump()).lower()
        with scope(registry) as session:
            entries = AuditLog(registry, session).entries(org.id or 0)
        assert "volunteer@" not in repr([e.model_dump() for e in entries]).lower()

    def test_issue_is_audited_without_personal_data(
        self, registry: Registry, org: OrganisationRecord
    ) -> None:
        """One credential.issue entry names the credential and the achievement, and the chain
        stays intact."""
        record = _issue(registry, org, request_of(competence_body()))
        assert org.id is not None
        with scope(registry) as session:
            log = AuditLog(registry, session)
            entry = log.entries(org.id)[-1]
            broken = log.verify_chain(org.id)
        assert (entry.action, entry.credential_id, entry.actor) == (ISSUE_ACTION, record.id, ACTOR)
        assert json.loads(entry.details) == {"achievement": "teamwork"}
        assert broken is None

    def test_role_badge_gets_its_default_validity(
        self, registry: Registry, org: OrganisationRecord, clock: FrozenClock
    ) -> None:
        """A practitioner role without validUntil expires after the catalogue's years."""
        record = _issue(registry, org, request_of(role_body()))
        assert record.valid_until is not None
        assert record.valid_until.year == clock.now.year + 3


class TestIssueRefusals:
    def _refused(
        self, registry: Registry, org: OrganisationRecord, body: dict[str, Any], message: str
    ) -> None:
        before = counts(registry)
        with pytest.raises(InvalidInputError, match=message):
            _issue(registry, org, request_of(body))
        assert counts(registry) == before

    def test_unknown_achievement_is_refused(
        self, registry: Registry, org: OrganisationRecord
    ) -> None:
        """An achievement not in the catalogue is refused; nothing is written."""
        self._refused(registry, org, competence_body(achievement="juggling"), "unknown achiev")

    def test_unknown_level_is_refused(self, registry: Registry, org: OrganisationRecord) -> None:
        """An outcome level the scale lacks is refused; nothing is written."""
        self._refused(registry, org, competence_body(outcome="legendary"), "unknown outcome")

    def test_competence_without_complexity_is_refused(
        self, registry: Registry, org: OrganisationRecord
    ) -> None:
        """A competence needs both levels; nothing is written."""
        body = {k: v for k, v in competence_body().items() if k != "complexity"}
        self._refused(registry, org, body, "needs both")

    def test_unsupported_language_is_refused(
        self, registry: Registry, org: OrganisationRecord
    ) -> None:
        """A language outside the seven is refused; nothing is written."""
        self._refused(registry, org, competence_body(lang="de"), "unsupported language")

    def test_valid_until_in_the_past_is_refused(
        self, registry: Registry, org: OrganisationRecord
    ) -> None:
        """validUntil before the issue date is refused; nothing is written."""
        body = competence_body(validUntil="2001-01-01T00:00:00Z")
        self._refused(registry, org, body, "validUntil must be later")

    def test_role_with_levels_is_refused(self, registry: Registry, org: OrganisationRecord) -> None:
        """A practitioner role has no outcome or complexity."""
        body = {**role_body(), "outcome": "basic"}
        with pytest.raises(InvalidInputError, match="practitioner role"):
            _issue(registry, org, request_of(body))


class TestFaults:
    def _fails(
        self, registry: Registry, org: OrganisationRecord, engine: Engine, table: str
    ) -> None:
        before = counts(registry)
        with (
            fail_statements(engine, inserts_into(table)) as failed,
            pytest.raises(sa.exc.OperationalError),
        ):
            _issue(registry, org, request_of(competence_body()))
        assert failed
        assert counts(registry) == before
        assert row_count(engine, "credentials") == before.credentials

    def test_audit_insert_failure_leaves_nothing(
        self, registry: Registry, org: OrganisationRecord, engine: Engine
    ) -> None:
        """The audit insert failing after signing and storing rolls back the index, the
        credential row and the entry."""
        self._fails(registry, org, engine, "audit_log")

    def test_credential_insert_failure_leaves_nothing(
        self, registry: Registry, org: OrganisationRecord, engine: Engine
    ) -> None:
        """The credential insert failing after signing rolls back the allocated index."""
        self._fails(registry, org, engine, "credentials")


class TestGet:
    def test_get_returns_the_organisations_credential(
        self, registry: Registry, org: OrganisationRecord
    ) -> None:
        """get() finds a credential of the organisation by its uuid, in its canonical spelling
        only (issue 12, item 38: another spelling names no credential)."""
        record = _issue(registry, org, request_of(competence_body()))
        with scope(registry) as session:
            found = IssuanceService(registry, session).get(org, record.id)
            assert found.id == record.id
            with pytest.raises(CredentialNotFoundError):
                IssuanceService(registry, session).get(org, record.id.upper())

    def test_other_organisations_credential_is_not_found(
        self, registry: Registry, org: OrganisationRecord
    ) -> None:
        """Another organisation asking for the credential gets CredentialNotFoundError."""
        record = _issue(registry, org, request_of(competence_body()))
        other = new_org(registry, "centre-two")
        with scope(registry) as session, pytest.raises(CredentialNotFoundError):
            IssuanceService(registry, session).get(other, record.id)

    def test_malformed_id_is_not_found(self, registry: Registry, org: OrganisationRecord) -> None:
        """Something that is not a uuid names no credential."""
        with scope(registry) as session, pytest.raises(CredentialNotFoundError):
            IssuanceService(registry, session).get(org, "../../etc/passwd")


class TestAssessorRule:
    def test_competence_without_assessor_email_is_refused(
        self, registry: Registry, org: OrganisationRecord
    ) -> None:
        """With the rule on, a competence must name its assessor's e-mail."""
        org = _require_assessor_badge(registry, org)
        before = counts(registry)
        with pytest.raises(AssessorNotQualifiedError, match=r"assessor\.email"):
            _issue(registry, org, competence_request())
        assert counts(registry) == before

    def test_assessor_without_badge_is_refused(
        self, registry: Registry, org: OrganisationRecord
    ) -> None:
        """An e-mail that holds no Assessor badge does not qualify."""
        org = _require_assessor_badge(registry, org)
        with pytest.raises(AssessorNotQualifiedError, match="no active"):
            _issue(registry, org, competence_request("nobody@example.org"))

    def test_badge_of_another_organisation_qualifies(
        self, registry: Registry, org: OrganisationRecord
    ) -> None:
        """An active Assessor badge from any organisation of the registry qualifies."""
        network = new_org(registry, "lever-network")
        issue_assessor_badge(registry, network, "Maria@Example.org")
        org = _require_assessor_badge(registry, org)
        record = _issue(registry, org, competence_request("maria@example.org "))
        assert record.assessor_name == "Maria Rossi"

    def test_expired_badge_does_not_qualify(
        self, registry: Registry, org: OrganisationRecord, clock: FrozenClock
    ) -> None:
        """An Assessor badge past its validUntil does not qualify."""
        issue_assessor_badge(registry, org, "maria@example.org")
        clock.advance(4 * YEAR)
        org = _require_assessor_badge(registry, org)
        with pytest.raises(AssessorNotQualifiedError):
            _issue(registry, org, competence_request("maria@example.org"))

    def _withdrawn(self, registry: Registry, org: OrganisationRecord, action: str) -> None:
        badge = issue_assessor_badge(registry, org, "maria@example.org")
        with scope(registry) as session:
            getattr(LifecycleService(registry, session), action)(
                org, badge.id, reason="withdrawn", actor=ACTOR
            )
        org = _require_assessor_badge(registry, org)
        with pytest.raises(AssessorNotQualifiedError):
            _issue(registry, org, competence_request("maria@example.org"))

    def test_revoked_badge_does_not_qualify(
        self, registry: Registry, org: OrganisationRecord
    ) -> None:
        """A revoked Assessor badge does not qualify."""
        self._withdrawn(registry, org, "revoke")

    def test_suspended_badge_does_not_qualify(
        self, registry: Registry, org: OrganisationRecord
    ) -> None:
        """A suspended Assessor badge does not qualify."""
        self._withdrawn(registry, org, "suspend")

    def test_erased_badge_does_not_qualify(
        self, registry: Registry, org: OrganisationRecord
    ) -> None:
        """An erased badge has no recipient any more."""
        badge = issue_assessor_badge(registry, org, "maria@example.org")
        with scope(registry) as session:
            LifecycleService(registry, session).erase(org, badge.id, actor=ACTOR)
        org = _require_assessor_badge(registry, org)
        with pytest.raises(AssessorNotQualifiedError):
            _issue(registry, org, competence_request("maria@example.org"))

    def test_roles_are_not_subject_to_the_rule(
        self, registry: Registry, org: OrganisationRecord
    ) -> None:
        """Practitioner role badges need no assessor."""
        org = _require_assessor_badge(registry, org)
        record = _issue(registry, org, request_of(role_body("tutor")))
        assert record.achievement == "tutor"

    def test_without_the_rule_no_email_is_needed(
        self, registry: Registry, org: OrganisationRecord
    ) -> None:
        """Organisations that do not require the badge accept a named assessor as is."""
        record = _issue(registry, org, competence_request())
        assert record.assessor_name == "Maria Rossi"
