"""Security catalogue group E: DID tricks, with did:web documents handed to LocalDidWebResolver.

The rows that apply to the local resolver alone are here: with no network resolver chained, a
did:web that is not a local issuer is never fetched (E1), and a did:web whose path would escape
is refused before any lookup (E2). Network resolution (the app chains a did:web resolver after the
local one, :mod:`verifier.web_did`) is tested in test_web_did_network.py and
test_fetch_guard.py.
"""

from __future__ import annotations

from typing import Any

import base58
from verifier_support import (
    ATK,
    T1,
    T1_DID,
    WEB_DID,
    WEB_VM,
    assert_fails,
    build_credential,
    default_options,
    make_verifier,
    proof_with_options,
    web_document,
)

from common.jsonld import JsonLdProcessor
from keys.multikey import encode_public_key
from verifier import VerificationReport


def _credential(jsonld: JsonLdProcessor, issuer: str, verification_method: str) -> dict[str, Any]:
    """The base credential naming ``issuer``, signed by T1 with ``verification_method``."""
    credential = build_credential(issuer)
    credential["proof"] = [
        proof_with_options(jsonld, credential, default_options(verification_method))
    ]
    return credential


def _verify_web(
    jsonld: JsonLdProcessor, document: dict[str, Any], credential: dict[str, Any]
) -> VerificationReport:
    return make_verifier(jsonld, did_documents={WEB_DID: document}).verify(credential)


def _key_with(document: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """The document with its first verification method changed."""
    method = {**document["verificationMethod"][0], **changes}
    for key, value in changes.items():
        if value is None:
            del method[key]
    return {**document, "verificationMethod": [method]}


class TestLocalResolution:
    def test_did_web_not_local_is_an_error_not_a_failure(
        self, jsonld: JsonLdProcessor, web_signed: dict[str, Any], no_network: list[Any]
    ) -> None:
        """A did:web issuer that is not local cannot be resolved: proof error, indeterminate."""
        report = make_verifier(jsonld).verify(web_signed)
        check = assert_fails(report, "proof", "unresolvable-verification-method", status="error")
        assert "not a local issuer" in check.message
        assert report.outcome == "indeterminate"
        assert no_network == []

    def test_did_web_without_fragment(
        self, jsonld: JsonLdProcessor, web_documents: dict[str, Any]
    ) -> None:
        """A did:web verification method must name a key (#fragment)."""
        credential = _credential(jsonld, WEB_DID, WEB_DID)
        check = assert_fails(
            _verify_web(jsonld, web_documents[WEB_DID], credential),
            "proof",
            "INVALID_VERIFICATION_METHOD",
        )
        assert "#fragment" in check.message

    def test_e1_ip_literal_did_web_is_never_fetched(
        self, jsonld: JsonLdProcessor, no_network: list[Any]
    ) -> None:
        """E1: did:web:127.0.0.1 is not a local issuer: error, and no connection attempted."""
        credential = _credential(jsonld, "did:web:127.0.0.1", "did:web:127.0.0.1#key-1")
        report = make_verifier(jsonld).verify(credential)
        assert_fails(report, "proof", "unresolvable-verification-method", status="error")
        assert no_network == []

    def test_e2_dot_dot_path_segment(self, jsonld: JsonLdProcessor) -> None:
        """E2: a did:web with a '..' path segment is refused before any lookup."""
        did = "did:web:example.com:..:..:admin"
        report = make_verifier(jsonld).verify(_credential(jsonld, did, did + "#key-1"))
        assert_fails(report, "proof", "INVALID_VERIFICATION_METHOD")

    def test_e2_encoded_slash(self, jsonld: JsonLdProcessor) -> None:
        """E2: a did:web with an encoded '/' is refused before any lookup."""
        did = "did:web:example.com%2F..%2Fadmin"
        report = make_verifier(jsonld).verify(_credential(jsonld, did, did + "#key-1"))
        assert_fails(report, "proof", "INVALID_VERIFICATION_METHOD")


class TestE5ToE7DocumentBinding:
    def test_e5_document_id_mismatch(
        self, jsonld: JsonLdProcessor, web_signed: dict[str, Any]
    ) -> None:
        """E5: the DID document served for the issuer has another id."""
        document = {**web_document(), "id": "did:web:other.example"}
        check = assert_fails(
            _verify_web(jsonld, document, web_signed), "proof", "INVALID_VERIFICATION_METHOD"
        )
        assert "does not match" in check.message

    def test_e6_controller_mismatch(
        self, jsonld: JsonLdProcessor, web_signed: dict[str, Any]
    ) -> None:
        """E6: the verification method is controlled by another DID."""
        document = _key_with(web_document(), controller="did:web:evil.example")
        check = assert_fails(
            _verify_web(jsonld, document, web_signed), "proof", "INVALID_VERIFICATION_METHOD"
        )
        assert "controlled by" in check.message

    def test_e7_key_only_for_authentication(
        self, jsonld: JsonLdProcessor, web_signed: dict[str, Any]
    ) -> None:
        """E7: a key listed only under authentication may not sign credentials."""
        document = {**web_document(), "authentication": [WEB_VM], "assertionMethod": []}
        check = assert_fails(
            _verify_web(jsonld, document, web_signed), "proof", "INVALID_VERIFICATION_METHOD"
        )
        assert "assertionMethod" in check.message

    def test_e7_key_only_for_key_agreement(
        self, jsonld: JsonLdProcessor, web_signed: dict[str, Any]
    ) -> None:
        """E7: a key listed only under keyAgreement may not sign credentials."""
        document = {**web_document(), "keyAgreement": [WEB_VM]}
        del document["assertionMethod"]
        assert_fails(
            _verify_web(jsonld, document, web_signed), "proof", "INVALID_VERIFICATION_METHOD"
        )


class TestE8BadMultikey:
    def test_e8_no_z_prefix(self, jsonld: JsonLdProcessor, web_signed: dict[str, Any]) -> None:
        """E8: publicKeyMultibase without the 'z' header is refused."""
        document = web_document()
        value = document["verificationMethod"][0]["publicKeyMultibase"][1:]
        document = _key_with(document, publicKeyMultibase=value)
        assert_fails(
            _verify_web(jsonld, document, web_signed), "proof", "INVALID_VERIFICATION_METHOD"
        )

    def test_e8_x25519_prefix(self, jsonld: JsonLdProcessor, web_signed: dict[str, Any]) -> None:
        """E8: a key with the X25519 multicodec prefix (0xec01) is refused."""
        value = "z" + base58.b58encode(b"\xec\x01" + T1.public_key).decode("ascii")
        document = _key_with(web_document(), publicKeyMultibase=value)
        check = assert_fails(
            _verify_web(jsonld, document, web_signed), "proof", "INVALID_VERIFICATION_METHOD"
        )
        assert "x25519" in check.message

    def test_e8_31_byte_key(self, jsonld: JsonLdProcessor, web_signed: dict[str, Any]) -> None:
        """E8: a 31-byte Ed25519 key is refused."""
        value = "z" + base58.b58encode(b"\xed\x01" + T1.public_key[:31]).decode("ascii")
        document = _key_with(web_document(), publicKeyMultibase=value)
        assert_fails(
            _verify_web(jsonld, document, web_signed), "proof", "INVALID_VERIFICATION_METHOD"
        )

    def test_e8_33_byte_key(self, jsonld: JsonLdProcessor, web_signed: dict[str, Any]) -> None:
        """E8: a 33-byte Ed25519 key is refused."""
        value = "z" + base58.b58encode(b"\xed\x01" + T1.public_key + b"\x00").decode("ascii")
        document = _key_with(web_document(), publicKeyMultibase=value)
        assert_fails(
            _verify_web(jsonld, document, web_signed), "proof", "INVALID_VERIFICATION_METHOD"
        )

    def test_e8_published_secret_key_multibase(
        self, jsonld: JsonLdProcessor, web_signed: dict[str, Any]
    ) -> None:
        """E8: a DID document publishing secretKeyMultibase is refused."""
        document = _key_with(web_document(), secretKeyMultibase="z3u2secret")
        check = assert_fails(
            _verify_web(jsonld, document, web_signed), "proof", "INVALID_VERIFICATION_METHOD"
        )
        assert "secret" in check.message

    def test_e8_published_private_jwk(
        self, jsonld: JsonLdProcessor, web_signed: dict[str, Any]
    ) -> None:
        """E8: a DID document publishing publicKeyJwk.d is refused."""
        jwk = {"kty": "OKP", "crv": "Ed25519", "x": "AAAA", "d": "BBBB"}
        document = _key_with(web_document(), publicKeyJwk=jwk)
        assert_fails(
            _verify_web(jsonld, document, web_signed), "proof", "INVALID_VERIFICATION_METHOD"
        )

    def test_e8_x25519_did_key(self, jsonld: JsonLdProcessor) -> None:
        """E8: a did:key holding an X25519 key is not an Ed25519 signing key."""
        multibase = "z" + base58.b58encode(b"\xec\x01" + T1.public_key).decode("ascii")
        did = "did:key:" + multibase
        report = make_verifier(jsonld).verify(_credential(jsonld, did, f"{did}#{multibase}"))
        assert_fails(report, "proof", "INVALID_DID")


class TestE9MalformedDidKey:
    def test_e9_no_multibase_header(self, jsonld: JsonLdProcessor) -> None:
        """E9: did:key:6Mk… (no 'z') is an invalid DID."""
        multibase = encode_public_key(T1.public_key)[1:]
        did = "did:key:" + multibase
        report = make_verifier(jsonld).verify(_credential(jsonld, did, f"{did}#{multibase}"))
        assert_fails(report, "proof", "INVALID_DID")

    def test_e9_base58_decode_error(self, jsonld: JsonLdProcessor) -> None:
        """E9: a did:key with characters outside base58 ('0', 'O', 'I', 'l') is invalid."""
        did = "did:key:z6Mk0OIl0OIl0OIl0OIl0OIl0OIl0OIl0OIl0OIl0"
        report = make_verifier(jsonld).verify(_credential(jsonld, did, did + "#z6Mk0OIl"))
        assert_fails(report, "proof", "INVALID_DID")

    def test_e9_fragment_is_another_key(self, jsonld: JsonLdProcessor) -> None:
        """E9: did:key:zA#zB (fragment not the DID's key) is an invalid DID URL."""
        other = encode_public_key(ATK.public_key)
        report = make_verifier(jsonld).verify(_credential(jsonld, T1_DID, f"{T1_DID}#{other}"))
        assert_fails(report, "proof", "INVALID_DID_URL")

    def test_e9_parameters(self, jsonld: JsonLdProcessor) -> None:
        """E9: a did:key carrying ';service=x' is an invalid DID."""
        did = T1_DID + ";service=x"
        key = encode_public_key(T1.public_key)
        report = make_verifier(jsonld).verify(_credential(jsonld, did, f"{did}#{key}"))
        assert_fails(report, "proof", "INVALID_DID")

    def test_e9_upper_case_scheme(self, jsonld: JsonLdProcessor) -> None:
        """E9: 'DID:KEY:' in upper case is an invalid DID."""
        key = encode_public_key(T1.public_key)
        did = "DID:KEY:" + key
        report = make_verifier(jsonld).verify(_credential(jsonld, did, f"{did}#{key}"))
        assert_fails(report, "proof", "INVALID_DID")


class TestE10UnsupportedMethods:
    def test_e10_did_ethr(self, jsonld: JsonLdProcessor, no_network: list[Any]) -> None:
        """E10: a did:ethr issuer key is an unsupported verification method; nothing fetched."""
        did = "did:ethr:0xb9c5714089478a327f09197987f16f9e5d936e8a"
        report = make_verifier(jsonld).verify(_credential(jsonld, did, did + "#controller"))
        check = assert_fails(report, "proof", "unsupported-verification-method")
        assert "unsupported verification method" in check.message
        assert no_network == []

    def test_e10_did_peer(self, jsonld: JsonLdProcessor) -> None:
        """E10: did:peer is an unsupported verification method."""
        did = "did:peer:0z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH"
        report = make_verifier(jsonld).verify(_credential(jsonld, did, did + "#key-1"))
        assert_fails(report, "proof", "unsupported-verification-method")

    def test_e10_did_webvh(self, jsonld: JsonLdProcessor) -> None:
        """E10: did:webvh is an unsupported verification method."""
        did = "did:webvh:QmfGEUAcMpzo25kF2Rhn8L5FAXysfGnkzjwdKoNPi615XQ:issuer.example"
        report = make_verifier(jsonld).verify(_credential(jsonld, did, did + "#key-1"))
        assert_fails(report, "proof", "unsupported-verification-method")

    def test_e10_https_issuer_url(self, jsonld: JsonLdProcessor, no_network: list[Any]) -> None:
        """E10: an https issuer URL key is an unsupported verification method; nothing fetched."""
        issuer = "https://issuer.example/profile"
        report = make_verifier(jsonld).verify(_credential(jsonld, issuer, issuer + "#key-1"))
        assert_fails(report, "proof", "unsupported-verification-method")
        assert no_network == []


class TestE11DuplicateIds:
    def test_e11_two_methods_share_an_id(
        self, jsonld: JsonLdProcessor, web_signed: dict[str, Any]
    ) -> None:
        """E11: two verification methods with the same id make the key ambiguous."""
        document = web_document()
        twin = {
            **document["verificationMethod"][0],
            "publicKeyMultibase": encode_public_key(ATK.public_key),
        }
        document = {**document, "verificationMethod": [*document["verificationMethod"], twin]}
        check = assert_fails(
            _verify_web(jsonld, document, web_signed), "proof", "INVALID_VERIFICATION_METHOD"
        )
        assert "more than once" in check.message
