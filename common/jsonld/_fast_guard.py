"""A cheaper twin of :func:`common.jsonld._guard.check_input` for the fast path.

:func:`scan` evaluates the same conditions as ``check_input`` without building a path string
for every value, and also tells whether the document is made of exact JSON types (which the
fast path's memo keys need). It never raises: when it finds anything ``check_input`` could
refuse it returns ``None`` and the caller runs ``check_input`` itself, so the error raised is
always the original one (same class, same message, same first offending value).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Final

from common.jsonld._guard import _ALLOWED_KEYWORDS

__all__ = ["scan"]

# What check_input makes of a key: 0 an ordinary term, 1 "@context", 2 an allowed keyword,
# 3 a refused key (another keyword, or a full IRI). Memoised per key string, bounded.
_KEY_KINDS: dict[str, int] = {}
_KEY_KINDS_MAX: Final = 8192


def _key_kind(key: str) -> int:
    if key.startswith("@"):
        kind = 1 if key == "@context" else 2 if key in _ALLOWED_KEYWORDS else 3
    else:
        kind = 3 if ":" in key else 0
    if len(_KEY_KINDS) >= _KEY_KINDS_MAX:
        _KEY_KINDS.clear()
    _KEY_KINDS[key] = kind
    return kind


class _RefusedError(Exception):
    """``check_input`` might refuse the document."""


class _Walk:
    __slots__ = ("exact", "max_depth", "max_nodes", "nodes")

    def __init__(self, max_depth: int, max_nodes: int) -> None:
        self.max_depth = max_depth
        self.max_nodes = max_nodes
        self.nodes = 0
        self.exact = True

    def container(self, value: Any, depth: int) -> None:
        """Count and check the children of a dict or list found at ``depth``."""
        child = depth + 1
        max_depth = self.max_depth
        self.nodes += len(value)
        if isinstance(value, dict):
            if type(value) is not dict:
                self.exact = False
            if depth == 1 and "@context" in value:
                self.nodes -= 1  # check_input does not walk the root @context
            if self.nodes > self.max_nodes:
                raise _RefusedError
            kinds = _KEY_KINDS
            for key, item in value.items():
                if type(key) is not str:
                    raise _RefusedError  # check_input fails on (or cannot vouch for) such a key
                kind = kinds.get(key)
                if kind is None:
                    kind = _key_kind(key)
                if kind:
                    if kind == 1:
                        if depth != 1:
                            raise _RefusedError
                        continue
                    if kind == 3:
                        raise _RefusedError
                item_type = type(item)
                if (
                    item_type is str or item_type is int or item_type is bool
                ) and child <= max_depth:
                    continue
                self.item(item, child)
        else:
            if type(value) is not list:
                self.exact = False
            if self.nodes > self.max_nodes:
                raise _RefusedError
            for item in value:
                item_type = type(item)
                if (
                    item_type is str or item_type is int or item_type is bool
                ) and child <= max_depth:
                    continue
                self.item(item, child)

    def item(self, item: Any, depth: int) -> None:
        """Check one value found at ``depth`` (already counted)."""
        if depth > self.max_depth:
            raise _RefusedError
        kind = type(item)
        if kind is str or kind is int or kind is bool:
            return
        if kind is dict or kind is list or isinstance(item, (dict, list)):
            self.container(item, depth)
        elif item is None:
            raise _RefusedError
        elif kind is not float or not math.isfinite(item):
            self.exact = False


def scan(
    document: Any,
    *,
    allowed_context: Callable[[str], bool],
    max_depth: int,
    max_nodes: int,
) -> bool | None:
    """``None`` if ``check_input`` might refuse ``document``; else whether it is exact JSON.

    The walk mirrors ``check_input``: the same values are counted (every value but the root
    ``@context``), at the same depths, and ``isinstance`` decides what is walked, so a
    ``dict`` or ``list`` subclass is walked too (and makes the document not exact).
    """
    if not isinstance(document, dict):
        return None
    context = document.get("@context")
    entries = context if isinstance(context, list) else [context]
    if not entries or context is None:
        return None
    for entry in entries:
        if not isinstance(entry, str) or not allowed_context(entry):
            return None
    walk = _Walk(max_depth, max_nodes)
    walk.nodes = 1  # the root
    if max_depth < 1 or max_nodes < 1:
        return None
    exact_context = type(context) is str or (
        type(context) is list and all(type(entry) is str for entry in context)
    )
    if not exact_context:
        walk.exact = False
    try:
        walk.container(document, 1)
    except (_RefusedError, RecursionError):
        return None
    return walk.exact
