"""Security catalogue group A: tampered credentials.

Each negative row asserts ``verified is False``, the failing check and the catalogue's problem
code; positive controls (A3, A8) assert ``verified is True``.
"""

from __future__ import annotations

import json
from typing import Any

from verifier_support import FixedStatus, assert_fails, build_credential, make_verifier, sign

from common.jsonld import JsonLdProcessor


class TestA1EditSignedLiteral:
    def test_a1_achievement_name(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """A1: editing credentialSubject.achievement.name breaks the signature."""
        signed["credentialSubject"]["achievement"]["name"] = "Brain Surgery"
        report = make_verifier(jsonld).verify(signed)
        assert_fails(report, "proof", "CRYPTOGRAPHIC_SECURITY_ERROR")

    def test_a1_issuer_name(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """A1: editing issuer.name breaks the signature."""
        signed["issuer"]["name"] = "Harvard"
        assert_fails(make_verifier(jsonld).verify(signed), "proof", "CRYPTOGRAPHIC_SECURITY_ERROR")

    def test_a1_valid_until_extended(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """A1: moving validUntil ten years later breaks the signature."""
        signed["validUntil"] = "2039-01-01T00:00:00Z"
        assert_fails(make_verifier(jsonld).verify(signed), "proof", "CRYPTOGRAPHIC_SECURITY_ERROR")

    def test_a1_status_list_index(
        self, jsonld: JsonLdProcessor, signed_with_status: dict[str, Any]
    ) -> None:
        """A1: pointing statusListIndex at another bit breaks the signature (no status lookup)."""
        signed_with_status["credentialStatus"]["statusListIndex"] = "12"
        checker = FixedStatus("passed")
        report = make_verifier(jsonld, status_checker=checker).verify(signed_with_status)
        assert_fails(report, "proof", "CRYPTOGRAPHIC_SECURITY_ERROR")
        assert checker.calls == 0


class TestA2StripProof:
    def test_a2_no_proof(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """A2: without a proof the credential is unsigned: proof fails, no 'display anyway'."""
        del signed["proof"]
        report = make_verifier(jsonld).verify(signed)
        check = assert_fails(report, "proof", "PROOF_VERIFICATION_ERROR")
        assert "no proof" in check.message
        assert report.outcome == "invalid"


class TestA3SyntacticNoise:
    def test_a3_reordered_escaped_whitespace_verifies(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any]
    ) -> None:
        """A3 (positive control): reordered keys, whitespace and \\u00e9 escapes still verify."""
        reordered = dict(reversed(list(signed.items())))
        data = json.dumps(reordered, indent="\t", ensure_ascii=True).encode("ascii")
        assert "\\u00c9" in data.decode("ascii")
        assert make_verifier(jsonld).verify(data).verified is True


class TestA4A5UndefinedAdditions:
    def test_a4_undefined_term(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """A4: an undefined term added after issuance is data outside the signed graph."""
        signed["credentialSubject"]["undefinedTerm"] = "IfDroppedWillVerify"
        report = make_verifier(jsonld).verify(signed)
        assert_fails(report, "proof", "DATA_LOSS_DETECTION_ERROR")

    def test_a5_undefined_type(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """A5: an undefined type value added after issuance is detected as data loss."""
        signed["type"].append("UndefinedType")
        report = make_verifier(jsonld).verify(signed)
        assert_fails(report, "proof", "DATA_LOSS_DETECTION_ERROR")


class TestA6A7RelativeIds:
    def test_a6_relative_credential_id(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any]
    ) -> None:
        """A6: a relative credential id (then an edit) is a malformed value, not 'valid'."""
        signed["id"] = "1234"
        signed["name"] = "X"
        report = make_verifier(jsonld).verify(signed)
        assert_fails(report, "schema", "MALFORMED_VALUE_ERROR")
        assert_fails(report, "proof")

    def test_a7_relative_recipient_id(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any]
    ) -> None:
        """A7: a relative credentialSubject.id is a malformed value."""
        signed["credentialSubject"]["id"] = "dddd"
        report = make_verifier(jsonld).verify(signed)
        assert_fails(report, "schema", "MALFORMED_VALUE_ERROR")
        assert_fails(report, "proof")


class TestA8AliasSwap:
    def test_a8_achievement_credential_alias_verifies(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any]
    ) -> None:
        """A8 (positive control): AchievementCredential is an alias; the same badge verifies."""
        signed["type"][1] = "AchievementCredential"
        report = make_verifier(jsonld).verify(signed)
        assert report.verified is True


class TestA10Aggregation:
    def test_a10_valid_signature_but_revoked(
        self, jsonld: JsonLdProcessor, signed_with_status: dict[str, Any]
    ) -> None:
        """A10: a valid signature with a revoked status is not verified (status failed)."""
        checker = FixedStatus("failed", "revoked")
        report = make_verifier(jsonld, status_checker=checker).verify(signed_with_status)
        proof = report.check("proof")
        assert proof is not None
        assert proof.status == "passed"
        assert_fails(report, "status")
        assert report.outcome == "invalid"

    def test_a10_valid_signature_but_expired(self, jsonld: JsonLdProcessor) -> None:
        """A10: a valid signature on an expired credential is not verified (expiration failed)."""
        credential = build_credential()
        credential["validUntil"] = "2026-02-01T00:00:00Z"
        report = make_verifier(jsonld).verify(sign(jsonld, credential))
        assert_fails(report, "expiration", "expired")
