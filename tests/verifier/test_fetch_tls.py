"""HTTPS through the pinned connection (catalogue E3): the socket goes to the checked IP, while
the TLS SNI and the certificate check keep the host name.

A throw-away CA signs a certificate for ``issuer.test``; the loopback server presents it. Only the
loopback address is allowed through (development switch); plain http stays off.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
from network_support import TestServer, json_route, make_pki, serve, tls_client_context

from verifier.fetch import FetchError, FetchPolicy, HttpFetcher

TLS_ONLY = FetchPolicy(allow_http=False, allow_private=True, timeout=2.0)


LOOPBACK = True
"""These tests talk to a loopback test server: the verifier-wide network guard is off."""


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A CA, and a server certificate for ``issuer.test`` (and 127.0.0.1) signed by it."""
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture
def tls_server(pki: dict[str, Path]) -> Iterator[tuple[TestServer, list[str | None]]]:
    """A loopback HTTPS server with the ``issuer.test`` certificate; it records the SNI."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(pki["cert"], pki["key"])
    sni: list[str | None] = []
    context.sni_callback = lambda sock, name, ctx: sni.append(name)  # type: ignore[assignment]
    with serve(context) as running:
        yield running, sni


def _client(pki: dict[str, Path]) -> ssl.SSLContext:
    return tls_client_context(pki)


def test_e3_pinned_https_keeps_sni_and_certificate_name(
    pki: dict[str, Path], tls_server: tuple[TestServer, list[str | None]]
) -> None:
    server, sni = tls_server
    server.routes["/did.json"] = json_route({"id": "ok"})
    fetcher = HttpFetcher(
        TLS_ONLY, resolve=lambda host, port: ["127.0.0.1"], ssl_context=_client(pki)
    )
    url = f"https://issuer.test:{server.port}/did.json"
    fetched = fetcher.fetch_json(url, max_bytes=1024, accept="application/json")
    assert fetched.data == {"id": "ok"}
    assert sni == ["issuer.test"]
    assert server.seen[-1].headers["host"] == f"issuer.test:{server.port}"


def test_e3_certificate_for_another_name_is_refused(
    pki: dict[str, Path], tls_server: tuple[TestServer, list[str | None]]
) -> None:
    """``other.test`` resolves to the same server, whose certificate does not name it."""
    server, sni = tls_server
    server.routes["/did.json"] = json_route({"id": "ok"})
    fetcher = HttpFetcher(
        TLS_ONLY, resolve=lambda host, port: ["127.0.0.1"], ssl_context=_client(pki)
    )
    with pytest.raises(FetchError):
        fetcher.fetch_json(
            f"https://other.test:{server.port}/did.json", max_bytes=1024, accept="application/json"
        )
    assert sni == ["other.test"]
    assert server.seen == []


def test_untrusted_certificate_is_refused(
    tls_server: tuple[TestServer, list[str | None]],
) -> None:
    """The default trust store does not know the test CA."""
    server, _ = tls_server
    server.routes["/did.json"] = json_route({"id": "ok"})
    fetcher = HttpFetcher(TLS_ONLY, resolve=lambda host, port: ["127.0.0.1"])
    with pytest.raises(FetchError):
        fetcher.fetch_json(
            f"https://issuer.test:{server.port}/did.json", max_bytes=1024, accept="application/json"
        )
    assert server.seen == []
