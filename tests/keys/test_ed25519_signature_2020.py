"""The legacy ``Ed25519Signature2020`` suite (keys.ed25519_signature_2020), verification side.

The signing side is a test helper written from the W3C CCG specification (proof options with
the document's ``@context``, RDFC-1.0, SHA-256 of each, Ed25519, ``z`` + base58btc): it is the
self-contained vector; the interop tests check the same against digitalbazaar's suite.
"""

from __future__ import annotations

import copy
import hashlib
from typing import Any

import base58
import pytest

from common.jsonld import JsonLdProcessor
from keys import Ed25519KeyPair, did_key, did_key_verification_method
from keys.cryptosuite import ProofError
from keys.ed25519_signature_2020 import SUITE_CONTEXT, hash_data, verify_proof

KEY = Ed25519KeyPair.from_seed(bytes(range(32)))
OTHER = Ed25519KeyPair.from_seed(bytes(range(1, 33)))
VM = did_key_verification_method(KEY.public_key)


def _credential() -> dict[str, Any]:
    return {
        "@context": [
            "https://www.w3.org/2018/credentials/v1",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            SUITE_CONTEXT,
        ],
        "id": "urn:uuid:2d7f3c1e-4b5a-4c6d-8e9f-0a1b2c3d4e5f",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Vector badge",
        "issuer": {"id": did_key(KEY.public_key), "type": ["Profile"], "name": "Vector Org"},
        "issuanceDate": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:example:learner",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "urn:uuid:3e8f4d2f-5c6b-4d7e-9f0a-1b2c3d4e5f60",
                "type": ["Achievement"],
                "name": "Vector",
                "description": "A test vector.",
                "criteria": {"narrative": "None."},
            },
        },
    }


def _sign(processor: JsonLdProcessor, credential: dict[str, Any]) -> dict[str, Any]:
    """The CCG signing algorithm, independent of the module under test."""
    options = {
        "type": "Ed25519Signature2020",
        "created": "2026-01-01T00:00:00Z",
        "verificationMethod": VM,
        "proofPurpose": "assertionMethod",
    }
    config = {"@context": credential["@context"], **options}
    digest = (
        hashlib.sha256(processor.canonize(config).encode("utf-8")).digest()
        + hashlib.sha256(processor.canonize(credential).encode("utf-8")).digest()
    )
    value = "z" + base58.b58encode(KEY.sign(digest)).decode("ascii")
    return {**credential, "proof": {**options, "proofValue": value}}


@pytest.fixture(scope="module")
def signed(processor: JsonLdProcessor) -> dict[str, Any]:
    return _sign(processor, _credential())


def test_the_vector_verifies(processor: JsonLdProcessor, signed: dict[str, Any]) -> None:
    """verify_proof accepts the vector with the signer's key."""
    verify_proof(processor, signed, signed["proof"], public_key=KEY.public_key)


def test_hash_data_is_the_proof_hash_then_the_document_hash(
    processor: JsonLdProcessor, signed: dict[str, Any]
) -> None:
    """hash_data orders the hashes as the suite does: proof options first."""
    unsecured = {k: v for k, v in signed.items() if k != "proof"}
    config = {k: v for k, v in signed["proof"].items() if k != "proofValue"}
    config["@context"] = signed["@context"]
    data = hash_data(processor, unsecured, config)
    assert data[32:] == hashlib.sha256(processor.canonize(unsecured).encode()).digest()
    assert data[:32] == hashlib.sha256(processor.canonize(config).encode()).digest()


def test_another_key_is_a_cryptographic_error(
    processor: JsonLdProcessor, signed: dict[str, Any]
) -> None:
    """The right signature under another key does not verify."""
    with pytest.raises(ProofError) as caught:
        verify_proof(processor, signed, signed["proof"], public_key=OTHER.public_key)
    assert caught.value.code == "CRYPTOGRAPHIC_SECURITY_ERROR"


def test_a_tampered_document_is_a_cryptographic_error(
    processor: JsonLdProcessor, signed: dict[str, Any]
) -> None:
    """An edited claim breaks the signature."""
    tampered = copy.deepcopy(signed)
    tampered["name"] = "Forged"
    with pytest.raises(ProofError) as caught:
        verify_proof(processor, tampered, tampered["proof"], public_key=KEY.public_key)
    assert caught.value.code == "CRYPTOGRAPHIC_SECURITY_ERROR"


def test_a_tampered_created_is_a_cryptographic_error(
    processor: JsonLdProcessor, signed: dict[str, Any]
) -> None:
    """The proof options are signed too."""
    proof = {**signed["proof"], "created": "2026-01-02T00:00:00Z"}
    with pytest.raises(ProofError) as caught:
        verify_proof(processor, signed, proof, public_key=KEY.public_key)
    assert caught.value.code == "CRYPTOGRAPHIC_SECURITY_ERROR"


def test_another_proof_type_is_refused(processor: JsonLdProcessor, signed: dict[str, Any]) -> None:
    """Only Ed25519Signature2020 is this suite."""
    proof = {**signed["proof"], "type": "Ed25519Signature2018"}
    with pytest.raises(ProofError, match="unsupported proof type"):
        verify_proof(processor, signed, proof, public_key=KEY.public_key)


def test_a_proof_context_other_than_the_document_is_refused(
    processor: JsonLdProcessor, signed: dict[str, Any]
) -> None:
    """A proof @context that differs from the document's would be unsigned."""
    proof = {**signed["proof"], "@context": [SUITE_CONTEXT]}
    with pytest.raises(ProofError) as caught:
        verify_proof(processor, signed, proof, public_key=KEY.public_key)
    assert caught.value.code == "DATA_LOSS_DETECTION_ERROR"


def test_a_short_proof_value_is_refused(processor: JsonLdProcessor, signed: dict[str, Any]) -> None:
    """A proofValue that does not decode to 64 bytes is refused before any hashing."""
    proof = {**signed["proof"], "proofValue": "z" + base58.b58encode(bytes(63)).decode()}
    with pytest.raises(ProofError, match="63 bytes"):
        verify_proof(processor, signed, proof, public_key=KEY.public_key)


def test_a_malformed_created_is_refused(processor: JsonLdProcessor, signed: dict[str, Any]) -> None:
    """created must be an xsd:dateTimeStamp."""
    proof = {**signed["proof"], "created": "yesterday"}
    with pytest.raises(ProofError) as caught:
        verify_proof(processor, signed, proof, public_key=KEY.public_key)
    assert caught.value.code == "MALFORMED_VALUE_ERROR"
