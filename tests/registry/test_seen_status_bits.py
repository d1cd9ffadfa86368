"""DbSeenStatusBits (issue 12, item 32): the verifier's memory of the revocation bits seen set
in foreign status lists, kept in the registry's database so that a restarted verifier, or
another worker, still refuses a list that clears one.

"Two processes" are two registries over two engines on the same database. The foreign list is
a JWT signed with a did:key, handed to the real RemoteStatusChecker by an in-memory fetcher (no
network).
"""

from __future__ import annotations

import base64
import gzip
import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from registry_support import make_registry
from sqlalchemy.engine import Engine

from keys.did import did_key, did_key_verification_method
from keys.ed25519 import Ed25519KeyPair
from registry.context import Registry
from registry.db import create_db_engine
from registry.status import DbSeenStatusBits
from verifier import CompositeResolver, DidKeyResolver, RemoteStatusChecker
from verifier.fetch import FetchedBody, Fetcher
from verifier.problems import REVOKED, STATUS_VERIFICATION_ERROR

KEY = Ed25519KeyPair.from_seed(bytes(range(32)))
DID = did_key(KEY.public_key)
VM = did_key_verification_method(KEY.public_key)
URL = "https://lists.example/revocation.jwt"
INDEX = 4242
SIZE = 131_072


@pytest.fixture
def second(request: pytest.FixtureRequest, database_url: str, engine: Engine) -> Iterator[Registry]:
    """Another process's registry: its own engine on the same database."""
    other = create_db_engine(database_url, schema=getattr(request.node, "pg_schema", None))
    yield make_registry(other)
    other.dispose()


def _bits(*indexes: int) -> bytes:
    data = bytearray(SIZE // 8)
    for index in indexes:
        data[index >> 3] |= 0x80 >> (index & 7)
    return bytes(data)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _list_jwt(*revoked: int) -> bytes:
    encoded = "u" + _b64(gzip.compress(_bits(*revoked), mtime=0))
    payload = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": URL,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": DID,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "id": URL + "#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded,
        },
    }
    header = {"alg": "EdDSA", "kid": VM, "typ": "JWT"}
    data = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(payload).encode())}"
    return f"{data}.{_b64(KEY.sign(data.encode('ascii')))}".encode("ascii")


class _Served(Fetcher):
    """Answers the list URL with whatever ``body`` holds (no network)."""

    def __init__(self) -> None:
        self.body = b""

    def fetch_body(self, url: str, *, max_bytes: int, accept: str, media_types: Any) -> FetchedBody:
        assert url == URL
        return FetchedBody(url=url, body=self.body, media_type="application/vc+jwt")


def _checker(registry: Registry, served: _Served) -> RemoteStatusChecker:
    return RemoteStatusChecker(
        served,
        registry.processor,
        CompositeResolver([DidKeyResolver()]),
        seen_bits=DbSeenStatusBits(registry),
    )


def _credential() -> dict[str, Any]:
    return {
        "issuer": {"id": DID},
        "credentialStatus": {
            "id": f"{URL}#{INDEX}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(INDEX),
            "statusListCredential": URL,
        },
    }


def test_i12_32_replay_refused_by_another_process(registry: Registry, second: Registry) -> None:
    """Item 32: one process reads the list with the bit set ("revoked"); another, later, is
    served an older copy with the same validFrom and the bit clear: "rolled back", an error."""
    served = _Served()
    served.body = _list_jwt(INDEX)
    first = _checker(registry, served).check(_credential())
    assert first.status == "failed" and first.problem is not None
    assert first.problem.type == REVOKED
    served.body = _list_jwt()
    replay = _checker(second, served).check(_credential())
    assert replay.status == "error", replay
    assert replay.problem is not None and replay.problem.type == STATUS_VERIFICATION_ERROR
    assert "rolled back" in replay.message


def test_i12_32_store_merges_and_returns_what_it_knew(registry: Registry, second: Registry) -> None:
    """Item 32: remember() returns the bits known before and keeps the union, across engines."""
    assert DbSeenStatusBits(registry).remember(URL, _bits(1)) is None
    assert DbSeenStatusBits(second).remember(URL, _bits(2)) == _bits(1)
    assert DbSeenStatusBits(registry).remember(URL, _bits()) == _bits(1, 2)
    assert DbSeenStatusBits(second).remember("https://other.example/l", _bits(5)) is None


def test_i12_32_concurrent_merges_lose_no_bit(registry: Registry, second: Registry) -> None:
    """Item 32: two processes merging at once: every bit survives (one locked transaction
    per merge)."""
    errors: list[BaseException] = []

    def merge(store: DbSeenStatusBits, start: int) -> None:
        try:
            for index in range(start, start + 20, 2):
                store.remember(URL, _bits(index))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [
        threading.Thread(target=merge, args=(DbSeenStatusBits(registry), 0)),
        threading.Thread(target=merge, args=(DbSeenStatusBits(second), 1)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert DbSeenStatusBits(registry).remember(URL, _bits()) == _bits(*range(20))
