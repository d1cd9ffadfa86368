"""The individual checks beyond the catalogue: schema rules, context, type, dates, status,
robustness and time bounds."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from typing import Any

import msgspec
import pytest
from verifier_support import (
    NOW,
    OB,
    T1_DID,
    V2,
    FixedStatus,
    assert_fails,
    build_credential,
    make_verifier,
    sign,
)

from common.jsonld import JsonLdProcessor
from common.timeutil import format_datetime
from keys.did import VerificationMethod
from verifier import Check, DidKeyResolver, VerificationReport, Verifier
from verifier._status_entry import UntrustedListError, check_list_validity
from verifier._validity import DEFAULT_CLOCK_SKEW


def _verify(jsonld: JsonLdProcessor, data: Any) -> VerificationReport:
    return make_verifier(jsonld).verify(data)


def _resigned(jsonld: JsonLdProcessor, **changes: Any) -> dict[str, Any]:
    """The base credential with top-level ``changes`` (None deletes), signed by T1."""
    credential = build_credential()
    for key, value in changes.items():
        if value is None:
            credential.pop(key, None)
        else:
            credential[key] = value
    return sign(jsonld, credential)


class TestSchemaRules:
    def test_subject_without_id_or_identifier(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any]
    ) -> None:
        """A subject with neither id nor identifier names no recipient: schema fails."""
        del signed["credentialSubject"]["identifier"]
        check = assert_fails(_verify(jsonld, signed), "schema", "MALFORMED_VALUE_ERROR")
        assert "recipient" in check.message

    def test_subject_with_empty_identifier(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any]
    ) -> None:
        """An empty identifier array does not name a recipient either."""
        signed["credentialSubject"]["identifier"] = []
        assert_fails(_verify(jsonld, signed), "schema", "MALFORMED_VALUE_ERROR")

    def test_subject_with_id_only_is_accepted(self, jsonld: JsonLdProcessor) -> None:
        """A subject with an id (holder DID) and no identifier passes the schema check."""
        credential = build_credential()
        del credential["credentialSubject"]["identifier"]
        credential["credentialSubject"]["id"] = "did:example:holder"
        assert _verify(jsonld, sign(jsonld, credential)).verified is True

    def test_criteria_without_id_or_narrative(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any]
    ) -> None:
        """Criteria need an id or a narrative."""
        signed["credentialSubject"]["achievement"]["criteria"] = {}
        check = assert_fails(_verify(jsonld, signed), "schema", "MALFORMED_VALUE_ERROR")
        assert "criteria" in check.message

    def test_valid_until_before_valid_from(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any]
    ) -> None:
        """validUntil earlier than validFrom is malformed."""
        signed["validUntil"] = "2025-12-31T00:00:00Z"
        check = assert_fails(_verify(jsonld, signed), "schema", "MALFORMED_VALUE_ERROR")
        assert "earlier" in check.message

    def test_relative_achievement_id(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """A relative achievement id is malformed."""
        signed["credentialSubject"]["achievement"]["id"] = "teamwork"
        assert_fails(_verify(jsonld, signed), "schema", "MALFORMED_VALUE_ERROR")

    def test_schema_message_names_the_path(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any]
    ) -> None:
        """The schema failure names the JSON path of the first error."""
        signed["credentialSubject"]["identifier"][0]["extra"] = "x"
        check = assert_fails(_verify(jsonld, signed), "schema", "MALFORMED_VALUE_ERROR")
        assert "$.credentialSubject.identifier[0]" in check.message


class TestContextCheck:
    def test_missing_context(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """No @context fails the context check (and the proof is not attempted)."""
        del signed["@context"]
        report = _verify(jsonld, signed)
        assert_fails(report, "context", "MALFORMED_VALUE_ERROR")
        proof = report.check("proof")
        assert proof is not None
        assert proof.status == "skipped"

    def test_context_as_a_string(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """@context as a single string fails (an array is required)."""
        signed["@context"] = V2
        assert_fails(_verify(jsonld, signed), "context", "MALFORMED_VALUE_ERROR")

    def test_context_without_ob(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """The VC 2.0 context alone fails: the second entry must be an OB context."""
        signed["@context"] = [V2]
        check = assert_fails(_verify(jsonld, signed), "context", "MALFORMED_VALUE_ERROR")
        assert "second" in check.message

    def test_duplicate_context(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """An entry listed twice fails."""
        signed["@context"] = [V2, OB, OB]
        check = assert_fails(_verify(jsonld, signed), "context", "MALFORMED_VALUE_ERROR")
        assert "twice" in check.message

    def test_pinned_but_foreign_context(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any]
    ) -> None:
        """A pinned context that has no place in an OB credential (DID v1) fails."""
        signed["@context"].append("https://www.w3.org/ns/did/v1")
        check = assert_fails(_verify(jsonld, signed), "context", "PARSING_ERROR")
        assert "not accepted" in check.message


class TestTypeCheck:
    def test_missing_type(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """No type fails the type check."""
        del signed["type"]
        assert_fails(_verify(jsonld, signed), "type", "MALFORMED_VALUE_ERROR")

    def test_type_not_strings(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """A type array holding a number fails the type check."""
        signed["type"] = ["VerifiableCredential", 7]
        assert_fails(_verify(jsonld, signed), "type", "MALFORMED_VALUE_ERROR")

    def test_endorsement_credential(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """An EndorsementCredential is not an OpenBadgeCredential."""
        signed["type"] = ["VerifiableCredential", "EndorsementCredential"]
        check = assert_fails(_verify(jsonld, signed), "type", "MALFORMED_VALUE_ERROR")
        assert "OpenBadgeCredential" in check.message

    def test_without_verifiable_credential(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any]
    ) -> None:
        """OpenBadgeCredential without VerifiableCredential fails."""
        signed["type"] = ["OpenBadgeCredential"]
        assert_fails(_verify(jsonld, signed), "type", "MALFORMED_VALUE_ERROR")


class TestValidityDates:
    def test_not_yet_valid(self, jsonld: JsonLdProcessor) -> None:
        """validFrom a day after now fails not_before (a separate check, not the signature)."""
        credential = _resigned(jsonld, validFrom=format_datetime(NOW + timedelta(days=1)))
        report = _verify(jsonld, credential)
        check = assert_fails(report, "not_before", "not-yet-valid")
        assert "not valid before" in check.message
        proof = report.check("proof")
        assert proof is not None
        assert proof.status == "passed"

    def test_valid_from_within_the_skew(self, jsonld: JsonLdProcessor) -> None:
        """validFrom 50 s ahead of the verifier's clock is within the 60 s skew."""
        credential = _resigned(jsonld, validFrom=format_datetime(NOW + timedelta(seconds=50)))
        assert _verify(jsonld, credential).verified is True

    def test_valid_from_ahead_with_zero_skew(self, jsonld: JsonLdProcessor) -> None:
        """With clock_skew=0, validFrom one second ahead is not yet valid."""
        credential = _resigned(jsonld, validFrom=format_datetime(NOW + timedelta(seconds=1)))
        verifier = Verifier(jsonld, DidKeyResolver(), clock=lambda: NOW, clock_skew=timedelta(0))
        assert_fails(verifier.verify(credential), "not_before", "not-yet-valid")

    def test_expired_beyond_the_skew(self, jsonld: JsonLdProcessor) -> None:
        """validUntil ten minutes ago is expired, and the message names the date."""
        until = format_datetime(NOW - timedelta(minutes=10))
        report = _verify(
            jsonld, _resigned(jsonld, validFrom="2025-01-01T00:00:00Z", validUntil=until)
        )
        check = assert_fails(report, "expiration", "expired")
        assert check.message == f"expired on {until}"

    def test_i12_23_expired_within_what_was_the_skew(self, jsonld: JsonLdProcessor) -> None:
        """Item 23: validUntil 200 s ago is expired (the skew no longer extends validity), even
        with a large configured skew."""
        until = format_datetime(NOW - timedelta(seconds=200))
        credential = _resigned(jsonld, validFrom="2025-01-01T00:00:00Z", validUntil=until)
        assert_fails(_verify(jsonld, credential), "expiration", "expired")
        verifier = Verifier(
            jsonld, DidKeyResolver(), clock=lambda: NOW, clock_skew=timedelta(seconds=3600)
        )
        assert_fails(verifier.verify(credential), "expiration", "expired")

    def test_no_valid_until_means_no_expiry(self, jsonld: JsonLdProcessor) -> None:
        """Without validUntil the expiration check passes with 'no expiry'."""
        report = _verify(jsonld, _resigned(jsonld, validUntil=None))
        check = report.check("expiration")
        assert check is not None
        assert (check.status, check.message) == ("passed", "no expiry")

    def test_missing_valid_from(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """Without validFrom not_before fails as a malformed value."""
        del signed["validFrom"]
        assert_fails(_verify(jsonld, signed), "not_before", "MALFORMED_VALUE_ERROR")

    def test_valid_until_not_a_date(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """A validUntil that is not a dateTimeStamp fails expiration as malformed."""
        signed["validUntil"] = "next year"
        assert_fails(_verify(jsonld, signed), "expiration", "MALFORMED_VALUE_ERROR")

    def test_valid_until_null(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """validUntil null is not 'no expiry': expiration fails as malformed."""
        signed["validUntil"] = None
        assert_fails(_verify(jsonld, signed), "expiration", "MALFORMED_VALUE_ERROR")

    def test_naive_clock_is_taken_as_utc(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any]
    ) -> None:
        """A clock returning a naive datetime is read as UTC."""
        naive = NOW.replace(tzinfo=None)
        verifier = Verifier(jsonld, DidKeyResolver(), clock=lambda: naive)
        assert verifier.verify(signed).verified is True


class TestStatus:
    def test_no_checker_is_an_error(
        self, jsonld: JsonLdProcessor, signed_with_status: dict[str, Any]
    ) -> None:
        """Status information but no checker: status error, never valid (fail closed)."""
        report = _verify(jsonld, signed_with_status)
        check = assert_fails(report, "status", "status-not-checked", status="error")
        assert "status could not be checked" in check.message
        assert report.outcome == "indeterminate"

    def test_checker_error_is_indeterminate(
        self, jsonld: JsonLdProcessor, signed_with_status: dict[str, Any]
    ) -> None:
        """A checker answering 'error' (list unreachable) leaves the outcome indeterminate."""
        checker = FixedStatus("error", "status list unreachable")
        report = make_verifier(jsonld, status_checker=checker).verify(signed_with_status)
        assert_fails(report, "status", status="error")
        assert report.outcome == "indeterminate"

    def test_checker_exception_is_an_error_without_details(
        self, jsonld: JsonLdProcessor, signed_with_status: dict[str, Any]
    ) -> None:
        """A checker that raises yields status error with a generic message."""

        class Broken:
            def check(self, credential: dict[str, Any]) -> Check:
                raise RuntimeError("db password is hunter2")

        report = make_verifier(jsonld, status_checker=Broken()).verify(signed_with_status)
        assert_fails(report, "status", "internal-error", status="error")
        assert b"hunter2" not in msgspec.json.encode(report)

    def test_checker_result_id_is_forced(
        self, jsonld: JsonLdProcessor, signed_with_status: dict[str, Any]
    ) -> None:
        """A checker returning another id still fills the 'status' slot."""

        class WrongId:
            def check(self, credential: dict[str, Any]) -> Check:
                return Check(id="revocation", status="passed", message="ok")

        report = make_verifier(jsonld, status_checker=WrongId()).verify(signed_with_status)
        assert report.verified is True
        assert [check.id for check in report.checks][-1] == "status"

    def test_checker_returning_garbage(
        self, jsonld: JsonLdProcessor, signed_with_status: dict[str, Any]
    ) -> None:
        """A checker returning something other than a Check yields status error."""

        class Garbage:
            def check(self, credential: dict[str, Any]) -> Any:
                return {"status": "passed"}

        report = make_verifier(jsonld, status_checker=Garbage()).verify(signed_with_status)
        assert_fails(report, "status", "internal-error", status="error")


class TestRobustness:
    def test_resolver_exception_becomes_a_generic_error(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any], caplog: pytest.LogCaptureFixture
    ) -> None:
        """An unexpected resolver exception is an 'error' proof check with no exception text."""

        class Exploding:
            def resolve(self, verification_method: str, *, issuer_id: str) -> VerificationMethod:
                raise RuntimeError("internal path /srv/secret")

        report = make_verifier(jsonld, resolver=Exploding()).verify(signed)
        check = assert_fails(report, "proof", "internal-error", status="error")
        assert "secret" not in check.message
        assert b"Traceback" not in msgspec.json.encode(report)
        assert b"/srv/secret" not in msgspec.json.encode(report)
        assert [c.id for c in report.checks][-1] == "status"

    def test_clock_exception_still_gives_a_report(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any]
    ) -> None:
        """Even a failing clock yields an unverified report, not an exception."""

        def broken_clock() -> Any:
            raise OSError("no clock")

        report = Verifier(jsonld, DidKeyResolver(), clock=broken_clock).verify(signed)
        assert report.verified is False
        assert report.outcome == "indeterminate"
        assert_fails(report, "not_before", "internal-error", status="error")
        assert_fails(report, "proof", "internal-error", status="error")

    def test_none_input(self, jsonld: JsonLdProcessor) -> None:
        """None is not a credential: parse fails, no exception."""
        assert_fails(_verify(jsonld, None), "parse", "PARSING_ERROR")

    def test_random_bytes(self, jsonld: JsonLdProcessor) -> None:
        """Arbitrary bytes fail parse, no exception."""
        assert_fails(_verify(jsonld, bytes(range(256)) * 3), "parse", "PARSING_ERROR")

    def test_json_object_of_wrong_types_everywhere(self, jsonld: JsonLdProcessor) -> None:
        """An object whose members all have the wrong JSON types is reported, not raised."""
        data = {
            "@context": [V2, OB],
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": 5,
            "validFrom": [],
            "validUntil": {},
            "credentialSubject": "x",
            "proof": [{"type": "DataIntegrityProof"}],
            "credentialStatus": True,
        }
        report = _verify(jsonld, data)
        assert report.verified is False
        assert [check.id for check in report.checks][-1] == "status"
        assert_fails(report, "schema")
        assert_fails(report, "issuer", "MALFORMED_VALUE_ERROR")


class TestTimeBounds:
    def test_more_than_5000_values_is_refused_quickly(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any]
    ) -> None:
        """A credential above the canonicalization budget fails before any canonicalization."""
        signed["evidence"] = [
            {"type": ["Evidence"], "name": f"item {n}", "narrative": "x" * 100} for n in range(1500)
        ]
        start = time.perf_counter()
        report = _verify(jsonld, json.dumps(signed).encode("utf-8"))
        elapsed = time.perf_counter() - start
        check = assert_fails(report, "proof", "PROOF_TRANSFORMATION_ERROR")
        assert "too large" in check.message
        assert elapsed < 2.0

    def test_a_proof_set_canonicalizes_the_credential_once(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any]
    ) -> None:
        """Four proofs over one credential cost one canonicalization of the document."""

        documents: list[Any] = []

        class Counting(JsonLdProcessor):
            def canonize(self, document: Any) -> str:
                documents.append(document)
                return super().canonize(document)

        counting = Counting(jsonld.loader)
        signed["proof"] = signed["proof"] * 4
        report = Verifier(counting, DidKeyResolver(), clock=lambda: NOW).verify(signed)
        assert report.verified is True
        credentials = [doc for doc in documents if "credentialSubject" in doc]
        assert len(credentials) == 1

    def test_large_credential_with_four_proofs_is_within_budget(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any]
    ) -> None:
        """A large (but allowed) credential with four proofs is verified within 2 s."""
        signed["evidence"] = [
            {"type": ["Evidence"], "name": f"item {n}", "narrative": "x" * 400} for n in range(600)
        ]
        signed["proof"] = signed["proof"] * 4
        start = time.perf_counter()
        report = _verify(jsonld, signed)
        elapsed = time.perf_counter() - start
        assert_fails(report, "proof", "CRYPTOGRAPHIC_SECURITY_ERROR")
        assert elapsed < 2.0


class TestSummary:
    def test_issuer_id_in_the_summary(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any]
    ) -> None:
        """Even an unverified report summarises the claimed issuer, for display as 'tampered'."""
        signed["name"] = "Edited"
        report = _verify(jsonld, signed)
        assert report.verified is False
        assert report.credential is not None
        assert report.credential.issuer_id == T1_DID


class TestItem23StatusListWindow:
    """Item 23 for status lists: the skew tolerates a list whose validFrom is slightly ahead,
    never one past its validUntil."""

    def test_i12_23_status_list_past_valid_until_is_untrusted(self) -> None:
        """A list whose validUntil passed 30 s ago is not trusted (was: 300 s of grace)."""
        stale = {"validUntil": format_datetime(NOW - timedelta(seconds=30))}
        with pytest.raises(UntrustedListError, match="expired"):
            check_list_validity(stale, NOW, DEFAULT_CLOCK_SKEW)
        ahead = {"validFrom": format_datetime(NOW + timedelta(seconds=30))}
        check_list_validity(ahead, NOW, DEFAULT_CLOCK_SKEW)
