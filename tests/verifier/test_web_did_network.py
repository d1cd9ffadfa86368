"""Network did:web resolution (catalogue E1, E2, E4, E5, E12), against a loopback server.

Foreign DIDs are ``did:web:issuer.test%3A{port}``: the development switches allow the port and
plain http, and every name resolves to the test server.
"""

from __future__ import annotations

from typing import Any

import pytest
from network_support import (
    CountingFetcher,
    FailingFetcher,
    NoFetch,
    TestServer,
    dev_fetcher,
    json_route,
)
from verifier_support import T1, T2, build_credential, make_verifier, sign

from common.jsonld import JsonLdProcessor
from keys.did import did_web, did_web_document
from keys.errors import InvalidDidError
from keys.multikey import encode_public_key
from verifier import (
    CompositeResolver,
    DidKeyResolver,
    LocalDidWebResolver,
    ResolutionError,
)
from verifier._cache import DocumentCache
from verifier.fetch import FetchPolicy, HttpFetcher
from verifier.web_did import FallbackResolver, WebDidResolver

LOOPBACK = True
"""These tests talk to a loopback test server: the verifier-wide network guard is off."""


class Clock:
    """A settable monotonic clock."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _did(server: TestServer, *path: str) -> str:
    return did_web(f"issuer.test:{server.port}", path)


def _dev_resolver(fetcher: Any = None, **kwargs: Any) -> WebDidResolver:
    return WebDidResolver(
        fetcher or dev_fetcher(), allow_development_hosts=True, http=True, **kwargs
    )


def _publish(server: TestServer, did: str, key: bytes = T1.public_key, **route: Any) -> None:
    path = "/.well-known/did.json" if did.count(":") == 2 else None
    if path is None:
        path = "/" + "/".join(did.split(":")[3:]) + "/did.json"
    server.routes[path] = json_route(did_web_document(did, [("key-1", key)]), **route)


def test_foreign_did_web_credential_verifies(jsonld: JsonLdProcessor, server: TestServer) -> None:
    """A credential of a foreign did:web issuer, its DID document fetched: verified."""
    did = _did(server)
    _publish(server, did)
    credential = sign(jsonld, build_credential(did), verification_method=did + "#key-1")
    resolver = CompositeResolver([DidKeyResolver(), _dev_resolver()])
    report = make_verifier(jsonld, resolver=resolver).verify(credential)
    assert report.verified, report.checks
    assert server.hits("/.well-known/did.json") == 1


def test_foreign_did_web_with_path_is_fetched_from_its_path(server: TestServer) -> None:
    did = _did(server, "issuers", "t1")
    _publish(server, did)
    method = _dev_resolver().resolve(did + "#key-1", issuer_id=did)
    assert method.public_key == T1.public_key
    assert server.hits("/issuers/t1/did.json") == 1


def test_unreachable_document_is_an_error_never_valid(
    jsonld: JsonLdProcessor, server: TestServer
) -> None:
    did = _did(server)  # nothing published: 404
    credential = sign(jsonld, build_credential(did), verification_method=did + "#key-1")
    resolver = CompositeResolver([DidKeyResolver(), _dev_resolver()])
    report = make_verifier(jsonld, resolver=resolver).verify(credential)
    assert report.verified is False
    assert report.outcome == "indeterminate"
    proof = report.check("proof")
    assert proof is not None and proof.status == "error"
    assert "HTTP 404" in proof.message


@pytest.mark.parametrize(
    "did",
    [
        pytest.param("did:web:127.0.0.1", id="e1-ipv4-literal"),
        pytest.param("did:web:169.254.169.254", id="e1-metadata-address"),
        pytest.param("did:web:2130706433", id="e1-decimal-ipv4"),
        pytest.param("did:web:0x7f000001", id="e1-hex-ipv4"),
        pytest.param("did:web:127.1", id="e1-short-ipv4"),
        pytest.param("did:web:localhost", id="e1-localhost"),
        pytest.param("did:web:api.localhost", id="e1-localhost-subdomain"),
        pytest.param("did:web:%5B%3A%3A1%5D", id="e1-ipv6-literal-encoded"),
        pytest.param("did:web:example.com%3A22", id="e2-port-22"),
        pytest.param("did:web:example.com%3A6379:x", id="e2-port-6379-with-path"),
        pytest.param("did:web:example.com:..:..:admin", id="e2-dot-dot-segments"),
        pytest.param("did:web:example.com%2F..%2Fadmin", id="e2-encoded-slash"),
        pytest.param("did:web:user%40evil.example", id="e2-encoded-at"),
        pytest.param("did:web:example.com%3Fx", id="e2-encoded-question-mark"),
        pytest.param("did:web:example.com%23x", id="e2-encoded-hash"),
    ],
)
def test_e1_e2_refused_did_web_is_never_fetched(did: str) -> None:
    """Production policy: the DID is refused (proof fails) before any request."""
    resolver = WebDidResolver(NoFetch())
    with pytest.raises(InvalidDidError):
        resolver.resolve(did + "#key-1", issuer_id=did)


def test_e1_public_name_resolving_to_loopback_is_an_error(
    jsonld: JsonLdProcessor, server: TestServer
) -> None:
    """``localtest.me`` (public name, 127.0.0.1): refused by the address check; not verified,
    and the test server is never reached. The report says the host does not resolve to public
    addresses only, as for a name that does not resolve (issue 12, item 38: no oracle)."""
    did = "did:web:localtest.me"
    fetcher = HttpFetcher(FetchPolicy(), resolve=lambda host, port: ["127.0.0.1"])
    credential = sign(jsonld, build_credential(did), verification_method=did + "#key-1")
    resolver = CompositeResolver([DidKeyResolver(), WebDidResolver(fetcher)])
    report = make_verifier(jsonld, resolver=resolver).verify(credential)
    assert report.verified is False
    proof = report.check("proof")
    assert proof is not None and proof.status == "error"
    assert "does not resolve to public addresses only" in proof.message
    assert "127.0.0.1" not in proof.message
    assert server.seen == []


def test_e4_huge_document_is_refused(server: TestServer) -> None:
    """A did.json of 10,000 verification methods (over 64 KB) is refused by the size cap."""
    did = _did(server)
    key = encode_public_key(T1.public_key)
    methods = [
        {"id": f"{did}#k{i}", "type": "Multikey", "controller": did, "publicKeyMultibase": key}
        for i in range(10_000)
    ]
    document = {"id": did, "verificationMethod": methods, "assertionMethod": [f"{did}#k0"]}
    server.routes["/.well-known/did.json"] = json_route(document)
    with pytest.raises(ResolutionError, match="larger than"):
        _dev_resolver().resolve(did + "#k0", issuer_id=did)


def test_e4_too_many_verification_methods_are_refused(server: TestServer) -> None:
    """Under the size cap, 100 verification methods still exceed the 64-method cap."""
    did = _did(server)
    key = encode_public_key(T1.public_key)
    methods = [
        {"id": f"{did}#k{i}", "type": "Multikey", "controller": did, "publicKeyMultibase": key}
        for i in range(100)
    ]
    document = {"id": did, "verificationMethod": methods, "assertionMethod": [f"{did}#k0"]}
    server.routes["/.well-known/did.json"] = json_route(document)
    with pytest.raises(InvalidDidError, match="more than 64 entries"):
        _dev_resolver().resolve(did + "#k0", issuer_id=did)


def test_e5_document_id_mismatch_fails(server: TestServer) -> None:
    did = _did(server)
    server.routes["/.well-known/did.json"] = json_route(
        did_web_document("did:web:other.example", [("key-1", T1.public_key)])
    )
    with pytest.raises(InvalidDidError, match=r"other\.example"):
        _dev_resolver().resolve(did + "#key-1", issuer_id=did)


def test_e12_failed_resolution_is_not_cached(server: TestServer) -> None:
    did = _did(server)
    resolver = _dev_resolver()
    with pytest.raises(ResolutionError):
        resolver.resolve(did + "#key-1", issuer_id=did)
    _publish(server, did)
    assert resolver.resolve(did + "#key-1", issuer_id=did).public_key == T1.public_key
    assert server.hits("/.well-known/did.json") == 2


def test_e12_document_is_cached_for_its_ttl_then_refetched(server: TestServer) -> None:
    """Rotation at the host: the cached key is used within the TTL, the new one after it."""
    did = _did(server)
    clock = Clock()
    _publish(
        server, did, headers={"Content-Type": "application/json", "Cache-Control": "max-age=60"}
    )
    resolver = _dev_resolver(cache=DocumentCache(clock=clock))
    assert resolver.resolve(did + "#key-1", issuer_id=did).public_key == T1.public_key
    _publish(server, did, key=T2.public_key)
    clock.now += 59
    assert resolver.resolve(did + "#key-1", issuer_id=did).public_key == T1.public_key
    assert server.hits("/.well-known/did.json") == 1
    clock.now += 2
    assert resolver.resolve(did + "#key-1", issuer_id=did).public_key == T2.public_key
    assert server.hits("/.well-known/did.json") == 2


def test_e12_cache_lifetime_is_capped(server: TestServer) -> None:
    did = _did(server)
    clock = Clock()
    _publish(
        server,
        did,
        headers={"Content-Type": "application/json", "Cache-Control": "max-age=86400"},
    )
    resolver = _dev_resolver(cache=DocumentCache(clock=clock, cap=300))
    resolver.resolve(did + "#key-1", issuer_id=did)
    clock.now += 301
    resolver.resolve(did + "#key-1", issuer_id=did)
    assert server.hits("/.well-known/did.json") == 2


def test_e12_cache_key_is_the_exact_did(server: TestServer) -> None:
    """Two DIDs on the same host are two documents, each fetched for itself."""
    root, sub = _did(server), _did(server, "sub")
    _publish(server, root)
    _publish(server, sub, key=T2.public_key)
    counting = CountingFetcher(dev_fetcher())
    resolver = _dev_resolver(counting)
    assert resolver.resolve(root + "#key-1", issuer_id=root).public_key == T1.public_key
    assert resolver.resolve(sub + "#key-1", issuer_id=sub).public_key == T2.public_key
    assert resolver.resolve(root + "#key-1", issuer_id=root).public_key == T1.public_key
    assert len(counting.calls) == 2


def test_e12_own_host_is_never_fetched() -> None:
    """A did:web on this service's host that is not a local issuer: error, no request."""
    resolver = WebDidResolver(NoFetch(), own_hosts=["badges.example"])
    with pytest.raises(ResolutionError, match="this service's host"):
        resolver.resolve("did:web:badges.example:orgs:gone#key-1", issuer_id="")


def test_local_issuer_is_resolved_without_the_network() -> None:
    did = "did:web:badges.example:orgs:one"
    documents = {did: did_web_document(did, [("key-1", T1.public_key)])}
    resolver = FallbackResolver(LocalDidWebResolver(documents.get), WebDidResolver(NoFetch()))
    assert resolver.resolve(did + "#key-1", issuer_id=did).public_key == T1.public_key


def test_fallback_reaches_the_network_for_a_foreign_did() -> None:
    resolver = FallbackResolver(LocalDidWebResolver({}.get), WebDidResolver(FailingFetcher()))
    with pytest.raises(ResolutionError, match="connection refused"):
        resolver.resolve("did:web:issuer.example#key-1", issuer_id="")
