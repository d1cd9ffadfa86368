"""CSV cohorts: columns, encodings, delimiters, row numbers, and inert cells for spreadsheets."""

from __future__ import annotations

import pytest

from common.errors import InvalidInputError
from registry.credentials._csv import CSV_COLUMNS, parse_csv, safe_cell
from registry.errors import BatchTooLargeError

HEADER = "achievement,outcome,complexity,recipient_email,recipient_name"
ROW = "teamwork,basic,low,ada@example.org,Ada"


def _parse(text: str, *, max_items: int = 100) -> list:  # type: ignore[type-arg]
    return parse_csv(text.encode("utf-8"), max_items=max_items)


class TestReading:
    def test_rows_become_requests(self) -> None:
        """Each data row becomes a request with the recipient's fields."""
        rows = _parse(f"{HEADER}\n{ROW}\n")
        request = rows[0].request
        assert rows[0].row == 2
        assert (request.achievement, request.outcome, request.complexity) == (
            "teamwork",
            "basic",
            "low",
        )
        assert (request.recipient.email, request.recipient.name) == ("ada@example.org", "Ada")

    def test_every_documented_column_is_read(self) -> None:
        """All ten columns map to the request (assessor, DID, language, expiry)."""
        header = ",".join(CSV_COLUMNS)
        row = (
            "teamwork,expert,high,ada@example.org,Ada,did:key:z6MkExample,Maria Rossi,"
            "maria@example.org,nl,2031-06-30T12:00:00+02:00"
        )
        request = _parse(f"{header}\n{row}\n")[0].request
        assert request.recipient.did == "did:key:z6MkExample"
        assert request.assessor is not None
        assert (request.assessor.name, request.assessor.email) == (
            "Maria Rossi",
            "maria@example.org",
        )
        assert request.lang == "nl"
        assert request.valid_until == "2031-06-30T10:00:00Z"

    def test_byte_order_mark_is_ignored(self) -> None:
        """UTF-8 with a BOM (as spreadsheets save it) reads like without."""
        rows = parse_csv(("\ufeff" + f"{HEADER}\n{ROW}\n").encode(), max_items=10)
        assert rows[0].request is not None

    @pytest.mark.parametrize("delimiter", [";", "\t"], ids=["semicolon", "tab"])
    def test_semicolon_and_tab_delimiters_are_detected(self, delimiter: str) -> None:
        """Semicolon (European spreadsheets) and tab files are read from their header."""
        text = f"{HEADER}\n{ROW}\n".replace(",", delimiter)
        assert _parse(text)[0].request is not None

    def test_header_names_are_forgiving(self) -> None:
        """Header names ignore case, surrounding spaces, and read spaces or hyphens as '_'."""
        rows = _parse(f" Achievement ,OUTCOME,Complexity,Recipient Email,recipient-name\n{ROW}\n")
        assert rows[0].request is not None

    def test_blank_lines_are_skipped_and_rows_keep_their_numbers(self) -> None:
        """Row numbers are spreadsheet rows: blank lines count, the header is row 1."""
        rows = _parse(f"{HEADER}\n\n{ROW}\n,,,,\n{ROW}\n")
        assert [r.row for r in rows] == [3, 5]

    def test_quoted_multiline_cell_is_one_row(self) -> None:
        """A quoted cell across lines belongs to one row (the next row is numbered after it)."""
        rows = _parse(f'{HEADER}\nteamwork,basic,low,a@example.org,"Ada\nLovelace"\n{ROW}\n')
        assert [r.row for r in rows] == [2, 3]
        assert rows[0].errors == ["recipient_name must not contain control characters"]

    def test_plain_date_means_the_end_of_that_day(self) -> None:
        """valid_until 2030-12-31 is 2030-12-31T23:59:59Z."""
        rows = _parse(f"{HEADER},valid_until\n{ROW},2030-12-31\n")
        assert rows[0].request.valid_until == "2030-12-31T23:59:59Z"

    def test_trailing_empty_cells_are_allowed(self) -> None:
        """Extra empty cells (spreadsheets pad rows) are not an error."""
        assert _parse(f"{HEADER}\n{ROW},,\n")[0].request is not None

    def test_optional_columns_may_be_absent(self) -> None:
        """Only achievement and recipient_email are required columns."""
        rows = _parse("recipient_email,achievement\nada@example.org,tutor\n")
        assert rows[0].request is not None
        assert rows[0].request.outcome is None


class TestRowErrors:
    def test_empty_required_cell(self) -> None:
        """An empty recipient_email is that row's error."""
        rows = _parse(f"{HEADER}\nteamwork,basic,low,,Ada\n")
        assert rows[0].errors == ["recipient_email is empty"]

    def test_invalid_email_names_the_column(self) -> None:
        """A schema error names the CSV column, not a JSON path."""
        rows = _parse(f"{HEADER}\nteamwork,basic,low,not-an-address,Ada\n")
        assert rows[0].errors == ["recipient_email is not an e-mail address"]

    def test_too_long_value_names_the_column(self) -> None:
        """A length limit error names the column."""
        rows = _parse(f"{HEADER}\nteamwork,basic,low,ada@example.org,{'x' * 201}\n")
        assert rows[0].errors[0].endswith("(column recipient_name)")

    def test_invalid_date(self) -> None:
        """A valid_until that is neither a date nor a date-time is that row's error."""
        rows = _parse(f"{HEADER},valid_until\n{ROW},31/12/2030\n")
        assert "valid_until must be a date" in rows[0].errors[0]

    def test_g10_fractional_seconds_are_that_rows_error(self) -> None:
        """valid_until with a fraction of a second is refused, never rounded (catalogue G10)."""
        rows = _parse(f"{HEADER},valid_until\n{ROW},2030-12-31T10:00:00.5Z\n")
        assert "valid_until must be a date" in rows[0].errors[0]

    def test_assessor_email_without_name(self) -> None:
        """An assessor e-mail needs the assessor's name."""
        rows = _parse(f"{HEADER},assessor_email\n{ROW},maria@example.org\n")
        assert rows[0].errors == ["assessor_name is empty (needed with assessor_email)"]

    def test_too_many_fields(self) -> None:
        """A row with more non-empty cells than the header has columns is refused."""
        rows = _parse(f"{HEADER}\n{ROW},surplus\n")
        assert rows[0].errors == ["the row has 6 fields; the header has 5"]

    def test_good_rows_around_a_bad_one_are_still_read(self) -> None:
        """Errors stay with their row; the other rows parse."""
        rows = _parse(f"{HEADER}\n{ROW}\nteamwork,basic,low,,Ada\n{ROW}\n")
        assert [bool(r.errors) for r in rows] == [False, True, False]


class TestFileErrors:
    def test_not_utf8(self) -> None:
        """A Latin-1 file is refused with a hint to save as CSV UTF-8."""
        data = f"{HEADER}\n{ROW[:-3]}Zoë\n".encode("latin-1")
        with pytest.raises(InvalidInputError, match="not UTF-8"):
            parse_csv(data, max_items=10)

    def test_nul_bytes(self) -> None:
        """NUL characters refuse the file (no NUL ever reaches signing or the database)."""
        with pytest.raises(InvalidInputError, match="NUL"):
            _parse(f"{HEADER}\n{ROW}\x00\n")

    def test_empty_file(self) -> None:
        """A file without a header is refused, naming the columns."""
        with pytest.raises(InvalidInputError, match="empty"):
            _parse("\n\n")

    def test_header_only(self) -> None:
        """A header without rows is refused."""
        with pytest.raises(InvalidInputError, match="no rows"):
            _parse(f"{HEADER}\n")

    def test_unknown_column(self) -> None:
        """An unknown column is refused (no silently ignored data)."""
        with pytest.raises(InvalidInputError, match="unknown CSV column"):
            _parse(f"{HEADER},shoe_size\n{ROW},44\n")

    def test_repeated_column(self) -> None:
        """A column given twice is refused."""
        with pytest.raises(InvalidInputError, match="given twice"):
            _parse(f"{HEADER},outcome\n{ROW},expert\n")

    def test_missing_required_column(self) -> None:
        """A header without recipient_email is refused."""
        with pytest.raises(InvalidInputError, match="recipient_email"):
            _parse("achievement,outcome\nteamwork,basic\n")

    def test_unterminated_quote(self) -> None:
        """Broken quoting is refused with the row it starts in."""
        with pytest.raises(InvalidInputError, match="CSV row 2"):
            _parse(f'{HEADER}\nteamwork,basic,low,a@example.org,"Ada\n')

    def test_too_many_rows(self) -> None:
        """More rows than allowed is a 413, before the rest is read."""
        with pytest.raises(BatchTooLargeError):
            _parse(f"{HEADER}\n{ROW}\n{ROW}\n{ROW}\n", max_items=2)


class TestSafeCell:
    @pytest.mark.parametrize(
        "value",
        ['=HYPERLINK("x")', "+1", "-1", "@SUM(A1)", "\tx", "\rx"],
        ids=["equals", "plus", "minus", "at", "tab", "carriage-return"],
    )
    def test_formula_starts_are_neutralised(self, value: str) -> None:
        """Cells a spreadsheet would evaluate get a leading apostrophe."""
        assert safe_cell(value) == "'" + value

    def test_plain_values_are_unchanged(self) -> None:
        """Ordinary values stay as they are."""
        assert safe_cell("ada@example.org") == "ada@example.org"
