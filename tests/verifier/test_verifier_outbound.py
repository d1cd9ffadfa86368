"""Links inside a credential are never followed while verifying (security catalogue H17, I11).

A credential may name URLs (``image.id``, ``issuer.image.id``, ``achievement.image.id``,
``evidence.id``, ``credentialSchema.id``, ``refreshService.id``); an attacker points them at
internal services (``http://127.0.0.1:2375/containers/json``, a database port). The verifier as
the app composes it (:func:`app.verification.make_verifier`) is given here a fetcher with the
development switches on (http and loopback allowed), wrapped to count its calls, and every URL
points at a local test server that counts its hits: verifying makes **no** request to any of
them. The only documents the verifier may fetch are DID documents and status lists; a
credential carrying a status entry on the same server shows the fetcher does work (exactly one
request, to the list). The OB JSON Schema is vendored and used by id (never fetched), and
``refreshService`` is never called.
"""

from __future__ import annotations

from typing import Any

import pytest
from network_support import (
    CountingFetcher,
    NoFetch,
    TestServer,
    bits_with,
    dev_fetcher,
    encode_bits,
    json_route,
)
from verifier_support import T1, T1_DID, T1_VM, V2, VALID_FROM, build_credential, sign

from app.verification import make_verifier
from common.jsonld import JsonLdProcessor
from verifier import VerificationReport

LOOPBACK = True
"""These tests talk to a loopback test server: the verifier-wide network guard is off."""

LINKS = (
    "/image.png",
    "/issuer.png",
    "/achievement.png",
    "/evidence",
    "/schema.json",
    "/refresh",
    "/containers/json",
)
STATUS_PATH = "/status/1"
EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
"""The OB extensions context, which defines 1EdTechCredentialRefresh and the schema type."""


def _url(server: TestServer, path: str) -> str:
    return f"http://127.0.0.1:{server.port}{path}"


def _with_links(server: TestServer, *, status: bool = False) -> dict[str, Any]:
    """The base credential (issuer T1's did:key) whose every link points at ``server``."""
    credential = build_credential()
    credential["@context"] = [*credential["@context"], EXTENSIONS]
    credential["image"] = {"id": _url(server, "/image.png"), "type": "Image"}
    credential["issuer"]["image"] = {"id": _url(server, "/issuer.png"), "type": "Image"}
    achievement = credential["credentialSubject"]["achievement"]
    achievement["image"] = {"id": _url(server, "/achievement.png"), "type": "Image"}
    credential["evidence"][0]["id"] = _url(server, "/evidence")
    credential["credentialSchema"] = [
        {"id": _url(server, "/schema.json"), "type": "1EdTechJsonSchemaValidator2019"}
    ]
    credential["refreshService"] = {
        "id": _url(server, "/refresh"),
        "type": "1EdTechCredentialRefresh",
    }
    credential["issuer"]["url"] = _url(server, "/containers/json")
    if status:
        url = _url(server, STATUS_PATH)
        credential["credentialStatus"] = {
            "id": f"{url}#7",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "7",
            "statusListCredential": url,
        }
    return credential


def _serve_everything(server: TestServer) -> None:
    """Answer every link, so that a request would succeed (and be counted) if it were made."""
    for path in LINKS:
        server.routes[path] = json_route({"ok": True})


def _verify(
    jsonld: JsonLdProcessor, credential: dict[str, Any], fetcher: Any
) -> VerificationReport:
    return make_verifier(jsonld, fetcher=fetcher).verify(credential)


@pytest.fixture
def linked(jsonld: JsonLdProcessor, server: TestServer) -> dict[str, Any]:
    """The credential with internal links, signed by T1 over those links."""
    return sign(jsonld, _with_links(server))


def test_h17_links_are_not_fetched_while_verifying(
    jsonld: JsonLdProcessor, server: TestServer, linked: dict[str, Any]
) -> None:
    """With a fetcher that could reach them, verifying makes 0 requests to the linked URLs."""
    _serve_everything(server)
    counting = CountingFetcher(dev_fetcher())
    report = _verify(jsonld, linked, counting)
    assert report.verified, [(c.id, c.status, c.message) for c in report.checks]
    assert counting.calls == []
    assert server.seen == []


def test_h17_verifier_never_calls_its_fetcher_for_links(
    jsonld: JsonLdProcessor, linked: dict[str, Any]
) -> None:
    """A fetcher that fails the test on any call: the credential still verifies."""
    report = _verify(jsonld, linked, NoFetch())
    assert report.verified, [(c.id, c.status, c.message) for c in report.checks]


def test_h17_refresh_service_is_never_called(
    jsonld: JsonLdProcessor, server: TestServer, linked: dict[str, Any]
) -> None:
    """refreshService (1EdTechCredentialRefresh) at an internal address: no request."""
    _serve_everything(server)
    _verify(jsonld, linked, CountingFetcher(dev_fetcher()))
    assert server.hits("/refresh") == 0


def test_h17_credential_schema_is_never_fetched(
    jsonld: JsonLdProcessor, server: TestServer, linked: dict[str, Any]
) -> None:
    """credentialSchema.id at an internal address: the schema check uses the vendored OB
    schema and requests nothing."""
    _serve_everything(server)
    report = _verify(jsonld, linked, CountingFetcher(dev_fetcher()))
    schema = report.check("schema")
    assert schema is not None and schema.status == "passed"
    assert server.hits("/schema.json") == 0


def test_i11_images_are_never_fetched(
    jsonld: JsonLdProcessor, server: TestServer, linked: dict[str, Any]
) -> None:
    """image.id, issuer.image.id and achievement.image.id at internal addresses: no request."""
    _serve_everything(server)
    _verify(jsonld, linked, CountingFetcher(dev_fetcher()))
    assert [server.hits(path) for path in ("/image.png", "/issuer.png", "/achievement.png")] == [
        0,
        0,
        0,
    ]


def test_h17_only_the_status_list_is_fetched(jsonld: JsonLdProcessor, server: TestServer) -> None:
    """Positive control: with a status entry on the same server, the fetcher is used, and only
    for the status list (one request); every other link still gets none."""
    _serve_everything(server)
    url = _url(server, STATUS_PATH)
    status_list = {
        "@context": [V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": T1_DID,
        "validFrom": VALID_FROM,
        "credentialSubject": {
            "id": url + "#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_bits(bits_with()),
        },
    }
    server.routes[STATUS_PATH] = json_route(sign(jsonld, status_list, T1, T1_VM))
    counting = CountingFetcher(dev_fetcher())
    report = _verify(jsonld, sign(jsonld, _with_links(server, status=True)), counting)
    assert report.verified, [(c.id, c.status, c.message) for c in report.checks]
    assert counting.calls == [url]
    assert [seen.path for seen in server.seen] == [STATUS_PATH]
