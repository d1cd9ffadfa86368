"""The fetcher against a real loopback server, development switches on (catalogue E3, E4, F9).

Every name resolves to the test server on 127.0.0.1 through an injected resolver; the server
records what reached it.
"""

from __future__ import annotations

import gzip
import json
import time
from typing import Any

import pytest
from network_support import (
    Route,
    TestServer,
    dev_fetcher,
    json_route,
)

from verifier.fetch import USER_AGENT, FetchError, FetchPolicy, HttpFetcher

LOOPBACK = True
"""These tests talk to a loopback test server: the verifier-wide network guard is off."""


def _fetch(url: str, max_bytes: int = 64 * 1024, fetcher: HttpFetcher | None = None) -> Any:
    return (fetcher or dev_fetcher()).fetch_json(
        url, max_bytes=max_bytes, accept="application/json"
    )


def _refused(url: str, max_bytes: int = 64 * 1024, fetcher: HttpFetcher | None = None) -> str:
    with pytest.raises(FetchError) as caught:
        _fetch(url, max_bytes, fetcher)
    return caught.value.message


def test_fetch_decodes_json_and_pins_the_connection(server: TestServer) -> None:
    """The name resolves once; the connection goes to the checked IP; Host keeps the name."""
    server.routes["/doc.json"] = json_route(
        {"id": "x"},
        headers={"Content-Type": "application/did+json", "Cache-Control": "public, max-age=120"},
    )
    calls: list[str] = []
    fetched = _fetch(server.url("/doc.json"), fetcher=dev_fetcher(calls))
    assert fetched.data == {"id": "x"}
    assert fetched.max_age == 120
    assert calls == ["issuer.test"]
    seen = server.seen[-1]
    assert seen.headers["host"] == f"issuer.test:{server.port}"
    assert seen.headers["user-agent"] == USER_AGENT
    assert seen.headers["accept-encoding"] == "identity"
    assert "cookie" not in seen.headers
    assert "authorization" not in seen.headers


def test_no_store_is_never_cached(server: TestServer) -> None:
    server.routes["/doc.json"] = json_route(
        {}, headers={"Content-Type": "application/json", "Cache-Control": "no-store"}
    )
    assert _fetch(server.url("/doc.json")).max_age == 0


def test_e3_redirect_to_loopback_is_not_followed(server: TestServer) -> None:
    server.routes["/inside"] = json_route({"secret": True})
    server.routes["/doc.json"] = Route(
        status=302, headers={"Location": f"http://127.0.0.1:{server.port}/inside"}
    )
    message = _refused(server.url("/doc.json"))
    assert "302" in message
    assert server.hits("/inside") == 0


def test_e3_same_host_redirect_is_not_followed_either(server: TestServer) -> None:
    server.routes["/other.json"] = json_route({})
    server.routes["/doc.json"] = Route(status=301, headers={"Location": "/other.json"})
    _refused(server.url("/doc.json"))
    assert server.hits("/other.json") == 0


def test_e4_oversized_body_is_refused(server: TestServer) -> None:
    server.routes["/big.json"] = json_route({"pad": "x" * 70_000})
    assert "larger than" in _refused(server.url("/big.json"))


def test_e4_oversized_body_without_length_is_cut_while_streaming(server: TestServer) -> None:
    server.routes["/big.json"] = Route(
        body=json.dumps({"pad": "x" * 200_000}).encode(), content_length=False
    )
    assert "larger than" in _refused(server.url("/big.json"))


def test_e4_slow_drip_body_hits_the_total_time_limit(server: TestServer) -> None:
    """One byte every 0.2 s never trips the read timeout (1 s); the total limit cuts it."""
    server.routes["/slow.json"] = Route(body=b'{"pad": "' + b"x" * 40 + b'"}', drip_seconds=0.2)
    started = time.monotonic()
    message = _refused(server.url("/slow.json"))
    assert "time limit" in message
    assert time.monotonic() - started < 3


def test_e4_server_that_never_answers_times_out(server: TestServer) -> None:
    server.routes["/stall.json"] = json_route({}, delay_seconds=2.0)
    policy = FetchPolicy(allow_http=True, allow_private=True, timeout=0.3)
    fetcher = HttpFetcher(policy, resolve=lambda host, port: ["127.0.0.1"])
    assert "did not answer" in _refused(server.url("/stall.json"), fetcher=fetcher)


def test_e4_gzip_content_encoding_is_refused(server: TestServer) -> None:
    body = gzip.compress(json.dumps({"id": "x" * 1000}).encode())
    server.routes["/bomb.json"] = Route(
        body=body, headers={"Content-Type": "application/json", "Content-Encoding": "gzip"}
    )
    assert "compressed" in _refused(server.url("/bomb.json"))


@pytest.mark.parametrize(
    ("status", "text"),
    [pytest.param(404, "HTTP 404", id="f9-404"), pytest.param(500, "HTTP 500", id="f9-500")],
)
def test_f9_error_status_is_a_fetch_error(server: TestServer, status: int, text: str) -> None:
    server.routes["/doc.json"] = json_route({}, status=status)
    assert text in _refused(server.url("/doc.json"))


def test_f9_html_is_refused(server: TestServer) -> None:
    server.routes["/doc.json"] = Route(
        body=b"<html>hello</html>", headers={"Content-Type": "text/html"}
    )
    assert "not JSON" in _refused(server.url("/doc.json"))


def test_f9_invalid_json_is_refused(server: TestServer) -> None:
    server.routes["/doc.json"] = Route(body=b'{"id": ')
    assert "not valid JSON" in _refused(server.url("/doc.json"))


def test_e1_loopback_server_is_refused_without_the_development_switch(
    server: TestServer,
) -> None:
    """The same server, production policy (except http): loopback refused, never reached."""
    server.routes["/doc.json"] = json_route({})
    policy = FetchPolicy(allow_http=True, allow_private=False, timeout=1.0)
    fetcher = HttpFetcher(policy, resolve=lambda host, port: ["127.0.0.1"])
    _refused("http://issuer.test/doc.json", fetcher=fetcher)
    assert server.seen == []


def test_nan_is_not_json(server: TestServer) -> None:
    server.routes["/doc.json"] = Route(body=b'{"ttl": NaN}')
    assert "not valid JSON" in _refused(server.url("/doc.json"))
