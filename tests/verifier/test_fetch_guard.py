"""The fetcher's SSRF guard, with no network at all (catalogue E1, E3, H16).

These tests run under the verifier tests' network guard (``no_network``): every socket connect
and DNS lookup is refused and recorded, and each test checks that nothing was attempted. Names
resolve through injected resolvers; connections go to a recording backend.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import httpcore
import pytest

from verifier.fetch import FetchError, FetchPolicy, HttpFetcher, address_refusal

PRODUCTION: FetchPolicy = FetchPolicy()

FORBIDDEN_ADDRESSES = [
    pytest.param("127.0.0.1", id="e1-ipv4-loopback"),
    pytest.param("127.5.6.7", id="e1-ipv4-loopback-range"),
    pytest.param("::1", id="e1-ipv6-loopback"),
    pytest.param("10.1.2.3", id="e1-rfc1918-10"),
    pytest.param("172.16.0.1", id="e1-rfc1918-172"),
    pytest.param("192.168.1.1", id="e1-rfc1918-192"),
    pytest.param("169.254.169.254", id="e1-link-local-metadata"),
    pytest.param("fe80::1", id="e1-ipv6-link-local"),
    pytest.param("fc00::1", id="e1-ipv6-unique-local"),
    pytest.param("100.64.0.1", id="e1-cgnat"),
    pytest.param("224.0.0.251", id="e1-multicast"),
    pytest.param("ff02::1", id="e1-ipv6-multicast"),
    pytest.param("0.0.0.0", id="e1-unspecified"),
    pytest.param("::", id="e1-ipv6-unspecified"),
    pytest.param("240.0.0.1", id="e1-reserved"),
    pytest.param("255.255.255.255", id="e1-broadcast"),
    pytest.param("192.0.2.10", id="e1-documentation"),
    pytest.param("198.18.0.1", id="e1-benchmarking"),
    pytest.param("::ffff:127.0.0.1", id="e1-v4-mapped-loopback"),
    pytest.param("::ffff:8.8.8.8", id="e1-v4-mapped-public"),
    pytest.param("2002:7f00:1::1", id="e1-6to4-loopback"),
    pytest.param("64:ff9b::7f00:1", id="e1-nat64-loopback"),
    pytest.param("fe80::1%eth0", id="e1-zone-index"),
]


@pytest.mark.parametrize("address", FORBIDDEN_ADDRESSES)
def test_e1_forbidden_address_is_refused(address: str) -> None:
    assert address_refusal(address) is not None


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:4700:4700::1111", "8.8.8.8"])
def test_public_address_is_allowed(address: str) -> None:
    assert address_refusal(address) is None


def test_development_switch_allows_loopback_but_not_multicast() -> None:
    assert address_refusal("127.0.0.1", allow_private=True) is None
    assert address_refusal("224.0.0.1", allow_private=True) is not None


class Recorder(httpcore.NetworkBackend):
    """A network backend that records where it was asked to connect, then refuses."""

    def __init__(self) -> None:
        self.connects: list[tuple[str, int]] = []

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        self.connects.append((host, port))
        raise httpcore.ConnectError("recorded, not connected")


def _fetcher(
    answers: list[list[str]], policy: FetchPolicy = PRODUCTION
) -> tuple[HttpFetcher, Recorder, list[str]]:
    """A fetcher whose resolver gives ``answers`` in turn; connections are recorded."""
    asked: list[str] = []

    def resolve(host: str, port: int) -> list[str]:
        asked.append(host)
        return answers[min(len(asked), len(answers)) - 1]

    recorder = Recorder()
    return HttpFetcher(policy, resolve=resolve, network_backend=recorder), recorder, asked


def _refused(fetcher: HttpFetcher, url: str) -> str:
    with pytest.raises(FetchError) as caught:
        fetcher.fetch_json(url, max_bytes=1024, accept="application/json")
    return caught.value.message


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("https://127.0.0.1/did.json", id="e1-ipv4-literal"),
        pytest.param("https://[::1]/did.json", id="e1-ipv6-literal"),
        pytest.param("https://[::ffff:7f00:1]/did.json", id="e1-v4-mapped-literal"),
        pytest.param("https://169.254.169.254/latest/meta-data/", id="e1-metadata-literal"),
        pytest.param("https://2130706433/did.json", id="e1-decimal-ipv4"),
        pytest.param("https://0x7f000001/did.json", id="e1-hex-ipv4"),
        pytest.param("https://127.1/did.json", id="e1-short-ipv4"),
    ],
)
def test_e1_ip_literal_urls_are_refused_without_a_connection(
    url: str, no_network: list[Any]
) -> None:
    fetcher, recorder, asked = _fetcher([["93.184.215.14"]])
    _refused(fetcher, url)
    assert asked == []  # an address is checked as it is, never resolved
    assert recorder.connects == []
    assert no_network == []


def test_e1_name_resolving_to_loopback_is_refused(no_network: list[Any]) -> None:
    """``localtest.me`` is a public name that resolves to 127.0.0.1: refused, with the words a
    name that does not resolve gets too (issue 12, item 38: no oracle for internal names)."""
    fetcher, recorder, asked = _fetcher([["127.0.0.1"]])
    message = _refused(fetcher, "https://localtest.me/.well-known/did.json")
    assert message == "the host 'localtest.me' does not resolve to public addresses only"
    assert asked == ["localtest.me"]
    assert recorder.connects == []
    assert no_network == []


def test_e1_every_resolved_address_is_checked(no_network: list[Any]) -> None:
    """One private answer among public ones refuses the host (no "first answer wins")."""
    fetcher, recorder, _ = _fetcher([["93.184.215.14", "10.0.0.7"]])
    _refused(fetcher, "https://mixed.example/.well-known/did.json")
    assert recorder.connects == []
    assert no_network == []


def test_e4_slow_resolver_is_bounded_by_the_time_limit(no_network: list[Any]) -> None:
    """A resolver that answers after 3 s: the fetch gives up at its 0.2 s limit, no connect."""
    release = threading.Event()

    def slow(host: str, port: int) -> list[str]:
        release.wait(3)
        return ["93.184.215.14"]

    recorder = Recorder()
    fetcher = HttpFetcher(FetchPolicy(timeout=0.2), resolve=slow, network_backend=recorder)
    started = time.monotonic()
    try:
        message = _refused(fetcher, "https://slow-dns.example/.well-known/did.json")
    finally:
        release.set()
    assert time.monotonic() - started < 1.5
    assert "could not be resolved within" in message
    assert recorder.connects == []
    assert no_network == []


def test_e1_unresolvable_host_is_a_fetch_error(no_network: list[Any]) -> None:
    """The system resolver is refused by the test guard: a FetchError, not an exception."""
    fetcher = HttpFetcher(PRODUCTION)
    _refused(fetcher, "https://issuer.example/.well-known/did.json")
    assert len(no_network) == 1  # the one DNS lookup, refused by the guard


def test_e3_dns_rebinding_connection_is_pinned_to_the_checked_address(
    no_network: list[Any],
) -> None:
    """The resolver answers public, then private: the connection goes to the checked public
    address (the name is resolved once, by the fetcher), never to a second answer."""
    fetcher, recorder, asked = _fetcher([["93.184.215.14"], ["127.0.0.1"]])
    message = _refused(fetcher, "https://rebind.example/.well-known/did.json")
    assert "ConnectError" in message
    assert asked == ["rebind.example"]
    assert recorder.connects == [("93.184.215.14", 443)]
    _refused(fetcher, "https://rebind.example/.well-known/did.json")
    assert asked == ["rebind.example", "rebind.example"]
    assert recorder.connects == [("93.184.215.14", 443)]  # the private answer: no connection
    assert no_network == []


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("http://issuer.example/did.json", id="h16-plain-http-in-production"),
        pytest.param("file:///etc/passwd", id="h16-file"),
        pytest.param("gopher://issuer.example/", id="h16-gopher"),
        pytest.param("ftp://issuer.example/did.json", id="h16-ftp"),
        pytest.param("https://user:pw@issuer.example/did.json", id="h16-userinfo"),
        pytest.param("https://issuer.example:22/did.json", id="e2-port-22"),
        pytest.param("https://issuer.example:6379/x", id="e2-port-6379"),
        pytest.param("/relative/did.json", id="h16-relative"),
        pytest.param("https:///no-host", id="h16-no-host"),
    ],
)
def test_h16_urls_outside_the_policy_are_refused(url: str, no_network: list[Any]) -> None:
    fetcher, recorder, asked = _fetcher([["93.184.215.14"]])
    _refused(fetcher, url)
    assert asked == []
    assert recorder.connects == []
    assert no_network == []
