"""Security catalogue group G: time tricks (G1-G6, G8, G9; G7 is in test_verifier_vc11.py).

The verifier's clock is injected (``make_verifier(now=...)``) and its tolerance is
:data:`verifier.service.DEFAULT_CLOCK_SKEW`, 60 s, for an issuer whose clock runs ahead
(issue 12, item 23): a credential is not yet valid when ``validFrom > now + 60 s`` and expired
as soon as ``validUntil < now`` (no tolerance at the end, as DCC). Every credential here is
re-signed after its dates are changed, so the proof passes and only the date checks decide. The
issuer side of G3, G8 and G10 is in tests/registry/test_credentials_api_time.py.

Dates must be ``xsd:dateTimeStamp`` (offset required, 4-digit years; VC DM 2.0 §4.9): every
other form, even one ``datetime.fromisoformat`` reads, is a failed check with
MALFORMED_VALUE_ERROR, never "no expiry" and never an exception (catalogue L18).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from verifier_support import (
    NOW,
    assert_fails,
    build_credential,
    default_options,
    make_verifier,
    proof_with_options,
    sign,
)

from common.jsonld import JsonLdProcessor
from common.timeutil import format_datetime
from verifier import VerificationReport
from verifier.problems import EXPIRED, INTERNAL_ERROR, MALFORMED_VALUE_ERROR, NOT_YET_VALID
from verifier.service import DEFAULT_CLOCK_SKEW


def _signed(jsonld: JsonLdProcessor, **dates: str | None) -> dict[str, Any]:
    """The base credential with ``dates`` set (``None`` removes the member), signed by T1."""
    credential = build_credential()
    for name, value in dates.items():
        if value is None:
            credential.pop(name, None)
        else:
            credential[name] = value
    return sign(jsonld, credential)


def _verify(
    jsonld: JsonLdProcessor, credential: dict[str, Any], now: datetime = NOW
) -> VerificationReport:
    report = make_verifier(jsonld, now=now).verify(credential)
    internal = [c.id for c in report.checks if c.problem and c.problem.type == INTERNAL_ERROR]
    assert internal == [], f"internal errors in {internal}"
    return report


def _at(delta: timedelta) -> str:
    return format_datetime(NOW + delta)


def test_i12_23_default_clock_skew_is_60_seconds() -> None:
    """Item 23: the documented tolerance (README, settings) is what the verifier uses: 60 s
    (was 300 s)."""
    assert timedelta(seconds=60) == DEFAULT_CLOCK_SKEW


class TestG1Expired:
    def test_i12_23_valid_until_one_second_ago_is_expired(self, jsonld: JsonLdProcessor) -> None:
        """Item 23: validUntil = now-1 s is expired: the skew never extends validity (it used
        to: 300 s of "valid" after validUntil while DCC said expired)."""
        credential = _signed(
            jsonld, validFrom=_at(-timedelta(days=1)), validUntil=_at(-timedelta(seconds=1))
        )
        report = _verify(jsonld, credential)
        assert_fails(report, "expiration", EXPIRED)
        proof = report.check("proof")
        assert proof is not None and proof.status == "passed"

    def test_g1_valid_until_six_minutes_ago_is_expired(self, jsonld: JsonLdProcessor) -> None:
        """validUntil = now-6 min is beyond the skew: expired, while the proof still verifies."""
        credential = _signed(
            jsonld, validFrom=_at(-timedelta(days=1)), validUntil=_at(-timedelta(minutes=6))
        )
        report = _verify(jsonld, credential)
        assert_fails(report, "expiration", EXPIRED)
        proof = report.check("proof")
        assert proof is not None and proof.status == "passed"
        not_before = report.check("not_before")
        assert not_before is not None and not_before.status == "passed"


class TestG2NotYetValid:
    def test_g2_valid_from_tomorrow_is_not_yet_valid(self, jsonld: JsonLdProcessor) -> None:
        """validFrom = now+1 d: not_before fails (not-yet-valid), expiration passes: distinct."""
        credential = _signed(
            jsonld, validFrom=_at(timedelta(days=1)), validUntil=_at(timedelta(days=30))
        )
        report = _verify(jsonld, credential)
        assert_fails(report, "not_before", NOT_YET_VALID)
        expiration = report.check("expiration")
        assert expiration is not None and expiration.status == "passed"
        proof = report.check("proof")
        assert proof is not None and proof.status == "passed"


class TestG3Inverted:
    def test_g3_valid_from_after_valid_until_is_malformed(self, jsonld: JsonLdProcessor) -> None:
        """validFrom (yesterday) > validUntil (two days ago): schema MALFORMED_VALUE_ERROR."""
        credential = _signed(
            jsonld, validFrom=_at(-timedelta(days=1)), validUntil=_at(-timedelta(days=2))
        )
        check = assert_fails(_verify(jsonld, credential), "schema", MALFORMED_VALUE_ERROR)
        assert "earlier than validFrom" in check.message

    def test_g3_inverted_period_in_the_future_is_malformed(self, jsonld: JsonLdProcessor) -> None:
        """Inverted but with both dates ahead: still MALFORMED (not merely not-yet-valid)."""
        credential = _signed(
            jsonld, validFrom=_at(timedelta(days=10)), validUntil=_at(timedelta(days=5))
        )
        assert_fails(_verify(jsonld, credential), "schema", MALFORMED_VALUE_ERROR)


class TestG4NoOffset:
    def test_g4_valid_until_without_offset_is_a_failed_check(self, jsonld: JsonLdProcessor) -> None:
        """``validUntil: "2030-01-01T00:00:00"`` (no offset).

        Our policy: VC DM 2.0 requires ``xsd:dateTimeStamp``, which has a mandatory offset, so
        the verifier does not guess UTC for credential dates: the expiration check fails with
        MALFORMED_VALUE_ERROR (the catalogue allows this in place of "treated as UTC"). It is
        never a naive/aware comparison TypeError (an internal error) and never "no expiry".
        """
        credential = _signed(jsonld, validUntil="2030-01-01T00:00:00")
        report = _verify(jsonld, credential)
        assert_fails(report, "expiration", MALFORMED_VALUE_ERROR)

    def test_g4_proof_created_without_offset_is_deterministic(
        self, jsonld: JsonLdProcessor
    ) -> None:
        """``proof.created`` without Z, validly signed over those options.

        Data Integrity says a created value without offset is "interpreted as UTC"; our
        verifier treats it the same on every run and never raises: the proof fails with
        MALFORMED_VALUE_ERROR (proof dates must be dateTimeStamps, with an offset). The issuer
        always emits Z (keys.cryptosuite / common.timeutil.format_datetime).
        """
        credential = build_credential()
        options = {**default_options(), "created": "2026-01-01T09:30:00"}
        credential["proof"] = [proof_with_options(jsonld, credential, options)]
        first = _verify(jsonld, credential)
        second = _verify(jsonld, credential)
        proof = first.check("proof")
        assert proof is not None
        again = second.check("proof")
        assert again is not None and (again.status, again.message) == (proof.status, proof.message)
        assert proof.status == "failed" and proof.problem is not None
        assert proof.problem.type == MALFORMED_VALUE_ERROR


class TestG5XsdButNotPython:
    def test_g5_hour_24_is_malformed_never_no_expiry(self, jsonld: JsonLdProcessor) -> None:
        """``2024-03-26T24:00:00Z`` (XSD end-of-day): we read 4-digit, 00-23 hour stamps only;
        a failed check with MALFORMED_VALUE_ERROR, deterministic, never "no expiry"."""
        credential = _signed(jsonld, validUntil="2024-03-26T24:00:00Z")
        check = assert_fails(_verify(jsonld, credential), "expiration", MALFORMED_VALUE_ERROR)
        assert "no expiry" not in check.message

    def test_g5_five_digit_year_is_malformed_never_no_expiry(self, jsonld: JsonLdProcessor) -> None:
        """``99999-01-01T00:00:00Z``: beyond Python's datetime: MALFORMED_VALUE_ERROR."""
        credential = _signed(jsonld, validUntil="99999-01-01T00:00:00Z")
        check = assert_fails(_verify(jsonld, credential), "expiration", MALFORMED_VALUE_ERROR)
        assert "no expiry" not in check.message

    def test_g5_negative_year_is_malformed_never_no_expiry(self, jsonld: JsonLdProcessor) -> None:
        """``-9999-01-01T00:00:00Z``: a year before 1: MALFORMED_VALUE_ERROR, not "expired
        long ago" computed on a wrapped value and not an exception."""
        credential = _signed(jsonld, validUntil="-9999-01-01T00:00:00Z")
        check = assert_fails(_verify(jsonld, credential), "expiration", MALFORMED_VALUE_ERROR)
        assert "no expiry" not in check.message

    def test_g5_negative_year_valid_from_is_malformed(self, jsonld: JsonLdProcessor) -> None:
        """The same for validFrom: the not_before check fails with MALFORMED_VALUE_ERROR."""
        credential = _signed(jsonld, validFrom="-0001-01-01T00:00:00Z")
        assert_fails(_verify(jsonld, credential), "not_before", MALFORMED_VALUE_ERROR)


class TestG6PythonButNotXsd:
    """Each form ``datetime.fromisoformat`` (3.11) reads but XSD dateTimeStamp does not."""

    def _assert_malformed(self, jsonld: JsonLdProcessor, value: str) -> None:
        credential = _signed(jsonld, validUntil=value)
        assert_fails(_verify(jsonld, credential), "expiration", MALFORMED_VALUE_ERROR)

    def test_g6_date_only_is_malformed(self, jsonld: JsonLdProcessor) -> None:
        """``2024-01-01``: a date, no time and no offset."""
        self._assert_malformed(jsonld, "2024-01-01")

    def test_g6_basic_format_is_malformed(self, jsonld: JsonLdProcessor) -> None:
        """``20240101T000000Z``: ISO 8601 basic format."""
        self._assert_malformed(jsonld, "20240101T000000Z")

    def test_g6_space_separator_is_malformed(self, jsonld: JsonLdProcessor) -> None:
        """``2024-01-01 00:00:00Z``: a space in place of ``T``."""
        self._assert_malformed(jsonld, "2024-01-01 00:00:00Z")

    def test_g6_week_date_is_malformed(self, jsonld: JsonLdProcessor) -> None:
        """``2024-W01-1T00:00Z``: an ISO week date."""
        self._assert_malformed(jsonld, "2024-W01-1T00:00Z")

    def test_g6_lowercase_t_and_z_is_malformed(self, jsonld: JsonLdProcessor) -> None:
        """``2024-01-01t00:00:00z``: lowercase designators."""
        self._assert_malformed(jsonld, "2024-01-01t00:00:00z")

    def test_g6_trailing_newline_is_malformed(self, jsonld: JsonLdProcessor) -> None:
        """``2030-01-01T00:00:00Z\\n``: a regular expression ending in ``$`` would accept it."""
        self._assert_malformed(jsonld, "2030-01-01T00:00:00Z\n")

    def test_g6_valid_from_date_only_is_malformed(self, jsonld: JsonLdProcessor) -> None:
        """The same rule for validFrom (not_before check)."""
        credential = _signed(jsonld, validFrom="2024-01-01")
        assert_fails(_verify(jsonld, credential), "not_before", MALFORMED_VALUE_ERROR)


class TestG8FarFuture:
    def test_g8_valid_until_year_9999_verifies(self, jsonld: JsonLdProcessor) -> None:
        """``9999-12-31T23:59:59Z`` is a valid far-future expiry: verified, no overflow."""
        credential = _signed(jsonld, validUntil="9999-12-31T23:59:59Z")
        report = _verify(jsonld, credential)
        assert report.verified, [(c.id, c.message) for c in report.checks]

    def test_g8_valid_until_year_9999_with_negative_offset_verifies(
        self, jsonld: JsonLdProcessor
    ) -> None:
        """``9999-12-31T23:59:59-14:00`` is past datetime.max in UTC; still compared safely."""
        credential = _signed(jsonld, validUntil="9999-12-31T23:59:59-14:00")
        report = _verify(jsonld, credential)
        assert report.verified, [(c.id, c.message) for c in report.checks]


class TestG9ClockSkew:
    """The verifier's clock moved against fixed credential dates: 60 s of tolerance before
    ``validFrom`` (the issuer's clock ahead), none after ``validUntil`` (item 23)."""

    @pytest.fixture
    def around_now(self, jsonld: JsonLdProcessor) -> dict[str, Any]:
        """validFrom = validUntil - 1 d, validUntil = NOW (so both edges can be probed)."""
        return _signed(jsonld, validFrom=_at(-timedelta(days=1)), validUntil=_at(timedelta(0)))

    @pytest.fixture
    def starts_now(self, jsonld: JsonLdProcessor) -> dict[str, Any]:
        """validFrom = NOW, validUntil = NOW + 1 d."""
        return _signed(jsonld, validFrom=_at(timedelta(0)), validUntil=_at(timedelta(days=1)))

    def test_g9_clock_ten_minutes_ahead_sees_expired(
        self, jsonld: JsonLdProcessor, around_now: dict[str, Any]
    ) -> None:
        """Clock +10 min after validUntil: expired."""
        report = _verify(jsonld, around_now, NOW + timedelta(minutes=10))
        assert_fails(report, "expiration", EXPIRED)

    def test_i12_23_clock_at_valid_until_is_valid(
        self, jsonld: JsonLdProcessor, around_now: dict[str, Any]
    ) -> None:
        """Item 23: the clock exactly at validUntil: the last valid instant."""
        report = _verify(jsonld, around_now, NOW)
        assert report.verified, [(c.id, c.message) for c in report.checks]

    def test_i12_23_clock_ahead_by_less_than_the_skew_is_expired(
        self, jsonld: JsonLdProcessor, around_now: dict[str, Any]
    ) -> None:
        """Item 23: the clock 1 s, and the skew minus 1 s, after validUntil: expired."""
        for delta in (timedelta(seconds=1), DEFAULT_CLOCK_SKEW - timedelta(seconds=1)):
            report = _verify(jsonld, around_now, NOW + delta)
            assert_fails(report, "expiration", EXPIRED)

    def test_g9_clock_ten_minutes_behind_sees_not_yet_valid(
        self, jsonld: JsonLdProcessor, starts_now: dict[str, Any]
    ) -> None:
        """Clock -10 min before validFrom: beyond the 60 s skew → not yet valid."""
        report = _verify(jsonld, starts_now, NOW - timedelta(minutes=10))
        assert_fails(report, "not_before", NOT_YET_VALID)

    def test_g9_clock_behind_by_exactly_the_skew_is_valid(
        self, jsonld: JsonLdProcessor, starts_now: dict[str, Any]
    ) -> None:
        """Clock -60 s before validFrom (the issuer's clock ahead by the skew): valid."""
        report = _verify(jsonld, starts_now, NOW - DEFAULT_CLOCK_SKEW)
        assert report.verified, [(c.id, c.message) for c in report.checks]

    def test_g9_clock_behind_by_the_skew_plus_one_second_is_not_yet_valid(
        self, jsonld: JsonLdProcessor, starts_now: dict[str, Any]
    ) -> None:
        """Clock -61 s before validFrom: just outside, not yet valid."""
        report = _verify(jsonld, starts_now, NOW - DEFAULT_CLOCK_SKEW - timedelta(seconds=1))
        assert_fails(report, "not_before", NOT_YET_VALID)
