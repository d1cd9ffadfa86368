"""Dates as the credential formats want them.

VC 2.0 and OB 3.0 use ``xsd:dateTimeStamp``: a date-time *with* a time-zone offset. We emit whole
seconds in UTC (``2025-01-01T00:00:00Z``) and parse strictly, because ``datetime.fromisoformat``
accepts forms (naive times, week dates, a space separator) that other verifiers reject.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta, timezone

__all__ = [
    "format_datetime",
    "parse_date_or_stamp",
    "parse_datetime_stamp",
    "parse_whole_seconds",
    "utcnow",
]

# XML Schema 1.1 dateTimeStamp (VC DM 2.0 §4.9 regular expression, restricted to 4-digit years).
_DATETIME_STAMP = re.compile(
    r"^(?P<y>-?[0-9]{4})-(?P<mo>1[0-2]|0[1-9])-(?P<d>3[01]|0[1-9]|[12][0-9])"
    r"T(?P<h>2[0-3]|[01][0-9]):(?P<mi>[0-5][0-9]):(?P<s>[0-5][0-9])(?P<f>\.[0-9]+)?"
    r"(?P<tz>Z|[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00))$"
)


def utcnow() -> datetime:
    """The current time in UTC, truncated to whole seconds."""
    return datetime.now(UTC).replace(microsecond=0)


def format_datetime(value: datetime) -> str:
    """Format an aware datetime as ``YYYY-MM-DDThh:mm:ssZ`` in UTC, whole seconds.

    Raises:
        ValueError: if ``value`` is naive.
    """
    if value.tzinfo is None:
        raise ValueError("a naive datetime has no place in a credential")
    return value.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_datetime_stamp(value: str) -> datetime:
    """Parse an ``xsd:dateTimeStamp`` (offset required) into an aware datetime.

    Fractions beyond microseconds are truncated (only for comparison; signed values are never
    re-serialised).

    Raises:
        ValueError: if ``value`` is not a dateTimeStamp.
    """
    # fullmatch: with match, the final "$" would also accept a trailing newline (catalogue G6).
    match = _DATETIME_STAMP.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f"not an xsd:dateTimeStamp with a time zone: {value!r}")
    year = int(match["y"])
    if year < 1:
        raise ValueError(f"year out of range: {value!r}")
    fraction = match["f"] or ""
    micro = int((fraction[1:] + "000000")[:6]) if fraction else 0
    tz = match["tz"]
    if tz == "Z":
        tzinfo = UTC
    else:
        sign = 1 if tz[0] == "+" else -1
        tzinfo = timezone(sign * timedelta(hours=int(tz[1:3]), minutes=int(tz[4:6])))
    return datetime(
        year,
        int(match["mo"]),
        int(match["d"]),
        int(match["h"]),
        int(match["mi"]),
        int(match["s"]),
        micro,
        tzinfo=tzinfo,
    )


def parse_whole_seconds(value: str) -> datetime:
    """Parse an ``xsd:dateTimeStamp`` that states whole seconds (no fraction).

    What a request asks the issuer to sign: a fraction would be dropped or rounded on the way
    (catalogue G10), so it is refused instead.

    Raises:
        ValueError: if ``value`` is not a dateTimeStamp or has a fraction of a second.
    """
    parsed = parse_datetime_stamp(value)
    match = _DATETIME_STAMP.fullmatch(value)
    if match is not None and match["f"]:
        raise ValueError(f"not whole seconds: {value!r}")
    return parsed


def parse_date_or_stamp(value: str, *, end_of_day: bool) -> datetime:
    """A ``dateTimeStamp``, or a plain date ``YYYY-MM-DD`` taken as the start of that day in UTC
    (or, with ``end_of_day``, its last second): how people give a search bound or an expiry.

    Raises:
        ValueError: if ``value`` is neither.
    """
    try:
        return parse_datetime_stamp(value)
    except ValueError:
        pass
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise ValueError(f"not a date or a date-time with a time zone: {value!r:.40}") from None
    return datetime.combine(day, time(23, 59, 59) if end_of_day else time(0), tzinfo=UTC)
