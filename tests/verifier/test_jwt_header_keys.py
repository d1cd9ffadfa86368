"""JWT headers that carry the key: ``jwk`` without ``kid`` (issue 12, item 19) and RSA keys whose
``jwk`` makes the header longer than joserfc's default 512 bytes (item 20).

openbadgeslib (and other OB 3.0 issuers) write ``{"alg": ..., "typ": "JWT", "jwk": {...}}`` and
no ``kid``; OB 3.0 allows either. The header key is accepted only if it is one of the issuer's
DID's assertion keys, never on its own.
"""

from __future__ import annotations

from typing import Any

import pytest
from jwt_support import (
    JWT_WEB_DID,
    b64,
    ec_key,
    eddsa_header,
    eddsa_jwt,
    jwk_did_document,
    public_jwk,
    sign_eddsa,
    sign_es256,
    sign_rs256,
    vc_payload,
    web_credential,
)
from verifier_support import ATK, T1, assert_fails, make_verifier

from common.jsonld import JsonLdProcessor
from verifier import VerificationReport
from verifier.resolver import DidKeyResolver, LocalDidWebResolver

WEB_VM = JWT_WEB_DID + "#key-1"


def _ed_jwk(public_key: bytes) -> dict[str, str]:
    return {"kty": "OKP", "crv": "Ed25519", "x": b64(public_key)}


def _verify(jsonld: JsonLdProcessor, token: str, **kwargs: Any) -> VerificationReport:
    return make_verifier(jsonld, **kwargs).verify(token)


def _rsa(bits: int) -> Any:
    from cryptography.hazmat.primitives.asymmetric import rsa

    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


class TestItem19JwkWithoutKid:
    def test_i12_19_eddsa_did_key_jwk_header_without_kid_verifies(
        self, jsonld: JsonLdProcessor
    ) -> None:
        """Item 19: an EdDSA token by a did:key issuer whose header carries only its jwk."""
        token = eddsa_jwt(kid=None, typ="JWT", jwk=_ed_jwk(T1.public_key))
        report = _verify(jsonld, token)
        assert report.verified, [(c.id, c.message) for c in report.checks]

    @pytest.mark.parametrize("alg", ["RS256", "ES256"])
    def test_i12_19_did_web_jwk_header_without_kid_verifies(
        self, jsonld: JsonLdProcessor, alg: str
    ) -> None:
        """Item 19: RS256 / ES256 with the did:web issuer's key as jwk and no kid."""
        key = _rsa(2048) if alg == "RS256" else ec_key()
        jwk = public_jwk(key)
        other = public_jwk(ec_key())
        document = jwk_did_document(JWT_WEB_DID, other, fragment="old")
        document["verificationMethod"].append(
            {"id": WEB_VM, "type": "JsonWebKey2020", "controller": JWT_WEB_DID, "publicKeyJwk": jwk}
        )
        document["assertionMethod"].append(WEB_VM)
        sign = sign_rs256 if alg == "RS256" else sign_es256
        token = sign({"alg": alg, "typ": "JWT", "jwk": jwk}, vc_payload(web_credential()), key)
        report = _verify(jsonld, token, did_documents={JWT_WEB_DID: document})
        assert report.verified, [(c.id, c.message) for c in report.checks]
        proof = report.check("proof")
        assert proof is not None and WEB_VM in proof.message

    def test_i12_19_attacker_jwk_without_kid_fails(self, jsonld: JsonLdProcessor) -> None:
        """Item 19 / D3: the attacker's own key as jwk, signed with it: not an issuer key."""
        token = sign_eddsa(
            eddsa_header(kid=None, jwk=_ed_jwk(ATK.public_key)), vc_payload(), key_pair=ATK
        )
        check = assert_fails(_verify(jsonld, token), "proof", "PROOF_VERIFICATION_ERROR")
        assert "not one of the issuer's" in check.message

    def test_i12_19_jwk_of_a_key_not_in_assertion_method_fails(
        self, jsonld: JsonLdProcessor
    ) -> None:
        """Item 19: a key the DID document lists but not as an assertionMethod is refused."""
        key = ec_key()
        jwk = public_jwk(key)
        document = jwk_did_document(JWT_WEB_DID, jwk)
        document["assertionMethod"] = []
        token = sign_es256({"alg": "ES256", "jwk": jwk}, vc_payload(web_credential()), key)
        assert_fails(
            _verify(jsonld, token, did_documents={JWT_WEB_DID: document}),
            "proof",
            "PROOF_VERIFICATION_ERROR",
        )

    def test_i12_19_private_jwk_without_kid_fails(self, jsonld: JsonLdProcessor) -> None:
        """Item 19 / D3: a jwk holding "d" is refused even when it is the issuer's key."""
        jwk = {**_ed_jwk(T1.public_key), "d": b64(b"\x01" * 32)}
        check = assert_fails(_verify(jsonld, eddsa_jwt(kid=None, jwk=jwk)), "proof")
        assert "private" in check.message

    def test_i12_19_unknown_did_web_is_could_not_be_checked(self, jsonld: JsonLdProcessor) -> None:
        """Item 19: an issuer DID that cannot be resolved here is an error, never valid."""
        key = ec_key()
        token = sign_es256(
            {"alg": "ES256", "jwk": public_jwk(key)}, vc_payload(web_credential()), key
        )
        report = _verify(jsonld, token)
        assert_fails(report, "proof", status="error")

    def test_i12_19_url_issuer_with_only_a_jwk_fails(self, jsonld: JsonLdProcessor) -> None:
        """Item 19: an issuer id that is an https URL (openbadgeslib's config without
        ``did``) gives the jwk nothing to be bound to: failed, never trusted on its own."""
        key = ec_key()
        credential = web_credential()
        credential["issuer"]["id"] = "https://issuer.example/obl/"
        token = sign_es256({"alg": "ES256", "jwk": public_jwk(key)}, vc_payload(credential), key)
        check = assert_fails(_verify(jsonld, token), "proof", "PROOF_VERIFICATION_ERROR")
        assert "not a DID" in check.message

    def test_i12_19_resolver_without_listing_is_an_error(self, jsonld: JsonLdProcessor) -> None:
        """Item 19: a resolver that cannot list the issuer's keys: could not be checked."""

        class OnlyResolve:
            def resolve(self, verification_method: str, *, issuer_id: str) -> Any:
                return DidKeyResolver().resolve(verification_method, issuer_id=issuer_id)

        token = eddsa_jwt(kid=None, jwk=_ed_jwk(T1.public_key))
        report = _verify(jsonld, token, resolver=OnlyResolve())
        assert_fails(report, "proof", status="error")

    def test_i12_19_local_did_web_lists_only_assertion_keys(self) -> None:
        """Item 19: the listing reads assertionMethod (ids or embedded methods)."""
        document = jwk_did_document(JWT_WEB_DID, _ed_jwk(T1.public_key))
        resolver = LocalDidWebResolver({JWT_WEB_DID: document}.get)
        assert resolver.assertion_methods(JWT_WEB_DID) == (WEB_VM,)


class TestItem20RsaHeaderSize:
    @pytest.mark.parametrize("bits", [2048, 4096])
    def test_i12_20_rs256_with_an_embedded_rsa_jwk_verifies(
        self, jsonld: JsonLdProcessor, bits: int
    ) -> None:
        """Item 20: an RS256 token whose header embeds the RSA jwk (beside its kid) verifies:
        the header is longer than joserfc's default 512-byte limit."""
        key = _rsa(bits)
        jwk = public_jwk(key)
        document = jwk_did_document(JWT_WEB_DID, jwk)
        header = {"alg": "RS256", "typ": "JWT", "kid": WEB_VM, "jwk": jwk}
        token = sign_rs256(header, vc_payload(web_credential()), key)
        assert len(token.split(".")[0]) > 512
        report = _verify(jsonld, token, did_documents={JWT_WEB_DID: document})
        assert report.verified, [(c.id, c.message) for c in report.checks]
