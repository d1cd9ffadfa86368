"""HTTPS through the pinned connection (catalogue E3): the socket goes to the checked IP, while
the TLS SNI and the certificate check keep the host name.

A throw-away CA signs a certificate for ``issuer.test``; the loopback server presents it. Only the
loopback address is allowed through (development switch); plain http stays off.
"""

from __future__ import annotations

import datetime
import ipaddress
import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from network_support import TestServer, json_route, serve

from verifier.fetch import FetchError, FetchPolicy, HttpFetcher

NameOID = x509.oid.NameOID

TLS_ONLY = FetchPolicy(allow_http=False, allow_private=True, timeout=2.0)


LOOPBACK = True
"""These tests talk to a loopback test server: the verifier-wide network guard is off."""


def _name(common_name: str) -> Any:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


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


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A CA, and a server certificate for ``issuer.test`` (and 127.0.0.1) signed by it."""
    folder = tmp_path_factory.mktemp("pki")
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
    return ssl.create_default_context(cafile=str(pki["ca"]))


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
