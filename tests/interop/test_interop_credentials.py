"""Interoperability with the reference implementation, both ways.

Our credentials verify in the reference (@digitalbazaar/vc + eddsa-rdfc-2022-cryptosuite);
credentials the reference signs verify in ours; both refuse the same unsignable documents.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from app.verification import make_verifier
from badge_classes import Catalogue
from common.jsonld import ContextLoader, JsonLdProcessor
from issuer import CredentialIssuer, IssueRequest, IssuerProfile, Recipient, Signer, sign_credential
from keys.did import did_key, did_key_verification_method, did_web, did_web_document
from keys.ed25519 import Ed25519KeyPair

from .reference import ReferenceImplementation, ReferenceImplementationError

BASE = "https://badges.example.org"
WEB_DID = did_web("badges.example.org", ["orgs", "cv-milano"])
SEED = bytes.fromhex("4c0a1f0d9b8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a392817060504")
NOW = datetime(2026, 6, 1, 12, 0, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def processor() -> JsonLdProcessor:
    return JsonLdProcessor(ContextLoader.from_directory())


@pytest.fixture(scope="module")
def key_pair() -> Ed25519KeyPair:
    return Ed25519KeyPair.from_seed(SEED)


@pytest.fixture(scope="module")
def did_document(key_pair: Ed25519KeyPair) -> dict[str, Any]:
    return did_web_document(WEB_DID, [("key-1", key_pair.public_key)])


@pytest.fixture(scope="module")
def issuer(processor: JsonLdProcessor) -> CredentialIssuer:
    return CredentialIssuer(processor, Catalogue.load(), base_url=BASE)


def _request(slug: str, catalogue: Catalogue, **extra: Any) -> IssueRequest:
    levels: dict[str, Any] = {}
    if catalogue.get(slug).kind == "competence":
        levels = {"outcome": "expert", "complexity": "mid-low"}
    return IssueRequest(
        achievement=slug, recipient=Recipient(email="v@example.org", name="Alex"), **levels, **extra
    )


class TestOursVerifyInTheReference:
    """Every credential our issuer makes verifies in the reference implementation."""

    def test_every_achievement_with_did_web(
        self,
        reference: ReferenceImplementation,
        issuer: CredentialIssuer,
        key_pair: Ed25519KeyPair,
        did_document: dict[str, Any],
    ) -> None:
        """All 18 achievements, signed with a did:web key published in a DID document."""
        profile = IssuerProfile(id=WEB_DID, name="CSV Milano", url="https://csv.example.org")
        signer = Signer(key_pair, f"{WEB_DID}#key-1")
        for lang, slug in zip(
            ("en", "it", "nl", "fr", "es", "pl", "da") * 3, issuer.catalogue.slugs(), strict=False
        ):
            issued = issuer.issue(
                _request(slug, issuer.catalogue, lang=lang, assessor="Jan Kowalski"),
                profile=profile,
                signer=signer,
            )
            result = reference.verify(
                json.loads(issued.signed_bytes), documents={WEB_DID: did_document}
            )
            assert result["verified"] is True, (slug, result["error"])

    def test_did_key_issuer(
        self, reference: ReferenceImplementation, issuer: CredentialIssuer, key_pair: Ed25519KeyPair
    ) -> None:
        """A did:key issuer needs no document: the reference resolves the key itself."""
        profile = IssuerProfile(id=did_key(key_pair.public_key), name="Solo assessor")
        signer = Signer(key_pair, did_key_verification_method(key_pair.public_key))
        issued = issuer.issue(_request("tutor", issuer.catalogue), profile=profile, signer=signer)
        assert reference.verify(json.loads(issued.signed_bytes))["verified"] is True

    @pytest.mark.parametrize(
        "text",
        [
            "tab\there, newline\nthere, carriage\rreturn",
            "backspace\b form\f feed",
            "C0 \x00\x01\x02\x0b\x0e\x1f and DEL \x7f",
            'quote " backslash \\ slash /',
            "Łódź, Århus, Ærø, São Tomé, Ελλάδα, 日本, emoji 🎓, RTL שלום",
            "\u2028 line separator \u2029 paragraph separator \ufeff BOM",
        ],
        ids=["ws", "b-f", "c0-del", "quote", "unicode", "separators"],
    )
    def test_any_text_signs_the_reference_way(
        self,
        text: str,
        reference: ReferenceImplementation,
        issuer: CredentialIssuer,
        key_pair: Ed25519KeyPair,
    ) -> None:
        """Names with control characters get the RDFC-1.0 escapes the reference uses."""
        profile = IssuerProfile(id=did_key(key_pair.public_key), name=text)
        signer = Signer(key_pair, did_key_verification_method(key_pair.public_key))
        request = IssueRequest(
            achievement="initiative",
            outcome="basic",
            complexity="high",
            recipient=Recipient(email="v@example.org", name=text),
            assessor=text,
        )
        issued = issuer.issue(request, profile=profile, signer=signer)
        result = reference.verify(json.loads(issued.signed_bytes))
        assert result["verified"] is True, result["error"]


class TestReferenceVerifiesInOurs:
    """Credentials the reference signs verify in our verifier."""

    def test_reference_signed_lever_credential(
        self,
        reference: ReferenceImplementation,
        issuer: CredentialIssuer,
        processor: JsonLdProcessor,
        key_pair: Ed25519KeyPair,
    ) -> None:
        """A LEVER credential built by us and signed by the reference verifies in ours."""
        profile = IssuerProfile(id=did_key(key_pair.public_key), name="CSV")
        unsigned = issuer_build(issuer, profile)
        signed = reference.sign(unsigned, seed_hex=SEED.hex(), created="2026-05-01T08:00:00Z")
        report = make_verifier(processor).verify(json.dumps(signed))
        assert report.verified, [c for c in report.checks if c.status != "passed"]

    def test_reference_signed_then_tampered_fails_in_ours(
        self,
        reference: ReferenceImplementation,
        issuer: CredentialIssuer,
        processor: JsonLdProcessor,
        key_pair: Ed25519KeyPair,
    ) -> None:
        """Tampering with a reference-signed credential is caught by ours."""
        profile = IssuerProfile(id=did_key(key_pair.public_key), name="CSV")
        signed = reference.sign(issuer_build(issuer, profile), seed_hex=SEED.hex())
        signed["credentialSubject"]["result"][0]["achievedLevel"] = signed["credentialSubject"][
            "result"
        ][0]["achievedLevel"].replace("basic", "expert")
        report = make_verifier(processor).verify(json.dumps(signed))
        assert not report.verified
        assert report.check("proof") is not None
        assert report.check("proof").status == "failed"  # type: ignore[union-attr]


def issuer_build(issuer: CredentialIssuer, profile: IssuerProfile) -> dict[str, Any]:
    from issuer import build_credential

    request = IssueRequest(
        achievement="problem-solving",
        outcome="basic",
        complexity="mid-high",
        recipient=Recipient(email="v@example.org"),
    )
    return build_credential(
        issuer.catalogue, request, profile=profile, base_url=BASE, issued_at=NOW
    )


class TestSameRefusals:
    """Both implementations refuse to sign a document that would lose data (safe mode)."""

    @staticmethod
    def _unsigned(key_pair: Ed25519KeyPair) -> dict[str, Any]:
        return {
            "@context": [
                "https://www.w3.org/ns/credentials/v2",
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            ],
            "id": "urn:uuid:0d9b6d3c-8a8e-4c1e-9f4e-2b1a0c9d8e7f",
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "name": "X",
            "issuer": {"id": did_key(key_pair.public_key), "type": ["Profile"], "name": "X"},
            "validFrom": "2026-01-01T00:00:00Z",
            "credentialSubject": {"id": "did:example:s", "type": ["AchievementSubject"]},
        }

    @pytest.mark.parametrize(
        ("where", "value"),
        [
            ("credentialSubject", {"fooUndefined": "x"}),
            ("root", {"type": ["VerifiableCredential", "OpenBadgeCredential", "NotDefinedType"]}),
            (
                "root",
                {
                    "credentialSchema": [
                        {"id": "https://e.example/s.json", "type": "1EdTechJsonSchemaValidator2019"}
                    ]
                },
            ),
        ],
        ids=["undefined-term", "undefined-type", "extension-without-context"],
    )
    def test_both_refuse(
        self,
        where: str,
        value: dict[str, Any],
        reference: ReferenceImplementation,
        processor: JsonLdProcessor,
        key_pair: Ed25519KeyPair,
    ) -> None:
        document = self._unsigned(key_pair)
        target = document if where == "root" else document[where]
        target.update(copy.deepcopy(value))
        with pytest.raises(ReferenceImplementationError):
            reference.sign(document, seed_hex=SEED.hex())
        signer = Signer(key_pair, did_key_verification_method(key_pair.public_key))
        from common.errors import UnsignableDocumentError

        with pytest.raises(UnsignableDocumentError):
            sign_credential(processor, document, signer)

    def test_both_accept_the_control(
        self,
        reference: ReferenceImplementation,
        processor: JsonLdProcessor,
        key_pair: Ed25519KeyPair,
    ) -> None:
        """Control: the unmodified document is signed by both, with the same proofValue."""
        document = self._unsigned(key_pair)
        created = "2026-02-02T02:02:02Z"
        theirs = reference.sign(document, seed_hex=SEED.hex(), created=created)
        signer = Signer(key_pair, did_key_verification_method(key_pair.public_key))
        ours = sign_credential(processor, document, signer, created=created).document
        their_proof = theirs["proof"] if isinstance(theirs["proof"], dict) else theirs["proof"][0]
        assert ours["proof"][0]["proofValue"] == their_proof["proofValue"]
