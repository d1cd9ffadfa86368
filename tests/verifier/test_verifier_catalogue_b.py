"""Security catalogue group B: JSON-LD tricks.

Every row is applied to the signed base credential (did:key issuer T1) unless it says it re-signs.
Contexts are never fetched: the autouse ``no_network`` fixture records any attempt.
"""

from __future__ import annotations

import json
import time
from typing import Any

from verifier_support import OB, V2, assert_fails, make_verifier

from common.jsonld import JsonLdProcessor
from verifier import VerificationReport

TIME_BUDGET = 2.0
"""Seconds a hostile credential may take (catalogue §2.2: ≤ 2 s CPU per verification)."""


def _verify(jsonld: JsonLdProcessor, data: Any) -> VerificationReport:
    return make_verifier(jsonld).verify(data)


def _timed(jsonld: JsonLdProcessor, data: Any) -> tuple[VerificationReport, float]:
    start = time.perf_counter()
    report = _verify(jsonld, data)
    return report, time.perf_counter() - start


class TestB1UnknownRemoteContext:
    def test_b1_attacker_context(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any], no_network: list[Any]
    ) -> None:
        """B1: an unpinned remote context fails the context check; nothing is fetched."""
        signed["@context"].append("https://attacker.example/ctx.jsonld")
        assert_fails(_verify(jsonld, signed), "context", "PARSING_ERROR")
        assert no_network == []

    def test_b1_metadata_endpoint_context(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any], no_network: list[Any]
    ) -> None:
        """B1: a cloud metadata URL as a context fails; no connection is attempted."""
        signed["@context"].append("http://169.254.169.254/latest/meta-data/")
        report = _verify(jsonld, signed)
        assert_fails(report, "context", "PARSING_ERROR")
        proof = report.check("proof")
        assert proof is not None
        assert proof.status == "skipped"
        assert no_network == []


class TestB2ContextSubstitution:
    def test_b2_swapped_inline_context(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any]
    ) -> None:
        """B2: an inline context exchanging two IRIs (values swapped too) fails context."""
        signed["@context"].append(
            {"employer": "https://schema.org/role", "role": "https://schema.org/employer"}
        )
        signed["credentialSubject"]["employer"] = "Assessor"
        signed["credentialSubject"]["role"] = "Org One"
        assert_fails(_verify(jsonld, signed), "context", "PARSING_ERROR")


class TestB3UrlVariants:
    def test_b3_http_scheme(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """B3: http:// instead of https:// for the base context is no match."""
        signed["@context"][0] = "http://www.w3.org/ns/credentials/v2"
        assert_fails(_verify(jsonld, signed), "context", "MALFORMED_VALUE_ERROR")

    def test_b3_trailing_slash(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """B3: a trailing slash on the base context is no match."""
        signed["@context"][0] = V2 + "/"
        assert_fails(_verify(jsonld, signed), "context", "MALFORMED_VALUE_ERROR")

    def test_b3_query(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """B3: a query string on the base context is no match."""
        signed["@context"][0] = V2 + "?v=1"
        assert_fails(_verify(jsonld, signed), "context", "MALFORMED_VALUE_ERROR")

    def test_b3_fragment(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """B3: a fragment on the base context is no match."""
        signed["@context"][0] = V2 + "#frag"
        assert_fails(_verify(jsonld, signed), "context", "MALFORMED_VALUE_ERROR")

    def test_b3_upper_case_host(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """B3: an upper-case host is no match (exact-string comparison)."""
        signed["@context"][0] = "https://WWW.W3.ORG/ns/credentials/v2"
        assert_fails(_verify(jsonld, signed), "context", "MALFORMED_VALUE_ERROR")

    def test_b3_ob_context_with_query(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any]
    ) -> None:
        """B3: a query string on the OB context is no match."""
        signed["@context"][1] = OB + "?v=1"
        assert_fails(_verify(jsonld, signed), "context", "MALFORMED_VALUE_ERROR")

    def test_b3_ob_context_over_http(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """B3: http:// for the OB context is no match."""
        signed["@context"][1] = OB.replace("https://", "http://")
        assert_fails(_verify(jsonld, signed), "context", "MALFORMED_VALUE_ERROR")

    def test_b3_unversioned_ob_context(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any]
    ) -> None:
        """B3: the unversioned OB context.json (VC 1.1-era) is refused with VC 2.0."""
        signed["@context"][1] = "https://purl.imsglobal.org/spec/ob/v3p0/context.json"
        check = assert_fails(_verify(jsonld, signed), "context", "MALFORMED_VALUE_ERROR")
        assert "VC 1.1" in check.message

    def test_b3_ob_context_3_0_1_with_vc_v2(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any]
    ) -> None:
        """OB context-3.0.1 redefines protected VC 2.0 terms: refused by the context check."""
        signed["@context"][1] = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json"
        assert_fails(_verify(jsonld, signed), "context", "MALFORMED_VALUE_ERROR")


class TestB4B5VocabularyEscapes:
    def test_b4_inline_vocab(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """B4: an inline @vocab context (plus a new claim) fails the context check."""
        signed["@context"].append({"@vocab": "https://evil.example/#"})
        signed["credentialSubject"]["grade"] = "A+"
        assert_fails(_verify(jsonld, signed), "context", "PARSING_ERROR")

    def test_b5_undefined_terms_context_is_refused_even_when_pinned(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any]
    ) -> None:
        """B5 (policy): undefined-terms/v2 is refused even by a loader that pins it."""
        url = "https://www.w3.org/ns/credentials/undefined-terms/v2"
        pinned = JsonLdProcessor(
            jsonld.loader.with_documents(
                {
                    url: {
                        "@context": {
                            "@vocab": "https://www.w3.org/ns/credentials/issuer-dependent#"
                        }
                    }
                }
            )
        )
        signed["@context"].append(url)
        signed["credentialSubject"]["extraClaim"] = "x"
        check = assert_fails(make_verifier(pinned).verify(signed), "context", "PARSING_ERROR")
        assert "undefined terms" in check.message


class TestB6VersionMixing:
    def test_b6_issuance_date_in_v2(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """B6: issuanceDate (VC 1.1) in a VC 2.0 credential fails the schema check."""
        signed["issuanceDate"] = "2026-01-01T00:00:00Z"
        check = assert_fails(_verify(jsonld, signed), "schema", "MALFORMED_VALUE_ERROR")
        assert "issuanceDate" in check.message

    def test_b6_expiration_date_in_v2(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any]
    ) -> None:
        """B6: expirationDate (VC 1.1) in a VC 2.0 credential fails the schema check."""
        signed["expirationDate"] = "2039-01-01T00:00:00Z"
        check = assert_fails(_verify(jsonld, signed), "schema", "MALFORMED_VALUE_ERROR")
        assert "expirationDate" in check.message

    def test_b6_vc_v1_context_first(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """B6: a VC 2.0 credential relabelled VC 1.1 is read as VC 1.1 and refused.

        VC 1.1 credentials are accepted (1EdTech displayer conformance), so the context check
        passes; but the document states validFrom, which VC 1.1 does not define (schema), and
        its signature covered the VC 2.0 context (proof).
        """
        signed["@context"][0] = "https://www.w3.org/2018/credentials/v1"
        report = _verify(jsonld, signed)
        check = assert_fails(report, "schema", "MALFORMED_VALUE_ERROR")
        assert "validFrom" in check.message
        proof = report.check("proof")
        assert proof is not None
        assert proof.status == "failed"

    def test_b6_base_context_not_first(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any]
    ) -> None:
        """B6: the OB context before the VC 2.0 context fails the context check."""
        signed["@context"] = [OB, V2]
        assert_fails(_verify(jsonld, signed), "context", "MALFORMED_VALUE_ERROR")


class TestB7ToB10ContextInjection:
    def test_b7_base_injection(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """B7: an inline @base context plus an undefined type fails the context check."""
        signed["@context"].append({"@base": "https://invalid.example.com/"})
        signed["type"].append("UndefinedCredential")
        assert_fails(_verify(jsonld, signed), "context", "PARSING_ERROR")

    def test_b8_context_entry_with_a_space(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any]
    ) -> None:
        """B8: 'https ://not-a-url/…' as a context entry is a malformed value."""
        signed["@context"].append("https ://not-a-url/context.jsonld")
        assert_fails(_verify(jsonld, signed), "context", "MALFORMED_VALUE_ERROR")

    def test_b8_number_as_context(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """B8: a number as a context entry is a malformed value."""
        signed["@context"].append(123192875)
        assert_fails(_verify(jsonld, signed), "context", "MALFORMED_VALUE_ERROR")

    def test_b8_issuer_id_not_a_url(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """B8: issuer.id 'fake-issuer' is a malformed value."""
        signed["issuer"]["id"] = "fake-issuer"
        report = _verify(jsonld, signed)
        check = assert_fails(report, "schema", "MALFORMED_VALUE_ERROR")
        assert "issuer.id" in check.message

    def test_b8_credential_id_with_a_space(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any]
    ) -> None:
        """B8: a credential id holding a space is a malformed value."""
        signed["id"] = "urn:uuid:4f1c5b3e 8a2d"
        assert_fails(_verify(jsonld, signed), "schema", "MALFORMED_VALUE_ERROR")

    def test_b9_redefine_verifiable_credential(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any]
    ) -> None:
        """B9: an inline context redefining VerifiableCredential fails the context check."""
        signed["@context"].append({"VerifiableCredential": "https://example.org/#Bad"})
        assert_fails(_verify(jsonld, signed), "context", "PARSING_ERROR")

    def test_b9_redefine_name(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """B9: an inline context redefining name fails the context check."""
        signed["@context"].append({"name": "https://evil.example/name"})
        assert_fails(_verify(jsonld, signed), "context", "PARSING_ERROR")

    def test_b10_vocab_null(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """B10: an inline {"@vocab": null} context with an unmapped type fails context."""
        signed["@context"].append({"@vocab": None})
        signed["type"].append("ExampleTestCredential")
        assert_fails(_verify(jsonld, signed), "context", "PARSING_ERROR")


class TestB11ToB13Complexity:
    def test_b11_blank_node_clique(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """B11: an 8-node blank-node clique (explicit _:e ids, OB term 'alignment') is refused
        by the canonicalization work limit, well within the time budget."""
        ids = [f"_:e{index}" for index in range(8)]
        signed["credentialSubject"]["alignment"] = [
            {"id": node, "alignment": [{"id": other} for other in ids]} for node in ids
        ]
        report, elapsed = _timed(jsonld, signed)
        assert_fails(report, "proof", "PROOF_TRANSFORMATION_ERROR")
        assert elapsed < TIME_BUDGET

    def test_b12_identical_nested_chain(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any]
    ) -> None:
        """B12: an identical nested chain 150 deep is refused by the depth limit, in time."""
        node: dict[str, Any] = {"id": "did:example:leaf"}
        for _ in range(150):
            node = {"name": "x", "alignment": node}
        signed["credentialSubject"]["alignment"] = node
        report, elapsed = _timed(jsonld, json.dumps(signed).encode("utf-8"))
        assert_fails(report, "proof", "PROOF_TRANSFORMATION_ERROR")
        assert elapsed < TIME_BUDGET

    def test_b13_chain_600_deep(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """B13: the chain 600 deep fails parse (nesting limit), in time, with no crash."""
        node: dict[str, Any] = {"id": "did:example:leaf"}
        for _ in range(600):
            node = {"name": "x", "alignment": node}
        signed["credentialSubject"]["alignment"] = node
        report, elapsed = _timed(jsonld, json.dumps(signed).encode("utf-8"))
        assert_fails(report, "parse", "PARSING_ERROR")
        assert elapsed < TIME_BUDGET

    def test_b13_5000_nested_arrays(self, jsonld: JsonLdProcessor) -> None:
        """B13: 5,000 nested arrays fail parse, in time, with no RecursionError escaping."""
        data = '{"credentialSubject":{"alignment":' + "[" * 5000 + "]" * 5000 + "}}"
        report, elapsed = _timed(jsonld, data)
        assert_fails(report, "parse", "PARSING_ERROR")
        assert elapsed < TIME_BUDGET

    def test_b13_5000_nested_arrays_as_a_mapping(self, jsonld: JsonLdProcessor) -> None:
        """B13: the same nesting handed in as Python objects fails parse, in time."""
        nested: list[Any] = []
        for _ in range(5000):
            nested = [nested]
        report, elapsed = _timed(jsonld, {"credentialSubject": {"alignment": nested}})
        assert_fails(report, "parse", "PARSING_ERROR")
        assert elapsed < TIME_BUDGET


class TestB14ToB17:
    def test_b14_id_and_at_id(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """B14: 'id' and '@id' in one object are colliding keywords: parse fails."""
        signed["@id"] = "urn:b"
        assert_fails(_verify(jsonld, signed), "parse", "PARSING_ERROR")

    def test_b14_type_and_at_type(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """B14: 'type' and '@type' in one object are colliding keywords: parse fails."""
        signed["credentialSubject"]["@type"] = "EndorsementSubject"
        assert_fails(_verify(jsonld, signed), "parse", "PARSING_ERROR")

    def test_b15_included(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """B15: @included smuggling statements about another subject is refused."""
        signed["credentialSubject"]["@included"] = [
            {"id": "did:example:victim", "name": "Injected"}
        ]
        assert_fails(_verify(jsonld, signed), "proof", "DATA_LOSS_DETECTION_ERROR")

    def test_b15_graph(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """B15: an @graph keyword inside the subject is refused."""
        signed["credentialSubject"]["@graph"] = [{"id": "did:example:victim", "name": "Injected"}]
        assert_fails(_verify(jsonld, signed), "proof", "DATA_LOSS_DETECTION_ERROR")

    def test_b15_reverse(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """B15: an @reverse keyword inside the subject is refused."""
        signed["credentialSubject"]["@reverse"] = {"name": {"id": "did:example:victim"}}
        assert_fails(_verify(jsonld, signed), "proof", "DATA_LOSS_DETECTION_ERROR")

    def test_b15_nest(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """B15: an @nest keyword inside the subject is refused."""
        signed["credentialSubject"]["@nest"] = {"name": "Injected"}
        assert_fails(_verify(jsonld, signed), "proof", "DATA_LOSS_DETECTION_ERROR")

    def test_b15_json_literal(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """B15: a JSON-literal value where OB expects a string is refused (shape and proof)."""
        signed["credentialSubject"]["narrative"] = {"@value": {"x": 1}, "@type": "@json"}
        report = _verify(jsonld, signed)
        assert_fails(report, "schema", "MALFORMED_VALUE_ERROR")
        assert_fails(report, "proof")

    def test_b16_full_iri_key(self, jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
        """B16: a full-IRI key beside the 'name' term is refused (two names in RDF)."""
        signed["credentialSubject"]["achievement"]["https://schema.org/name"] = "Other name"
        assert_fails(_verify(jsonld, signed), "proof", "DATA_LOSS_DETECTION_ERROR")

    def test_b17_import_context_object(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any], no_network: list[Any]
    ) -> None:
        """B17: an inline context with @import is refused before any fetch."""
        signed["@context"].append({"@import": "https://attacker.example/chain-1.jsonld"})
        assert_fails(_verify(jsonld, signed), "context", "PARSING_ERROR")
        assert no_network == []

    def test_b17_eleven_remote_contexts(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any], no_network: list[Any]
    ) -> None:
        """B17: eleven more remote contexts are refused before any fetch."""
        signed["@context"].extend(f"https://attacker.example/ctx-{n}.jsonld" for n in range(11))
        assert_fails(_verify(jsonld, signed), "context", "PARSING_ERROR")
        assert no_network == []
