"""VC 1.1 credentials the reference signs with ``Ed25519Signature2020`` verify in ours.

The reference is digitalbazaar's ``@digitalbazaar/ed25519-signature-2020`` suite through
``@digitalbazaar/vc`` (the suite 1EdTech's displayer conformance credentials use). Skipped
without node unless ``LEVERUP_REQUIRE_NODE=1``.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any, Final

import pytest

from common.jsonld import ContextLoader, JsonLdProcessor
from keys.did import did_key, did_web, did_web_document
from keys.ed25519 import Ed25519KeyPair
from verifier import CompositeResolver, DidKeyResolver, LocalDidWebResolver, Verifier

from .reference import ReferenceImplementation

SEED: Final = bytes.fromhex("5d1c2b3a49586776859403a2b1c0d9e8f7a6b5c4d3e2f10f1e2d3c4b5a697887")
KEY: Final = Ed25519KeyPair.from_seed(SEED)
WEB_DID: Final = did_web("legacy-issuer.example")
NOW: Final = datetime(2026, 6, 1, 12, 0, 0, tzinfo=UTC)


def _credential(issuer_id: str, expiration: str = "2030-01-01T00:00:00Z") -> dict[str, Any]:
    return {
        "@context": [
            "https://www.w3.org/2018/credentials/v1",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            "https://w3id.org/security/suites/ed25519-2020/v1",
        ],
        "id": "urn:uuid:7a4e3c2b-1d0f-4e9a-8b7c-6d5e4f3a2b1c",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Legacy displayer conformance badge",
        "issuer": {"id": issuer_id, "type": ["Profile"], "name": "Legacy Issuer"},
        "issuanceDate": "2026-01-15T10:00:00Z",
        "expirationDate": expiration,
        "credentialSubject": {
            "id": "did:example:learner-1",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "urn:uuid:1b2c3d4e-5f60-4a7b-8c9d-0e1f2a3b4c5d",
                "type": ["Achievement"],
                "name": "Teamwork",
                "description": "Works well in a team.",
                "criteria": {"narrative": "Assessed on a portfolio."},
            },
        },
    }


@pytest.fixture(scope="module")
def processor() -> JsonLdProcessor:
    return JsonLdProcessor(ContextLoader.from_directory())


def _verifier(processor: JsonLdProcessor, documents: dict[str, Any] | None = None) -> Verifier:
    local = dict(documents or {})
    resolver = CompositeResolver([DidKeyResolver(), LocalDidWebResolver(local.get)])
    return Verifier(processor, resolver, clock=lambda: NOW)


class TestReferenceEd25519Signature2020:
    def test_did_key_credential_verifies(
        self, reference: ReferenceImplementation, processor: JsonLdProcessor
    ) -> None:
        """A did:key VC 1.1 credential signed by the reference passes every check."""
        signed = reference.sign2020(
            _credential(did_key(KEY.public_key)), SEED.hex(), created="2026-01-15T10:00:00Z"
        )
        assert signed["proof"]["type"] == "Ed25519Signature2020"
        report = _verifier(processor).verify(signed)
        assert report.verified, [(c.id, c.message) for c in report.checks]
        proof = report.check("proof")
        assert proof is not None
        assert "Ed25519Signature2020" in proof.message

    def test_did_web_credential_verifies(
        self, reference: ReferenceImplementation, processor: JsonLdProcessor
    ) -> None:
        """A did:web issuer whose key is listed as Ed25519VerificationKey2020 verifies."""
        vm = WEB_DID + "#key-1"
        document = did_web_document(WEB_DID, [("key-1", KEY.public_key)])
        document["verificationMethod"][0]["type"] = "Ed25519VerificationKey2020"
        signed = reference.sign2020(
            _credential(WEB_DID), SEED.hex(), vm=vm, documents={WEB_DID: document}
        )
        report = _verifier(processor, {WEB_DID: document}).verify(signed)
        assert report.verified, [(c.id, c.message) for c in report.checks]

    def test_tampered_reference_credential_fails(
        self, reference: ReferenceImplementation, processor: JsonLdProcessor
    ) -> None:
        """Editing the reference's signed credential breaks our proof check."""
        signed = reference.sign2020(_credential(did_key(KEY.public_key)), SEED.hex())
        tampered = copy.deepcopy(signed)
        tampered["credentialSubject"]["achievement"]["name"] = "Leadership"
        report = _verifier(processor).verify(tampered)
        proof = report.check("proof")
        assert proof is not None
        assert proof.status == "failed"
        assert not report.verified

    def test_expired_reference_credential_reads_expiration_date(
        self, reference: ReferenceImplementation, processor: JsonLdProcessor
    ) -> None:
        """The VC 1.1 expirationDate of a reference credential drives the expiration check."""
        unsigned = _credential(did_key(KEY.public_key), expiration="2026-02-01T00:00:00Z")
        signed = reference.sign2020(unsigned, SEED.hex())
        report = _verifier(processor).verify(signed)
        proof, expiration = report.check("proof"), report.check("expiration")
        assert proof is not None and proof.status == "passed"
        assert expiration is not None and expiration.status == "failed"
