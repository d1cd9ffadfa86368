"""Security catalogue group D: JWT tricks (VC-JOSE-COSE / VC-JWT), and JWTs that verify.

Tokens are assembled by hand (``jwt_support``) so each row's hostile token is exactly what the
row describes; everything else about it is valid, so only the rule under test can fail.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import timedelta
from typing import Any

import pytest
from jwt_support import (
    JWT_WEB_DID,
    b64,
    b64_json,
    ec_key,
    eddsa_header,
    eddsa_jwt,
    jwk_did_document,
    public_jwk,
    rsa_key,
    seconds,
    sign_eddsa,
    sign_es256,
    sign_rs256,
    signing_input,
    vc_payload,
    web_credential,
)
from legacy_support import build_v1_credential
from verifier_support import (
    ATK,
    ATK_DID,
    ATK_VM,
    NOW,
    T1,
    T1_DID,
    T1_VM,
    assert_fails,
    build_credential,
    make_verifier,
    sign,
)

from common.jsonld import JsonLdProcessor
from verifier import VerificationReport
from verifier._jwt import MAX_JWT_BYTES

WEB_VM = JWT_WEB_DID + "#key-1"


def _verify(jsonld: JsonLdProcessor, token: str | bytes, **kwargs: Any) -> VerificationReport:
    return make_verifier(jsonld, **kwargs).verify(token)


def _x(public_key: bytes) -> str:
    return b64(public_key)


def _ed_jwk(public_key: bytes) -> dict[str, str]:
    return {"kty": "OKP", "crv": "Ed25519", "x": _x(public_key)}


class TestJwtThatVerifies:
    def test_eddsa_did_key_jwt_verifies(self, jsonld: JsonLdProcessor) -> None:
        """An EdDSA VC-JOSE-COSE token by a did:key issuer passes every check."""
        report = _verify(jsonld, eddsa_jwt())
        assert report.verified, [(c.id, c.message) for c in report.checks]
        proof = report.check("proof")
        assert proof is not None
        assert "JWT (EdDSA) signature verified" in proof.message
        parse = report.check("parse")
        assert parse is not None and "JWT decoded" in parse.message
        assert report.credential is not None
        assert report.credential.issuer_id == T1_DID

    def test_jwt_as_bytes_with_surrounding_whitespace_verifies(
        self, jsonld: JsonLdProcessor
    ) -> None:
        """A token given as bytes with a trailing newline (a .jwt file) verifies."""
        report = _verify(jsonld, ("\n " + eddsa_jwt() + "\r\n").encode("ascii"))
        assert report.verified

    def test_jwt_without_typ_and_with_typ_jwt_verifies(self, jsonld: JsonLdProcessor) -> None:
        """typ is optional; "JWT" (OB 3.0's value) is accepted."""
        assert _verify(jsonld, eddsa_jwt(typ=None)).verified
        assert _verify(jsonld, eddsa_jwt(typ="JWT")).verified

    def test_jwt_without_claims_verifies(self, jsonld: JsonLdProcessor) -> None:
        """VC-JOSE-COSE: the claims are optional (the payload is the credential)."""
        payload = vc_payload(iss=None, jti=None, nbf=None, exp=None)
        assert _verify(jsonld, eddsa_jwt(payload)).verified

    def test_vc_claim_form_verifies(self, jsonld: JsonLdProcessor) -> None:
        """VC-JWT 1.1: a VC 1.1 credential in a vc claim, nbf = issuanceDate."""
        credential = build_v1_credential()
        payload = {
            "vc": credential,
            "iss": T1_DID,
            "jti": credential["id"],
            "nbf": seconds(credential["issuanceDate"]),
            "exp": seconds(credential["expirationDate"]),
        }
        report = _verify(jsonld, sign_eddsa(eddsa_header(typ="JWT"), payload))
        assert report.verified, [(c.id, c.message) for c in report.checks]

    def test_rs256_did_web_json_web_key_verifies(self, jsonld: JsonLdProcessor) -> None:
        """RS256 with a did:web issuer whose assertion key is a publicKeyJwk RSA key."""
        key = rsa_key()
        document = jwk_did_document(JWT_WEB_DID, public_jwk(key))
        token = sign_rs256({"alg": "RS256", "kid": WEB_VM}, vc_payload(web_credential()), key)
        report = _verify(jsonld, token, did_documents={JWT_WEB_DID: document})
        assert report.verified, [(c.id, c.message) for c in report.checks]
        proof = report.check("proof")
        assert proof is not None and "JWT (RS256)" in proof.message

    def test_es256_did_web_json_web_key_verifies(self, jsonld: JsonLdProcessor) -> None:
        """ES256 with a did:web issuer whose assertion key is a P-256 publicKeyJwk."""
        key = ec_key()
        document = jwk_did_document(JWT_WEB_DID, public_jwk(key))
        token = sign_es256({"alg": "ES256", "kid": WEB_VM}, vc_payload(web_credential()), key)
        report = _verify(jsonld, token, did_documents={JWT_WEB_DID: document})
        assert report.verified, [(c.id, c.message) for c in report.checks]

    def test_jwk_header_equal_to_the_issuer_key_is_accepted(self, jsonld: JsonLdProcessor) -> None:
        """A jwk header that is exactly the issuer's resolved public key is accepted."""
        assert _verify(jsonld, eddsa_jwt(jwk=_ed_jwk(T1.public_key))).verified

    def test_jwt_with_an_embedded_proof_verifies_both(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any]
    ) -> None:
        """An embedded eddsa-rdfc-2022 proof inside the JWT is verified as well."""
        report = _verify(jsonld, eddsa_jwt(vc_payload(signed)))
        assert report.verified
        proof = report.check("proof")
        assert proof is not None and "eddsa-rdfc-2022" in proof.message

    def test_jwt_with_a_broken_embedded_proof_fails(
        self, jsonld: JsonLdProcessor, signed: dict[str, Any]
    ) -> None:
        """Every proof must hold: a JWT around a tampered DI-signed credential fails."""
        signed["name"] = "Tampered"
        assert_fails(_verify(jsonld, eddsa_jwt(vc_payload(signed))), "proof")

    def test_tampered_payload_fails_the_signature(self, jsonld: JsonLdProcessor) -> None:
        """A payload edited after signing fails as a cryptographic error."""
        head, _, signature = eddsa_jwt().split(".")
        payload = vc_payload()
        payload["name"] = "Forged"
        token = f"{head}.{b64_json(payload)}.{signature}"
        check = assert_fails(_verify(jsonld, token), "proof", "CRYPTOGRAPHIC_SECURITY_ERROR")
        assert "does not verify" in check.message

    def test_jwt_by_an_unknown_did_web_is_indeterminate(self, jsonld: JsonLdProcessor) -> None:
        """A did:web issuer that cannot be resolved here gives an error, not a verdict."""
        token = sign_eddsa(eddsa_header(kid=WEB_VM), vc_payload(web_credential()))
        report = _verify(jsonld, token)
        assert_fails(report, "proof", status="error")
        assert report.outcome == "indeterminate"


class TestD1AlgNone:
    @pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE"])
    def test_d1_alg_none_with_empty_signature(self, jsonld: JsonLdProcessor, alg: str) -> None:
        """D1: alg none (any case) with an empty signature is a cryptographic error."""
        token = signing_input({"alg": alg, "kid": T1_VM}, vc_payload()) + "."
        assert_fails(_verify(jsonld, token), "proof", "CRYPTOGRAPHIC_SECURITY_ERROR")

    def test_d1_alg_none_with_a_real_signature_kept(self, jsonld: JsonLdProcessor) -> None:
        """D1: alg none with a genuine Ed25519 signature kept is still refused."""
        token = sign_eddsa({"alg": "none", "kid": T1_VM}, vc_payload())
        check = assert_fails(_verify(jsonld, token), "proof", "CRYPTOGRAPHIC_SECURITY_ERROR")
        assert "alg none" in check.message


class TestD2KeyConfusion:
    @pytest.mark.parametrize(("alg", "digest"), [("HS256", "sha256"), ("HS384", "sha384")])
    def test_d2_hmac_keyed_with_the_public_key(
        self, jsonld: JsonLdProcessor, alg: str, digest: str
    ) -> None:
        """D2: HMAC keyed by the issuer's public key bytes is refused (alg allowlist)."""
        data = signing_input({"alg": alg, "kid": T1_VM}, vc_payload())
        mac = hmac.new(T1.public_key, data.encode("ascii"), getattr(hashlib, digest)).digest()
        check = assert_fails(
            _verify(jsonld, f"{data}.{b64(mac)}"), "proof", "CRYPTOGRAPHIC_SECURITY_ERROR"
        )
        assert alg in check.message

    def test_d2_hs512_keyed_with_the_jwk_text(self, jsonld: JsonLdProcessor) -> None:
        """D2: HS512 keyed by the issuer's JWK text is refused."""
        data = signing_input({"alg": "HS512", "kid": T1_VM}, vc_payload())
        secret = json.dumps(_ed_jwk(T1.public_key)).encode()
        mac = hmac.new(secret, data.encode("ascii"), hashlib.sha512).digest()
        assert_fails(_verify(jsonld, f"{data}.{b64(mac)}"), "proof", "CRYPTOGRAPHIC_SECURITY_ERROR")

    def test_d2_rs256_against_an_ed25519_key(self, jsonld: JsonLdProcessor) -> None:
        """D2: an allowed algorithm that does not fit the issuer's key type is refused."""
        token = sign_rs256({"alg": "RS256", "kid": T1_VM}, vc_payload(), rsa_key())
        check = assert_fails(_verify(jsonld, token), "proof", "CRYPTOGRAPHIC_SECURITY_ERROR")
        assert "does not fit" in check.message

    def test_d2_eddsa_against_an_rsa_did_web_key(self, jsonld: JsonLdProcessor) -> None:
        """D2: EdDSA claimed for an issuer whose key is RSA is refused."""
        document = jwk_did_document(JWT_WEB_DID, public_jwk(rsa_key()))
        token = sign_eddsa(eddsa_header(kid=WEB_VM), vc_payload(web_credential()))
        report = _verify(jsonld, token, did_documents={JWT_WEB_DID: document})
        assert_fails(report, "proof", "CRYPTOGRAPHIC_SECURITY_ERROR")


class TestD3EmbeddedKey:
    def test_d3_attacker_jwk_header_signed_by_the_attacker(self, jsonld: JsonLdProcessor) -> None:
        """D3: a jwk header with the attacker's key (signed with it) is never trusted."""
        header = eddsa_header(jwk=_ed_jwk(ATK.public_key))
        token = sign_eddsa(header, vc_payload(), ATK)
        check = assert_fails(_verify(jsonld, token), "proof", "PROOF_VERIFICATION_ERROR")
        assert "jwk" in check.message

    def test_d3_jwk_header_with_a_private_key(self, jsonld: JsonLdProcessor) -> None:
        """D3: a jwk header holding "d" is refused even when its public part matches."""
        jwk = {**_ed_jwk(T1.public_key), "d": b64(b"\x01" * 32)}
        check = assert_fails(_verify(jsonld, eddsa_jwt(jwk=jwk)), "proof")
        assert "private" in check.message

    def test_d3_attacker_jwk_with_attacker_kid(self, jsonld: JsonLdProcessor) -> None:
        """D3: the attacker's jwk and kid while iss is T1: the kid is not the issuer's."""
        header = eddsa_header(kid=ATK_VM, jwk=_ed_jwk(ATK.public_key))
        token = sign_eddsa(header, vc_payload(), ATK)
        assert_fails(_verify(jsonld, token), "proof", "PROOF_VERIFICATION_ERROR")


class TestD4RemoteKeyPointers:
    def test_d4_jku(self, jsonld: JsonLdProcessor, no_network: list[Any]) -> None:
        """D4: jku is refused and never fetched."""
        token = eddsa_jwt(jku="http://127.0.0.1:8080/jwks")
        check = assert_fails(_verify(jsonld, token), "proof", "PROOF_VERIFICATION_ERROR")
        assert "jku" in check.message
        assert no_network == []

    def test_d4_x5u(self, jsonld: JsonLdProcessor, no_network: list[Any]) -> None:
        """D4: x5u is refused and never fetched."""
        token = eddsa_jwt(x5u="http://169.254.169.254/cert.pem")
        assert_fails(_verify(jsonld, token), "proof", "PROOF_VERIFICATION_ERROR")
        assert no_network == []

    def test_d4_x5c(self, jsonld: JsonLdProcessor) -> None:
        """D4: an x5c chain is refused."""
        token = eddsa_jwt(x5c=[base64.b64encode(b"not a certificate").decode()])
        check = assert_fails(_verify(jsonld, token), "proof", "PROOF_VERIFICATION_ERROR")
        assert "x5c" in check.message


class TestD5KidInjection:
    @pytest.mark.parametrize(
        "kid",
        [
            "../../../../dev/null",
            "' OR '1'='1",
            "http://169.254.169.254/latest/meta-data/",
            "did:web:evil.example#k1",
        ],
    )
    def test_d5_kid_that_is_not_an_issuer_key(
        self, jsonld: JsonLdProcessor, no_network: list[Any], kid: str
    ) -> None:
        """D5: a kid that is a path, SQL, a URL or another DID is refused, 0 outbound."""
        report = _verify(jsonld, eddsa_jwt(kid=kid))
        assert_fails(report, "proof")
        assert no_network == []

    def test_d5_attacker_did_key_kid(self, jsonld: JsonLdProcessor) -> None:
        """D5: kid = the attacker's did:key while iss is T1 (signed by the attacker)."""
        token = sign_eddsa(eddsa_header(kid=ATK_VM), vc_payload(), ATK)
        check = assert_fails(_verify(jsonld, token), "proof", "PROOF_VERIFICATION_ERROR")
        assert ATK_DID in check.message

    def test_d5_ten_kilobyte_kid(self, jsonld: JsonLdProcessor) -> None:
        """D5: a 10 KB kid is refused without resolution."""
        check = assert_fails(_verify(jsonld, eddsa_jwt(kid="did:key:z" + "A" * 10_240)), "proof")
        assert "too long" in check.message

    def test_d5_missing_kid(self, jsonld: JsonLdProcessor) -> None:
        """D5: without a kid or a jwk there is no key to use. (A jwk alone is bound to the
        issuer's DID instead, issue 12 item 19: tests/verifier/test_jwt_header_keys.py.)"""
        token = eddsa_jwt(kid=None)
        check = assert_fails(_verify(jsonld, token), "proof", "PROOF_VERIFICATION_ERROR")
        assert "no kid" in check.message

    def test_d5_kid_without_fragment(self, jsonld: JsonLdProcessor) -> None:
        """D5: a kid that is the bare DID names no key."""
        assert_fails(_verify(jsonld, eddsa_jwt(kid=T1_DID)), "proof", "INVALID_DID_URL")


class TestD6ClaimMismatch:
    def test_d6_iss_is_not_the_issuer(self, jsonld: JsonLdProcessor) -> None:
        """D6: iss ≠ issuer.id."""
        token = eddsa_jwt(vc_payload(iss=ATK_DID))
        check = assert_fails(_verify(jsonld, token), "proof", "MALFORMED_VALUE_ERROR")
        assert "iss" in check.message

    def test_d6_sub_is_not_the_subject(self, jsonld: JsonLdProcessor) -> None:
        """D6: sub ≠ credentialSubject.id."""
        credential = build_credential()
        credential["credentialSubject"]["id"] = "did:example:learner"
        token = eddsa_jwt(vc_payload(credential, sub="did:example:someone-else"))
        check = assert_fails(_verify(jsonld, token), "proof", "MALFORMED_VALUE_ERROR")
        assert "sub" in check.message

    def test_d6_sub_without_a_subject_id(self, jsonld: JsonLdProcessor) -> None:
        """D6: a sub claim for a credential whose subject has no id does not match."""
        token = eddsa_jwt(vc_payload(sub="did:example:learner"))
        assert_fails(_verify(jsonld, token), "proof", "MALFORMED_VALUE_ERROR")

    def test_d6_jti_is_not_the_id(self, jsonld: JsonLdProcessor) -> None:
        """D6: jti ≠ id."""
        token = eddsa_jwt(vc_payload(jti="urn:uuid:00000000-0000-4000-8000-000000000000"))
        check = assert_fails(_verify(jsonld, token), "proof", "MALFORMED_VALUE_ERROR")
        assert "jti" in check.message

    def test_d6_nbf_is_not_valid_from(self, jsonld: JsonLdProcessor) -> None:
        """D6: nbf ≠ validFrom."""
        token = eddsa_jwt(vc_payload(nbf=seconds("2026-01-01T09:30:00Z") - 3600))
        check = assert_fails(_verify(jsonld, token), "proof", "MALFORMED_VALUE_ERROR")
        assert "nbf" in check.message

    def test_d6_exp_is_not_valid_until(self, jsonld: JsonLdProcessor) -> None:
        """D6: exp ≠ validUntil (a later exp cannot extend the credential)."""
        token = eddsa_jwt(vc_payload(exp=seconds("2039-01-01T00:00:00Z")))
        check = assert_fails(_verify(jsonld, token), "proof", "MALFORMED_VALUE_ERROR")
        assert "exp" in check.message

    def test_d6_exp_without_valid_until(self, jsonld: JsonLdProcessor) -> None:
        """D6: an exp claim for a credential without validUntil does not match."""
        credential = build_credential()
        del credential["validUntil"]
        token = eddsa_jwt(vc_payload(credential, exp=seconds("2029-01-01T00:00:00Z")))
        assert_fails(_verify(jsonld, token), "proof", "MALFORMED_VALUE_ERROR")


class TestD7AmbiguousPayload:
    def test_d7_credential_and_vc_claim(self, jsonld: JsonLdProcessor) -> None:
        """D7: a top-level credential and a vc claim with another subject are refused."""
        other = build_credential()
        other["credentialSubject"]["id"] = "did:example:someone-else"
        token = eddsa_jwt(vc_payload(vc=other))
        check = assert_fails(_verify(jsonld, token), "parse", "PARSING_ERROR")
        assert "ambiguous" in check.message


class TestD8CritAndB64:
    def test_d8_unknown_crit(self, jsonld: JsonLdProcessor) -> None:
        """D8: an unknown critical extension is refused."""
        header = {**eddsa_header(crit=["exp-x"]), "exp-x": 1}
        check = assert_fails(_verify(jsonld, sign_eddsa(header, vc_payload())), "proof")
        assert "crit" in check.message

    def test_d8_unencoded_payload(self, jsonld: JsonLdProcessor) -> None:
        """D8: b64:false (RFC 7797) is refused."""
        header = eddsa_header(b64=False, crit=["b64"])
        check = assert_fails(_verify(jsonld, sign_eddsa(header, vc_payload())), "proof")
        assert "b64" in check.message

    def test_d8_unknown_header_member(self, jsonld: JsonLdProcessor) -> None:
        """D8: any header member outside alg/kid/typ/cty/jwk is refused."""
        check = assert_fails(_verify(jsonld, eddsa_jwt(zip="DEF")), "proof")
        assert "zip" in check.message


class TestD9MalformedCompactSerialization:
    def test_d9_two_segments(self, jsonld: JsonLdProcessor) -> None:
        """D9: two segments."""
        token = ".".join(eddsa_jwt().split(".")[:2])
        assert_fails(_verify(jsonld, token), "parse", "PARSING_ERROR")

    def test_d9_four_segments(self, jsonld: JsonLdProcessor) -> None:
        """D9: four segments."""
        assert_fails(_verify(jsonld, eddsa_jwt() + ".AAAA"), "parse", "PARSING_ERROR")

    def test_d9_five_segments_jwe(self, jsonld: JsonLdProcessor) -> None:
        """D9: five segments (a JWE) are not accepted."""
        token = b64_json({"alg": "dir", "enc": "A256GCM"}) + "..AAAA.AAAA.AAAA"
        check = assert_fails(_verify(jsonld, token), "parse", "PARSING_ERROR")
        assert "JWE" in check.message

    def test_d9_padding(self, jsonld: JsonLdProcessor) -> None:
        """D9: '=' padding is not base64url as JWS uses it."""
        head, payload, signature = eddsa_jwt().split(".")
        token = f"{head}==.{payload}.{signature}"
        assert_fails(_verify(jsonld, token), "parse", "PARSING_ERROR")

    def test_d9_plus_and_slash(self, jsonld: JsonLdProcessor) -> None:
        """D9: '+' and '/' (base64, not base64url) are refused."""
        head, payload, signature = eddsa_jwt().split(".")
        token = f"{head}.{payload}.{signature[:-2]}+/"
        assert_fails(_verify(jsonld, token), "parse", "PARSING_ERROR")

    def test_d9_non_canonical_base64url(self, jsonld: JsonLdProcessor) -> None:
        """D9: a signature spelled with stray trailing bits (same bytes) is refused."""
        token = eddsa_jwt()
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        twin = alphabet[alphabet.index(token[-1]) ^ 1]  # differs only in an unused bit
        check = assert_fails(_verify(jsonld, token[:-1] + twin), "parse", "PARSING_ERROR")
        assert "canonical" in check.message

    def test_d9_newline_inside(self, jsonld: JsonLdProcessor) -> None:
        """D9: a newline inside the token is refused (only around it is tolerated)."""
        token = eddsa_jwt()
        assert_fails(_verify(jsonld, token[:40] + "\n" + token[40:]), "parse", "PARSING_ERROR")

    def test_d9_header_not_utf8(self, jsonld: JsonLdProcessor) -> None:
        """D9: a header that is not UTF-8."""
        token = sign_eddsa(b64(b'{"alg":"EdDSA","x":"\xff"}'), vc_payload())
        assert_fails(_verify(jsonld, token), "parse", "PARSING_ERROR")

    def test_d9_header_not_an_object(self, jsonld: JsonLdProcessor) -> None:
        """D9: a header that is a JSON array."""
        token = sign_eddsa(b64_json(["EdDSA"]), vc_payload())
        check = assert_fails(_verify(jsonld, token), "parse", "PARSING_ERROR")
        assert "JWT header" in check.message

    def test_d9_duplicate_alg(self, jsonld: JsonLdProcessor) -> None:
        """D9: alg twice in the header (parsers disagree on which wins) is refused."""
        header = b64(f'{{"alg":"none","alg":"EdDSA","kid":"{T1_VM}"}}'.encode())
        check = assert_fails(
            _verify(jsonld, sign_eddsa(header, vc_payload())), "parse", "PARSING_ERROR"
        )
        assert "duplicate" in check.message

    def test_d9_payload_not_a_credential(self, jsonld: JsonLdProcessor) -> None:
        """D9: a JWT whose payload holds no credential."""
        token = sign_eddsa(eddsa_header(), {"iss": T1_DID, "name": "x"})
        assert_fails(_verify(jsonld, token), "parse", "PARSING_ERROR")


class TestD10TypeConfusion:
    def test_d10_vp_jwt_typ(self, jsonld: JsonLdProcessor) -> None:
        """D10: typ vp+jwt (a presentation) is not a credential."""
        check = assert_fails(_verify(jsonld, eddsa_jwt(typ="vp+jwt")), "proof")
        assert "typ" in check.message

    def test_d10_sd_jwt_typ(self, jsonld: JsonLdProcessor) -> None:
        """D10: an SD-JWT typ is refused."""
        assert_fails(_verify(jsonld, eddsa_jwt(typ="vc+sd-jwt")), "proof")

    def test_d10_vp_claim(self, jsonld: JsonLdProcessor) -> None:
        """D10: a payload with a vp claim is a presentation."""
        token = sign_eddsa(eddsa_header(), {"vp": {"type": ["VerifiablePresentation"]}})
        assert_fails(_verify(jsonld, token), "parse", "PARSING_ERROR")

    def test_d10_unexpected_cty(self, jsonld: JsonLdProcessor) -> None:
        """D10: a cty other than vc / vc+ld+json is refused."""
        check = assert_fails(_verify(jsonld, eddsa_jwt(cty="vp")), "proof")
        assert "cty" in check.message


class TestD11TimeClaims:
    @pytest.mark.parametrize("value", ["1861920000", 1861920000.5, -1, 1e300, True], ids=repr)
    def test_d11_exp_of_the_wrong_type(self, jsonld: JsonLdProcessor, value: Any) -> None:
        """D11: exp as a string, float, negative, 1e300 or boolean is malformed."""
        token = eddsa_jwt(vc_payload(exp=value))
        check = assert_fails(_verify(jsonld, token), "proof", "MALFORMED_VALUE_ERROR")
        assert "NumericDate" in check.message

    def test_d11_nbf_in_the_future(self, jsonld: JsonLdProcessor) -> None:
        """D11: nbf (= validFrom) in the future: not yet valid, not a bad signature."""
        credential = build_credential()
        credential["validFrom"] = "2026-06-01T00:00:00Z"
        report = _verify(jsonld, eddsa_jwt(vc_payload(credential)))
        assert_fails(report, "not_before", "not-yet-valid")
        proof = report.check("proof")
        assert proof is not None and proof.status == "passed"

    def test_d11_exp_passed(self, jsonld: JsonLdProcessor) -> None:
        """D11: exp (= validUntil) passed: expired, distinct from a bad signature."""
        credential = build_credential()
        credential["validUntil"] = "2026-02-01T00:00:00Z"
        report = _verify(jsonld, eddsa_jwt(vc_payload(credential)))
        assert_fails(report, "expiration", "expired")

    def test_d11_iat_a_year_in_the_future(self, jsonld: JsonLdProcessor) -> None:
        """D11: iat one year after now is refused."""
        iat = int((NOW + timedelta(days=365)).timestamp())
        check = assert_fails(
            _verify(jsonld, eddsa_jwt(vc_payload(iat=iat))), "proof", "MALFORMED_VALUE_ERROR"
        )
        assert "iat" in check.message


class TestD12PsychicSignature:
    def test_d12_es256_r_and_s_zero(self, jsonld: JsonLdProcessor) -> None:
        """D12: an ECDSA signature r=s=0 never verifies (CVE-2022-21449 regression)."""
        document = jwk_did_document(JWT_WEB_DID, public_jwk(ec_key()))
        data = signing_input({"alg": "ES256", "kid": WEB_VM}, vc_payload(web_credential()))
        token = f"{data}.{b64(bytes(64))}"
        report = _verify(jsonld, token, did_documents={JWT_WEB_DID: document})
        assert_fails(report, "proof", "CRYPTOGRAPHIC_SECURITY_ERROR")


class TestD13OversizedToken:
    def test_d13_five_megabyte_token(self, jsonld: JsonLdProcessor) -> None:
        """D13: a 5 MB JWS is refused before decoding."""
        head, payload, signature = eddsa_jwt().split(".")
        token = f"{head}.{payload}{'A' * 5_000_000}.{signature}"
        check = assert_fails(_verify(jsonld, token), "parse", "PARSING_ERROR")
        assert str(MAX_JWT_BYTES) in check.message

    def test_d13_oversized_bytes(self, jsonld: JsonLdProcessor) -> None:
        """D13: the same cap holds for bytes input."""
        token = eddsa_jwt() + "A" * MAX_JWT_BYTES
        assert_fails(_verify(jsonld, token.encode("ascii")), "parse", "PARSING_ERROR")


class TestJwtKeyResolution:
    def test_did_web_multikey_jwt_verifies(self, jsonld: JsonLdProcessor) -> None:
        """EdDSA with a did:web issuer whose key is a Multikey (our own issuers)."""
        from verifier_support import web_document

        document = web_document(JWT_WEB_DID)
        token = sign_eddsa(eddsa_header(kid=WEB_VM), vc_payload(web_credential()))
        report = _verify(jsonld, token, did_documents={JWT_WEB_DID: document})
        assert report.verified

    def test_eddsa_with_signed_credential_issuer_mismatch_fails_issuer(
        self, jsonld: JsonLdProcessor
    ) -> None:
        """A kid of the issuer but signed by another key fails the signature."""
        token = sign_eddsa(eddsa_header(), vc_payload(), ATK)
        assert_fails(_verify(jsonld, token), "proof", "CRYPTOGRAPHIC_SECURITY_ERROR")


def test_signed_fixture_is_usable(jsonld: JsonLdProcessor) -> None:
    """The DI-signed base credential still verifies as JSON beside the JWT path."""
    assert make_verifier(jsonld).verify(sign(jsonld, build_credential())).verified
