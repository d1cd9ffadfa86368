"""Fixtures for the verifier tests: the JSON-LD processor, signed credentials, a network guard.

A module whose tests talk to a loopback test server (the ``server`` fixture) sets
``LOOPBACK = True`` at module level: the network guard is off there.

Signed credentials are built once per session and handed out as deep copies, so a test may
mutate what it gets.
"""

from __future__ import annotations

import copy
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from network_support import TestServer, serve
from verifier_support import (
    SHARED_VECTORS,
    WEB_DID,
    WEB_VM,
    build_credential,
    sign,
    vector_context_loader,
    web_document,
)

from common.jsonld import ContextLoader, JsonLdError, JsonLdProcessor


@pytest.fixture(scope="session")
def jsonld() -> JsonLdProcessor:
    """The processor over the shipped contexts (the shared vector contexts until they exist)."""
    try:
        loader = ContextLoader.from_directory()
    except JsonLdError:
        if not (SHARED_VECTORS / "contexts").is_dir():
            pytest.skip("neither common/jsonld/contexts nor the shared vector contexts exist")
        loader = vector_context_loader()
    return JsonLdProcessor(loader)


@pytest.fixture(scope="session")
def _signed_once(jsonld: JsonLdProcessor) -> dict[str, Any]:
    return sign(jsonld, build_credential())


@pytest.fixture(scope="session")
def _signed_with_status_once(jsonld: JsonLdProcessor) -> dict[str, Any]:
    return sign(jsonld, build_credential(status=True))


@pytest.fixture(scope="session")
def _web_signed_once(jsonld: JsonLdProcessor) -> dict[str, Any]:
    return sign(jsonld, build_credential(WEB_DID), verification_method=WEB_VM)


@pytest.fixture
def signed(_signed_once: dict[str, Any]) -> dict[str, Any]:
    """The base credential (issuer did:key of T1), signed by T1."""
    return copy.deepcopy(_signed_once)


@pytest.fixture
def signed_with_status(_signed_with_status_once: dict[str, Any]) -> dict[str, Any]:
    """The base credential with a BitstringStatusListEntry, signed by T1."""
    return copy.deepcopy(_signed_with_status_once)


@pytest.fixture
def web_signed(_web_signed_once: dict[str, Any]) -> dict[str, Any]:
    """The base credential issued by did:web:issuer.example, signed with its key-1 (T1)."""
    return copy.deepcopy(_web_signed_once)


@pytest.fixture
def web_documents() -> dict[str, Any]:
    """The local did:web documents: did:web:issuer.example whose key-1 is T1's key."""
    return {WEB_DID: web_document()}


@pytest.fixture(autouse=True)
def no_network(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Refuse (and record) every outbound connection or DNS lookup during a verifier test.

    Off (nothing refused, nothing recorded) in a module that sets ``LOOPBACK = True``.
    """
    attempts: list[Any] = []
    if getattr(request.module, "LOOPBACK", False):
        return attempts

    def refuse(*args: Any, **kwargs: Any) -> Any:
        attempts.append(args)
        raise OSError("network access is not allowed in verifier tests")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    return attempts


@pytest.fixture
def server() -> Iterator[TestServer]:
    """A running loopback test server (for modules that set ``LOOPBACK = True``)."""
    with serve() as running:
        yield running
