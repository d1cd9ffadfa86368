"""Checks on a document before and after expansion (what pyld does not refuse by itself).

Before expansion (:func:`check_input`): bounded size and depth, ``@context`` only at the root and
only pinned URLs, no JSON ``null`` (a null key is dropped from the signed data), no keywords that
smuggle other graphs (``@graph``, ``@included``, ``@reverse``, ``@nest`` ...), no full-IRI keys.

After expansion (:func:`check_expanded`): every node id, type and datatype is an absolute IRI or a
blank node. Data Integrity signs with a null base URL; a relative IRI would drop out of the
canonical N-Quads and so out of the signature (catalogue A6, A7, B7).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from common.jsonld._errors import ContextNotAllowedError, DataLossError, ResourceLimitError

__all__ = ["check_expanded", "check_input"]

# Keywords a compacted credential may carry as keys; anything else (``@graph``, ``@included``,
# ``@reverse``, ``@nest``, ``@index``, ``@list``, ``@set``, ``@vocab``, ``@base`` ...) is refused.
_ALLOWED_KEYWORDS = frozenset({"@id", "@type", "@value", "@language", "@direction"})
_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]*$")


def check_input(
    document: Any,
    *,
    allowed_context: Callable[[str], bool],
    max_depth: int,
    max_nodes: int,
) -> None:
    """Refuse a compacted document that could not be signed or verified safely.

    Raises:
        ContextNotAllowedError: ``@context`` missing, inline, nested or not pinned.
        DataLossError: a null value, a forbidden keyword or a full-IRI key.
        ResourceLimitError: deeper than ``max_depth`` or more than ``max_nodes`` JSON values.
    """
    if not isinstance(document, dict):
        raise DataLossError("a JSON-LD document to sign or verify must be a JSON object")
    context = document.get("@context")
    entries = context if isinstance(context, list) else [context]
    if not entries or context is None:
        raise ContextNotAllowedError("the document has no @context")
    for entry in entries:
        if not isinstance(entry, str):
            raise ContextNotAllowedError("inline @context objects are not allowed")
        if not allowed_context(entry):
            raise ContextNotAllowedError(f"JSON-LD context not allowed: {entry!r}")

    nodes = 0
    stack: list[tuple[Any, int, str]] = [(document, 1, "")]
    while stack:
        value, depth, path = stack.pop()
        nodes += 1
        if nodes > max_nodes:
            raise ResourceLimitError(f"more than {max_nodes} JSON values")
        if depth > max_depth:
            raise ResourceLimitError(f"nested deeper than {max_depth} levels at {path or '/'}")
        if value is None:
            raise DataLossError(f"null value at {path}: it would not be signed")
        if isinstance(value, dict):
            for key, item in value.items():
                where = f"{path}/{key}"
                if key.startswith("@"):
                    if key == "@context":
                        if depth != 1:
                            raise ContextNotAllowedError(f"nested @context at {where}")
                        continue
                    if key not in _ALLOWED_KEYWORDS:
                        raise DataLossError(f"keyword {key} is not allowed (at {where})")
                elif ":" in key:
                    raise DataLossError(f"full IRI used as a key at {where}; use a defined term")
                stack.append((item, depth + 1, where))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                stack.append((item, depth + 1, f"{path}/{index}"))


def _iri_ok(value: Any) -> bool:
    return isinstance(value, str) and (
        value.startswith("_:") or _ABSOLUTE_IRI.match(value) is not None
    )


def check_expanded(expanded: Any) -> None:
    """Refuse an expanded document holding a relative IRI as id, type or datatype.

    Raises:
        DataLossError: naming the first offending value.
    """
    stack: list[Any] = [expanded]
    while stack:
        value = stack.pop()
        if isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, dict):
            if "@value" in value:
                datatype = value.get("@type")
                if datatype is not None and datatype != "@json" and not _iri_ok(datatype):
                    raise DataLossError(f"relative datatype IRI {datatype!r}")
                continue
            node_id = value.get("@id")
            if node_id is not None and not _iri_ok(node_id):
                raise DataLossError(f"relative IRI {node_id!r}: it would not be signed")
            for node_type in value.get("@type", ()):
                if not _iri_ok(node_type):
                    raise DataLossError(
                        f"undefined type {node_type!r}: it is not defined by the @context"
                    )
            for key, item in value.items():
                if key not in {"@id", "@type"}:
                    stack.append(item)
