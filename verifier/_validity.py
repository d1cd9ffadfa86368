"""The ``not_before`` and ``expiration`` checks (``validFrom`` / ``validUntil``, VC DM 2.0 §4.9).

Dates are compared as instants, never as strings, with a tolerance of ``clock_skew`` in favour of
the credential (the verifier's default is 300 s, as in digitalbazaar's verifiers): a credential
is not yet valid when ``validFrom > now + skew`` and expired when ``validUntil < now - skew``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from common.timeutil import parse_datetime_stamp
from verifier._util import failed, passed, quote
from verifier.problems import EXPIRED, MALFORMED_VALUE_ERROR, NOT_YET_VALID
from verifier.report import Check

__all__ = ["check_expiration", "check_not_before"]


def _instant(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return parse_datetime_stamp(value)
    except ValueError:
        return None


def check_not_before(document: dict[str, Any], now: datetime, skew: timedelta) -> Check:
    """Run the ``not_before`` check: ``validFrom`` is not in the future."""
    if "validFrom" not in document:
        return failed("not_before", MALFORMED_VALUE_ERROR, "the credential has no validFrom")
    value = document["validFrom"]
    valid_from = _instant(value)
    if valid_from is None:
        return failed(
            "not_before",
            MALFORMED_VALUE_ERROR,
            f"validFrom {quote(value)} is not an xsd:dateTimeStamp (with time zone)",
        )
    if valid_from > now + skew:
        return failed("not_before", NOT_YET_VALID, f"not valid before {value}")
    return passed("not_before", f"valid from {value}")


def check_expiration(document: dict[str, Any], now: datetime, skew: timedelta) -> Check:
    """Run the ``expiration`` check: ``validUntil``, when present, has not passed."""
    if "validUntil" not in document:
        return passed("expiration", "no expiry")
    value = document["validUntil"]
    valid_until = _instant(value)
    if valid_until is None:
        return failed(
            "expiration",
            MALFORMED_VALUE_ERROR,
            f"validUntil {quote(value)} is not an xsd:dateTimeStamp (with time zone)",
        )
    if valid_until < now - skew:
        return failed("expiration", EXPIRED, f"expired on {value}")
    return passed("expiration", f"valid until {value}")
