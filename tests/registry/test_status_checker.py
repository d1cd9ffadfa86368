"""RegistryStatusChecker: our own lists from the database, fail closed (catalogue group F)."""

from __future__ import annotations

import copy
import json
from typing import Any

import msgspec
import pytest
from registry_support import create_org, issue_credential, scope

from registry.context import Registry
from registry.credentials.issuance import IssuanceService
from registry.credentials.lifecycle import LifecycleService
from registry.orgs.service import OrganisationService
from registry.schemas import CredentialIn
from registry.status import REVOKED, RegistryStatusChecker
from verifier import CompositeResolver, DidKeyResolver, LocalDidWebResolver, Verifier
from verifier.problems import (
    MALFORMED_VALUE_ERROR,
    RANGE_ERROR,
    STATUS_NOT_CHECKED,
    STATUS_RETRIEVAL_ERROR,
    STATUS_VERIFICATION_ERROR,
)
from verifier.report import Check

ACTOR = "cli:checker-tests"


def _check(registry: Registry, credential: dict[str, Any]) -> Check:
    return RegistryStatusChecker(registry).check(credential)


def _with_entry(credential: dict[str, Any], **changes: Any) -> dict[str, Any]:
    changed = copy.deepcopy(credential)
    changed["credentialStatus"].update(changes)
    return changed


def _assert(check: Check, status: str, problem_type: str | None, text: str = "") -> None:
    assert check.id == "status"
    assert check.status == status, check.message
    assert (check.problem.type if check.problem else None) == problem_type, check
    assert text in check.message, check.message


class TestVerdicts:
    def test_a_clear_bit_passes_as_not_revoked(
        self, registry: Registry, issued_document: Any
    ) -> None:
        """A fresh credential's status check passes: 'not revoked'."""
        _org, _record, credential = issued_document
        _assert(_check(registry, credential), "passed", None, "not revoked")

    def test_a_revoked_credential_fails_as_revoked(
        self, registry: Registry, issued_document: Any
    ) -> None:
        """After revoke: failed, problem 'revoked' (F1)."""
        org, record, credential = issued_document
        with scope(registry) as session:
            LifecycleService(registry, session).revoke(org, record.id, reason="fraud", actor=ACTOR)
        _assert(_check(registry, credential), "failed", REVOKED, "revoked")

    def test_a_suspended_credential_fails_as_suspended(
        self, registry: Registry, issued_document: Any
    ) -> None:
        """After suspend: failed with message 'suspended'; the problem type stays 'revoked'."""
        org, record, credential = issued_document
        with scope(registry) as session:
            LifecycleService(registry, session).suspend(org, record.id, reason="audit", actor=ACTOR)
        _assert(_check(registry, credential), "failed", REVOKED, "suspended")

    def test_a_reinstated_credential_passes_and_its_old_copy_fails(
        self, registry: Registry, issued_document: Any
    ) -> None:
        """After suspend + reinstate the new copy passes; the suspended copy stays revoked."""
        org, record, old_copy = issued_document
        with scope(registry) as session:
            lifecycle = LifecycleService(registry, session)
            lifecycle.suspend(org, record.id, reason="audit", actor=ACTOR)
            new = lifecycle.reinstate(org, record.id, actor=ACTOR)
            assert new.signed_bytes is not None
            new_copy = json.loads(new.signed_bytes)
        _assert(_check(registry, new_copy), "passed", None, "not revoked")
        _assert(_check(registry, old_copy), "failed", REVOKED, "replaced by a newer one")

    def test_every_entry_is_evaluated(self, registry: Registry, issued_document: Any) -> None:
        """Two entries, the second one revoked: failed (F10)."""
        org, _record, credential = issued_document
        with scope(registry) as session:
            other = issue_credential(registry, session, org)
            LifecycleService(registry, session).revoke(org, other.id, reason="fraud", actor=ACTOR)
        assert other.signed_bytes is not None
        both = copy.deepcopy(credential)
        both["credentialStatus"] = [
            credential["credentialStatus"],
            json.loads(other.signed_bytes)["credentialStatus"],
        ]
        _assert(_check(registry, both), "failed", REVOKED, "revoked")

    def test_the_checker_works_in_the_callers_session(
        self, registry: Registry, issued_document: Any
    ) -> None:
        """Given a session, the checker sees that session's uncommitted revocation."""
        org, record, credential = issued_document
        with scope(registry) as session:
            LifecycleService(registry, session).revoke(org, record.id, reason="fraud", actor=ACTOR)
            check = RegistryStatusChecker(registry, session).check(credential)
            session.rollback()
        _assert(check, "failed", REVOKED, "revoked")
        _assert(_check(registry, credential), "passed", None, "not revoked")

    def test_the_verifier_reports_a_revoked_credential(
        self, registry: Registry, issued_document: Any
    ) -> None:
        """Through the Verifier: verified before, status failed 'revoked' after revocation."""
        org, record, _credential = issued_document
        assert record.signed_bytes is not None
        with scope(registry) as session:
            orgs = OrganisationService(registry, session)
            verifier = Verifier(
                registry.processor,
                CompositeResolver([DidKeyResolver(), LocalDidWebResolver(orgs.did_document_for)]),
                status_checker=RegistryStatusChecker(registry, session),
            )
            before = verifier.verify(record.signed_bytes)
            LifecycleService(registry, session).revoke(org, record.id, reason="fraud", actor=ACTOR)
            after = verifier.verify(record.signed_bytes)
        assert before.verified, before.checks
        status = after.check("status")
        assert not after.verified and after.outcome == "invalid"
        assert (
            status is not None
            and status.status == "failed"
            and status.message.startswith("revoked")
        )


class TestWithTheIssuanceService:
    def test_a_credential_issued_by_the_service_is_checked(self, registry: Registry) -> None:
        """IssuanceService's credential: status passes, then fails 'revoked' once revoked."""
        org = create_org(registry, "centre-two")
        request = msgspec.convert(
            {"achievement": "tutor", "recipient": {"email": "tutor@example.org"}}, CredentialIn
        )
        with scope(registry) as session:
            record = IssuanceService(registry, session).issue(org, request, actor=ACTOR)
        assert record.signed_bytes is not None
        credential = json.loads(record.signed_bytes)
        _assert(_check(registry, credential), "passed", None, "not revoked")
        with scope(registry) as session:
            LifecycleService(registry, session).revoke(org, record.id, reason="fraud", actor=ACTOR)
        _assert(_check(registry, credential), "failed", REVOKED, "revoked")


class TestEntryRefused:
    @pytest.mark.parametrize(
        "index",
        ["1_000", "٣", " 7 ", "+7", "07", "-1", "1.5", "", "１２", "7\n", "0x1f", "1e3"],
    )
    def test_an_index_that_is_not_canonical_base_10_text(
        self, registry: Registry, issued_document: Any, index: str
    ) -> None:
        """statusListIndex must match ^(0|[1-9][0-9]*)$ (F5): MALFORMED_VALUE_ERROR."""
        check = _check(registry, _with_entry(issued_document[2], statusListIndex=index))
        _assert(check, "failed", MALFORMED_VALUE_ERROR, "statusListIndex")

    @pytest.mark.parametrize("index", [7, True, None, 7.0, ["7"]])
    def test_an_index_that_is_not_a_string(
        self, registry: Registry, issued_document: Any, index: object
    ) -> None:
        """A JSON number, boolean, null or array index is malformed (F5)."""
        check = _check(registry, _with_entry(issued_document[2], statusListIndex=index))
        _assert(check, "failed", MALFORMED_VALUE_ERROR, "statusListIndex")

    def test_an_index_out_of_range(self, registry: Registry, issued_document: Any) -> None:
        """Index 131072 on a list of 131,072 entries: RANGE_ERROR (F6)."""
        check = _check(registry, _with_entry(issued_document[2], statusListIndex="131072"))
        _assert(check, "failed", RANGE_ERROR, "outside")

    def test_an_index_of_2_to_the_64(self, registry: Registry, issued_document: Any) -> None:
        """Index 2^64: RANGE_ERROR (F6), never an overflow."""
        check = _check(registry, _with_entry(issued_document[2], statusListIndex=str(2**64)))
        _assert(check, "failed", RANGE_ERROR, "out of range")

    def test_a_purpose_the_list_does_not_have(
        self, registry: Registry, issued_document: Any
    ) -> None:
        """Entry 'suspension' on a revocation list: STATUS_VERIFICATION_ERROR (F2)."""
        check = _check(registry, _with_entry(issued_document[2], statusPurpose="suspension"))
        _assert(check, "failed", STATUS_VERIFICATION_ERROR, "statusPurpose")

    @pytest.mark.parametrize("kind", ["StatusList2021Entry", "1EdTechRevocationList", "FooStatus"])
    def test_a_status_type_that_is_not_supported(
        self, registry: Registry, issued_document: Any, kind: str
    ) -> None:
        """An unsupported status type cannot be confirmed: error, never passed (F11)."""
        check = _check(registry, _with_entry(issued_document[2], type=kind))
        _assert(check, "error", STATUS_NOT_CHECKED, "not supported")

    def test_an_entry_id_equal_to_the_list_url(
        self, registry: Registry, issued_document: Any
    ) -> None:
        """credentialStatus.id = statusListCredential: MALFORMED_VALUE_ERROR (F17)."""
        entry = issued_document[2]["credentialStatus"]
        check = _check(registry, _with_entry(issued_document[2], id=entry["statusListCredential"]))
        _assert(check, "failed", MALFORMED_VALUE_ERROR, "id")

    def test_a_status_size_other_than_1(self, registry: Registry, issued_document: Any) -> None:
        """statusSize 2 does not fit our one-bit lists: MALFORMED_VALUE_ERROR."""
        check = _check(registry, _with_entry(issued_document[2], statusSize=2))
        _assert(check, "failed", MALFORMED_VALUE_ERROR, "statusSize")

    def test_an_entry_that_is_not_an_object(self, registry: Registry, issued_document: Any) -> None:
        """credentialStatus: "revoked?" is malformed."""
        credential = {**issued_document[2], "credentialStatus": "revoked?"}
        _assert(_check(registry, credential), "failed", MALFORMED_VALUE_ERROR, "not an object")

    def test_too_many_entries(self, registry: Registry, issued_document: Any) -> None:
        """Nine status entries: malformed, none of them is looked up."""
        credential = {
            **issued_document[2],
            "credentialStatus": [issued_document[2]["credentialStatus"]] * 9,
        }
        _assert(_check(registry, credential), "failed", MALFORMED_VALUE_ERROR, "at most 8")

    def test_a_foreign_list_is_no_list_of_ours(
        self, registry: Registry, issued_document: Any
    ) -> None:
        """A list on another host: error STATUS_RETRIEVAL_ERROR, no network (F9)."""
        url = "https://elsewhere.example/status/1"
        check = _check(
            registry, _with_entry(issued_document[2], statusListCredential=url, id=url + "#3")
        )
        _assert(
            check,
            "error",
            STATUS_RETRIEVAL_ERROR,
            "no such status list",
        )

    @pytest.mark.parametrize(
        "path",
        [
            "centre-one/status/revocation/2",
            "centre-one/status/revocation/01",
            "nobody/status/revocation/1",
            "centre-one/status/suspension/1",
            "centre-one/did.json",
        ],
    )
    def test_one_of_our_urls_without_a_list(
        self, registry: Registry, issued_document: Any, path: str
    ) -> None:
        """Our prefix but no such list: error STATUS_RETRIEVAL_ERROR (fail closed)."""
        url = f"{registry.base_url}/orgs/{path}"
        check = _check(
            registry, _with_entry(issued_document[2], statusListCredential=url, id=url + "#3")
        )
        _assert(check, "error", STATUS_RETRIEVAL_ERROR, "no status list")
