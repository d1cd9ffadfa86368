"""The ``not_before`` and ``expiration`` checks (``validFrom`` / ``validUntil``, VC DM 2.0 §4.9).

A VC 1.1 credential (:func:`verifier._envelope.is_vc_v1`) states ``issuanceDate`` and
``expirationDate`` instead, and only there are they read: a VC 2.0 document's
``expirationDate`` is never a fallback for ``validUntil`` (catalogue G7).

Dates are compared as instants, never as strings. The tolerance ``clock_skew`` (default
:data:`DEFAULT_CLOCK_SKEW`, 60 s) covers only an issuer whose clock runs ahead of ours: a
credential is not yet valid when ``validFrom > now + skew``. The end of validity has no
tolerance: a credential is expired as soon as ``validUntil < now`` (issue 12, item 23; what
DCC's verifier says, and what the holder was told).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Final

from common.timeutil import parse_datetime_stamp
from verifier._envelope import date_members
from verifier._util import failed, passed, quote
from verifier.problems import EXPIRED, MALFORMED_VALUE_ERROR, NOT_YET_VALID
from verifier.report import Check

__all__ = ["DEFAULT_CLOCK_SKEW", "check_expiration", "check_not_before"]

DEFAULT_CLOCK_SKEW: Final = timedelta(seconds=60)
"""How far ahead of ours an issuer's clock may run: applied to ``validFrom`` (and to a proof's
``created``, a JWT's ``iat``, a status list's ``validFrom``), never to the end of validity."""


def _instant(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return parse_datetime_stamp(value)
    except ValueError:
        return None


def check_not_before(document: dict[str, Any], now: datetime, skew: timedelta) -> Check:
    """Run the ``not_before`` check: ``validFrom`` (VC 1.1: ``issuanceDate``) is not future."""
    name, _ = date_members(document)
    if name not in document:
        return failed("not_before", MALFORMED_VALUE_ERROR, f"the credential has no {name}")
    value = document[name]
    valid_from = _instant(value)
    if valid_from is None:
        return failed(
            "not_before",
            MALFORMED_VALUE_ERROR,
            f"{name} {quote(value)} is not an xsd:dateTimeStamp (with time zone)",
        )
    if valid_from > now + skew:
        return failed("not_before", NOT_YET_VALID, f"not valid before {value}")
    return passed("not_before", f"valid from {value}")


def check_expiration(document: dict[str, Any], now: datetime) -> Check:
    """Run the ``expiration`` check: ``validUntil`` (VC 1.1: ``expirationDate``) has not passed
    (no clock tolerance: see the module docstring)."""
    _, name = date_members(document)
    if name not in document:
        return passed("expiration", "no expiry")
    value = document[name]
    valid_until = _instant(value)
    if valid_until is None:
        return failed(
            "expiration",
            MALFORMED_VALUE_ERROR,
            f"{name} {quote(value)} is not an xsd:dateTimeStamp (with time zone)",
        )
    if valid_until < now:
        return failed("expiration", EXPIRED, f"expired on {value}")
    return passed("expiration", f"valid until {value}")
