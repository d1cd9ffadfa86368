"""CSV batches: parse a cohort file into batch rows, and write cells that spreadsheets won't run.

Columns (header required, names case-insensitive; spaces and hyphens read as ``_``)::

    achievement, outcome, complexity, recipient_email, recipient_name, recipient_did,
    assessor_name, assessor_email, lang, valid_until

``achievement`` and ``recipient_email`` are required columns; the others may be left out or
empty. ``valid_until`` is a date-time with a time zone or a plain ``YYYY-MM-DD`` date (the end
of that day, UTC). The file is UTF-8, with or without a byte order mark; the delimiter is
``,``, ``;`` (what spreadsheets write in most partner languages) or a tab, read from the header
line. Blank lines are skipped. Row numbers are spreadsheet row numbers: the header is row 1.
"""

from __future__ import annotations

import csv
import io
from typing import Any, Final

import msgspec

from common.errors import InvalidInputError
from common.timeutil import format_datetime
from registry.errors import BatchTooLargeError
from registry.schemas import BatchRow, CredentialIn, parse_valid_until

__all__ = ["CSV_COLUMNS", "REQUIRED_COLUMNS", "parse_csv", "safe_cell"]

CSV_COLUMNS: Final = (
    "achievement",
    "outcome",
    "complexity",
    "recipient_email",
    "recipient_name",
    "recipient_did",
    "assessor_name",
    "assessor_email",
    "lang",
    "valid_until",
)
REQUIRED_COLUMNS: Final = ("achievement", "recipient_email")

_PATHS: Final = {
    "$.achievement": "achievement",
    "$.outcome": "outcome",
    "$.complexity": "complexity",
    "$.recipient.email": "recipient_email",
    "$.recipient.name": "recipient_name",
    "$.recipient.did": "recipient_did",
    "$.assessor.name": "assessor_name",
    "$.assessor.email": "assessor_email",
    "$.lang": "lang",
    "$.validUntil": "valid_until",
}
_FIELDS: Final = {
    "recipient.email": "recipient_email",
    "recipient.name": "recipient_name",
    "recipient.did": "recipient_did",
    "assessor.name": "assessor_name",
    "assessor.email": "assessor_email",
}
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value: str) -> str:
    """``value`` made inert for spreadsheets: a leading ``= + - @`` or control gets a ``'``."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _column(name: str) -> str:
    return name.strip().lower().replace(" ", "_").replace("-", "_")


def _delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _header(cells: list[str]) -> list[str]:
    names = [_column(cell) for cell in cells]
    unknown = [n for n in names if n not in CSV_COLUMNS]
    if unknown:
        raise InvalidInputError(
            f"unknown CSV column(s) {', '.join(repr(n) for n in unknown)}; "
            f"the columns are: {', '.join(CSV_COLUMNS)}"
        )
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise InvalidInputError(f"CSV column(s) given twice: {', '.join(twice)}")
    missing = [n for n in REQUIRED_COLUMNS if n not in names]
    if missing:
        raise InvalidInputError(
            f"the CSV header lacks the required column(s): {', '.join(missing)}"
        )
    return names


def _when(value: str) -> str:
    """The CSV's ``valid_until`` read as the API reads ``validUntil`` (one rule)."""
    try:
        return format_datetime(parse_valid_until(value))
    except InvalidInputError:
        raise ValueError(
            "valid_until must be a date (2030-12-31) or a date-time with a time zone"
        ) from None


def _message(exc: msgspec.ValidationError) -> str:
    """The error in CSV terms: columns, not JSON paths or request fields."""
    text = str(exc)
    head, sep, path = text.rpartition(" - at `")
    if sep:
        path = path.rstrip("`")
        column = _PATHS.get(path)
        text = f"{head} (column {column})" if column else head
    for field, column in _FIELDS.items():
        text = text.replace(field, column)
    return text


def _request(values: dict[str, str]) -> CredentialIn:
    obj: dict[str, Any] = {"achievement": values.get("achievement")}
    recipient = {"email": values.get("recipient_email")}
    for column, key in (("recipient_name", "name"), ("recipient_did", "did")):
        if column in values:
            recipient[key] = values[column]
    obj["recipient"] = recipient
    for key in ("outcome", "complexity", "lang"):
        if key in values:
            obj[key] = values[key]
    if "valid_until" in values:
        obj["validUntil"] = _when(values["valid_until"])
    if "assessor_name" in values or "assessor_email" in values:
        assessor = {"name": values.get("assessor_name")}
        if "assessor_email" in values:
            assessor["email"] = values["assessor_email"]
        obj["assessor"] = {k: v for k, v in assessor.items() if v is not None}
    return msgspec.convert(obj, CredentialIn)


def _row(number: int, header: list[str], cells: list[str]) -> BatchRow:
    extra = [c for c in cells[len(header) :] if c.strip()]
    if extra:
        return BatchRow(
            row=number, errors=[f"the row has {len(cells)} fields; the header has {len(header)}"]
        )
    values = {}
    for name, cell in zip(header, cells, strict=False):
        cell = cell.strip()
        if cell:
            values[name] = cell
    for required in REQUIRED_COLUMNS:
        if required not in values:
            return BatchRow(row=number, errors=[f"{required} is empty"])
    if "assessor_email" in values and "assessor_name" not in values:
        return BatchRow(row=number, errors=["assessor_name is empty (needed with assessor_email)"])
    try:
        return BatchRow(row=number, request=_request(values))
    except msgspec.ValidationError as exc:
        return BatchRow(row=number, errors=[_message(exc)])
    except ValueError as exc:
        return BatchRow(row=number, errors=[str(exc)])


def parse_csv(data: bytes, *, max_items: int) -> list[BatchRow]:
    """Parse a CSV cohort file into rows (each either a request or its errors).

    Args:
        data: The file's bytes (UTF-8, optional BOM).
        max_items: Most credential rows accepted.

    Returns:
        One :class:`BatchRow` per non-blank row after the header, in file order.

    Raises:
        InvalidInputError: The file as a whole is unreadable: not UTF-8, NUL bytes, no header,
            unknown, repeated or missing required columns, broken quoting, or no rows.
        BatchTooLargeError: More than ``max_items`` rows (413).
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInputError(
            f'the CSV file is not UTF-8 (byte {exc.start}); save it as "CSV UTF-8"'
        ) from None
    if "\x00" in text:
        raise InvalidInputError("the CSV file contains NUL characters")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    header: list[str] | None = None
    rows: list[BatchRow] = []
    number = 0
    try:
        for cells in reader:
            number += 1
            if not any(cell.strip() for cell in cells):
                continue
            if header is None:
                header = _header(cells)
                continue
            if len(rows) >= max_items:
                raise BatchTooLargeError(f"a batch holds at most {max_items} credentials")
            rows.append(_row(number, header, cells))
    except csv.Error as exc:
        raise InvalidInputError(f"CSV row {number + 1}: {exc}") from None
    if header is None:
        raise InvalidInputError(f"the CSV file is empty; its header is: {','.join(CSV_COLUMNS)}")
    if not rows:
        raise InvalidInputError("the CSV file has a header but no rows")
    return rows
