"""Verify a stored status list credential before trusting one bit of it (ST-05, catalogue F3/F4).

The registry signed the list itself, but the bytes come back from a database: the checker
verifies them like any verifier would, without the network. The list must be a
``BitstringStatusListCredential`` whose ``id`` is its URL, issued by the credential's issuer,
valid now, carrying at least one ``eddsa-rdfc-2022`` proof, every proof made with a key of that
issuer (did:web keys resolved from our own organisations' DID documents) and verifying. The
envelope, validity and subject checks are the verifier's own (:mod:`verifier._status_entry`);
what is ours is the offline key resolution over our organisations' DID documents.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any, Final

from common.jsonld import JsonLdProcessor
from common.timeutil import parse_datetime_stamp
from keys.cryptosuite import ProofError, verify_proof
from keys.errors import InvalidDidError, InvalidMultikeyError, UnsupportedDidMethodError
from verifier._status_entry import (
    UntrustedListError,
    check_list_envelope,
    check_list_validity,
    issuer_id_of,
    list_subject,
)
from verifier.resolver import (
    CompositeResolver,
    DidKeyResolver,
    LocalDidWebResolver,
    ResolutionError,
)

__all__ = ["UntrustedListError", "issuer_id_of", "verify_list_credential"]

_MAX_PROOFS: Final = 4


def verify_list_credential(
    document: object,
    *,
    url: str,
    issuer_id: str,
    processor: JsonLdProcessor,
    did_documents: Callable[[str], Mapping[str, Any] | None],
    now: datetime,
    skew: timedelta,
) -> dict[str, Any]:
    """Check the list credential ``document`` found at ``url``; return its ``credentialSubject``.

    Args:
        document: The parsed list credential.
        url: Where it was found (its ``id`` must be this URL).
        issuer_id: The issuer of the credential whose status is checked.
        processor: The JSON-LD processor over the pinned contexts.
        did_documents: Our organisations' DID documents by DID (the local did:web resolver).
        now: The verification time.
        skew: Tolerance for ``validFrom``/``validUntil``.

    Returns:
        The list's ``credentialSubject`` object.

    Raises:
        UntrustedListError: If anything about the list credential is wrong or cannot be checked.
    """
    checked = check_list_envelope(document, url, issuer_id)
    check_list_validity(checked, now, skew)
    resolver = CompositeResolver([DidKeyResolver(), LocalDidWebResolver(did_documents)])
    for proof in _proofs(checked):
        method_id = proof.get("verificationMethod")
        if not isinstance(method_id, str):
            raise UntrustedListError("a proof of the status list names no verification method")
        if "previousProof" in proof:
            raise UntrustedListError(
                "proof chains (previousProof) are not supported on status lists"
            )
        try:
            method = resolver.resolve(method_id, issuer_id=issuer_id)
        except (UnsupportedDidMethodError, InvalidDidError, InvalidMultikeyError) as exc:
            raise UntrustedListError(
                f"the status list's verification method is invalid: {exc}"
            ) from None
        except ResolutionError as exc:
            raise UntrustedListError(f"the status list's key cannot be resolved: {exc}") from None
        if method.controller != issuer_id:
            raise UntrustedListError(
                "the status list was signed with a key its issuer does not control"
            )
        try:
            verify_proof(processor, checked, proof, public_key=method.public_key)
        except ProofError as exc:
            raise UntrustedListError(
                f"the status list's proof does not verify: {exc.message}"
            ) from None
        expires = proof.get("expires")
        if isinstance(expires, str) and parse_datetime_stamp(expires) < now - skew:
            raise UntrustedListError("the status list's proof has expired")
    return list_subject(checked)


def _proofs(document: dict[str, Any]) -> list[dict[str, Any]]:
    raw = document.get("proof")
    proofs = raw if isinstance(raw, list) else [] if raw is None else [raw]
    if not proofs:
        raise UntrustedListError("the status list is not signed")
    if len(proofs) > _MAX_PROOFS:
        raise UntrustedListError(f"the status list has more than {_MAX_PROOFS} proofs")
    if not all(isinstance(proof, dict) for proof in proofs):
        raise UntrustedListError("a proof of the status list is not a JSON object")
    return proofs
