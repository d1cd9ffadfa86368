"""Verify a stored status list credential before trusting one bit of it (ST-05, catalogue F3/F4).

The registry signed the list itself, but the bytes come back from a database: the checker
verifies them like any verifier would, without the network. The list must be a
``BitstringStatusListCredential`` whose ``id`` is its URL, issued by the credential's issuer,
valid now, carrying at least one ``eddsa-rdfc-2022`` proof, every proof made with a key of that
issuer (did:web keys resolved from our own organisations' DID documents) and verifying.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any, Final

from common.jsonld import JsonLdProcessor
from common.timeutil import parse_datetime_stamp
from keys.cryptosuite import ProofError, verify_proof
from keys.errors import InvalidDidError, InvalidMultikeyError, UnsupportedDidMethodError
from verifier.resolver import (
    CompositeResolver,
    DidKeyResolver,
    LocalDidWebResolver,
    ResolutionError,
)

__all__ = ["UntrustedListError", "issuer_id_of", "verify_list_credential"]

_MAX_PROOFS: Final = 4


class UntrustedListError(Exception):
    """The list credential cannot be trusted; ``message`` says why (never a verdict on the bit)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def issuer_id_of(document: Mapping[str, Any]) -> str | None:
    """The ``issuer`` id of a credential (a string, or an object's ``id``), or None."""
    issuer = document.get("issuer")
    value = issuer.get("id") if isinstance(issuer, dict) else issuer
    return value if isinstance(value, str) and value else None


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
    if not isinstance(document, dict):
        raise UntrustedListError("the status list credential is not a JSON object")
    if document.get("id") != url:
        raise UntrustedListError("the status list credential's id is not the URL it was found at")
    types = document.get("type")
    if not isinstance(types, list) or "BitstringStatusListCredential" not in types:
        raise UntrustedListError("the status list is not a BitstringStatusListCredential")
    list_issuer = issuer_id_of(document)
    if list_issuer != issuer_id:
        raise UntrustedListError(
            f"the status list is issued by {list_issuer!r:.120}, not by the credential's issuer "
            f"{issuer_id!r:.120}"
        )
    _check_validity(document, now, skew)
    resolver = CompositeResolver([DidKeyResolver(), LocalDidWebResolver(did_documents)])
    for proof in _proofs(document):
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
            verify_proof(processor, document, proof, public_key=method.public_key)
        except ProofError as exc:
            raise UntrustedListError(
                f"the status list's proof does not verify: {exc.message}"
            ) from None
        expires = proof.get("expires")
        if isinstance(expires, str) and parse_datetime_stamp(expires) < now - skew:
            raise UntrustedListError("the status list's proof has expired")
    subject = document.get("credentialSubject")
    if not isinstance(subject, dict) or subject.get("type") != "BitstringStatusList":
        raise UntrustedListError("the status list's credentialSubject is not a BitstringStatusList")
    return subject


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


def _check_validity(document: dict[str, Any], now: datetime, skew: timedelta) -> None:
    for member in ("validFrom", "validUntil"):
        value = document.get(member)
        if value is None:
            continue
        try:
            moment = parse_datetime_stamp(value)
        except ValueError:
            raise UntrustedListError(f"the status list's {member} is not a dateTimeStamp") from None
        if member == "validFrom" and moment > now + skew:
            raise UntrustedListError("the status list is not valid yet")
        if member == "validUntil" and moment < now - skew:
            raise UntrustedListError("the status list has expired")
