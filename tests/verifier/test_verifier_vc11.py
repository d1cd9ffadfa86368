"""VC 1.1 Open Badges credentials with ``Ed25519Signature2020`` (1EdTech displayer conformance).

Credentials are signed by the independent test signer of ``legacy_support`` (the W3C CCG suite
as jsonld-signatures implements it); the interop tests check the same against digitalbazaar's
own suite.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from legacy_support import (
    ED25519_2020,
    OB_301,
    VC_V1,
    build_v1_credential,
    legacy_proof_options,
    sign_ed25519_2020,
)
from verifier_support import (
    ATK,
    T1_VM,
    WEB_DID,
    WEB_VM,
    assert_fails,
    make_verifier,
    sign,
    web_document,
)

from common.jsonld import JsonLdProcessor
from verifier import VerificationReport


def _verify(jsonld: JsonLdProcessor, data: Any, **kwargs: Any) -> VerificationReport:
    return make_verifier(jsonld, **kwargs).verify(data)


@pytest.fixture(scope="module")
def _v1_signed_once(jsonld: JsonLdProcessor) -> dict[str, Any]:
    return sign_ed25519_2020(jsonld, build_v1_credential())


@pytest.fixture
def v1_signed(_v1_signed_once: dict[str, Any]) -> dict[str, Any]:
    """A VC 1.1 OB credential (did:key issuer T1) with one Ed25519Signature2020 proof."""
    return copy.deepcopy(_v1_signed_once)


class TestValid:
    def test_vc11_ed25519_signature_2020_verifies(
        self, jsonld: JsonLdProcessor, v1_signed: dict[str, Any]
    ) -> None:
        """Every check passes, the proof names the legacy suite, dates come from VC 1.1."""
        report = _verify(jsonld, v1_signed)
        assert report.verified, [(c.id, c.message) for c in report.checks]
        proof = report.check("proof")
        assert proof is not None and "Ed25519Signature2020" in proof.message
        context = report.check("context")
        assert context is not None and "VC 1.1" in context.message
        assert report.credential is not None
        assert report.credential.valid_from == v1_signed["issuanceDate"]
        assert report.credential.valid_until == v1_signed["expirationDate"]

    def test_vc11_with_ob_context_3_0_1_verifies(self, jsonld: JsonLdProcessor) -> None:
        """The VC 1.1-era OB context 3.0.1 is accepted in a VC 1.1 credential."""
        credential = build_v1_credential(ob_context=OB_301)
        assert _verify(jsonld, sign_ed25519_2020(jsonld, credential)).verified

    def test_vc11_proof_in_an_array_verifies(
        self, jsonld: JsonLdProcessor, v1_signed: dict[str, Any]
    ) -> None:
        """The proof as a one-element array (the issuer's form) verifies too."""
        v1_signed["proof"] = [v1_signed["proof"]]
        assert _verify(jsonld, v1_signed).verified

    def test_vc11_did_web_ed25519_verification_key_2020(self, jsonld: JsonLdProcessor) -> None:
        """A did:web issuer whose key is listed as Ed25519VerificationKey2020 verifies."""
        document = web_document()
        document["verificationMethod"][0]["type"] = "Ed25519VerificationKey2020"
        credential = build_v1_credential(WEB_DID)
        signed = sign_ed25519_2020(jsonld, credential, verification_method=WEB_VM)
        assert _verify(jsonld, signed, did_documents={WEB_DID: document}).verified

    def test_vc11_with_eddsa_rdfc_2022_verifies(self, jsonld: JsonLdProcessor) -> None:
        """A VC 1.1 credential may also carry a DataIntegrityProof (data-integrity v1)."""
        credential = build_v1_credential()
        credential["@context"] = [
            VC_V1,
            credential["@context"][1],
            "https://w3id.org/security/data-integrity/v1",
        ]
        assert _verify(jsonld, sign(jsonld, credential)).verified


class TestValidity:
    def test_vc11_expired_via_expiration_date(self, jsonld: JsonLdProcessor) -> None:
        """A VC 1.1 credential past its expirationDate is expired (signature fine)."""
        credential = build_v1_credential(expiration="2026-02-01T00:00:00Z")
        report = _verify(jsonld, sign_ed25519_2020(jsonld, credential))
        check = assert_fails(report, "expiration", "expired")
        assert "2026-02-01" in check.message
        proof = report.check("proof")
        assert proof is not None and proof.status == "passed"

    def test_vc11_not_yet_valid_via_issuance_date(self, jsonld: JsonLdProcessor) -> None:
        """A VC 1.1 credential whose issuanceDate is in the future is not yet valid."""
        credential = build_v1_credential()
        credential["issuanceDate"] = "2026-12-01T00:00:00Z"
        report = _verify(jsonld, sign_ed25519_2020(jsonld, credential))
        assert_fails(report, "not_before", "not-yet-valid")

    def test_g7_v2_document_expiration_date_is_never_read(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any]
    ) -> None:
        """G7: a past expirationDate in a VC 2.0 document is not read as its expiry."""
        del signed["validUntil"]
        signed["expirationDate"] = "2020-01-01T00:00:00Z"
        report = _verify(jsonld, signed)
        expiration = report.check("expiration")
        assert expiration is not None
        assert expiration.status == "passed"
        assert "2020" not in expiration.message
        assert report.credential is not None and report.credential.valid_until is None
        assert_fails(report, "schema", "MALFORMED_VALUE_ERROR")

    def test_g7_v2_document_issuance_date_is_never_read(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any]
    ) -> None:
        """G7: a VC 2.0 document without validFrom does not fall back to issuanceDate."""
        signed["issuanceDate"] = signed.pop("validFrom")
        check = assert_fails(_verify(jsonld, signed), "not_before", "MALFORMED_VALUE_ERROR")
        assert "validFrom" in check.message

    def test_vc11_valid_until_is_refused(self, jsonld: JsonLdProcessor) -> None:
        """validUntil is a VC 2.0 term: a VC 1.1 credential stating it fails the schema."""
        credential = build_v1_credential()
        credential["validUntil"] = "2020-01-01T00:00:00Z"
        report = _verify(jsonld, sign_ed25519_2020(jsonld, credential))
        check = assert_fails(report, "schema", "MALFORMED_VALUE_ERROR")
        assert "validUntil" in check.message

    def test_vc11_without_issuance_date_fails_the_schema(self, jsonld: JsonLdProcessor) -> None:
        """issuanceDate is required in a VC 1.1 credential."""
        credential = build_v1_credential()
        del credential["issuanceDate"]
        report = _verify(jsonld, sign_ed25519_2020(jsonld, credential))
        check = assert_fails(report, "schema", "MALFORMED_VALUE_ERROR")
        assert "issuanceDate" in check.message

    def test_vc11_expiration_before_issuance_fails_the_schema(
        self, jsonld: JsonLdProcessor
    ) -> None:
        """expirationDate earlier than issuanceDate is malformed."""
        credential = build_v1_credential(expiration="2025-01-01T00:00:00Z")
        report = _verify(jsonld, sign_ed25519_2020(jsonld, credential))
        check = assert_fails(report, "schema", "MALFORMED_VALUE_ERROR")
        assert "expirationDate is earlier than issuanceDate" in check.message


class TestProofFailures:
    def test_vc11_tampered_fails_the_proof(
        self, jsonld: JsonLdProcessor, v1_signed: dict[str, Any]
    ) -> None:
        """Editing a signed VC 1.1 credential breaks its Ed25519Signature2020 proof."""
        v1_signed["credentialSubject"]["achievement"]["name"] = "Leadership"
        assert_fails(_verify(jsonld, v1_signed), "proof", "CRYPTOGRAPHIC_SECURITY_ERROR")

    def test_vc11_tampered_expiration_date_fails_the_proof(
        self, jsonld: JsonLdProcessor, v1_signed: dict[str, Any]
    ) -> None:
        """The VC 1.1 dates are signed: extending expirationDate breaks the proof."""
        v1_signed["expirationDate"] = "2039-01-01T00:00:00Z"
        assert_fails(_verify(jsonld, v1_signed), "proof", "CRYPTOGRAPHIC_SECURITY_ERROR")

    def test_vc11_signed_by_another_key(self, jsonld: JsonLdProcessor) -> None:
        """A proof made with the attacker's key under T1's verification method fails."""
        signed = sign_ed25519_2020(jsonld, build_v1_credential(), key_pair=ATK)
        assert_fails(_verify(jsonld, signed), "proof", "CRYPTOGRAPHIC_SECURITY_ERROR")

    def test_vc11_wrong_proof_purpose(self, jsonld: JsonLdProcessor) -> None:
        """A re-signed proof with purpose authentication fails."""
        options = {**legacy_proof_options(), "proofPurpose": "authentication"}
        signed = sign_ed25519_2020(jsonld, build_v1_credential(), options=options)
        check = assert_fails(_verify(jsonld, signed), "proof", "PROOF_VERIFICATION_ERROR")
        assert "authentication" in check.message

    def test_vc11_proof_member_outside_the_suite(
        self, jsonld: JsonLdProcessor, v1_signed: dict[str, Any]
    ) -> None:
        """A proof member the suite context does not define (never signed) fails."""
        v1_signed["proof"]["jws"] = "eyJhbGciOiJFZERTQSJ9..x"
        check = assert_fails(_verify(jsonld, v1_signed), "proof", "DATA_LOSS_DETECTION_ERROR")
        assert "jws" in check.message

    def test_vc11_proof_value_not_multibase(
        self, jsonld: JsonLdProcessor, v1_signed: dict[str, Any]
    ) -> None:
        """A proofValue without the base58btc 'z' prefix fails."""
        v1_signed["proof"]["proofValue"] = v1_signed["proof"]["proofValue"][1:]
        assert_fails(_verify(jsonld, v1_signed), "proof", "PROOF_VERIFICATION_ERROR")

    def test_vc11_without_the_suite_context(self, jsonld: JsonLdProcessor) -> None:
        """Without the ed25519-2020 context the proof type is undefined: never signed data."""
        credential = build_v1_credential()
        credential["@context"] = credential["@context"][:2]
        signed = {**credential, "proof": {**legacy_proof_options(), "proofValue": "z" + "1" * 64}}
        report = _verify(jsonld, signed)
        assert_fails(report, "proof", "DATA_LOSS_DETECTION_ERROR")

    def test_ed25519_signature_2020_on_a_vc2_credential_is_refused(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any]
    ) -> None:
        """The legacy suite is accepted in VC 1.1 credentials only."""
        signed["proof"] = [{**legacy_proof_options(T1_VM), "proofValue": "z" + "1" * 64}]
        check = assert_fails(_verify(jsonld, signed), "proof", "PROOF_VERIFICATION_ERROR")
        assert "Ed25519Signature2020 in VC 1.1 credentials" in check.message

    def test_vc11_unsupported_proof_type_is_named(
        self, jsonld: JsonLdProcessor, v1_signed: dict[str, Any]
    ) -> None:
        """An unknown proof type in a VC 1.1 credential fails and is named."""
        v1_signed["proof"]["type"] = "RsaSignature2018"
        check = assert_fails(_verify(jsonld, v1_signed), "proof", "PROOF_VERIFICATION_ERROR")
        assert "RsaSignature2018" in check.message


class TestContext:
    def test_vc11_unknown_extra_context_is_refused(
        self, jsonld: JsonLdProcessor, v1_signed: dict[str, Any]
    ) -> None:
        """Only the listed extras may follow the OB context in a VC 1.1 credential."""
        v1_signed["@context"].append("https://www.w3.org/ns/credentials/v2")
        assert_fails(_verify(jsonld, v1_signed), "context", "PARSING_ERROR")

    def test_vc11_second_context_not_ob(
        self, jsonld: JsonLdProcessor, v1_signed: dict[str, Any]
    ) -> None:
        """The second entry of a VC 1.1 credential must be an OB 3.0 context."""
        v1_signed["@context"][1] = ED25519_2020
        assert_fails(_verify(jsonld, v1_signed), "context", "MALFORMED_VALUE_ERROR")

    def test_vc2_still_refuses_the_vc11_ob_context(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any]
    ) -> None:
        """The VC 1.1-only OB context stays refused with VC 2.0 (B3)."""
        signed["@context"][1] = OB_301
        assert_fails(_verify(jsonld, signed), "context", "MALFORMED_VALUE_ERROR")
