"""Positive controls: credentials that must verify, and what the report says about them."""

from __future__ import annotations

import json
from typing import Any

from verifier_support import (
    OB,
    T1_DID,
    V2,
    WEB_DID,
    FixedStatus,
    assert_fails,
    build_credential,
    make_verifier,
    sign,
)

from common.jsonld import JsonLdProcessor


class TestValidCredentials:
    def test_did_key_credential_verifies(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any]
    ) -> None:
        """The base credential (did:key issuer) verifies; every check passes but status."""
        report = make_verifier(jsonld).verify(signed)
        assert report.verified is True
        assert report.outcome == "valid"
        statuses = {check.id: check.status for check in report.checks}
        assert statuses.pop("status") == "skipped"
        assert set(statuses.values()) == {"passed"}

    def test_status_skipped_says_why(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """A credential without credentialStatus gets status skipped: 'no status information'."""
        check = make_verifier(jsonld).verify(signed).check("status")
        assert check is not None
        assert check.message == "no status information"

    def test_summary(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """The summary carries the credential's ids, names and dates."""
        summary = make_verifier(jsonld).verify(signed).credential
        assert summary is not None
        assert summary.id == signed["id"]
        assert summary.issuer_id == T1_DID
        assert summary.issuer_name == "Org One"
        assert summary.achievement_name == "Teamwork"
        assert summary.achievement_id == signed["credentialSubject"]["achievement"]["id"]
        assert summary.valid_from == signed["validFrom"]
        assert summary.valid_until == signed["validUntil"]
        assert summary.awarded_date == signed["awardedDate"]

    def test_did_web_credential_verifies(
        self,
        jsonld: JsonLdProcessor,
        web_signed: dict[str, Any],
        web_documents: dict[str, Any],
    ) -> None:
        """A did:web issuer's credential verifies against its local DID document."""
        report = make_verifier(jsonld, did_documents=web_documents).verify(web_signed)
        assert report.verified is True
        issuer = report.check("issuer")
        assert issuer is not None
        assert WEB_DID in issuer.message

    def test_status_checked_when_present(
        self, jsonld: JsonLdProcessor, signed_with_status: dict[str, Any]
    ) -> None:
        """With credentialStatus and a checker saying 'passed', the credential verifies."""
        checker = FixedStatus("passed")
        report = make_verifier(jsonld, status_checker=checker).verify(signed_with_status)
        assert report.verified is True
        assert checker.calls == 1

    def test_older_ob_context_is_accepted(self, jsonld: JsonLdProcessor) -> None:
        """A credential signed with OB context-3.0.2 verifies; the context check names it."""
        credential = build_credential()
        credential["@context"] = [V2, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json"]
        del credential["awardedDate"]  # a 3.0.3 term
        report = make_verifier(jsonld).verify(sign(jsonld, credential))
        assert report.verified is True
        context = report.check("context")
        assert context is not None
        assert "context-3.0.2.json" in context.message

    def test_extensions_context_is_accepted(self, jsonld: JsonLdProcessor) -> None:
        """The OB extensions context may follow the OB context."""
        credential = build_credential()
        credential["@context"] = [V2, OB, "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"]
        credential["credentialSchema"] = [
            {
                "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
                "ob_v3p0_achievementcredential_schema.json",
                "type": "1EdTechJsonSchemaValidator2019",
            }
        ]
        assert make_verifier(jsonld).verify(sign(jsonld, credential)).verified is True

    def test_single_proof_object_is_tolerated(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any]
    ) -> None:
        """A compacted single proof object (as the reference signs) verifies (DM-05)."""
        signed["proof"] = signed["proof"][0]
        report = make_verifier(jsonld).verify(signed)
        assert report.verified, [c for c in report.checks if c.status != "passed"]

    def test_string_issuer_is_tolerated_for_the_id(self, jsonld: JsonLdProcessor) -> None:
        """A string issuer passes the issuer binding; the schema check refuses it."""
        credential = build_credential()
        credential["issuer"] = T1_DID
        report = make_verifier(jsonld).verify(sign(jsonld, credential))
        issuer = report.check("issuer")
        assert issuer is not None
        assert issuer.status == "passed"
        assert_fails(report, "schema", "MALFORMED_VALUE_ERROR")

    def test_bytes_are_verified_as_received(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any]
    ) -> None:
        """Pretty-printed, re-ordered JSON bytes verify (the proof is over the RDF graph)."""
        data = json.dumps(signed, indent=4, sort_keys=True).encode("utf-8")
        assert make_verifier(jsonld).verify(data).verified is True
