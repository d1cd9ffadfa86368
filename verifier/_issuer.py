"""The ``issuer`` check: the keys that signed belong to the issuer (ob3-requirements PV-05).

Every verification method the ``proof`` check resolved must be controlled by ``issuer.id``
(``issuer`` as a Profile object; a string ``issuer`` is tolerated for the id). For did:web the
key must also be listed under ``assertionMethod`` and controlled by the DID that lists it; the
resolver (:func:`keys.did.resolve_in_document`) enforces that while resolving.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from keys.did import VerificationMethod
from verifier._util import failed, passed, quote, skipped, stated_issuer_id
from verifier.problems import MALFORMED_VALUE_ERROR, PROOF_VERIFICATION_ERROR
from verifier.report import Check

__all__ = ["check_issuer"]


def check_issuer(document: dict[str, Any], methods: Sequence[VerificationMethod] | None) -> Check:
    """Run the ``issuer`` check: each proof key is controlled by ``issuer.id``.

    Args:
        document: The parsed credential.
        methods: The verification methods the proof check resolved (``None``: not run).

    Returns:
        The check.
    """
    issuer_id = stated_issuer_id(document)
    if not issuer_id:
        return failed("issuer", MALFORMED_VALUE_ERROR, "the credential has no issuer id")
    if not methods:
        return skipped("issuer", "not run: no verification method was resolved")
    for method in methods:
        if method.controller != issuer_id:
            return failed(
                "issuer",
                PROOF_VERIFICATION_ERROR,
                f"verification method {quote(method.id)} is controlled by "
                f"{quote(method.controller)}, not by the issuer {quote(issuer_id)}",
            )
    form = " (issuer given as a string)" if isinstance(document.get("issuer"), str) else ""
    return passed("issuer", f"the issuer {issuer_id} controls the signing key{form}")
