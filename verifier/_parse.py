"""The ``parse`` check: bytes, text or a mapping in, one plain JSON object out.

Refused: more than :data:`MAX_INPUT_BYTES`, invalid UTF-8 (and unpaired surrogates), a byte
order mark, duplicate keys (JSON parsers disagree on which value wins), ``NaN``/``Infinity`` and
numbers that overflow to infinity, anything but an object at the root, nesting deeper than
:data:`MAX_JSON_DEPTH`, and objects that hold both ``id`` and ``@id`` (or ``type`` and ``@type``):
JSON-LD calls that "colliding keywords", and the JSON and RDF readings would differ.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any, Final

from verifier._util import failed, passed, quote
from verifier.problems import PARSING_ERROR
from verifier.report import Check

__all__ = ["MAX_INPUT_BYTES", "MAX_JSON_DEPTH", "JsonInputError", "check_parse", "parse_object"]

MAX_INPUT_BYTES: Final = 1_048_576
"""Largest accepted input, in UTF-8 bytes (1 MiB)."""
MAX_JSON_DEPTH: Final = 200
"""Deepest accepted nesting of objects and arrays (the JSON-LD layer then allows far less)."""
_MAX_MAPPING_VALUES: Final = 200_000
"""Most values walked in a mapping handed in by a caller (bounds shared or cyclic references)."""

_SURROGATE: Final = re.compile("[\ud800-\udfff]")
_COLLIDING: Final = (("id", "@id"), ("type", "@type"))


class _ParseError(Exception):
    """The input is not an acceptable JSON object; the message says why."""


JsonInputError = _ParseError
"""Raised by :func:`parse_object` (the same rules as the ``parse`` check)."""


def parse_object(raw: bytes) -> dict[str, Any]:
    """Decode UTF-8 JSON bytes into a plain object under every rule of the ``parse`` check.

    Used for the decoded segments of a compact JWT (header and payload).

    Raises:
        JsonInputError: With the reason, as the ``parse`` check words it.
    """
    try:
        return _parse(raw)
    except RecursionError:
        raise _ParseError("JSON nested too deeply") from None


def check_parse(data: object) -> tuple[Check, dict[str, Any] | None]:
    """Run the ``parse`` check.

    Args:
        data: ``bytes`` (UTF-8 JSON), ``str`` (JSON text) or a ``Mapping`` (already decoded).

    Returns:
        The check and, when it passed, the credential as a plain ``dict``.
    """
    try:
        document = _parse(data)
    except _ParseError as exc:
        return failed("parse", PARSING_ERROR, str(exc)), None
    except RecursionError:
        return failed("parse", PARSING_ERROR, "JSON nested too deeply"), None
    return passed("parse", "the input is a JSON object"), document


def _parse(data: object) -> dict[str, Any]:
    if isinstance(data, bytes | bytearray):
        document = _loads(_decode(bytes(data)))
    elif isinstance(data, str):
        if len(data) > MAX_INPUT_BYTES:
            raise _ParseError(f"input larger than {MAX_INPUT_BYTES} bytes")
        try:
            size = len(data.encode("utf-8"))
        except UnicodeEncodeError:
            raise _ParseError("input is not valid Unicode (unpaired surrogate)") from None
        if size > MAX_INPUT_BYTES:
            raise _ParseError(f"input larger than {MAX_INPUT_BYTES} bytes")
        document = _loads(data)
    elif isinstance(data, Mapping):
        _walk(data, from_caller=True)
        document = _plain(data)
    else:
        raise _ParseError(f"unsupported input type {type(data).__name__}")
    if not isinstance(document, dict):
        raise _ParseError(f"the credential must be a JSON object, not {_json_kind(document)}")
    _walk(document, from_caller=False)
    return document


def _decode(raw: bytes) -> str:
    if len(raw) > MAX_INPUT_BYTES:
        raise _ParseError(f"input larger than {MAX_INPUT_BYTES} bytes")
    if raw.startswith(b"\xef\xbb\xbf"):
        raise _ParseError("JSON text must not start with a byte order mark")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _ParseError(f"input is not valid UTF-8 (byte offset {exc.start})") from None


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _ParseError(f"duplicate key {quote(key)} in a JSON object")
        result[key] = value
    return result


def _constant(name: str) -> Any:
    raise _ParseError(f"{name} is not a JSON value")


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _ParseError(f"number {quote(text, 40)} is out of range")
    return value


def _loads(text: str) -> Any:
    if text.startswith("\ufeff"):
        raise _ParseError("JSON text must not start with a byte order mark")
    try:
        return json.loads(
            text, object_pairs_hook=_object, parse_constant=_constant, parse_float=_float
        )
    except json.JSONDecodeError as exc:
        raise _ParseError(
            f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        raise _ParseError(f"not valid JSON: {exc}") from None


def _json_kind(value: object) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return "a number"


def _check_string(value: str, where: str) -> None:
    if _SURROGATE.search(value):
        raise _ParseError(f"unpaired surrogate in a string at {where}")


def _walk(root: object, *, from_caller: bool) -> None:
    """Check depth, strings, keywords (and, for caller mappings, that values are JSON)."""
    count = 0
    stack: list[tuple[object, int, str]] = [(root, 1, "$")]
    while stack:
        value, depth, where = stack.pop()
        count += 1
        if from_caller and count > _MAX_MAPPING_VALUES:
            raise _ParseError(f"more than {_MAX_MAPPING_VALUES} values")
        if isinstance(value, str):
            _check_string(value, where)
        elif isinstance(value, Mapping):
            if depth > MAX_JSON_DEPTH:
                raise _ParseError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
            for alias, keyword in _COLLIDING:
                if alias in value and keyword in value:
                    raise _ParseError(
                        f"colliding keywords: an object at {where} holds both "
                        f"{alias!r} and {keyword!r}"
                    )
            for key, item in value.items():
                if not isinstance(key, str):
                    raise _ParseError(f"a key at {where} is not a string")
                _check_string(key, where)
                stack.append((item, depth + 1, f"{where}.{key[:40]}"))
        elif isinstance(value, list):
            if depth > MAX_JSON_DEPTH:
                raise _ParseError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
            stack.extend((item, depth + 1, f"{where}[{index}]") for index, item in enumerate(value))
        elif isinstance(value, float):
            if not math.isfinite(value):
                raise _ParseError(f"non-finite number at {where}")
        elif from_caller and not (value is None or isinstance(value, bool | int)):
            raise _ParseError(f"{type(value).__name__} at {where} is not a JSON value")


def _plain(value: Any) -> Any:
    """A copy made of plain ``dict``/``list`` (depth already bounded by :func:`_walk`)."""
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value
