"""Verify a credential by URL on the verify page and ``POST /api/v1/verify`` (catalogue H16 with
E1-E4; the 1EdTech displayer conformance verifies badge URLs).

Our own credential URLs are read from the registry (never fetched); any other URL goes through
the bounded fetcher. The refusals run with the development switches off and a network backend
that fails the test if a connection is opened; the positives run against the loopback test
server with ``fetch_allow_http``/``fetch_allow_private`` on in the settings.
"""
# ruff: noqa: F811 - pytest fixtures imported from public_support are redefined as arguments

from __future__ import annotations

import base64
import dataclasses
import hashlib
import io
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import msgspec
import pytest
from litestar.testing import TestClient
from network_support import NeverConnect, Route, TestServer, serve
from PIL import Image
from public_support import (  # noqa: F401 - fixtures
    BASE_URL,
    client,
    clock,
    engine,
    issue,
    make_app,
    org,
    registry,
    site,
    verifier,
)

from app import public
from app.public import _verify
from common.baking import bake_png, bake_svg
from keys import Ed25519KeyPair, did_key, did_key_verification_method
from keys.cryptosuite import sign_document
from registry.context import Registry
from registry.models import OrganisationRecord
from verifier import Verifier
from verifier.fetch import Fetched, FetchedBody, Fetcher, HttpFetcher, MediaTypes

KEY = Ed25519KeyPair.from_seed(bytes.fromhex("5a" * 32))
DID = did_key(KEY.public_key)
VM = did_key_verification_method(KEY.public_key)
EMAIL = "learner@example.org"
SALT = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
ACCEPT = (
    "application/vc+ld+json, application/ld+json;q=0.9, application/json;q=0.8, "
    "image/png;q=0.5, image/svg+xml;q=0.5, text/plain;q=0.4"
)
SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<rect width="10" height="10"/></svg>'
)


# ---------------------------------------------------------------------------------------------
# foreign credentials, signed by a did:key issuer


def _credential() -> dict[str, Any]:
    digest = hashlib.sha256((EMAIL + SALT).encode("utf-8")).hexdigest()
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Foreign badge",
        "issuer": {"id": DID, "type": ["Profile"], "name": "Foreign Org"},
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": SALT,
                    "identityHash": "sha256$" + digest,
                }
            ],
            "achievement": {
                "id": "urn:uuid:8b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e",
                "type": ["Achievement"],
                "name": "Foreign teamwork",
                "description": "Works well in a team.",
                "criteria": {"narrative": "Assessed on a portfolio."},
            },
        },
    }


def _signed(registry: Registry) -> bytes:
    document = sign_document(
        registry.processor,
        _credential(),
        key_pair=KEY,
        verification_method=VM,
        created="2026-01-01T00:00:00Z",
    )
    return json.dumps(document).encode("utf-8")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _jwt() -> bytes:
    credential = _credential()
    nbf = int(datetime(2026, 1, 1, tzinfo=UTC).timestamp())
    payload = {**credential, "iss": DID, "jti": credential["id"], "nbf": nbf}
    header = {"alg": "EdDSA", "kid": VM, "typ": "vc+jwt"}
    data = ".".join(_b64(json.dumps(part).encode()) for part in (header, payload))
    return f"{data}.{_b64(KEY.sign(data.encode('ascii')))}\n".encode("ascii")


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (20, 90, 160)).save(buffer, "PNG")
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------
# fetchers and clients


class NoFetch(Fetcher):
    """A fetcher that fails the test if it is ever called."""

    def fetch_json(self, url: str, *, max_bytes: int, accept: str) -> Fetched:
        pytest.fail(f"{url} was fetched")

    def fetch_body(
        self, url: str, *, max_bytes: int, accept: str, media_types: MediaTypes
    ) -> FetchedBody:
        pytest.fail(f"{url} was fetched")


@pytest.fixture
def resolved() -> list[str]:
    """The host names the guarded fetcher resolved."""
    return []


@pytest.fixture
def guarded(monkeypatch: pytest.MonkeyPatch, site: public.PublicSite, resolved: list[str]) -> None:
    """The site's own fetcher policy (development switches off), every name resolving to a
    public address, and no connection ever opened."""

    def resolve(host: str, port: int) -> list[str]:
        resolved.append(host)
        return ["93.184.215.14"]

    def fetcher(the_site: public.PublicSite) -> Fetcher:
        policy = the_site.fetcher.policy
        assert not policy.allow_private and not policy.allow_http
        return HttpFetcher(policy, resolve=resolve, network_backend=NeverConnect())

    monkeypatch.setattr(_verify, "url_fetcher", fetcher)


@contextmanager
def _dev_client(registry: Registry, verifier: Verifier, **limits: int) -> Iterator[TestClient[Any]]:
    """A client whose settings turn the development switches on (http, loopback, any port)."""
    settings = msgspec.structs.replace(
        registry.settings,
        fetch_allow_http=True,
        fetch_allow_private=True,
        fetch_timeout_seconds=1.0,
        **limits,
    )
    dev = dataclasses.replace(registry, settings=settings)
    with TestClient(make_app(dev, public.PublicSite(dev, verifier)), base_url=BASE_URL) as c:
        yield c


@pytest.fixture
def dev_client(registry: Registry, verifier: Verifier) -> Iterator[TestClient[Any]]:
    """The development switches on, and two recipient checks per minute."""
    with _dev_client(registry, verifier, recipient_checks_per_minute=2) as client:
        yield client


@pytest.fixture
def server() -> Iterator[TestServer]:
    """The loopback test server."""
    with serve() as running:
        yield running


def _api(client: TestClient[Any], url: str, **parts: str) -> Any:
    fields = {"url": (None, url), **{name: (None, value) for name, value in parts.items()}}
    return client.post("/api/v1/verify", files=fields)


def _page(client: TestClient[Any], url: str, **headers: str) -> Any:
    return client.post("/verify", files={"url": (None, url)}, headers=headers)


def _problem(response: Any, status: int, slug: str) -> None:
    assert response.status_code == status, response.text
    assert response.json()["type"] == f"urn:leverup:problem:{slug}"


def _verdict(html: str) -> str | None:
    match = re.search(r'<section id="verdict" data-verdict="([a-z]+)"', html)
    return None if match is None else match.group(1)


def _local(server: TestServer, path: str) -> str:
    return f"http://127.0.0.1:{server.port}{path}"


# ---------------------------------------------------------------------------------------------
# refused by policy: 422 url-not-allowed, nothing sent


@pytest.mark.usefixtures("guarded")
def test_h16_cloud_metadata_address_is_refused(client: TestClient[Any]) -> None:
    """The link-local metadata address over https: refused before any connection."""
    _problem(_api(client, "https://169.254.169.254/latest/meta-data/"), 422, "url-not-allowed")


@pytest.mark.usefixtures("guarded")
def test_h16_cloud_metadata_over_http_is_refused(client: TestClient[Any]) -> None:
    """``http://169.254.169.254/``: refused (http and the address), nothing sent."""
    _problem(_api(client, "http://169.254.169.254/"), 422, "url-not-allowed")


@pytest.mark.usefixtures("guarded")
def test_h16_loopback_with_switches_off_is_refused(
    client: TestClient[Any], server: TestServer
) -> None:
    """A running loopback server is never reached while the development switches are off."""
    server.routes["/c.json"] = Route(body=b"{}")
    _problem(_api(client, _local(server, "/c.json")), 422, "url-not-allowed")
    assert server.seen == []


def test_h16_loopback_with_the_real_fetcher_is_refused(
    client: TestClient[Any], server: TestServer
) -> None:
    """The same through the site's own fetcher (no test double): the server sees nothing."""
    server.routes["/c.json"] = Route(body=b"{}")
    _problem(_api(client, _local(server, "/c.json")), 422, "url-not-allowed")
    _problem(_api(client, f"https://127.0.0.1:{server.port}/c.json"), 422, "url-not-allowed")
    assert server.seen == []


@pytest.mark.usefixtures("guarded")
def test_h16_file_scheme_is_refused(client: TestClient[Any]) -> None:
    """``file:///etc/passwd``: refused."""
    _problem(_api(client, "file:///etc/passwd"), 422, "url-not-allowed")


@pytest.mark.usefixtures("guarded")
def test_h16_gopher_scheme_is_refused(client: TestClient[Any]) -> None:
    """``gopher://``: refused."""
    _problem(_api(client, "gopher://issuer.example:70/_GET%20/"), 422, "url-not-allowed")


@pytest.mark.usefixtures("guarded")
def test_h16_ftp_scheme_is_refused(client: TestClient[Any]) -> None:
    """``ftp://``: refused."""
    _problem(_api(client, "ftp://issuer.example/badge.json"), 422, "url-not-allowed")


@pytest.mark.usefixtures("guarded")
def test_h16_user_information_is_refused(client: TestClient[Any], resolved: list[str]) -> None:
    """``https://user:pass@host/``: refused, the host not even resolved."""
    _problem(_api(client, "https://user:pass@issuer.example/b.json"), 422, "url-not-allowed")
    assert resolved == []


@pytest.mark.usefixtures("guarded")
def test_h16_ipv6_loopback_is_refused(client: TestClient[Any]) -> None:
    """``https://[::1]/``: refused."""
    _problem(_api(client, "https://[::1]/"), 422, "url-not-allowed")


def test_h16_public_name_resolving_to_a_private_address_is_refused(
    client: TestClient[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A public-looking name whose DNS answer is private: refused after resolution, the
    address never echoed, no connection opened."""
    asked: list[str] = []

    def resolve(host: str, port: int) -> list[str]:
        asked.append(host)
        return ["93.184.215.14", "10.0.0.7"]

    def fetcher(the_site: public.PublicSite) -> Fetcher:
        policy = the_site.fetcher.policy
        return HttpFetcher(policy, resolve=resolve, network_backend=NeverConnect())

    monkeypatch.setattr(_verify, "url_fetcher", fetcher)
    response = _api(client, "https://badges.issuer.example/credentials/1.json")
    _problem(response, 422, "url-not-allowed")
    assert asked == ["badges.issuer.example"]
    assert "10.0.0.7" not in response.text


@pytest.mark.usefixtures("guarded")
def test_h16_fragment_trick_is_refused(client: TestClient[Any], resolved: list[str]) -> None:
    """``https://host#@169.254.169.254/``: a fragment is refused outright, nothing resolved."""
    url = "https://issuer.example#@169.254.169.254/latest/meta-data/"
    _problem(_api(client, url), 422, "url-not-allowed")
    assert resolved == []


@pytest.mark.usefixtures("guarded")
def test_h16_backslash_trick_is_refused(client: TestClient[Any]) -> None:
    """``https://evil\\@ours/…``: parsers disagree on backslashes, so they are refused."""
    _problem(_api(client, "https://evil.example\\@badges.example.org/x"), 422, "url-not-allowed")


def test_h16_our_host_other_paths_are_refused_not_fetched(
    client: TestClient[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A URL on our own host that is not a credential address: refused, never fetched."""
    monkeypatch.setattr(_verify, "url_fetcher", lambda _site: NoFetch())
    _problem(_api(client, f"{BASE_URL}/api/v1/organisations"), 422, "url-not-allowed")


def test_h16_url_in_the_query_string_is_not_read(
    dev_client: TestClient[Any], server: TestServer
) -> None:
    """``?url=`` is never read: the body is what gets verified, the server is not asked."""
    server.routes["/c.json"] = Route(body=b"{}")
    response = dev_client.post(
        "/api/v1/verify",
        params={"url": _local(server, "/c.json")},
        content=b"{}",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 200
    assert response.json()["verified"] is False
    assert server.seen == []


def test_h16_url_query_on_the_page_is_ignored(
    client: TestClient[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``GET /verify?url=http://169.254.169.254/`` (the catalogue's input): the empty form, no
    fetch, no verdict."""
    monkeypatch.setattr(_verify, "url_fetcher", lambda _site: NoFetch())
    response = client.get("/verify", params={"url": "http://169.254.169.254/"})
    assert response.status_code == 200
    assert _verdict(response.text) is None
    assert "169.254.169.254" not in response.text


def test_h16_file_and_url_together_are_refused(client: TestClient[Any]) -> None:
    """One credential per request: ``file`` and ``url`` together are a 422."""
    response = client.post(
        "/api/v1/verify",
        files={"file": ("c.json", b"{}", "application/json"), "url": (None, BASE_URL)},
    )
    _problem(response, 422, "invalid-input")


# ---------------------------------------------------------------------------------------------
# fetched, but failed: 502 credential-unreachable, or 422 unsupported-credential-type


def test_h16_redirect_inward_is_not_followed(
    dev_client: TestClient[Any], server: TestServer, registry: Registry
) -> None:
    """A 302 to an inner address: not followed, a 502; the target is never asked."""
    server.routes["/inner.json"] = Route(body=_signed(registry))
    server.routes["/out"] = Route(
        status=302, headers={"Location": "http://169.254.169.254/inner.json"}
    )
    _problem(_api(dev_client, _local(server, "/out")), 502, "credential-unreachable")
    assert server.hits("/inner.json") == 0


def test_h16_oversized_body_is_cut(dev_client: TestClient[Any], server: TestServer) -> None:
    """More than 1 MB, streamed without a Content-Length: cut, a 502."""
    server.routes["/big.json"] = Route(body=b" " * 1_000_001 + b"{}", content_length=False)
    _problem(_api(dev_client, _local(server, "/big.json")), 502, "credential-unreachable")


def test_h16_oversized_declared_length_is_refused(
    dev_client: TestClient[Any], server: TestServer
) -> None:
    """A Content-Length over 1 MB: refused before the body is read, a 502."""
    server.routes["/big.json"] = Route(body=b" " * 1_000_001 + b"{}")
    _problem(_api(dev_client, _local(server, "/big.json")), 502, "credential-unreachable")


def test_h16_slow_body_times_out(
    dev_client: TestClient[Any], server: TestServer, registry: Registry
) -> None:
    """A body dripped byte by byte past the 1 s limit: cut at the deadline, a 502."""
    server.routes["/slow.json"] = Route(body=_signed(registry)[:200], drip_seconds=0.02)
    _problem(_api(dev_client, _local(server, "/slow.json")), 502, "credential-unreachable")


def test_h16_http_error_is_unreachable(dev_client: TestClient[Any], server: TestServer) -> None:
    """A 404: a 502, never a report."""
    _problem(_api(dev_client, _local(server, "/missing.json")), 502, "credential-unreachable")


def test_h16_unknown_content_type_is_refused(
    dev_client: TestClient[Any], server: TestServer, registry: Registry
) -> None:
    """A credential served as ``application/octet-stream``: not read, a 422."""
    server.routes["/c.bin"] = Route(
        body=_signed(registry), headers={"Content-Type": "application/octet-stream"}
    )
    _problem(_api(dev_client, _local(server, "/c.bin")), 422, "unsupported-credential-type")


def test_h16_html_page_is_refused(dev_client: TestClient[Any], server: TestServer) -> None:
    """An HTML page: a 422, and the page says so in the visitor's language, with no verdict."""
    server.routes["/badge"] = Route(
        body=b"<html><body>Verified!</body></html>", headers={"Content-Type": "text/html"}
    )
    _problem(_api(dev_client, _local(server, "/badge")), 422, "unsupported-credential-type")
    page = _page(dev_client, _local(server, "/badge"), **{"Accept-Language": "fr"})
    assert page.status_code == 422
    assert _verdict(page.text) is None
    assert "ne fournit pas d&#39;attestation" in page.text


def test_h16_page_says_unreachable_and_shows_no_verdict(
    dev_client: TestClient[Any], server: TestServer
) -> None:
    """The page: a failed fetch is a 502 with a localised message, never a verdict."""
    page = _page(dev_client, _local(server, "/missing.json"), **{"Accept-Language": "it"})
    assert page.status_code == 502
    assert _verdict(page.text) is None
    assert "Non è stato possibile scaricare la credenziale" in page.text


@pytest.mark.usefixtures("guarded")
def test_h16_page_says_refused_and_shows_no_verdict(client: TestClient[Any]) -> None:
    """The page: a refused URL is a 422 with a localised message."""
    page = _page(client, "http://169.254.169.254/latest/meta-data/", **{"Accept-Language": "en"})
    assert page.status_code == 422
    assert _verdict(page.text) is None
    assert "only public https addresses are read" in page.text


# ---------------------------------------------------------------------------------------------
# verified: the development switches on, the loopback server


def test_json_credential_by_url_is_verified(
    dev_client: TestClient[Any], server: TestServer, registry: Registry
) -> None:
    """A foreign JSON credential: fetched with our Accept header, verified."""
    server.routes["/c.json"] = Route(
        body=_signed(registry), headers={"Content-Type": "application/vc+ld+json"}
    )
    report = _api(dev_client, _local(server, "/c.json")).json()
    assert report["verified"] is True, report["checks"]
    assert report["credential"]["issuerId"] == DID
    assert server.seen[0].headers["accept"] == ACCEPT
    assert server.seen[0].headers["accept-encoding"] == "identity"


def test_baked_png_by_url_is_verified(
    dev_client: TestClient[Any], server: TestServer, registry: Registry
) -> None:
    """A baked PNG: unbaked, verified."""
    server.routes["/b.png"] = Route(
        body=bake_png(_png(), _signed(registry)), headers={"Content-Type": "image/png"}
    )
    report = _api(dev_client, _local(server, "/b.png")).json()
    assert report["verified"] is True, report["checks"]


def test_baked_svg_by_url_is_verified(
    dev_client: TestClient[Any], server: TestServer, registry: Registry
) -> None:
    """A baked SVG: unbaked, verified."""
    server.routes["/b.svg"] = Route(
        body=bake_svg(SVG, _signed(registry)),
        headers={"Content-Type": "image/svg+xml; charset=utf-8"},
    )
    report = _api(dev_client, _local(server, "/b.svg")).json()
    assert report["verified"] is True, report["checks"]


def test_jwt_text_by_url_is_verified(dev_client: TestClient[Any], server: TestServer) -> None:
    """A compact JWT served as ``text/plain``: verified."""
    server.routes["/c.jwt"] = Route(body=_jwt(), headers={"Content-Type": "text/plain"})
    report = _api(dev_client, _local(server, "/c.jwt")).json()
    assert report["verified"] is True, report["checks"]
    proof = next(check for check in report["checks"] if check["id"] == "proof")
    assert "JWT" in proof["message"]


def test_h16_png_by_url_without_a_credential_is_refused(
    dev_client: TestClient[Any], server: TestServer
) -> None:
    """A plain PNG (no credential baked in): the hardened unbaker refuses it, a 422."""
    server.routes["/p.png"] = Route(body=_png(), headers={"Content-Type": "image/png"})
    _problem(_api(dev_client, _local(server, "/p.png")), 422, "unreadable-badge-image")


def test_the_page_shows_the_verdict_of_a_url(
    dev_client: TestClient[Any], server: TestServer, registry: Registry
) -> None:
    """The human page: a foreign URL's credential is fetched, verified and shown."""
    server.routes["/c.json"] = Route(body=_signed(registry))
    page = _page(dev_client, _local(server, "/c.json"))
    assert page.status_code == 200
    assert _verdict(page.text) == "valid"
    assert "Foreign teamwork" in page.text


def test_a_tampered_credential_by_url_is_not_valid(
    dev_client: TestClient[Any], server: TestServer, registry: Registry
) -> None:
    """Fetched is not trusted: a changed claim fails the proof."""
    tampered = _signed(registry).replace(b"Foreign teamwork", b"Foreign leadership")
    server.routes["/c.json"] = Route(body=tampered)
    assert _verdict(_page(dev_client, _local(server, "/c.json")).text) == "invalid"


# ---------------------------------------------------------------------------------------------
# our own URLs: local, never fetched


def test_our_url_is_read_locally_by_the_api(
    client: TestClient[Any],
    registry: Registry,
    org: OrganisationRecord,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``{BASE}/credentials/{uuid}`` through the API: the registry's copy, no fetch."""
    monkeypatch.setattr(_verify, "url_fetcher", lambda _site: NoFetch())
    record = issue(registry, org)
    report = _api(client, f"{BASE_URL}/credentials/{record.id}.json").json()
    assert report["verified"] is True, report["checks"]


def test_our_url_is_read_locally_by_the_page(
    client: TestClient[Any],
    registry: Registry,
    org: OrganisationRecord,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The same on the page."""
    monkeypatch.setattr(_verify, "url_fetcher", lambda _site: NoFetch())
    record = issue(registry, org)
    assert _verdict(_page(client, f"{BASE_URL}/credentials/{record.id}").text) == "valid"


def test_our_unknown_credential_url_is_not_found(
    client: TestClient[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """One of our addresses that names no credential: 404, no fetch."""
    monkeypatch.setattr(_verify, "url_fetcher", lambda _site: NoFetch())
    url = f"{BASE_URL}/credentials/00000000-0000-4000-8000-000000000000"
    assert _api(client, url).status_code == 404


# ---------------------------------------------------------------------------------------------
# the page's recipient check (catalogue H19)


def _check_email(client: TestClient[Any], text: bytes, email: str) -> Any:
    return client.post("/verify", files={"text": (None, text.decode()), "email": (None, email)})


def _result(html: str) -> str | None:
    match = re.search(r'id="recipient-result"[^>]*data-result="([a-z_]+)"', html)
    return None if match is None else match.group(1)


def test_verify_page_recipient_matches(dev_client: TestClient[Any], registry: Registry) -> None:
    """The address the credential was issued to: matched (and never echoed)."""
    response = _check_email(dev_client, _signed(registry), EMAIL)
    assert _result(response.text) == "matched"
    assert EMAIL not in response.text


def test_verify_page_recipient_does_not_match(
    dev_client: TestClient[Any], registry: Registry
) -> None:
    """Another address: not matched."""
    response = _check_email(dev_client, _signed(registry), "someone@example.org")
    assert _result(response.text) == "not_matched"


def test_verify_page_recipient_of_an_invalid_credential_is_not_checked(
    dev_client: TestClient[Any], registry: Registry
) -> None:
    """A credential that does not verify: the address is not checked."""
    tampered = _signed(registry).replace(b"Foreign teamwork", b"Foreign leadership")
    assert _result(_check_email(dev_client, tampered, EMAIL).text) == "unverified"


def test_verify_page_recipient_checks_are_rate_limited(
    dev_client: TestClient[Any], registry: Registry
) -> None:
    """Beyond ``recipient_checks_per_minute`` (2 here): a 429 with ``Retry-After``."""
    signed = _signed(registry)
    for _ in range(2):
        assert _check_email(dev_client, signed, EMAIL).status_code == 200
    response = _check_email(dev_client, signed, EMAIL)
    assert response.status_code == 429
    assert _result(response.text) == "limited"
    assert int(response.headers["Retry-After"]) > 0


def test_verify_page_without_an_email_shows_no_recipient_box(
    dev_client: TestClient[Any], registry: Registry
) -> None:
    """No address typed: no recipient box, no check counted."""
    response = _check_email(dev_client, _signed(registry), "")
    assert _verdict(response.text) == "valid"
    assert _result(response.text) is None


# ---------------------------------------------------------------------------------------------
# the per-client limit of fetches by URL (catalogue H16 after H14)


@pytest.fixture
def limited_client(registry: Registry, verifier: Verifier) -> Iterator[TestClient[Any]]:
    """The development switches on, and two fetches of another host's URL per minute."""
    with _dev_client(registry, verifier, url_fetches_per_minute=2) as client:
        yield client


def test_h16_fetches_by_url_are_rate_limited_on_the_api(
    limited_client: TestClient[Any], server: TestServer, registry: Registry
) -> None:
    """The third fetch in a minute: 429 ``url-fetch-limit`` with ``Retry-After``, nothing sent."""
    server.routes["/c.json"] = Route(body=_signed(registry))
    for _ in range(2):
        assert _api(limited_client, _local(server, "/c.json")).json()["verified"] is True
    response = _api(limited_client, _local(server, "/c.json"))
    _problem(response, 429, "url-fetch-limit")
    assert int(response.headers["Retry-After"]) > 0
    assert server.hits("/c.json") == 2


def test_h16_fetches_by_url_are_rate_limited_on_the_page(
    limited_client: TestClient[Any], server: TestServer, registry: Registry
) -> None:
    """The page shares the budget: a 429 page with ``Retry-After`` and no verdict."""
    server.routes["/c.json"] = Route(body=_signed(registry))
    for _ in range(2):
        assert _verdict(_page(limited_client, _local(server, "/c.json")).text) == "valid"
    response = _page(limited_client, _local(server, "/c.json"))
    assert response.status_code == 429
    assert _verdict(response.text) is None
    assert int(response.headers["Retry-After"]) > 0
    assert server.hits("/c.json") == 2


def test_our_own_urls_do_not_count_against_the_fetch_limit(
    limited_client: TestClient[Any], registry: Registry, org: OrganisationRecord
) -> None:
    """Our credentials are read locally: no fetch, so no limit."""
    record = issue(registry, org)
    for _ in range(4):
        report = _api(limited_client, f"{BASE_URL}/credentials/{record.id}").json()
        assert report["verified"] is True
