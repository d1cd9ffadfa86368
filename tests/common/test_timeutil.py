"""common.timeutil.parse_date_or_stamp: the one reading of "a date or a date-time" (search
bounds in the API, expiry in the CLI)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from common.timeutil import parse_date_or_stamp


def test_a_plain_date_is_its_first_or_last_second_in_utc() -> None:
    assert parse_date_or_stamp("2026-01-31", end_of_day=False) == datetime(2026, 1, 31, tzinfo=UTC)
    assert parse_date_or_stamp("2026-01-31", end_of_day=True) == datetime(
        2026, 1, 31, 23, 59, 59, tzinfo=UTC
    )


def test_a_date_time_keeps_its_offset_whatever_end_of_day_says() -> None:
    parsed = parse_date_or_stamp("2026-01-31T10:00:00+02:00", end_of_day=True)
    assert parsed == datetime(2026, 1, 31, 10, tzinfo=timezone(timedelta(hours=2)))


@pytest.mark.parametrize("value", ["", "2026-01-31T10:00:00", "31/01/2026", "2026-02-30", "today"])
def test_anything_else_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match="not a date"):
        parse_date_or_stamp(value, end_of_day=False)
