"""End to end through the app's verifier composition: a foreign did:web issuer with its own
remote status list, both served by a loopback server (development switches on).

The credential verifies; once the issuer sets its bit, the same verifier reports it revoked.
"""

from __future__ import annotations

from network_support import (
    TestServer,
    bits_with,
    dev_fetcher,
    encode_bits,
    json_route,
)
from verifier_support import T1, V2, VALID_FROM, Recording, build_credential, sign

from app.verification import make_verifier
from common.jsonld import JsonLdProcessor
from keys.did import did_web, did_web_document
from verifier import KnownIssuers
from verifier.problems import REVOKED

INDEX = 4242
NO_CACHE = {"Content-Type": "application/vc+ld+json", "Cache-Control": "no-cache"}


LOOPBACK = True
"""These tests talk to a loopback test server: the verifier-wide network guard is off."""


def _publish_list(jsonld: JsonLdProcessor, server: TestServer, did: str, bits: bytes) -> str:
    url = server.url("/status/1")
    document = {
        "@context": [V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": did,
        "validFrom": VALID_FROM,
        "credentialSubject": {
            "id": url + "#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_bits(bits),
        },
    }
    signed = sign(jsonld, document, T1, did + "#key-1")
    server.routes["/status/1"] = json_route(signed, headers=NO_CACHE)
    return url


def test_foreign_issuer_with_remote_status_list(
    jsonld: JsonLdProcessor, server: TestServer
) -> None:
    did = did_web(f"issuer.test:{server.port}")
    server.routes["/.well-known/did.json"] = json_route(
        did_web_document(did, [("key-1", T1.public_key)])
    )
    url = _publish_list(jsonld, server, did, bits_with())
    unsigned = build_credential(did)
    unsigned["credentialStatus"] = {
        "id": f"{url}#{INDEX}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(INDEX),
        "statusListCredential": url,
    }
    credential = sign(jsonld, unsigned, T1, did + "#key-1")
    local_status = Recording()
    verifier = make_verifier(
        jsonld,
        local_documents={}.get,
        status_checker=local_status,
        fetcher=dev_fetcher(),
        base_url="https://badges.example",
        own_hosts=("badges.example",),
        known_issuers=KnownIssuers(["did:web:trusted.example"]),
    )

    report = verifier.verify(credential)
    assert report.verified, report.checks
    assert report.issuer_known is False
    assert local_status.calls == 0

    _publish_list(jsonld, server, did, bits_with(INDEX))
    revoked = verifier.verify(credential)
    assert revoked.verified is False
    assert revoked.outcome == "invalid"
    status = revoked.check("status")
    assert status is not None and status.problem is not None
    assert status.problem.type == REVOKED
    assert server.hits("/status/1") == 2


def test_without_a_fetcher_foreign_credentials_cannot_be_checked(
    jsonld: JsonLdProcessor, server: TestServer
) -> None:
    """The composition without the network: could not be checked, and nothing is fetched."""
    did = did_web(f"issuer.test:{server.port}")
    credential = sign(jsonld, build_credential(did), T1, did + "#key-1")
    report = make_verifier(jsonld, local_documents={}.get).verify(credential)
    assert report.verified is False
    assert report.outcome == "indeterminate"
    assert server.seen == []
