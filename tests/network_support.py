"""A loopback HTTP server and fetch helpers for the network tests (the verifier's, and the
app's verify-by-URL tests).

The server (stdlib ``http.server`` in a thread) answers from a route table that a test fills:
each route gives a status, headers and a body, optionally sent slowly. Every request is
recorded (path and headers) so tests can see what reached the server. Names like
``issuer.test`` reach it through an injected resolver, with the development switches on.
"""

from __future__ import annotations

import base64
import datetime
import gzip
import ipaddress
import json
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Final

import httpcore
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from verifier.fetch import (
    Fetched,
    FetchedBody,
    Fetcher,
    FetchError,
    FetchPolicy,
    HttpFetcher,
    MediaTypes,
)

DEV_POLICY: Final = FetchPolicy(allow_http=True, allow_private=True, timeout=1.0)
"""The development switches on, a short time limit."""


@dataclass
class Route:
    """One answer of the test server."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "application/json"})
    drip_seconds: float = 0.0
    """Pause before each byte of the body (a slow drip)."""
    delay_seconds: float = 0.0
    """Pause before the status line."""
    content_length: bool = True


def json_route(data: Any, **kwargs: Any) -> Route:
    """A route answering ``data`` as JSON."""
    return Route(body=json.dumps(data).encode(), **kwargs)


@dataclass
class Seen:
    """A request the server received."""

    path: str
    headers: dict[str, str]


class TestServer:
    """The running server: ``routes`` by path, ``seen`` requests, ``port``."""

    __test__ = False

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.seen: list[Seen] = []
        self.port = 0

    def url(self, path: str, host: str = "issuer.test") -> str:
        """``http://{host}:{port}{path}``."""
        return f"http://{host}:{self.port}{path}"

    def hits(self, path: str) -> int:
        """How many requests reached ``path``."""
        return sum(1 for seen in self.seen if seen.path == path)


def _handler(server: TestServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            server.seen.append(Seen(self.path, {k.lower(): v for k, v in self.headers.items()}))
            route = server.routes.get(self.path, Route(status=404, body=b'{"error":"nope"}'))
            time.sleep(route.delay_seconds)
            try:
                self.send_response(route.status)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                if route.content_length:
                    self.send_header("Content-Length", str(len(route.body)))
                self.send_header("Connection", "close")
                self.end_headers()
                if route.drip_seconds:
                    for index in range(len(route.body)):
                        self.wfile.write(route.body[index : index + 1])
                        self.wfile.flush()
                        time.sleep(route.drip_seconds)
                else:
                    self.wfile.write(route.body)
            except (BrokenPipeError, ConnectionResetError):
                pass
            self.close_connection = True

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


@contextmanager
def serve(tls: ssl.SSLContext | None = None) -> Iterator[TestServer]:
    """Run a :class:`TestServer` on 127.0.0.1 for the duration of the block (over TLS with the
    server context ``tls``, if given)."""
    state = TestServer()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    if tls is not None:
        httpd.socket = tls.wrap_socket(httpd.socket, server_side=True)
    httpd.daemon_threads = True
    state.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def _name(common_name: str) -> Any:
    return x509.Name([x509.NameAttribute(x509.oid.NameOID.COMMON_NAME, common_name)])


def _certificate(
    subject: str, issuer: str, key: Any, signer: Any, *, ca: bool, names: list[Any]
) -> Any:
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    return builder.sign(signer, hashes.SHA256())


def make_pki(folder: Path) -> dict[str, Path]:
    """A throw-away CA and a server certificate for ``issuer.test`` (and 127.0.0.1) signed by
    it, written to ``folder``: ``ca``, ``cert`` and ``key`` (PEM files)."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _certificate("Test CA", "Test CA", ca_key, ca_key, ca=True, names=[])
    key = ec.generate_private_key(ec.SECP256R1())
    names = [x509.DNSName("issuer.test"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    leaf = _certificate("issuer.test", "Test CA", key, ca_key, ca=False, names=names)
    pem = serialization.Encoding.PEM
    files = {"ca": folder / "ca.pem", "cert": folder / "cert.pem", "key": folder / "key.pem"}
    files["ca"].write_bytes(ca.public_bytes(pem))
    files["cert"].write_bytes(leaf.public_bytes(pem))
    files["key"].write_bytes(
        key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return files


def tls_server_context(pki: dict[str, Path]) -> ssl.SSLContext:
    """The server side of :func:`make_pki` (for :func:`serve`)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(pki["cert"], pki["key"])
    return context


def tls_client_context(pki: dict[str, Path]) -> ssl.SSLContext:
    """A client context that trusts only the CA of :func:`make_pki`."""
    return ssl.create_default_context(cafile=str(pki["ca"]))


def loopback_resolver(calls: list[str] | None = None) -> Callable[[str, int], Sequence[str]]:
    """A resolver that answers 127.0.0.1 for every name (and records the names)."""

    def resolve(host: str, port: int) -> list[str]:
        if calls is not None:
            calls.append(host)
        return ["127.0.0.1"]

    return resolve


def dev_fetcher(calls: list[str] | None = None, policy: FetchPolicy = DEV_POLICY) -> HttpFetcher:
    """A fetcher with the development switches on, every name resolving to the test server."""
    return HttpFetcher(policy, resolve=loopback_resolver(calls))


class NoFetch(Fetcher):
    """A fetcher that fails the test if it is ever called."""

    def fetch_json(self, url: str, *, max_bytes: int, accept: str) -> Fetched:
        """Fail: no network request may be made here."""
        raise AssertionError(f"unexpected network fetch of {url}")

    def fetch_body(
        self, url: str, *, max_bytes: int, accept: str, media_types: MediaTypes
    ) -> FetchedBody:
        """Fail: no network request may be made here."""
        raise AssertionError(f"unexpected network fetch of {url}")


class CountingFetcher(Fetcher):
    """Wraps a fetcher and counts its calls by URL."""

    def __init__(self, inner: Fetcher) -> None:
        self.inner = inner
        self.policy = inner.policy
        self.calls: list[str] = []

    def fetch_json(self, url: str, *, max_bytes: int, accept: str) -> Fetched:
        """Count, then delegate."""
        self.calls.append(url)
        return self.inner.fetch_json(url, max_bytes=max_bytes, accept=accept)

    def fetch_body(
        self, url: str, *, max_bytes: int, accept: str, media_types: MediaTypes
    ) -> FetchedBody:
        """Count, then delegate."""
        self.calls.append(url)
        return self.inner.fetch_body(
            url, max_bytes=max_bytes, accept=accept, media_types=media_types
        )


class FailingFetcher(Fetcher):
    """A fetcher whose every call fails (a FetchError)."""

    def fetch_json(self, url: str, *, max_bytes: int, accept: str) -> Fetched:
        """Fail like an unreachable server."""
        raise FetchError("connection refused")

    def fetch_body(
        self, url: str, *, max_bytes: int, accept: str, media_types: MediaTypes
    ) -> FetchedBody:
        """Fail like an unreachable server."""
        raise FetchError("connection refused")


def encode_bits(bits: bytes) -> str:
    """``u`` + base64url-no-padding(gzip(bits)), deterministic."""
    data = gzip.compress(bits, mtime=0)
    return "u" + base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def bits_with(*indexes: int, size: int = 131_072) -> bytes:
    """A bitstring of ``size`` entries with ``indexes`` set (most significant bit first)."""
    data = bytearray(size // 8)
    for index in indexes:
        data[index >> 3] |= 0x80 >> (index & 7)
    return bytes(data)


class NeverConnect(httpcore.NetworkBackend):
    """A network backend that fails the test if a connection is ever opened."""

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        pytest.fail(f"a connection to {host}:{port} was opened")
