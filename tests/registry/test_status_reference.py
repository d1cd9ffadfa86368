"""Full flow against the reference implementation (Digital Bazaar vc + bitstring status list).

A credential issued with our ``credentialStatus`` verifies in the reference when it is handed
the organisation's DID document and our signed status list; after a revocation (or a
suspension) the reference sees the bit set, and our own verifier, with the registry's status
checker, reports the status check failed: "revoked".
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from interop.reference import ReferenceImplementation
from registry_support import org_documents, scope

from interop import conftest as interop_fixtures
from registry.context import Registry
from registry.credentials.lifecycle import LifecycleService
from registry.models import CredentialRecord, OrganisationRecord
from registry.orgs.service import OrganisationService
from registry.status import RegistryStatusChecker
from verifier import (
    CompositeResolver,
    DidKeyResolver,
    LocalDidWebResolver,
    VerificationReport,
    Verifier,
)

pytestmark = pytest.mark.node
reference = interop_fixtures.reference
"""The reference implementation's session fixture (tests/interop/conftest.py), shared here."""
ACTOR = "cli:reference-tests"


def _document(record: CredentialRecord) -> dict[str, Any]:
    assert record.signed_bytes is not None
    data: dict[str, Any] = json.loads(record.signed_bytes)
    return data


def _reference_verify(
    ref: ReferenceImplementation,
    registry: Registry,
    org: OrganisationRecord,
    credential: dict[str, Any],
) -> dict[str, Any]:
    with scope(registry) as session:
        documents = org_documents(registry, session, org)
    return ref.verify(credential, documents=documents)


def _our_verify(registry: Registry, signed: bytes) -> VerificationReport:
    with scope(registry) as session:
        orgs = OrganisationService(registry, session)
        verifier = Verifier(
            registry.processor,
            CompositeResolver([DidKeyResolver(), LocalDidWebResolver(orgs.did_document_for)]),
            status_checker=RegistryStatusChecker(registry, session),
        )
        return verifier.verify(signed)


def _bits(result: dict[str, Any]) -> list[bool]:
    assert result["status"] is not None, result
    return [entry["bit"] for entry in result["status"]["entries"]]


class TestWithTheReference:
    def test_an_active_credential_verifies_with_its_status_list(
        self,
        reference: ReferenceImplementation,
        registry: Registry,
        issued: Any,
    ) -> None:
        """The reference verifies the credential and our signed list: bit clear, verified."""
        org, record = issued
        result = _reference_verify(reference, registry, org, _document(record))
        assert result["verified"] is True, result
        assert result["status"]["verified"] is True and _bits(result) == [False]
        assert record.signed_bytes is not None
        assert _our_verify(registry, record.signed_bytes).verified

    def test_a_revoked_credential_is_revoked_for_both(
        self,
        reference: ReferenceImplementation,
        registry: Registry,
        issued: Any,
    ) -> None:
        """Revoke: the reference sees the bit set (not verified); ours: status failed 'revoked'."""
        org, record = issued
        with scope(registry) as session:
            LifecycleService(registry, session).revoke(org, record.id, reason="fraud", actor=ACTOR)
        result = _reference_verify(reference, registry, org, _document(record))
        assert result["verified"] is False and result["status"]["verified"] is True
        assert _bits(result) == [True]
        assert record.signed_bytes is not None
        report = _our_verify(registry, record.signed_bytes)
        status = report.check("status")
        assert status is not None and status.status == "failed"
        assert status.message.startswith("revoked") and not report.verified

    def test_a_suspended_credential_is_not_valid_for_the_reference(
        self,
        reference: ReferenceImplementation,
        registry: Registry,
        issued: Any,
    ) -> None:
        """Suspend sets the revocation bit: the reference says not verified; ours 'suspended'."""
        org, record = issued
        with scope(registry) as session:
            LifecycleService(registry, session).suspend(
                org, record.id, reason="review", actor=ACTOR
            )
        result = _reference_verify(reference, registry, org, _document(record))
        assert result["verified"] is False and _bits(result) == [True]
        assert record.signed_bytes is not None
        status = _our_verify(registry, record.signed_bytes).check("status")
        assert status is not None and status.status == "failed" and "suspended" in status.message

    def test_a_reinstated_credential_verifies_and_its_old_copy_does_not(
        self,
        reference: ReferenceImplementation,
        registry: Registry,
        issued: Any,
    ) -> None:
        """After reinstatement the new copy verifies in the reference; the suspended one not."""
        org, record = issued
        with scope(registry) as session:
            lifecycle = LifecycleService(registry, session)
            lifecycle.suspend(org, record.id, reason="review", actor=ACTOR)
            new = lifecycle.reinstate(org, record.id, actor=ACTOR)
        fresh = _reference_verify(reference, registry, org, _document(new))
        stale = _reference_verify(reference, registry, org, _document(record))
        assert fresh["verified"] is True and _bits(fresh) == [False], fresh
        assert stale["verified"] is False and _bits(stale) == [True]

    def test_a_renewed_credential_verifies(
        self,
        reference: ReferenceImplementation,
        registry: Registry,
        issued: Any,
    ) -> None:
        """A renewed copy (new validUntil, a new index) verifies in the reference."""
        org, record = issued
        with scope(registry) as session:
            new = LifecycleService(registry, session).renew(
                org, record.id, valid_until=datetime(2034, 1, 1, tzinfo=UTC), actor=ACTOR
            )
        result = _reference_verify(reference, registry, org, _document(new))
        assert result["verified"] is True and _bits(result) == [False], result
