"""The legacy ``Ed25519Signature2020`` Linked Data proof suite (W3C CCG), verification only.

VC 1.1 Open Badges credentials are still signed with it (1EdTech displayer conformance). The
algorithm is the one of :mod:`keys.cryptosuite`, with the suite's own proof type:

- proofConfig = the proof without ``proofValue``, with the document's ``@context``;
- hashData = SHA-256(RDFC-1.0(proofConfig)) ‖ SHA-256(RDFC-1.0(document without proof));
- ``proofValue`` = ``"z"`` + base58btc(Ed25519(hashData)), 64 bytes once decoded.

Every step but the suite's own members is shared with :mod:`keys.cryptosuite`. The key is an
``Ed25519VerificationKey2020`` (``publicKeyMultibase`` ``z6Mk…``, the same
encoding as a Multikey), resolved by the caller. Verification refuses proof members outside
the suite's context (they would not be signed), a proof ``@context`` that differs from the
document's, and anything the JSON-LD processor cannot canonicalize losslessly.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from common.jsonld import JsonLdProcessor
from keys.cryptosuite import (
    check_proof_members,
    hash_data,
    proof_signature,
    verify_signature_of,
)

__all__ = [
    "PROOF_PURPOSE",
    "PROOF_TYPE",
    "SUITE_CONTEXT",
    "hash_data",
    "verify_proof",
]

PROOF_TYPE: Final = "Ed25519Signature2020"
PROOF_PURPOSE: Final = "assertionMethod"
SUITE_CONTEXT: Final = "https://w3id.org/security/suites/ed25519-2020/v1"
"""The suite's context: it defines the proof type and its members."""

_PROOF_MEMBERS: Final = frozenset(
    {
        "type",
        "created",
        "expires",
        "verificationMethod",
        "proofPurpose",
        "proofValue",
        "domain",
        "challenge",
        "nonce",
        "@context",
    }
)
"""Members the suite context defines for an ``Ed25519Signature2020`` proof."""


def verify_proof(
    processor: JsonLdProcessor,
    document: Mapping[str, Any],
    proof: Mapping[str, Any],
    *,
    public_key: bytes,
) -> None:
    """Verify one ``Ed25519Signature2020`` proof of ``document`` with ``public_key``.

    Args:
        processor: The JSON-LD processor over the pinned contexts.
        document: The secured document as received (its ``proof`` member is ignored).
        proof: The proof to verify.
        public_key: The 32-byte Ed25519 key of the proof's verification method.

    Raises:
        ProofError: With the W3C code of the first failure (``CRYPTOGRAPHIC_SECURITY_ERROR``
            when the signature does not match).
    """
    check_proof_members(proof, proof_type=PROOF_TYPE, members=_PROOF_MEMBERS)
    signature = proof_signature(proof)
    verify_signature_of(processor, document, proof, signature=signature, public_key=public_key)
