"""The ``context`` and ``type`` checks: is this a VC 2.0 Open Badges 3.0 credential at all?

``@context`` must be an array of URL strings: the VC 2.0 base context first, an Open Badges 3.0
context second (``context-3.0.3.json`` is current; 3.0.2 is accepted for older badges; 3.0.1 and
the unversioned ``context.json`` are VC 1.1-era and refused with VC 2.0), then optionally the OB
``extensions.json`` or the Data Integrity v2 context. Every entry is compared as an exact string
and must be one of the pinned documents of the JSON-LD processor (nothing is ever fetched);
inline context objects are refused (they could redefine terms, set ``@vocab`` or ``@base``, or
import other documents).
``https://www.w3.org/ns/credentials/undefined-terms/v2`` is refused even when pinned: it defines
every undefined term, which would disable the data-loss detection of the proof check.
"""

from __future__ import annotations

import re
from collections.abc import Set
from typing import Any, Final

from verifier._util import failed, passed, quote
from verifier.problems import MALFORMED_VALUE_ERROR, PARSING_ERROR
from verifier.report import Check

__all__ = [
    "CURRENT_OB_CONTEXT",
    "EXTRA_CONTEXTS",
    "MAX_CONTEXTS",
    "OB_CONTEXTS",
    "VC_V1_CONTEXT",
    "VC_V2_CONTEXT",
    "check_context",
    "check_type",
]

VC_V2_CONTEXT: Final = "https://www.w3.org/ns/credentials/v2"
VC_V1_CONTEXT: Final = "https://www.w3.org/2018/credentials/v1"
CURRENT_OB_CONTEXT: Final = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_CONTEXTS: Final = (
    CURRENT_OB_CONTEXT,
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
)
"""Open Badges 3.0 contexts accepted as the second entry with VC 2.0, newest first."""
VC1_ONLY_OB_CONTEXTS: Final = (
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
)
"""Older OB contexts written for VC 1.1: they redefine terms VC 2.0 protects (``name``,
``description``), so no VC 2.0 credential using them can be processed."""
EXTRA_CONTEXTS: Final = frozenset(
    {
        "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
        "https://w3id.org/security/data-integrity/v2",
    }
)
"""Contexts accepted after the OB context (when pinned)."""
MAX_CONTEXTS: Final = 4
"""Most ``@context`` entries accepted (base, OB, and the two extras)."""
_UNDEFINED_TERMS: Final = "https://www.w3.org/ns/credentials/undefined-terms/v2"
_URL: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:\S+")
_CREDENTIAL_TYPES: Final = ("OpenBadgeCredential", "AchievementCredential")


def check_context(document: dict[str, Any], pinned: Set[str]) -> Check:
    """Run the ``context`` check.

    Args:
        document: The parsed credential.
        pinned: The context URLs the JSON-LD processor serves.

    Returns:
        The check.
    """
    contexts = document.get("@context")
    if contexts is None:
        return failed("context", MALFORMED_VALUE_ERROR, "the credential has no @context")
    if not isinstance(contexts, list):
        return failed("context", MALFORMED_VALUE_ERROR, "@context must be an array")
    if len(contexts) > MAX_CONTEXTS:
        return failed(
            "context",
            PARSING_ERROR,
            f"@context has {len(contexts)} entries; at most {MAX_CONTEXTS} are accepted",
        )
    for index, entry in enumerate(contexts):
        if isinstance(entry, dict):
            return failed(
                "context",
                PARSING_ERROR,
                f"@context entry {index} is an inline context; only pinned context URLs are "
                "accepted",
            )
        if not isinstance(entry, str) or not _URL.fullmatch(entry):
            return failed(
                "context",
                MALFORMED_VALUE_ERROR,
                f"@context entry {index} {quote(entry)} is not a URL",
            )
    first = contexts[0] if contexts else None
    if first != VC_V2_CONTEXT:
        if first == VC_V1_CONTEXT:
            detail = (
                f"VC 1.1 credentials ({VC_V1_CONTEXT}) are not supported; the first @context "
                f"entry must be {VC_V2_CONTEXT}"
            )
        else:
            detail = f"the first @context entry must be {VC_V2_CONTEXT}, not {quote(first)}"
        return failed("context", MALFORMED_VALUE_ERROR, detail)
    second = contexts[1] if len(contexts) > 1 else None
    if second in VC1_ONLY_OB_CONTEXTS:
        return failed(
            "context",
            MALFORMED_VALUE_ERROR,
            f"{quote(second)} is an Open Badges context for VC 1.1: it redefines terms that the "
            f"VC 2.0 context protects; use {CURRENT_OB_CONTEXT}",
        )
    if second not in OB_CONTEXTS:
        return failed(
            "context",
            MALFORMED_VALUE_ERROR,
            f"the second @context entry must be an Open Badges 3.0 context ({CURRENT_OB_CONTEXT}),"
            f" not {quote(second)}",
        )
    seen: set[str] = set()
    for index, entry in enumerate(contexts):
        if entry in seen:
            return failed("context", MALFORMED_VALUE_ERROR, f"@context lists {quote(entry)} twice")
        seen.add(entry)
        if entry == _UNDEFINED_TERMS:
            return failed(
                "context",
                PARSING_ERROR,
                f"{quote(entry)} is not accepted: it would let undefined terms bypass "
                "data-loss detection",
            )
        if entry not in pinned:
            return failed(
                "context",
                PARSING_ERROR,
                f"@context entry {quote(entry)} is not one of the pinned contexts (contexts are "
                "never fetched)",
            )
        if index > 1 and entry not in EXTRA_CONTEXTS:
            return failed(
                "context",
                PARSING_ERROR,
                f"@context entry {quote(entry)} is not accepted in an Open Badges 3.0 credential",
            )
    if second == CURRENT_OB_CONTEXT:
        return passed("context", "VC 2.0 and Open Badges 3.0.3 contexts, all pinned")
    return passed(
        "context",
        f"VC 2.0 and Open Badges context {second} (accepted; {CURRENT_OB_CONTEXT} is current), "
        "all pinned",
    )


def check_type(document: dict[str, Any]) -> Check:
    """Run the ``type`` check: VerifiableCredential and OpenBadgeCredential (or its alias)."""
    value = document.get("type")
    if value is None:
        return failed("type", MALFORMED_VALUE_ERROR, "the credential has no type")
    types = [value] if isinstance(value, str) else value
    if not isinstance(types, list) or not all(isinstance(item, str) for item in types):
        return failed("type", MALFORMED_VALUE_ERROR, "type must be an array of strings")
    if "VerifiableCredential" not in types:
        return failed("type", MALFORMED_VALUE_ERROR, "type does not include VerifiableCredential")
    if not any(name in types for name in _CREDENTIAL_TYPES):
        return failed(
            "type",
            MALFORMED_VALUE_ERROR,
            "type includes neither OpenBadgeCredential nor its alias AchievementCredential",
        )
    return passed("type", "an Open Badges 3.0 OpenBadgeCredential")
