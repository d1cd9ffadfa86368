"""The parse check: what input is accepted as a credential (verifier._parse via Verifier)."""

from __future__ import annotations

import json
from types import MappingProxyType
from typing import Any

from verifier_support import assert_fails, make_verifier

from common.jsonld import JsonLdProcessor
from verifier import CHECK_IDS, VerificationReport

MIB = 1_048_576


def _verify(jsonld: JsonLdProcessor, data: Any) -> VerificationReport:
    return make_verifier(jsonld).verify(data)


class TestAcceptedInputs:
    def test_bytes(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """UTF-8 JSON bytes of a valid credential verify."""
        assert _verify(jsonld, json.dumps(signed).encode("utf-8")).verified is True

    def test_text(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """JSON text of a valid credential verifies."""
        assert _verify(jsonld, json.dumps(signed, ensure_ascii=False)).verified is True

    def test_mapping(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """A decoded mapping (even a read-only one) verifies."""
        assert _verify(jsonld, MappingProxyType(signed)).verified is True

    def test_every_check_is_reported_in_order(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any]
    ) -> None:
        """The report lists each check id once, in the documented order."""
        report = _verify(jsonld, signed)
        assert [check.id for check in report.checks] == list(CHECK_IDS)


class TestRefusedInputs:
    def test_bytes_over_one_mebibyte(self, jsonld: JsonLdProcessor) -> None:
        """More than 1 MiB of input fails parse, and every later check is skipped."""
        data = b'{"a":"' + b"x" * MIB + b'"}'
        report = _verify(jsonld, data)
        assert_fails(report, "parse", "PARSING_ERROR")
        assert {check.status for check in report.checks[1:]} == {"skipped"}
        assert report.credential is None

    def test_text_over_one_mebibyte(self, jsonld: JsonLdProcessor) -> None:
        """Text whose UTF-8 encoding exceeds 1 MiB fails parse."""
        data = '{"a":"' + "é" * (MIB // 2 + 1) + '"}'
        assert_fails(_verify(jsonld, data), "parse", "PARSING_ERROR")

    def test_invalid_utf8(self, jsonld: JsonLdProcessor) -> None:
        """Bytes that are not UTF-8 fail parse."""
        assert_fails(_verify(jsonld, b'{"name":"\xff\xfe"}'), "parse", "PARSING_ERROR")

    def test_byte_order_mark(self, jsonld: JsonLdProcessor) -> None:
        """A leading UTF-8 byte order mark fails parse."""
        assert_fails(_verify(jsonld, b'\xef\xbb\xbf{"a":1}'), "parse", "PARSING_ERROR")

    def test_invalid_json(self, jsonld: JsonLdProcessor) -> None:
        """Malformed JSON fails parse with the position in the message."""
        check = assert_fails(_verify(jsonld, '{"a": }'), "parse", "PARSING_ERROR")
        assert "line 1" in check.message

    def test_duplicate_keys(self, jsonld: JsonLdProcessor) -> None:
        """Duplicate object keys fail parse (parsers disagree on which value wins)."""
        check = assert_fails(_verify(jsonld, '{"name":"a","name":"b"}'), "parse", "PARSING_ERROR")
        assert "duplicate key" in check.message

    def test_nan(self, jsonld: JsonLdProcessor) -> None:
        """NaN is not JSON: parse fails."""
        assert_fails(_verify(jsonld, '{"creditsEarned": NaN}'), "parse", "PARSING_ERROR")

    def test_infinity(self, jsonld: JsonLdProcessor) -> None:
        """Infinity is not JSON: parse fails."""
        assert_fails(_verify(jsonld, '{"creditsEarned": Infinity}'), "parse", "PARSING_ERROR")

    def test_negative_infinity(self, jsonld: JsonLdProcessor) -> None:
        """-Infinity is not JSON: parse fails."""
        assert_fails(_verify(jsonld, '{"creditsEarned": -Infinity}'), "parse", "PARSING_ERROR")

    def test_number_overflowing_to_infinity(self, jsonld: JsonLdProcessor) -> None:
        """A number too large for a double (1e400) fails parse instead of becoming inf."""
        assert_fails(_verify(jsonld, '{"creditsEarned": 1e400}'), "parse", "PARSING_ERROR")

    def test_array_root(self, jsonld: JsonLdProcessor) -> None:
        """A JSON array is not a credential."""
        check = assert_fails(_verify(jsonld, "[]"), "parse", "PARSING_ERROR")
        assert "array" in check.message

    def test_string_root(self, jsonld: JsonLdProcessor) -> None:
        """A JSON string is not a credential."""
        assert_fails(_verify(jsonld, '"z3abc"'), "parse", "PARSING_ERROR")

    def test_unpaired_surrogate_escape(self, jsonld: JsonLdProcessor) -> None:
        """A \\ud800 escape decodes to an unpaired surrogate: parse fails."""
        assert_fails(_verify(jsonld, '{"name":"\\ud800"}'), "parse", "PARSING_ERROR")

    def test_unpaired_surrogate_in_text(self, jsonld: JsonLdProcessor) -> None:
        """Text holding a raw unpaired surrogate is not valid Unicode: parse fails."""
        assert_fails(_verify(jsonld, '{"name":"\ud800"}'), "parse", "PARSING_ERROR")

    def test_mapping_with_a_non_json_value(self, jsonld: JsonLdProcessor) -> None:
        """A mapping holding a value JSON cannot represent (a tuple) fails parse."""
        assert_fails(_verify(jsonld, {"type": ("VerifiableCredential",)}), "parse", "PARSING_ERROR")

    def test_mapping_with_a_non_string_key(self, jsonld: JsonLdProcessor) -> None:
        """A mapping with a non-string key fails parse."""
        assert_fails(_verify(jsonld, {1: "x"}), "parse", "PARSING_ERROR")

    def test_cyclic_mapping(self, jsonld: JsonLdProcessor) -> None:
        """A mapping that contains itself fails parse (no endless walk)."""
        cyclic: dict[str, Any] = {"name": "x"}
        cyclic["self"] = cyclic
        assert_fails(_verify(jsonld, cyclic), "parse", "PARSING_ERROR")

    def test_unsupported_input_type(self, jsonld: JsonLdProcessor) -> None:
        """An input that is neither bytes, text nor a mapping fails parse."""
        assert_fails(_verify(jsonld, 42), "parse", "PARSING_ERROR")
