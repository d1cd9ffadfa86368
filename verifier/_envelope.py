"""The ``context`` and ``type`` checks: is this an Open Badges 3.0 credential at all?

``@context`` must be an array of URL strings. A VC 2.0 credential has the VC 2.0 base context
first, an Open Badges 3.0 context second (``context-3.0.3.json`` is current; 3.0.2 is accepted
for older badges; 3.0.1 and the unversioned ``context.json`` are VC 1.1-era and refused with VC
2.0), then optionally the OB ``extensions.json`` or the Data Integrity v2 context. A VC 1.1
credential (1EdTech displayer conformance, ob3-requirements §7) has the VC 1.1 base context
first, any Open Badges 3.0.x context second, then optionally ``extensions.json``, the
``Ed25519Signature2020`` suite context, Data Integrity v1 or the status-list v1 context; its
dates are ``issuanceDate``/``expirationDate`` (:func:`is_vc_v1` tells the later checks).

Every entry is compared as an exact string and must be one of the pinned documents of the
JSON-LD processor (nothing is ever fetched); inline context objects are refused (they could
redefine terms, set ``@vocab`` or ``@base``, or import other documents).
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
    "V1_EXTRA_CONTEXTS",
    "V1_OB_CONTEXTS",
    "VC_V1_CONTEXT",
    "VC_V2_CONTEXT",
    "check_context",
    "check_type",
    "date_members",
    "is_vc_v1",
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
"""Most ``@context`` entries accepted with VC 2.0 (base, OB, and the two extras)."""
V1_OB_CONTEXTS: Final = (*OB_CONTEXTS, *VC1_ONLY_OB_CONTEXTS)
"""Open Badges 3.0.x contexts accepted as the second entry with VC 1.1."""
V1_EXTRA_CONTEXTS: Final = frozenset(
    {
        "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
        "https://w3id.org/security/suites/ed25519-2020/v1",
        "https://w3id.org/security/data-integrity/v1",
        "https://www.w3.org/ns/credentials/status/v1",
    }
)
"""Contexts accepted after the OB context in a VC 1.1 credential (when pinned)."""
_MAX_V1_CONTEXTS: Final = 2 + len(V1_EXTRA_CONTEXTS)
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
    if first == VC_V1_CONTEXT:
        return _check_v1(contexts, pinned)
    if first != VC_V2_CONTEXT:
        detail = (
            f"the first @context entry must be {VC_V2_CONTEXT} (or {VC_V1_CONTEXT} for a VC 1.1 "
            f"credential), not {quote(first)}"
        )
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
    refused = _check_entries(contexts, pinned, EXTRA_CONTEXTS)
    if refused is not None:
        return refused
    if second == CURRENT_OB_CONTEXT:
        return passed("context", "VC 2.0 and Open Badges 3.0.3 contexts, all pinned")
    return passed(
        "context",
        f"VC 2.0 and Open Badges context {second} (accepted; {CURRENT_OB_CONTEXT} is current), "
        "all pinned",
    )


def is_vc_v1(document: Any) -> bool:
    """Whether ``document`` declares itself a VC 1.1 credential (the VC 1.1 context first).

    Only such documents have their validity read from ``issuanceDate``/``expirationDate``; a
    VC 2.0 document never does (catalogue G7).
    """
    if not isinstance(document, dict):
        return False
    contexts = document.get("@context")
    return isinstance(contexts, list) and bool(contexts) and contexts[0] == VC_V1_CONTEXT


def date_members(document: Any) -> tuple[str, str]:
    """The names of ``document``'s validity dates: start first, end second.

    ``("issuanceDate", "expirationDate")`` for a VC 1.1 credential (:func:`is_vc_v1`),
    ``("validFrom", "validUntil")`` for anything else (catalogue G7: a VC 2.0 document's VC 1.1
    dates are never read).
    """
    return ("issuanceDate", "expirationDate") if is_vc_v1(document) else ("validFrom", "validUntil")


def _check_v1(contexts: list[Any], pinned: Set[str]) -> Check:
    if len(contexts) > _MAX_V1_CONTEXTS:
        return failed(
            "context",
            PARSING_ERROR,
            f"@context has {len(contexts)} entries; at most {_MAX_V1_CONTEXTS} are accepted in "
            "a VC 1.1 credential",
        )
    second = contexts[1] if len(contexts) > 1 else None
    if second not in V1_OB_CONTEXTS:
        return failed(
            "context",
            MALFORMED_VALUE_ERROR,
            "the second @context entry of a VC 1.1 credential must be an Open Badges 3.0 "
            f"context, not {quote(second)}",
        )
    refused = _check_entries(contexts, pinned, V1_EXTRA_CONTEXTS)
    if refused is not None:
        return refused
    return passed("context", f"VC 1.1 and Open Badges context {second}, all pinned")


def _check_entries(contexts: list[Any], pinned: Set[str], extras: Set[str]) -> Check | None:
    """Refuse duplicates, unpinned or undefined-terms contexts, and unexpected extras."""
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
        if index > 1 and entry not in extras:
            return failed(
                "context",
                PARSING_ERROR,
                f"@context entry {quote(entry)} is not accepted in an Open Badges 3.0 credential",
            )
    return None


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
