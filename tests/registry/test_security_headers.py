"""Issue 12, item 35: the headers of every kind of answer, set in one place
(:func:`app.http_headers.security_headers`).

Private JSON answers of the API lacked ``Cache-Control: no-store``; JSON, problem, DID and
status-list answers lacked ``X-Content-Type-Options: nosniff``; the documentation pages had no
Content Security Policy and could be framed; the stylesheet named its charset twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from issuance_support import Tokens, competence_body, new_org
from litestar.testing import TestClient
from live_server import full_app, with_settings
from registry_support import bearer

from registry.context import Registry


@pytest.fixture
def client(registry: Registry, tmp_path: Path) -> Iterator[TestClient[Any]]:
    app = full_app(with_settings(registry, rate_limit_per_minute=0), tmp_path / "var")
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def tokens(registry: Registry) -> Tokens:
    return Tokens.of(registry, new_org(registry, "header-centre"))


PRIVATE_JSON = ["/api/v1/org", "/api/v1/tokens", "/api/v1/audit", "/api/v1/audit/verify"]


@pytest.mark.parametrize("path", PRIVATE_JSON)
def test_i12_35_private_json_is_no_store_and_nosniff(
    client: TestClient[Any], tokens: Tokens, path: str
) -> None:
    """Item 35: the organisation's profile, tokens, audit log and its check are never cached
    and never sniffed."""
    answer = client.get(path, headers=bearer(tokens.admin))
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.headers["cache-control"] == "no-store"
    assert answer.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    ("path", "status"),
    [("/api/v1/org", 401), ("/no/such/page", 404), ("/api/v1/credentials/not-a-uuid", 404)],
)
def test_i12_35_problems_are_nosniff(client: TestClient[Any], path: str, status: int) -> None:
    """Item 35: problem answers, the framework's own 404 included, are nosniff; the API's are
    no-store too."""
    answer = client.get(path)
    assert answer.status_code == status
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.headers["x-content-type-options"] == "nosniff"
    if path.startswith("/api/"):
        assert answer.headers["cache-control"] == "no-store"


def test_i12_35_did_documents_and_status_lists_are_nosniff(
    client: TestClient[Any], tokens: Tokens
) -> None:
    """Item 35: the organisation's and the local issuer's DID documents, a status list and a
    public credential are nosniff (their own cache policies kept)."""
    issued = client.post(
        "/api/v1/credentials", json=competence_body(), headers=bearer(tokens.assessor)
    )
    assert issued.status_code == 201, issued.text
    status_list = issued.json()["credential"]["credentialStatus"]["statusListCredential"]
    paths = [
        "/orgs/header-centre/did.json",
        "/.well-known/did.json",
        urlsplit(status_list).path,
        "/achievements/teamwork",
    ]
    for path in paths:
        answer = client.get(path)
        assert answer.status_code == 200, (path, answer.text)
        assert answer.headers["x-content-type-options"] == "nosniff", path
        assert "no-store" not in answer.headers.get("cache-control", ""), path


@pytest.mark.parametrize("path", ["/schema", "/schema/swagger", "/schema/redoc"])
def test_i12_35_docs_pages_have_a_csp_and_cannot_be_framed(
    client: TestClient[Any], path: str
) -> None:
    """Item 35: the documentation pages load nothing from elsewhere and cannot be framed."""
    answer = client.get(path)
    assert answer.status_code == 200
    policy = answer.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy
    assert "default-src 'self'" in policy
    assert answer.headers["x-frame-options"] == "DENY"
    assert answer.headers["x-content-type-options"] == "nosniff"


def test_i12_35_stylesheet_names_its_charset_once(client: TestClient[Any]) -> None:
    """Item 35: ``text/css; charset=utf-8``, not ``…; charset=utf-8; charset=utf-8``."""
    answer = client.get("/assets/public.css")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/css; charset=utf-8"
