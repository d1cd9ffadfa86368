"""Security catalogue group C: proof tricks.

Rows marked "re-signed" build a proof with the stated options and a real eddsa-rdfc-2022
signature (``proof_with_options``), so only the rule under test can fail.
"""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

import base58
from verifier_support import (
    ATK,
    ATK_VM,
    NOW,
    T1,
    T2,
    WEB_DID,
    assert_fails,
    build_credential,
    default_options,
    make_verifier,
    proof_with_options,
    sign,
    web_document,
)

from common.jsonld import JsonLdProcessor
from common.timeutil import format_datetime
from keys.did import did_key, did_key_verification_method
from verifier import VerificationReport

ED25519_ORDER = 2**252 + 27742317777372353535851937790883648493


def _verify(jsonld: JsonLdProcessor, data: Any) -> VerificationReport:
    return make_verifier(jsonld).verify(data)


def _signature(proof: dict[str, Any]) -> bytes:
    return base58.b58decode(proof["proofValue"][1:])


class TestC1ProofNotAMap:
    def test_c1_proof_is_a_string(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """C1: proof as a string is a parsing error."""
        signed["proof"] = "z3abc"
        assert_fails(_verify(jsonld, signed), "proof", "PARSING_ERROR")

    def test_c1_proof_is_a_number(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """C1: proof as a number is a parsing error."""
        signed["proof"] = 42
        assert_fails(_verify(jsonld, signed), "proof", "PARSING_ERROR")

    def test_c1_proof_array_holds_a_string(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any]
    ) -> None:
        """C1: a proof array holding a non-object is a parsing error."""
        signed["proof"] = [signed["proof"][0], "z3abc"]
        assert_fails(_verify(jsonld, signed), "proof", "PARSING_ERROR")

    def test_c1_document_replaced_by_an_array(self, jsonld: JsonLdProcessor) -> None:
        """C1: the whole document replaced by [] fails parse."""
        assert_fails(_verify(jsonld, "[]"), "parse", "PARSING_ERROR")

    def test_c1_empty_proof_array(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """C1: an empty proof array means no proof."""
        signed["proof"] = []
        check = assert_fails(_verify(jsonld, signed), "proof", "PROOF_VERIFICATION_ERROR")
        assert "no proof" in check.message


class TestC2MissingMembers:
    def test_c2_no_type(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """C2: a proof without type fails verification."""
        del signed["proof"][0]["type"]
        assert_fails(_verify(jsonld, signed), "proof", "PROOF_VERIFICATION_ERROR")

    def test_c2_no_verification_method(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any]
    ) -> None:
        """C2: a proof without verificationMethod fails verification."""
        del signed["proof"][0]["verificationMethod"]
        report = _verify(jsonld, signed)
        assert_fails(report, "proof", "PROOF_VERIFICATION_ERROR")
        issuer = report.check("issuer")
        assert issuer is not None
        assert issuer.status == "skipped"

    def test_c2_no_proof_purpose(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """C2: a proof without proofPurpose fails verification."""
        del signed["proof"][0]["proofPurpose"]
        assert_fails(_verify(jsonld, signed), "proof", "PROOF_VERIFICATION_ERROR")


class TestC3WrongPurpose:
    def test_c3_authentication_purpose_resigned(self, jsonld: JsonLdProcessor) -> None:
        """C3: a valid signature made for 'authentication' does not assert a credential."""
        credential = build_credential()
        options = {**default_options(), "proofPurpose": "authentication"}
        credential["proof"] = [proof_with_options(jsonld, credential, options)]
        check = assert_fails(_verify(jsonld, credential), "proof", "PROOF_VERIFICATION_ERROR")
        assert "authentication" in check.message

    def test_c3_invalid_purpose(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """C3: proofPurpose 'invalidPurpose' fails verification."""
        signed["proof"][0]["proofPurpose"] = "invalidPurpose"
        assert_fails(_verify(jsonld, signed), "proof", "PROOF_VERIFICATION_ERROR")


class TestC4UnsupportedSuites:
    def test_c4_unknown_cryptosuite(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """C4: an unknown cryptosuite is named in the failure."""
        signed["proof"][0]["cryptosuite"] = "UnknownCryptosuite"
        check = assert_fails(_verify(jsonld, signed), "proof", "PROOF_VERIFICATION_ERROR")
        assert "UnknownCryptosuite" in check.message

    def test_c4_legacy_eddsa_2022(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """C4: the legacy eddsa-2022 cryptosuite is not supported."""
        signed["proof"][0]["cryptosuite"] = "eddsa-2022"
        check = assert_fails(_verify(jsonld, signed), "proof", "PROOF_VERIFICATION_ERROR")
        assert "eddsa-2022" in check.message

    def test_c4_eddsa_jcs_2022(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """C4: eddsa-jcs-2022 is not supported."""
        signed["proof"][0]["cryptosuite"] = "eddsa-jcs-2022"
        check = assert_fails(_verify(jsonld, signed), "proof", "PROOF_VERIFICATION_ERROR")
        assert "eddsa-jcs-2022" in check.message

    def test_c4_ed25519_signature_2020(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any]
    ) -> None:
        """C4: the legacy Ed25519Signature2020 proof type is not supported."""
        signed["proof"][0]["type"] = "Ed25519Signature2020"
        del signed["proof"][0]["cryptosuite"]
        check = assert_fails(_verify(jsonld, signed), "proof", "PROOF_VERIFICATION_ERROR")
        assert "Ed25519Signature2020" in check.message

    def test_c4_unknown_proof_type(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """C4: an unknown proof type is named in the failure."""
        signed["proof"][0]["type"] = "UnknownProofType"
        check = assert_fails(_verify(jsonld, signed), "proof", "PROOF_VERIFICATION_ERROR")
        assert "UnknownProofType" in check.message


class TestC6BrokenProofValue:
    def test_c6_removed(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """C6: no proofValue fails verification."""
        del signed["proof"][0]["proofValue"]
        assert_fails(_verify(jsonld, signed), "proof", "PROOF_VERIFICATION_ERROR")

    def test_c6_null(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """C6: proofValue null fails verification."""
        signed["proof"][0]["proofValue"] = None
        assert_fails(_verify(jsonld, signed), "proof", "PROOF_VERIFICATION_ERROR")

    def test_c6_multibase_header_stripped(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any]
    ) -> None:
        """C6: proofValue without its 'z' header fails verification."""
        signed["proof"][0]["proofValue"] = signed["proof"][0]["proofValue"][1:]
        assert_fails(_verify(jsonld, signed), "proof", "PROOF_VERIFICATION_ERROR")

    def test_c6_base64url_header(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """C6: the same signature as 'u' (base64url) multibase fails verification."""
        signature = _signature(signed["proof"][0])
        encoded = base64.urlsafe_b64encode(signature).decode("ascii").rstrip("=")
        signed["proof"][0]["proofValue"] = "u" + encoded
        assert_fails(_verify(jsonld, signed), "proof", "PROOF_VERIFICATION_ERROR")

    def test_c6_upper_case_z_header(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """C6: a 'Z' header (base58flickr) fails verification."""
        signed["proof"][0]["proofValue"] = "Z" + signed["proof"][0]["proofValue"][1:]
        assert_fails(_verify(jsonld, signed), "proof", "PROOF_VERIFICATION_ERROR")

    def test_c6_96_byte_signature(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """C6: 32 extra bytes appended (96-byte signature) fail verification, no crash."""
        signature = _signature(signed["proof"][0]) + bytes(range(32))
        signed["proof"][0]["proofValue"] = "z" + base58.b58encode(signature).decode("ascii")
        check = assert_fails(_verify(jsonld, signed), "proof", "PROOF_VERIFICATION_ERROR")
        assert "96" in check.message

    def test_c6_63_byte_signature(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """C6: a signature truncated to 63 bytes fails verification."""
        signature = _signature(signed["proof"][0])[:63]
        signed["proof"][0]["proofValue"] = "z" + base58.b58encode(signature).decode("ascii")
        assert_fails(_verify(jsonld, signed), "proof", "PROOF_VERIFICATION_ERROR")

    def test_c6_leading_one(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """C6: a leading base58 '1' (an extra zero byte, 65 bytes) fails verification."""
        signed["proof"][0]["proofValue"] = "z1" + signed["proof"][0]["proofValue"][1:]
        assert_fails(_verify(jsonld, signed), "proof", "PROOF_VERIFICATION_ERROR")


class TestC7UnsignedProofExtras:
    def test_c7_unknown_member(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """C7: an unsigned proof member ('foo') is data outside the signed graph."""
        signed["proof"][0]["foo"] = "bar"
        assert_fails(_verify(jsonld, signed), "proof", "DATA_LOSS_DETECTION_ERROR")

    def test_c7_non_string_nonce(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """C7: a numeric nonce is a malformed value."""
        signed["proof"][0]["nonce"] = 1
        assert_fails(_verify(jsonld, signed), "proof", "MALFORMED_VALUE_ERROR")

    def test_c7_proof_context_differs(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any]
    ) -> None:
        """C7: a proof @context other than the credential's would go unsigned: data loss."""
        signed["proof"][0]["@context"] = ["https://www.w3.org/ns/credentials/v2"]
        assert_fails(_verify(jsonld, signed), "proof", "DATA_LOSS_DETECTION_ERROR")


class TestC8SignedOptionsEdited:
    def test_c8_created_replaced(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """C8: a replaced proof.created breaks the signature."""
        signed["proof"][0]["created"] = "2026-01-02T09:30:00Z"
        assert_fails(_verify(jsonld, signed), "proof", "CRYPTOGRAPHIC_SECURITY_ERROR")

    def test_c8_domain_added(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """C8: an added proof.domain breaks the signature."""
        signed["proof"][0]["domain"] = "verifier.example"
        assert_fails(_verify(jsonld, signed), "proof", "CRYPTOGRAPHIC_SECURITY_ERROR")

    def test_c8_expires_added(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """C8: an added (future) proof.expires breaks the signature."""
        signed["proof"][0]["expires"] = "2030-01-01T00:00:00Z"
        assert_fails(_verify(jsonld, signed), "proof", "CRYPTOGRAPHIC_SECURITY_ERROR")

    def test_c8_other_key_of_the_same_did_web(
        self, jsonld: JsonLdProcessor, web_signed: dict[str, Any]
    ) -> None:
        """C8: verificationMethod switched to another key of the same did:web fails."""
        document = web_document(keys=(("key-1", T1.public_key), ("key-2", T2.public_key)))
        web_signed["proof"][0]["verificationMethod"] = WEB_DID + "#key-2"
        verifier = make_verifier(jsonld, did_documents={WEB_DID: document})
        assert_fails(verifier.verify(web_signed), "proof", "CRYPTOGRAPHIC_SECURITY_ERROR")

    def test_c8_other_fragment_of_the_same_did_key(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any]
    ) -> None:
        """C8: a did:key URL whose fragment is not its key is an invalid DID URL."""
        vm = signed["proof"][0]["verificationMethod"]
        signed["proof"][0]["verificationMethod"] = vm.split("#")[0] + "#key-2"
        assert_fails(_verify(jsonld, signed), "proof", "INVALID_DID_URL")


class TestC9C10ProofDates:
    def test_c9_invalid_created(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """C9: proof.created 'invalidDate' is a malformed value."""
        signed["proof"][0]["created"] = "invalidDate"
        assert_fails(_verify(jsonld, signed), "proof", "MALFORMED_VALUE_ERROR")

    def test_c9_invalid_expires(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """C9: proof.expires 'invalidDate' is a malformed value."""
        signed["proof"][0]["expires"] = "invalidDate"
        assert_fails(_verify(jsonld, signed), "proof", "MALFORMED_VALUE_ERROR")

    def test_c10_expired_proof_resigned(self, jsonld: JsonLdProcessor) -> None:
        """C10: a proof whose expires passed an hour ago fails, apart from credential expiry."""
        credential = build_credential()
        expires = format_datetime(NOW - timedelta(hours=1))
        options = {**default_options(), "expires": expires}
        credential["proof"] = [proof_with_options(jsonld, credential, options)]
        report = _verify(jsonld, credential)
        check = assert_fails(report, "proof", "proof-expired")
        assert expires in check.message
        expiration = report.check("expiration")
        assert expiration is not None
        assert expiration.status == "passed"

    def test_i12_23_proof_expired_seconds_ago_fails(self, jsonld: JsonLdProcessor) -> None:
        """Item 23: a proof whose expires passed 30 s ago fails: the clock skew (60 s) never
        extends the end of validity."""
        credential = build_credential()
        options = {**default_options(), "expires": format_datetime(NOW - timedelta(seconds=30))}
        credential["proof"] = [proof_with_options(jsonld, credential, options)]
        assert_fails(_verify(jsonld, credential), "proof", "proof-expired")

    def test_c10_control_future_expires_resigned(self, jsonld: JsonLdProcessor) -> None:
        """C10 control: a signed proof.expires in the future verifies."""
        credential = build_credential()
        options = {**default_options(), "expires": format_datetime(NOW + timedelta(days=1))}
        credential["proof"] = [proof_with_options(jsonld, credential, options)]
        assert _verify(jsonld, credential).verified is True


class TestC11ToC13ForeignKeys:
    def test_c11_attacker_signs_victims_credential(self, jsonld: JsonLdProcessor) -> None:
        """C11: a valid ATK signature on a credential naming T1 as issuer fails the binding."""
        forged = sign(jsonld, build_credential(), key_pair=ATK, verification_method=ATK_VM)
        report = _verify(jsonld, forged)
        proof = report.check("proof")
        assert proof is not None
        assert proof.status == "passed"
        check = assert_fails(report, "issuer", "PROOF_VERIFICATION_ERROR")
        assert "not by the issuer" in check.message

    def test_c12_valid_plus_garbage(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """C12 (strict proof sets): a valid proof plus a corrupted one fails."""
        broken = dict(signed["proof"][0])
        signature = bytearray(_signature(broken))
        signature[10] ^= 0x01
        broken["proofValue"] = "z" + base58.b58encode(bytes(signature)).decode("ascii")
        signed["proof"].append(broken)
        check = assert_fails(_verify(jsonld, signed), "proof", "CRYPTOGRAPHIC_SECURITY_ERROR")
        assert "proof 2 of 2" in check.message

    def test_c13_extra_valid_attacker_proof(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any]
    ) -> None:
        """C13 (strict): an extra valid ATK proof makes the issuer binding fail."""
        unsigned = {key: value for key, value in signed.items() if key != "proof"}
        signed["proof"].append(
            proof_with_options(jsonld, unsigned, default_options(ATK_VM), key_pair=ATK)
        )
        report = _verify(jsonld, signed)
        proof = report.check("proof")
        assert proof is not None
        assert proof.status == "passed"
        assert_fails(report, "issuer", "PROOF_VERIFICATION_ERROR")


class TestC14ProofChains:
    def test_c14_previous_proof_missing(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any]
    ) -> None:
        """C14: previousProof naming a proof that is not there fails (chains unsupported)."""
        signed["proof"][0]["previousProof"] = "urn:uuid:missing"
        check = assert_fails(_verify(jsonld, signed), "proof", "PROOF_VERIFICATION_ERROR")
        assert "proof chains" in check.message

    def test_c14_previous_proof_array(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any]
    ) -> None:
        """C14: previousProof as an array fails."""
        signed["proof"][0]["previousProof"] = ["urn:uuid:a", "urn:uuid:b"]
        assert_fails(_verify(jsonld, signed), "proof", "PROOF_VERIFICATION_ERROR")

    def test_c14_previous_proof_not_a_string(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any]
    ) -> None:
        """C14: previousProof as a number fails."""
        signed["proof"][0]["previousProof"] = 7
        assert_fails(_verify(jsonld, signed), "proof", "PROOF_VERIFICATION_ERROR")

    def test_c14_cycle(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """C14: two proofs naming each other as previousProof fail, with no endless loop."""
        first = {**signed["proof"][0], "id": "urn:uuid:p1", "previousProof": "urn:uuid:p2"}
        second = {**signed["proof"][0], "id": "urn:uuid:p2", "previousProof": "urn:uuid:p1"}
        signed["proof"] = [first, second]
        assert_fails(_verify(jsonld, signed), "proof", "PROOF_VERIFICATION_ERROR")

    def test_c14_fifty_proofs(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """C14: fifty proofs exceed the cap of four."""
        signed["proof"] = signed["proof"] * 50
        check = assert_fails(_verify(jsonld, signed), "proof", "PROOF_VERIFICATION_ERROR")
        assert "at most 4" in check.message

    def test_c14_five_proofs(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """C14: five proofs, one over the cap, fail."""
        signed["proof"] = signed["proof"] * 5
        assert_fails(_verify(jsonld, signed), "proof", "PROOF_VERIFICATION_ERROR")

    def test_c14_control_four_identical_valid_proofs(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any]
    ) -> None:
        """C14 control: four valid proofs (at the cap) verify."""
        signed["proof"] = signed["proof"] * 4
        assert _verify(jsonld, signed).verified is True


class TestC15Ed25519EdgeCases:
    def test_c15_small_order_key_in_did_key(self, jsonld: JsonLdProcessor) -> None:
        """C15a: the identity point as a did:key, with R = identity and S = 0, fails."""
        identity = b"\x01" + bytes(31)
        did = did_key(identity)
        credential = build_credential(did)
        proof = default_options(did_key_verification_method(identity))
        proof["proofValue"] = "z" + base58.b58encode(identity + bytes(32)).decode("ascii")
        credential["proof"] = [proof]
        assert_fails(_verify(jsonld, credential), "proof", "CRYPTOGRAPHIC_SECURITY_ERROR")

    def test_c15_malleated_s_plus_order(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any]
    ) -> None:
        """C15b: a valid signature with S replaced by S + L fails (non-canonical S)."""
        signature = _signature(signed["proof"][0])
        s = int.from_bytes(signature[32:], "little") + ED25519_ORDER
        malleated = signature[:32] + s.to_bytes(32, "little")
        signed["proof"][0]["proofValue"] = "z" + base58.b58encode(malleated).decode("ascii")
        assert_fails(_verify(jsonld, signed), "proof", "CRYPTOGRAPHIC_SECURITY_ERROR")


class TestC16NestedProof:
    def test_c16_proof_moved_into_the_subject(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any]
    ) -> None:
        """C16: a proof under credentialSubject does not secure the credential: no proof."""
        signed["credentialSubject"]["proof"] = signed.pop("proof")
        check = assert_fails(_verify(jsonld, signed), "proof", "PROOF_VERIFICATION_ERROR")
        assert "no proof" in check.message


class TestDidWebKeyUse:
    def test_did_web_key_of_an_unrelated_issuer_fails(
        self, jsonld: JsonLdProcessor, web_signed: dict[str, Any]
    ) -> None:
        """A did:web key of another (local) DID fails the issuer binding."""
        other = "did:web:other.example"
        web_signed["proof"] = [
            proof_with_options(
                jsonld,
                {k: v for k, v in web_signed.items() if k != "proof"},
                default_options(other + "#key-1"),
            )
        ]
        verifier = make_verifier(
            jsonld, did_documents={WEB_DID: web_document(), other: web_document(other)}
        )
        check = assert_fails(verifier.verify(web_signed), "issuer", "PROOF_VERIFICATION_ERROR")
        assert "did:web:other.example" in check.message
