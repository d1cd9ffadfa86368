"""Issuing: every credential is signed losslessly, passes the OB 3.0 schema, bytes are kept."""

from __future__ import annotations

import json
from typing import Any

import pytest

from badge_classes import Catalogue
from common.errors import UnsignableDocumentError
from common.jsonld import JsonLdProcessor
from issuer import (
    CredentialIssuer,
    IssueRequest,
    IssuerProfile,
    Recipient,
    Signer,
    sign_credential,
)
from keys.cryptosuite import verify_proof
from keys.ed25519 import Ed25519KeyPair

LANGUAGES = ("en", "it", "nl", "fr", "es", "pl", "da")


def _issue(
    issuer: CredentialIssuer, profile: IssuerProfile, signer: Signer, **fields: Any
) -> dict[str, Any]:
    request = IssueRequest(recipient=Recipient(email="v@example.org", name="Alex"), **fields)
    issued = issuer.issue(request, profile=profile, signer=signer)
    document: dict[str, Any] = issued.document
    return document


class TestEveryCredentialPassesTheSchema:
    """Every competence at every level pair, and every role, in every language."""

    def test_all_competence_level_pairs(
        self,
        catalogue: Catalogue,
        credential_issuer: CredentialIssuer,
        profile: IssuerProfile,
        signer: Signer,
        ob_credential_validator: Any,
    ) -> None:
        """15 competences x 3 outcome levels x 4 complexity levels: 180 valid credentials."""
        outcomes = catalogue.scale("outcome").level_slugs()
        complexities = catalogue.scale("complexity").level_slugs()
        count = 0
        for slug in catalogue.slugs():
            if catalogue.get(slug).kind != "competence":
                continue
            for outcome in outcomes:
                for complexity in complexities:
                    doc = _issue(
                        credential_issuer,
                        profile,
                        signer,
                        achievement=slug,
                        outcome=outcome,
                        complexity=complexity,
                    )
                    errors = sorted(ob_credential_validator.iter_errors(doc), key=str)
                    assert not errors, f"{slug}/{outcome}/{complexity}: {errors[0].message}"
                    count += 1
        assert count == 180

    @pytest.mark.parametrize("lang", LANGUAGES)
    def test_roles_and_one_competence_per_language(
        self,
        lang: str,
        credential_issuer: CredentialIssuer,
        profile: IssuerProfile,
        signer: Signer,
        ob_credential_validator: Any,
    ) -> None:
        """The three roles and a competence, issued in each of the seven languages."""
        docs = [
            _issue(credential_issuer, profile, signer, achievement=role, lang=lang)
            for role in ("tutor", "assessor", "trainer")
        ]
        docs.append(
            _issue(
                credential_issuer,
                profile,
                signer,
                achievement="intercultural-diversity-management",
                outcome="expert",
                complexity="high",
                lang=lang,
            )
        )
        for doc in docs:
            assert not list(ob_credential_validator.iter_errors(doc))


class TestSignedBytes:
    """The serialised bytes are the signed document, and they verify."""

    def test_bytes_parse_to_the_document(
        self, credential_issuer: CredentialIssuer, profile: IssuerProfile, signer: Signer
    ) -> None:
        """signed_bytes is JSON equal to the signed document, proof as a one-element array."""
        request = IssueRequest(
            achievement="empathy",
            outcome="basic",
            complexity="low",
            recipient=Recipient(email="v@example.org"),
        )
        issued = credential_issuer.issue(request, profile=profile, signer=signer)
        assert json.loads(issued.signed_bytes) == issued.document
        assert isinstance(issued.document["proof"], list) and len(issued.document["proof"]) == 1

    def test_stored_bytes_verify(
        self,
        processor: JsonLdProcessor,
        credential_issuer: CredentialIssuer,
        profile: IssuerProfile,
        signer: Signer,
        key_pair: Ed25519KeyPair,
    ) -> None:
        """Parsing the stored bytes and verifying the proof succeeds."""
        request = IssueRequest(
            achievement="leadership",
            outcome="expert",
            complexity="mid-low",
            recipient=Recipient(email="v@example.org"),
        )
        issued = credential_issuer.issue(request, profile=profile, signer=signer)
        document = json.loads(issued.signed_bytes)
        verify_proof(processor, document, document["proof"][0], public_key=key_pair.public_key)


class TestUnsignable:
    """sign refuses any document part of which would go unsigned (pyld would drop it)."""

    @staticmethod
    def _base() -> dict[str, Any]:
        return {
            "@context": [
                "https://www.w3.org/ns/credentials/v2",
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            ],
            "id": "urn:uuid:2f0bbfa8-6f0b-4c39-a9e4-4ea9d1c6f2a1",
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {"id": "did:example:issuer", "type": ["Profile"], "name": "X"},
            "validFrom": "2026-01-01T00:00:00Z",
            "name": "X",
            "credentialSubject": {"type": ["AchievementSubject"], "id": "did:example:s"},
        }

    def _refused(self, processor: JsonLdProcessor, signer: Signer, doc: dict[str, Any]) -> None:
        with pytest.raises(UnsignableDocumentError):
            sign_credential(processor, doc, signer)

    def test_undefined_term(self, processor: JsonLdProcessor, signer: Signer) -> None:
        doc = self._base()
        doc["credentialSubject"]["fooUndefined"] = "x"
        self._refused(processor, signer, doc)

    def test_undefined_type(self, processor: JsonLdProcessor, signer: Signer) -> None:
        doc = self._base()
        doc["type"].append("UndefinedCredentialType")
        self._refused(processor, signer, doc)

    def test_relative_id(self, processor: JsonLdProcessor, signer: Signer) -> None:
        doc = self._base()
        doc["id"] = "1234"
        self._refused(processor, signer, doc)

    def test_extension_type_without_extensions_context(
        self, processor: JsonLdProcessor, signer: Signer
    ) -> None:
        """1EdTechJsonSchemaValidator2019 needs extensions.json (pitfall 1, DM-02)."""
        doc = self._base()
        doc["credentialSchema"] = [
            {"id": "https://example.org/schema.json", "type": "1EdTechJsonSchemaValidator2019"}
        ]
        self._refused(processor, signer, doc)

    def test_inline_context(self, processor: JsonLdProcessor, signer: Signer) -> None:
        doc = self._base()
        doc["@context"].append({"@vocab": "https://evil.example/#"})
        self._refused(processor, signer, doc)

    def test_unknown_context(self, processor: JsonLdProcessor, signer: Signer) -> None:
        doc = self._base()
        doc["@context"].append("https://attacker.example/ctx.jsonld")
        self._refused(processor, signer, doc)

    def test_null_value(self, processor: JsonLdProcessor, signer: Signer) -> None:
        doc = self._base()
        doc["description"] = None
        self._refused(processor, signer, doc)

    def test_included_keyword(self, processor: JsonLdProcessor, signer: Signer) -> None:
        doc = self._base()
        doc["credentialSubject"]["@included"] = [{"id": "did:example:victim"}]
        self._refused(processor, signer, doc)

    def test_full_iri_key(self, processor: JsonLdProcessor, signer: Signer) -> None:
        doc = self._base()
        doc["credentialSubject"]["https://schema.org/name"] = "Other"
        self._refused(processor, signer, doc)

    def test_already_signed(self, processor: JsonLdProcessor, signer: Signer) -> None:
        doc = sign_credential(processor, self._base(), signer).document
        self._refused(processor, signer, doc)

    def test_base_document_signs(self, processor: JsonLdProcessor, signer: Signer) -> None:
        """Control: the unmodified base document signs."""
        assert sign_credential(processor, self._base(), signer).document["proof"]
