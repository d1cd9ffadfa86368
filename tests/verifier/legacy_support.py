"""VC 1.1 Open Badges credentials and an independent ``Ed25519Signature2020`` signer (tests only).

The signer follows the W3C CCG suite as jsonld-signatures implements it (``canonizeProof``: the
proof without ``proofValue``, with the document's ``@context``; SHA-256 of the canonical proof
options, then of the canonical document; Ed25519; ``z`` + base58btc), written here from the
specification rather than calling the verifier's module, so that the two check each other.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any, Final

import base58
from verifier_support import CREATED, T1, T1_VM, build_credential

from common.jsonld import JsonLdProcessor
from keys.ed25519 import Ed25519KeyPair

VC_V1: Final = "https://www.w3.org/2018/credentials/v1"
OB_301: Final = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json"
OB_303: Final = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
ED25519_2020: Final = "https://w3id.org/security/suites/ed25519-2020/v1"

ISSUANCE_DATE: Final = "2026-01-01T09:30:00Z"
EXPIRATION_DATE: Final = "2029-01-01T00:00:00Z"


def build_v1_credential(
    issuer_id: str | None = None, *, ob_context: str = OB_303, expiration: str | None = None
) -> dict[str, Any]:
    """An unsigned OB 3.0 credential in the VC 1.1 form (issuanceDate, suite context)."""
    credential = build_credential() if issuer_id is None else build_credential(issuer_id)
    credential["@context"] = [VC_V1, ob_context, ED25519_2020]
    del credential["validFrom"]
    del credential["validUntil"]
    credential["issuanceDate"] = ISSUANCE_DATE
    credential["expirationDate"] = expiration or EXPIRATION_DATE
    return credential


def legacy_proof_options(verification_method: str = T1_VM) -> dict[str, Any]:
    """The proof options digitalbazaar's Ed25519Signature2020 suite writes."""
    return {
        "type": "Ed25519Signature2020",
        "created": CREATED,
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }


def legacy_hash(
    processor: JsonLdProcessor, credential: Mapping[str, Any], options: Mapping[str, Any]
) -> bytes:
    """SHA-256(canonical proof options with the document @context) ‖ SHA-256(canonical doc)."""
    unsecured = {key: value for key, value in credential.items() if key != "proof"}
    config = {"@context": credential["@context"], **options}
    config.pop("proofValue", None)
    return (
        hashlib.sha256(processor.canonize(config).encode("utf-8")).digest()
        + hashlib.sha256(processor.canonize(unsecured).encode("utf-8")).digest()
    )


def sign_ed25519_2020(
    processor: JsonLdProcessor,
    credential: Mapping[str, Any],
    key_pair: Ed25519KeyPair = T1,
    verification_method: str = T1_VM,
    options: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """``credential`` with one ``Ed25519Signature2020`` proof (a single object, as the JS suite)."""
    proof_options = dict(options or legacy_proof_options(verification_method))
    signature = key_pair.sign(legacy_hash(processor, credential, proof_options))
    proof = {**proof_options, "proofValue": "z" + base58.b58encode(signature).decode("ascii")}
    return {**credential, "proof": proof}
