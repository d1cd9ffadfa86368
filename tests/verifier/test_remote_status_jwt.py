"""Bitstring Status List credentials secured as compact JWTs (issue 12, item 21), on a loopback
server.

openbadgeslib publishes its lists as ``application/vc+jwt`` (files ``revocation.jwt``,
``suspension.jwt``); we never read them, so a revoked credential read "could not be checked".
Now a JWT list is verified by the verifier's JWT check (a key of the credential's issuer) and
under the same envelope, validity and size bounds as a JSON list.
"""

from __future__ import annotations

from typing import Any

import pytest
from jwt_support import b64, seconds, sign_eddsa
from network_support import Route, TestServer, bits_with, dev_fetcher, encode_bits
from verifier_support import ATK, NOW, T1, T1_DID, T1_VM, V2, build_credential

from common.jsonld import JsonLdProcessor
from verifier import CompositeResolver, DidKeyResolver
from verifier.problems import REVOKED, STATUS_RETRIEVAL_ERROR, STATUS_VERIFICATION_ERROR
from verifier.remote_status import RemoteStatusChecker
from verifier.report import Check

LOOPBACK = True
"""These tests talk to a loopback test server: the verifier-wide network guard is off."""

PATH = "/badge_1/revocation.jwt"
INDEX = 4242
VALID_FROM = "2026-02-01T00:00:00Z"


def _list(url: str, *revoked: int, purpose: str = "revocation") -> dict[str, Any]:
    return {
        "@context": [V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": T1_DID,
        "validFrom": VALID_FROM,
        "credentialSubject": {
            "id": url + "#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": encode_bits(bits_with(*revoked)),
        },
    }


def _jwt(document: dict[str, Any], key: Any = T1, **header: Any) -> str:
    payload = {
        **document,
        "iss": document["issuer"],
        "jti": document["id"],
        "nbf": seconds(document["validFrom"]),
    }
    head = {"alg": "EdDSA", "typ": "JWT", **header}
    if "kid" not in head:
        head["jwk"] = {"kty": "OKP", "crv": "Ed25519", "x": b64(key.public_key)}
    return sign_eddsa(head, payload, key)


def _serve(server: TestServer, token: str, media_type: str = "application/vc+jwt") -> str:
    server.routes[PATH] = Route(body=token.encode("ascii"), headers={"Content-Type": media_type})
    return server.url(PATH, "lists.test")


def _check(jsonld: JsonLdProcessor, url: str) -> Check:
    checker = RemoteStatusChecker(
        dev_fetcher(), jsonld, CompositeResolver([DidKeyResolver()]), clock=lambda: NOW
    )
    credential = build_credential()
    credential["credentialStatus"] = {
        "id": f"{url}#{INDEX}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(INDEX),
        "statusListCredential": url,
    }
    return checker.check(credential)


@pytest.mark.parametrize(
    "media_type",
    ["application/vc+jwt", "application/jwt", "text/plain", "application/octet-stream"],
)
def test_i12_21_revoked_in_a_jwt_list_reads_revoked(
    jsonld: JsonLdProcessor, server: TestServer, media_type: str
) -> None:
    """Item 21: a list signed as a JWT (jwk header, no kid) with the bit set: "revoked"."""
    url = server.url(PATH, "lists.test")
    _serve(server, _jwt(_list(url, INDEX)), media_type)
    check = _check(jsonld, url)
    assert check.status == "failed", check
    assert check.problem is not None and check.problem.type == REVOKED
    assert "revoked" in check.message
    accept = server.seen[-1].headers["accept"]
    assert "application/vc+jwt" in accept and "vc+jwt;q=0" not in accept


def test_i12_21_clear_bit_in_a_jwt_list_passes(jsonld: JsonLdProcessor, server: TestServer) -> None:
    """Item 21: the bit clear in a JWT list (kid header this time): "not revoked"."""
    url = server.url(PATH, "lists.test")
    _serve(server, _jwt(_list(url, INDEX + 1), kid=T1_VM))
    check = _check(jsonld, url)
    assert check.status == "passed", check
    assert "not revoked" in check.message


def test_i12_21_jwt_list_signed_by_another_key_is_untrusted(
    jsonld: JsonLdProcessor, server: TestServer
) -> None:
    """Item 21: a JWT list claiming the issuer but signed with another key (its own jwk):
    an error, never "not revoked"."""
    url = server.url(PATH, "lists.test")
    _serve(server, _jwt(_list(url), key=ATK))
    check = _check(jsonld, url)
    assert check.status == "error", check
    assert check.problem is not None and check.problem.type == STATUS_VERIFICATION_ERROR


def test_i12_21_jwt_list_with_a_tampered_payload_is_untrusted(
    jsonld: JsonLdProcessor, server: TestServer
) -> None:
    """Item 21: a JWT list whose payload was swapped (bit cleared) after signing."""
    url = server.url(PATH, "lists.test")
    head, _, signature = _jwt(_list(url, INDEX)).split(".")
    forged = _jwt(_list(url)).split(".")[1]
    _serve(server, f"{head}.{forged}.{signature}")
    check = _check(jsonld, url)
    assert check.status == "error", check
    assert check.problem is not None and check.problem.type == STATUS_VERIFICATION_ERROR


def test_i12_21_jwt_list_whose_claims_disagree_is_untrusted(
    jsonld: JsonLdProcessor, server: TestServer
) -> None:
    """Item 21: the same claim rules as a credential JWT (nbf = validFrom)."""
    url = server.url(PATH, "lists.test")
    document = _list(url)
    payload = {**document, "iss": T1_DID, "jti": url, "nbf": seconds(VALID_FROM) - 3600}
    token = sign_eddsa({"alg": "EdDSA", "kid": T1_VM}, payload, T1)
    _serve(server, token)
    check = _check(jsonld, url)
    assert check.status == "error", check
    assert "nbf" in check.message


def test_i12_21_html_is_still_refused(jsonld: JsonLdProcessor, server: TestServer) -> None:
    """Item 21: the wider media types do not let an HTML page through."""
    url = server.url(PATH, "lists.test")
    server.routes[PATH] = Route(body=b"<html></html>", headers={"Content-Type": "text/html"})
    check = _check(jsonld, url)
    assert check.status == "error", check
    assert check.problem is not None and check.problem.type == STATUS_RETRIEVAL_ERROR
