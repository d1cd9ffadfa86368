"""The Data Integrity ``eddsa-rdfc-2022`` cryptosuite (W3C VC-DI-EdDSA §3.3).

Create: proofConfig = proof options + the document's ``@context``; hashData =
SHA-256(RDFC-1.0(proofConfig)) ‖ SHA-256(RDFC-1.0(document without proof)); the proof value is
``"z" + base58btc(Ed25519(hashData))``.

Verify recomputes the same from the *received* document (never a re-serialised copy) and raises
:class:`ProofError` with a W3C error code on any failure: a bad proof is never "valid". The
steps that do not depend on the proof type (:func:`check_proof_members`,
:func:`proof_signature`, :func:`verify_signature_of`, :func:`hash_data`) also serve the legacy
``Ed25519Signature2020`` suite (:mod:`keys.ed25519_signature_2020`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any, Final

import base58

from common.jsonld import JsonLdError, JsonLdProcessor
from common.timeutil import parse_datetime_stamp
from keys.ed25519 import Ed25519KeyPair, verify_signature
from keys.errors import InvalidSignatureError

__all__ = [
    "CRYPTOSUITE",
    "PROOF_PURPOSE",
    "PROOF_TYPE",
    "ProofError",
    "check_proof_members",
    "create_proof",
    "hash_data",
    "proof_options",
    "proof_signature",
    "sign_document",
    "verify_proof",
    "verify_signature_of",
]

PROOF_TYPE: Final = "DataIntegrityProof"
CRYPTOSUITE: Final = "eddsa-rdfc-2022"
PROOF_PURPOSE: Final = "assertionMethod"

_PROOF_MEMBERS = frozenset(
    {
        "type",
        "cryptosuite",
        "created",
        "expires",
        "verificationMethod",
        "proofPurpose",
        "proofValue",
        "id",
        "domain",
        "challenge",
        "nonce",
        "previousProof",
        "@context",
    }
)
_SIGNATURE_LENGTH: Final = 64


class ProofError(Exception):
    """A proof cannot be created or does not verify.

    Attributes:
        code: a W3C error code: ``PROOF_VERIFICATION_ERROR``, ``PROOF_TRANSFORMATION_ERROR``,
            ``MALFORMED_VALUE_ERROR``, ``DATA_LOSS_DETECTION_ERROR`` or
            ``CRYPTOGRAPHIC_SECURITY_ERROR`` (the signature does not match).
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def proof_options(verification_method: str, created: str) -> dict[str, str]:
    """The proof options our issuer signs with (``proofPurpose`` is always assertionMethod)."""
    return {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": PROOF_PURPOSE,
    }


def hash_data(
    processor: JsonLdProcessor, document: Mapping[str, Any], proof_config: Mapping[str, Any]
) -> bytes:
    """SHA-256 of the canonical proof configuration, then of the canonical document (64 bytes).

    Raises:
        ProofError: ``PROOF_TRANSFORMATION_ERROR`` / ``DATA_LOSS_DETECTION_ERROR`` if either
            cannot be canonicalized losslessly.
    """
    try:
        # Cached per configuration-without-`created` on the fast path (see the method).
        canonical_config = processor.canonize_proof_config(proof_config)
    except JsonLdError as exc:
        raise ProofError(_code_for(exc), f"proof options: {exc.detail}") from exc
    try:
        canonical_document = processor.canonize(document)
    except JsonLdError as exc:
        raise ProofError(_code_for(exc), exc.detail) from exc
    return (
        hashlib.sha256(canonical_config.encode("utf-8")).digest()
        + hashlib.sha256(canonical_document.encode("utf-8")).digest()
    )


def _code_for(exc: JsonLdError) -> str:
    from common.jsonld import DataLossError

    return (
        "DATA_LOSS_DETECTION_ERROR"
        if isinstance(exc, DataLossError)
        else ("PROOF_TRANSFORMATION_ERROR")
    )


def create_proof(
    processor: JsonLdProcessor,
    document: Mapping[str, Any],
    *,
    key_pair: Ed25519KeyPair,
    verification_method: str,
    created: str,
) -> dict[str, str]:
    """Create an ``eddsa-rdfc-2022`` proof over ``document`` (which must carry no proof).

    Raises:
        ProofError: if the document cannot be signed without losing data.
    """
    if "proof" in document:
        raise ProofError("PROOF_GENERATION_ERROR", "the document already has a proof")
    options = proof_options(verification_method, created)
    config = {"@context": document["@context"], **options}
    signature = key_pair.sign(hash_data(processor, document, config))
    return {**options, "proofValue": "z" + base58.b58encode(signature).decode("ascii")}


def sign_document(
    processor: JsonLdProcessor,
    document: Mapping[str, Any],
    *,
    key_pair: Ed25519KeyPair,
    verification_method: str,
    created: str,
) -> dict[str, Any]:
    """Return ``document`` with an ``eddsa-rdfc-2022`` proof added as a one-element array."""
    proof = create_proof(
        processor,
        document,
        key_pair=key_pair,
        verification_method=verification_method,
        created=created,
    )
    return {**document, "proof": [proof]}


def check_proof_members(
    proof: Mapping[str, Any], *, proof_type: str, members: frozenset[str]
) -> None:
    """The checks every Ed25519 proof suite makes before any canonicalization.

    ``type``, ``verificationMethod`` and ``proofPurpose`` are strings, the type is
    ``proof_type``, the purpose is ``assertionMethod``, no member lies outside ``members`` (the
    ones the suite's context defines: any other would not be signed), ``created`` and
    ``expires`` are dateTimeStamps.

    Raises:
        ProofError: With the W3C code of the first failure.
    """
    for member in ("type", "verificationMethod", "proofPurpose"):
        if not isinstance(proof.get(member), str):
            raise ProofError("PROOF_VERIFICATION_ERROR", f"proof has no {member}")
    if proof["type"] != proof_type:
        raise ProofError("PROOF_VERIFICATION_ERROR", f"unsupported proof type {proof['type']!r}")
    if proof["proofPurpose"] != PROOF_PURPOSE:
        raise ProofError(
            "PROOF_VERIFICATION_ERROR",
            f"proof purpose is {proof['proofPurpose']!r}, not {PROOF_PURPOSE}",
        )
    unknown = sorted(set(proof) - members)
    if unknown:
        raise ProofError(
            "DATA_LOSS_DETECTION_ERROR", f"proof has members outside the signed data: {unknown}"
        )
    for member in ("created", "expires"):
        if member in proof:
            try:
                parse_datetime_stamp(proof[member])
            except (TypeError, ValueError) as exc:
                raise ProofError("MALFORMED_VALUE_ERROR", f"proof {member}: {exc}") from exc


def proof_signature(proof: Mapping[str, Any]) -> bytes:
    """The 64-byte signature of a ``proofValue`` (``"z"`` + base58btc).

    Raises:
        ProofError: ``PROOF_VERIFICATION_ERROR`` if it is not exactly that.
    """
    value = proof.get("proofValue")
    if not isinstance(value, str) or not value.startswith("z"):
        raise ProofError(
            "PROOF_VERIFICATION_ERROR", "proofValue must be a base58btc multibase string ('z…')"
        )
    try:
        signature = base58.b58decode(value[1:])
    except ValueError as exc:
        raise ProofError("PROOF_VERIFICATION_ERROR", "proofValue is not valid base58btc") from exc
    if len(signature) != _SIGNATURE_LENGTH:
        raise ProofError(
            "PROOF_VERIFICATION_ERROR",
            f"proofValue decodes to {len(signature)} bytes, not {_SIGNATURE_LENGTH}",
        )
    return signature


def verify_signature_of(
    processor: JsonLdProcessor,
    document: Mapping[str, Any],
    proof: Mapping[str, Any],
    *,
    signature: bytes,
    public_key: bytes,
) -> None:
    """Check ``signature`` over the hashData of ``document`` and its ``proof``'s configuration.

    proofConfig is the proof without ``proofValue``, with the document's ``@context``; the
    document is taken without its ``proof`` member (the *received* one, never a re-serialised
    copy).

    Raises:
        ProofError: ``DATA_LOSS_DETECTION_ERROR`` if the proof carries another ``@context``;
            a canonicalization failure (:func:`hash_data`); ``CRYPTOGRAPHIC_SECURITY_ERROR``
            if the signature does not match.
    """
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    context = document.get("@context")
    if "@context" in proof and proof["@context"] != context:
        # VC-DI: the proof configuration is signed with the document's @context; a proof
        # carrying another one would have an unsigned, freely editable member.
        raise ProofError(
            "DATA_LOSS_DETECTION_ERROR", "the proof's @context differs from the document's"
        )
    config = {key: value for key, value in proof.items() if key != "proofValue"}
    config["@context"] = context
    data = hash_data(processor, unsecured, config)
    try:
        verify_signature(public_key, signature, data)
    except InvalidSignatureError as exc:
        raise ProofError("CRYPTOGRAPHIC_SECURITY_ERROR", "signature does not match") from exc


def _check_proof_shape(proof: Mapping[str, Any]) -> bytes:
    """Validate a proof's members before any canonicalization; return the signature bytes."""
    check_proof_members(proof, proof_type=PROOF_TYPE, members=_PROOF_MEMBERS)
    if proof.get("cryptosuite") != CRYPTOSUITE:
        raise ProofError(
            "PROOF_VERIFICATION_ERROR",
            f"unsupported cryptosuite {proof.get('cryptosuite')!r} (expected {CRYPTOSUITE})",
        )
    if "nonce" in proof and not isinstance(proof["nonce"], str):
        raise ProofError("MALFORMED_VALUE_ERROR", "proof nonce must be a string")
    return proof_signature(proof)


def verify_proof(
    processor: JsonLdProcessor,
    document: Mapping[str, Any],
    proof: Mapping[str, Any],
    *,
    public_key: bytes,
) -> None:
    """Verify one ``eddsa-rdfc-2022`` proof of ``document`` with ``public_key``.

    ``document`` is the secured document as received (its ``proof`` member is ignored).

    Raises:
        ProofError: with the W3C code of the first failure.
    """
    signature = _check_proof_shape(proof)
    verify_signature_of(processor, document, proof, signature=signature, public_key=public_key)
