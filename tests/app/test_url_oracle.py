"""Issue 12, item 38: verify-by-URL is no oracle for internal host names.

A host that resolves to a private address was refused (422 ``url-not-allowed``) while one that
does not resolve was a 502 ``credential-unreachable`` carrying the resolver's text, so anyone
could learn which internal names exist. Both now get the same 422 with the same words.
"""

# ruff: noqa: F811 - pytest fixtures imported from public_support are redefined as arguments

from __future__ import annotations

import socket
from typing import Any

import pytest
from litestar.testing import TestClient
from network_support import NeverConnect
from public_support import (  # noqa: F401 - fixtures
    client,
    clock,
    engine,
    org,
    registry,
    site,
    verifier,
)

from app import public
from app.public import _verify
from verifier.fetch import Fetcher, FetchError, FetchPolicy, FetchRefusedError, HttpFetcher


def _resolve(host: str, port: int) -> list[str]:
    """``intranet.example`` exists (a private address); any other name does not."""
    if host == "intranet.example":
        return ["10.1.2.3"]
    raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")


@pytest.fixture
def lan(monkeypatch: pytest.MonkeyPatch) -> None:
    def fetcher(the_site: public.PublicSite) -> Fetcher:
        return HttpFetcher(
            the_site.fetcher.policy, resolve=_resolve, network_backend=NeverConnect()
        )

    monkeypatch.setattr(_verify, "url_fetcher", fetcher)


def _api(client: TestClient[Any], url: str) -> Any:
    return client.post("/api/v1/verify", files={"url": (None, url)})


@pytest.mark.usefixtures("lan")
def test_i12_38_existing_and_missing_internal_names_answer_alike(
    client: TestClient[Any],
) -> None:
    """Item 38: an internal name that exists and one that does not get the same status, type
    and words (apart from the name itself); neither the address nor the resolver's text."""
    exists = _api(client, "https://intranet.example/badge.json")
    missing = _api(client, "https://nosuchhost.example/badge.json")
    for answer in (exists, missing):
        assert answer.status_code == 422, answer.text
        assert answer.json()["type"] == "urn:leverup:problem:url-not-allowed"
    assert exists.json()["detail"] == missing.json()["detail"]
    for text in (exists.text, missing.text):
        assert "10.1.2.3" not in text and "service not known" not in text


def test_i12_38_fetcher_refuses_unresolvable_like_private() -> None:
    """Item 38, in the fetcher: the same FetchRefusedError, with the same message shape, for a
    name that does not resolve and a name that resolves privately (did:web and status-list
    fetches report it too)."""
    fetcher = HttpFetcher(FetchPolicy(), resolve=_resolve, network_backend=NeverConnect())
    messages = []
    for host in ("intranet.example", "nosuchhost.example"):
        with pytest.raises(FetchError) as caught:
            fetcher.fetch_json(f"https://{host}/x.json", max_bytes=1024, accept="*/*")
        assert isinstance(caught.value, FetchRefusedError)
        messages.append(caught.value.message.replace(host, "HOST"))
    assert messages[0] == messages[1]
    assert "10.1.2.3" not in messages[0]
