"""The Open Badges 3.0 implementation-guide vector and the 1EdTech validator sample.

Both are signed with ``https://example…/issuers/…#z6Mk…`` verification methods: an https URL
with the key in the fragment, which our resolvers do not support (wallets cannot resolve it
either). The verifier must say so, never "valid". With a test-only resolver that trusts the
published key, the same pipeline accepts vector 2, which shows the canonical form matches.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from verifier_support import assert_fails, make_verifier, vector_context_loader

from common.jsonld import JsonLdProcessor
from keys.did import VerificationMethod
from keys.multikey import decode_public_key


class TrustPublishedKey:
    """A test resolver that reads the key from an https verification method's fragment."""

    def resolve(self, verification_method: str, *, issuer_id: str) -> VerificationMethod:
        """Trust ``https://host/path#z6Mk…`` as a key controlled by ``https://host/path``."""
        controller, _, multibase = verification_method.partition("#")
        return VerificationMethod(
            id=verification_method,
            controller=controller,
            public_key_multibase=multibase,
            public_key=decode_public_key(multibase),
        )


@pytest.fixture
def ob_vectors(vectors_dir: Path) -> dict[str, Any]:
    """The OB 3.0 eddsa-rdfc-2022 vectors file (skips when the shared vectors are absent)."""
    path = vectors_dir / "ob3-eddsa-rdfc-2022.json"
    if not path.is_file():
        pytest.skip(f"{path.name} is not in the shared vectors")
    vectors: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return vectors


class TestImplementationGuideVector:
    def test_vector_1_https_key_is_unsupported(
        self, jsonld: JsonLdProcessor, ob_vectors: dict[str, Any]
    ) -> None:
        """Vector 1: the proof check fails with 'unsupported verification method'."""
        credential = ob_vectors["vector_1_ob_implementation_guide"]["signedCredential"]
        report = make_verifier(jsonld).verify(credential)
        check = assert_fails(report, "proof", "unsupported-verification-method")
        assert "unsupported verification method" in check.message
        assert report.outcome == "invalid"

    def test_vector_1_proof_object_passes_the_schema(
        self, jsonld: JsonLdProcessor, ob_vectors: dict[str, Any]
    ) -> None:
        """Vector 1 carries proof as one object, the compacted form verifiers accept (DM-05)."""
        credential = ob_vectors["vector_1_ob_implementation_guide"]["signedCredential"]
        check = make_verifier(jsonld).verify(credential).check("schema")
        assert check is not None
        assert check.status == "passed", check.message

    def test_vector_1_signature_verifies_with_the_published_key(
        self, jsonld: JsonLdProcessor, ob_vectors: dict[str, Any]
    ) -> None:
        """Trusting the published key, vector 1's proof and issuer binding pass."""
        credential = ob_vectors["vector_1_ob_implementation_guide"]["signedCredential"]
        report = make_verifier(jsonld, resolver=TrustPublishedKey()).verify(credential)
        assert {report.check("proof").status, report.check("issuer").status} == {"passed"}  # type: ignore[union-attr]


class TestValidatorSample:
    def test_vector_2_https_key_is_unsupported(
        self, jsonld: JsonLdProcessor, ob_vectors: dict[str, Any]
    ) -> None:
        """Vector 2: the proof check fails with 'unsupported verification method'."""
        credential = ob_vectors["vector_2_1edtech_validator_sample"]["signedCredential"]
        report = make_verifier(jsonld).verify(credential)
        assert_fails(report, "proof", "unsupported-verification-method")
        schema = report.check("schema")
        assert schema is not None
        assert schema.status == "passed"

    def test_vector_2_verifies_with_the_published_key(
        self, jsonld: JsonLdProcessor, ob_vectors: dict[str, Any]
    ) -> None:
        """Trusting the published key, the whole pipeline accepts vector 2."""
        credential = ob_vectors["vector_2_1edtech_validator_sample"]["signedCredential"]
        report = make_verifier(jsonld, resolver=TrustPublishedKey()).verify(credential)
        assert report.verified is True

    def test_vector_2_tampered_fails_with_the_published_key(
        self, jsonld: JsonLdProcessor, ob_vectors: dict[str, Any]
    ) -> None:
        """Control: an edited vector 2 fails even with the trusted key."""
        credential = json.loads(
            json.dumps(ob_vectors["vector_2_1edtech_validator_sample"]["signedCredential"])
        )
        credential["name"] = "Brain Surgery Badge"
        report = make_verifier(jsonld, resolver=TrustPublishedKey()).verify(credential)
        assert_fails(report, "proof", "CRYPTOGRAPHIC_SECURITY_ERROR")


class TestSharedVectorContexts:
    def test_vector_contexts_give_the_same_verdict(
        self, vectors_dir: Path, jsonld: JsonLdProcessor, signed: dict[str, Any]
    ) -> None:
        """The shared vector contexts (the tests' fallback loader) verify the base credential
        exactly like the shipped ones."""
        if not (vectors_dir / "contexts").is_dir():
            pytest.skip("no shared vector contexts")
        fallback = JsonLdProcessor(vector_context_loader())
        assert make_verifier(fallback).verify(signed).verified is True
        assert fallback.canonize(signed) == jsonld.canonize(signed)
