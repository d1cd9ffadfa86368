"""The report: fail-closed verdict, outcome, wire format (verifier.report)."""

from __future__ import annotations

import msgspec

from verifier import CHECK_IDS, Check, CredentialSummary, Problem, VerificationReport


def _checks(**statuses: str) -> list[Check]:
    """One check per id, passed unless ``statuses`` says otherwise."""
    return [
        Check(id=check_id, status=statuses.get(check_id, "passed"), message="m")  # type: ignore[arg-type]
        for check_id in CHECK_IDS
    ]


class TestVerdict:
    def test_all_passed_is_verified(self) -> None:
        """Every check passed: verified, outcome valid."""
        report = VerificationReport.from_checks(_checks())
        assert report.verified is True
        assert report.outcome == "valid"

    def test_skipped_status_is_allowed(self) -> None:
        """A skipped status check (no status information) does not prevent verification."""
        report = VerificationReport.from_checks(_checks(status="skipped"))
        assert report.verified is True

    def test_skipped_proof_is_not_verified(self) -> None:
        """Any other skipped check means the credential was not fully verified."""
        report = VerificationReport.from_checks(_checks(proof="skipped"))
        assert report.verified is False
        assert report.outcome == "indeterminate"

    def test_failed_check_is_invalid(self) -> None:
        """A failed check makes the report unverified and the outcome invalid."""
        report = VerificationReport.from_checks(_checks(expiration="failed"))
        assert report.verified is False
        assert report.outcome == "invalid"

    def test_error_check_is_indeterminate(self) -> None:
        """An errored check (no failure) is unverified and indeterminate."""
        report = VerificationReport.from_checks(_checks(status="error"))
        assert report.verified is False
        assert report.outcome == "indeterminate"

    def test_failed_wins_over_error(self) -> None:
        """A failure anywhere makes the outcome invalid even when another check errored."""
        report = VerificationReport.from_checks(_checks(proof="error", not_before="failed"))
        assert report.outcome == "invalid"

    def test_missing_check_is_not_verified(self) -> None:
        """A report lacking one of the check ids is not verified (fail closed)."""
        checks = [check for check in _checks() if check.id != "issuer"]
        assert VerificationReport.from_checks(checks).verified is False

    def test_check_lookup(self) -> None:
        """report.check(id) finds a check by id, None for an unknown id."""
        report = VerificationReport.from_checks(_checks(type="failed"))
        found = report.check("type")
        assert found is not None
        assert found.status == "failed"
        assert report.check("nope") is None


class TestWireFormat:
    def test_summary_members_are_camel_case(self) -> None:
        """The summary is encoded with camelCase member names."""
        summary = CredentialSummary(
            id="urn:uuid:1",
            issuer_id="did:key:z",
            valid_from="2026-01-01T00:00:00Z",
            achievement_name="Teamwork",
        )
        report = VerificationReport.from_checks(_checks(), summary)
        wire = msgspec.json.decode(msgspec.json.encode(report))
        assert wire["credential"]["issuerId"] == "did:key:z"
        assert wire["credential"]["validFrom"] == "2026-01-01T00:00:00Z"
        assert wire["credential"]["achievementName"] == "Teamwork"
        assert wire["verified"] is True

    def test_problem_is_encoded(self) -> None:
        """A check's problem is encoded with type, title and detail."""
        problem = Problem(type="urn:leverup:problem:x", title="T", detail="D")
        check = Check(id="proof", status="failed", message="m", problem=problem)
        wire = msgspec.json.decode(msgspec.json.encode(check))
        assert wire["problem"] == {"type": "urn:leverup:problem:x", "title": "T", "detail": "D"}
