"""Official eddsa-rdfc-2022 vectors, reproduced byte for byte.

Sources (read at test time from ``<repo>/../shared/vectors``):
- W3C vc-di-eddsa ``TestVectors/eddsa-rdfc-2022`` (alumni credential), ``eddsa-rdfc-2022.json``;
- 1EdTech OB 3.0 implementation guide, ``linked-data-proof-ob`` vector,
  ``ob3-eddsa-rdfc-2022.json``.
The few figures each test needs (seeds, expected proof values) are restated here.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from common.jsonld import ContextLoader, JsonLdProcessor
from keys.cryptosuite import create_proof, hash_data, verify_proof
from keys.ed25519 import Ed25519KeyPair

W3C_SEED = "c96ef9ea10c5e414c471723aff9de72c35fa5b70fae97e8832ecac7d2e2b8ed6"
W3C_PROOF_VALUE = (
    "z2YwC8z3ap7yx1nZYCg4L3j3ApHsF8kgPdSb5xoS1VR7vPG3F561B52hYnQF9iseabecm3ijx4K1FBTQsCZahKZme"
)
W3C_DOC_HASH = "517744132ae165a5349155bef0bb0cf2258fff99dfe1dbd914b938d775a36017"
W3C_PROOF_HASH = "bea7b7acfbad0126b135104024a5f1733e705108f42d59668b05c0c50004c6b0"
OB_SEED = "6241a409e6707bb640a0140a8a32bc3d193c33a661747284d6adfa4ed4180be4"
OB_PROOF_VALUE = (
    "z5x9aCBYovW3CQCbKdNyhEm7ffYSw1YpEdPywQJoNbzDD2gkzQDKJ1sYKJaWvqZtkMtSbz35HcbgXVEDYHxCzgkCr"
)
OB_DOC_HASH = "87f65a76d40146205e3b3e06cb0fbd153f97f9ce70372390f52566bb7f9e0773"
EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"


def _load(vectors_dir: Path, name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((vectors_dir / name).read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def w3c(vectors_dir: Path) -> dict[str, Any]:
    vector: dict[str, Any] = _load(vectors_dir, "eddsa-rdfc-2022.json")["vectors"][0]
    return vector


@pytest.fixture(scope="module")
def w3c_processor(vectors_dir: Path) -> JsonLdProcessor:
    """Shipped contexts plus the W3C examples context, which the W3C vector needs (tests only)."""
    examples = json.loads(
        (vectors_dir / "contexts" / "www.w3.org_ns_credentials_examples_v2.jsonld").read_bytes()
    )
    return JsonLdProcessor(ContextLoader.from_directory().with_documents({EXAMPLES_V2: examples}))


@pytest.fixture(scope="module")
def ob_vector(vectors_dir: Path) -> dict[str, Any]:
    vector: dict[str, Any] = _load(vectors_dir, "ob3-eddsa-rdfc-2022.json")[
        "vector_1_ob_implementation_guide"
    ]
    return vector


class TestW3CVector:
    """W3C vc-di-eddsa eddsa-rdfc-2022 test vector (alumni credential)."""

    def test_canonical_document(self, w3c: dict[str, Any], w3c_processor: JsonLdProcessor) -> None:
        """The canonical N-Quads of the unsigned document equal the published file."""
        canonical = w3c_processor.canonize(w3c["unsignedDocument"])
        assert canonical == w3c["canonicalDocument_file_canonDocDataInt.txt"]
        assert hashlib.sha256(canonical.encode()).hexdigest() == W3C_DOC_HASH

    def test_canonical_proof_config(
        self, w3c: dict[str, Any], w3c_processor: JsonLdProcessor
    ) -> None:
        """The canonical proof configuration equals the published file and hash."""
        config = w3c["proofOptions_file_proofConfigDataInt.json"]
        canonical = w3c_processor.canonize(config)
        assert canonical == w3c["canonicalProofConfig_file_proofCanonDataInt.txt"]
        assert hashlib.sha256(canonical.encode()).hexdigest() == W3C_PROOF_HASH

    def test_hash_data(self, w3c: dict[str, Any], w3c_processor: JsonLdProcessor) -> None:
        """hashData is the proof-config hash followed by the document hash."""
        data = hash_data(
            w3c_processor, w3c["unsignedDocument"], w3c["proofOptions_file_proofConfigDataInt.json"]
        )
        assert data.hex() == W3C_PROOF_HASH + W3C_DOC_HASH

    def test_proof_value(self, w3c: dict[str, Any], w3c_processor: JsonLdProcessor) -> None:
        """Signing with the vector's seed and options gives the published proofValue."""
        options = w3c["proofOptions_file_proofConfigDataInt.json"]
        proof = create_proof(
            w3c_processor,
            w3c["unsignedDocument"],
            key_pair=Ed25519KeyPair.from_seed(bytes.fromhex(W3C_SEED)),
            verification_method=options["verificationMethod"],
            created=options["created"],
        )
        assert proof["proofValue"] == W3C_PROOF_VALUE
        assert proof["proofValue"] == w3c["proofValue_file_sigBTC58DataInt.txt"].strip()

    def test_signed_document_verifies(
        self, w3c: dict[str, Any], w3c_processor: JsonLdProcessor
    ) -> None:
        """The published signed document verifies with the vector's public key."""
        signed = w3c["signedDocument_file_signedDataInt.json"]
        key = Ed25519KeyPair.from_seed(bytes.fromhex(W3C_SEED))
        verify_proof(w3c_processor, signed, signed["proof"], public_key=key.public_key)


class TestOpenBadgesVector:
    """1EdTech OB 3.0 implementation-guide vector (linked-data-proof-ob)."""

    def test_canonical_document(
        self, ob_vector: dict[str, Any], processor: JsonLdProcessor
    ) -> None:
        """The canonical N-Quads equal the published document-canon.txt."""
        canonical = processor.canonize(ob_vector["unsignedCredential"])
        assert canonical == ob_vector["canonicalDocument_file_document-canon.txt"]
        assert hashlib.sha256(canonical.encode()).hexdigest() == OB_DOC_HASH

    def test_canonical_proof_config(
        self, ob_vector: dict[str, Any], processor: JsonLdProcessor
    ) -> None:
        """The canonical proof configuration equals the published proof-canon.txt."""
        config = {
            "@context": ob_vector["unsignedCredential"]["@context"],
            **ob_vector["proofOptions"],
        }
        assert processor.canonize(config) == ob_vector["canonicalProofConfig_file_proof-canon.txt"]

    def test_proof_value(self, ob_vector: dict[str, Any], processor: JsonLdProcessor) -> None:
        """Signing with the published key reproduces the published proofValue."""
        options = ob_vector["proofOptions"]
        proof = create_proof(
            processor,
            ob_vector["unsignedCredential"],
            key_pair=Ed25519KeyPair.from_seed(bytes.fromhex(OB_SEED)),
            verification_method=options["verificationMethod"],
            created=options["created"],
        )
        assert proof["proofValue"] == OB_PROOF_VALUE == ob_vector["proofValue"]


class TestProofContext:
    """A proof's own @context must be the document's (else it would be an unsigned member)."""

    def _signed(self, processor: JsonLdProcessor) -> tuple[dict[str, Any], Ed25519KeyPair]:
        from keys.cryptosuite import sign_document
        from keys.did import did_key, did_key_verification_method

        key = Ed25519KeyPair.from_seed(bytes.fromhex(W3C_SEED))
        document = {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": "urn:uuid:6a2e0f3c-6f0a-4b8e-9d1c-6d3c0b2a1f00",
            "type": ["VerifiableCredential"],
            "issuer": did_key(key.public_key),
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": {"id": "did:example:s"},
        }
        signed = sign_document(
            processor,
            document,
            key_pair=key,
            verification_method=did_key_verification_method(key.public_key),
            created="2026-01-01T00:00:00Z",
        )
        return signed, key

    def test_same_context_accepted(self, processor: JsonLdProcessor) -> None:
        """A proof repeating the document's @context verifies."""
        signed, key = self._signed(processor)
        proof = {**signed["proof"][0], "@context": signed["@context"]}
        verify_proof(processor, signed, proof, public_key=key.public_key)

    def test_other_context_refused(self, processor: JsonLdProcessor) -> None:
        """A proof with another @context is refused as data loss."""
        from keys.cryptosuite import ProofError

        signed, key = self._signed(processor)
        proof = {**signed["proof"][0], "@context": ["https://w3id.org/security/data-integrity/v2"]}
        with pytest.raises(ProofError) as caught:
            verify_proof(processor, signed, proof, public_key=key.public_key)
        assert caught.value.code == "DATA_LOSS_DETECTION_ERROR"
