"""``/schema`` and the OpenAPI document (issue 12, item 5): the viewers load only this service's
files, and the document is complete (request bodies, the bearer scheme, problem answers, a
sentence per operation)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import TestClient

from app.asgi import create_app
from app.context import LocalServices
from common.settings import load_settings

METHODS = ("get", "post", "put", "patch", "delete")
NO_BODY = {
    ("post", "/api/v1/credentials/{credential_id}/reinstate"),
    ("post", "/api/v1/credentials/{credential_id}/erase"),
    ("post", "/api/v1/credentials/{credential_id}/hide"),
    ("post", "/api/v1/credentials/{credential_id}/show"),
    ("post", "/api/v1/keys/rotate"),
}
"""The POSTs that take no body (the state change is the request)."""
PUBLIC_API = {("post", "/api/v1/verify")}
"""The ``/api/v1`` operations that need no token."""


@pytest.fixture
def client(env: dict[str, str]) -> Iterator[TestClient[Any]]:
    with TestClient(create_app(services=LocalServices(load_settings(env)))) as client:
        yield client


@pytest.fixture
def document(client: TestClient[Any]) -> dict[str, Any]:
    answer = client.get("/schema/openapi.json")
    assert answer.status_code == 200
    found: dict[str, Any] = answer.json()
    return found


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in sorted(document["paths"].items()):
        for method in METHODS:
            if method in item:
                yield method, path, item[method]


@pytest.mark.parametrize("page", ["/schema", "/schema/swagger", "/schema/redoc"])
def test_i12_5_viewers_load_only_this_services_files(client: TestClient[Any], page: str) -> None:
    """Every script, stylesheet and icon of the viewers is served here (no CDN, no web font)."""
    answer = client.get(page)
    assert answer.status_code == 200
    html = answer.text
    assert "googleapis" not in html
    assert "cdn." not in html
    addresses = re.findall(r"<(?:script|link)\b[^>]*\b(?:src|href)=['\"]([^'\"]+)", html)
    assert addresses
    for address in addresses:
        assert address.startswith("/schema/assets/"), address
        asset = client.get(address)
        assert asset.status_code == 200, address
        assert len(asset.content) > 500


def test_i12_5_assets_are_the_packaged_files_and_nothing_else(client: TestClient[Any]) -> None:
    """The viewer files come with their types; ReDoc's logo is ours, not its CDN's; no other
    name is served."""
    css = client.get("/schema/assets/swagger-ui.css")
    assert css.headers["content-type"].startswith("text/css")
    redoc = client.get("/schema/assets/redoc.standalone.js")
    assert redoc.headers["content-type"].startswith("text/javascript")
    assert b"cdn.redoc.ly" not in redoc.content
    assert b"/schema/assets/logo-mini.svg" in redoc.content
    assert client.get("/schema/assets/logo-mini.svg").status_code == 200
    for name in ("index.html", "..%2Fswagger-ui.css", "nothing.js"):
        missing = client.get(f"/schema/assets/{name}")
        assert missing.status_code == 404
        assert missing.headers["content-type"] == "application/problem+json"


def test_i12_5_every_post_with_a_body_documents_it(document: dict[str, Any]) -> None:
    """Each POST and PATCH that reads a body says what it takes (media types and a schema)."""
    for method, path, operation in _operations(document):
        if method not in {"post", "patch"} or (method, path) in NO_BODY:
            continue
        if path.startswith("/credentials/") or path == "/verify":
            continue  # the pages' forms, not in the document
        body = operation.get("requestBody")
        assert body, f"{method.upper()} {path} documents no request body"
        for media, content in body["content"].items():
            assert content.get("schema"), f"{method.upper()} {path} {media} has no schema"
    issue = document["paths"]["/api/v1/credentials"]["post"]["requestBody"]["content"]
    assert {"achievement", "recipient"} <= set(issue["application/json"]["schema"]["properties"])
    batch = document["paths"]["/api/v1/credentials/batch"]["post"]["requestBody"]["content"]
    assert set(batch) == {"application/json", "text/csv", "multipart/form-data"}
    verify = document["paths"]["/api/v1/verify"]["post"]["requestBody"]["content"]
    assert {"application/json", "image/png", "image/svg+xml", "multipart/form-data"} <= set(verify)


def test_i12_5_bearer_scheme_on_every_token_operation(document: dict[str, Any]) -> None:
    """The document names the bearer scheme (so Swagger UI's Authorize sends the token) and
    every ``/api/v1`` operation but the public verifier requires it."""
    scheme = document["components"]["securitySchemes"]["bearer"]
    assert scheme["type"] == "http"
    assert scheme["scheme"] == "bearer"
    for method, path, operation in _operations(document):
        wanted = [{"bearer": []}] if path.startswith("/api/v1/") else None
        if (method, path) in PUBLIC_API:
            wanted = None
        assert operation.get("security") == wanted, f"{method.upper()} {path}"
        if wanted:
            assert {"401", "403"} <= set(operation["responses"]), f"{method.upper()} {path}"


def test_i12_5_every_error_answer_is_a_documented_problem(document: dict[str, Any]) -> None:
    """Every 4xx and 5xx answer of every operation is an ``application/problem+json``
    problem with the Problem schema; each operation documents 500, and 429 under the rate
    limit."""
    problem = document["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "detail"}
    for method, path, operation in _operations(document):
        responses = operation["responses"]
        assert "500" in responses, f"{method.upper()} {path}"
        if path != "/health":
            assert "429" in responses, f"{method.upper()} {path}"
        for status, answer in responses.items():
            if int(status) < 400:
                continue
            content = answer.get("content", {})
            assert list(content) == ["application/problem+json"], f"{method} {path} {status}"
            schema = content["application/problem+json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/Problem"}, f"{method} {path} {status}"


def test_i12_5_every_operation_has_a_sentence(document: dict[str, Any]) -> None:
    for method, path, operation in _operations(document):
        description = operation.get("description") or ""
        assert len(description.split()) >= 4, f"{method.upper()} {path}: {description!r}"
        assert "callable" not in operation["summary"].lower(), f"{method.upper()} {path}"


def test_i12_5_documented_answers_happen(client: TestClient[Any]) -> None:
    """What the document promises is what the API answers: without a token, a 401 problem."""
    anonymous = client.post("/api/v1/credentials", json={})
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"] == "application/problem+json"
    assert anonymous.json()["type"] == "urn:leverup:problem:invalid-token"
