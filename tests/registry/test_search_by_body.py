"""POST /api/v1/credentials/search: the filters of GET /api/v1/credentials in a JSON body, so a
recipient's e-mail address never appears in a URL or an access log."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from issuance_support import PROBLEM, Tokens, competence_body, make_credentials_app, new_org
from litestar.testing import TestClient
from registry_support import bearer

from registry.context import Registry

SEARCH = "/api/v1/credentials/search"


@pytest.fixture
def tokens(registry: Registry) -> Tokens:
    return Tokens.of(registry, new_org(registry))


@pytest.fixture
def client(registry: Registry, tokens: Tokens) -> Iterator[TestClient[Any]]:
    with TestClient(make_credentials_app(registry)) as test_client:
        for email, achievement in [
            ("ada@example.org", "teamwork"),
            ("ada@example.org", "responsibility"),
            ("bob@example.org", "teamwork"),
        ]:
            body = competence_body(achievement=achievement, recipient={"email": email})
            response = test_client.post(
                "/api/v1/credentials", json=body, headers=bearer(tokens.assessor)
            )
            assert response.status_code == 201
        yield test_client


def _ids(page: dict[str, Any]) -> set[str]:
    return {item["id"] for item in page["items"]}


def test_search_by_recipient_in_the_body(client: TestClient[Any], tokens: Tokens) -> None:
    """The address in the body finds that recipient's credentials (matched case-insensitively)."""
    response = client.post(
        SEARCH, json={"recipient": "ADA@example.org"}, headers=bearer(tokens.viewer)
    )
    assert response.status_code == 200, response.text
    page = response.json()
    assert page["total"] == 2 and response.headers["x-total-count"] == "2"
    assert "ada" not in str(response.url) and "link" not in response.headers


def test_post_and_get_agree(client: TestClient[Any], tokens: Tokens) -> None:
    """Same filters, same page, whichever form is used (recipient only in the POST: the GET
    refuses it in the query string, issue 12 item 34)."""
    wanted: dict[str, str | int] = {"achievement": "teamwork", "limit": 5}
    posted = client.post(SEARCH, json=wanted, headers=bearer(tokens.viewer)).json()
    got = client.get("/api/v1/credentials", params=wanted, headers=bearer(tokens.viewer)).json()
    assert _ids(posted) == _ids(got) and posted["items"]
    narrowed = client.post(
        SEARCH, json={**wanted, "recipient": "ada@example.org"}, headers=bearer(tokens.viewer)
    ).json()
    assert len(narrowed["items"]) == 1 and _ids(narrowed) <= _ids(got)


def test_paging_in_the_body(client: TestClient[Any], tokens: Tokens) -> None:
    """limit and offset page through the result."""
    first = client.post(SEARCH, json={"limit": 2}, headers=bearer(tokens.viewer)).json()
    rest = client.post(SEARCH, json={"limit": 2, "offset": 2}, headers=bearer(tokens.viewer))
    assert first["total"] == 3 and len(first["items"]) == 2
    assert len(rest.json()["items"]) == 1
    assert not _ids(first) & _ids(rest.json())


def test_unknown_filter_is_refused(client: TestClient[Any], tokens: Tokens) -> None:
    """A misspelt filter is an error, never silently ignored (which would widen the result)."""
    response = client.post(
        SEARCH, json={"recipent": "ada@example.org"}, headers=bearer(tokens.viewer)
    )
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")


def test_limit_above_100_is_refused(client: TestClient[Any], tokens: Tokens) -> None:
    """The page size has the GET form's bound."""
    response = client.post(SEARCH, json={"limit": 101}, headers=bearer(tokens.viewer))
    assert response.status_code == 400


def test_search_needs_a_token(client: TestClient[Any]) -> None:
    """No token: 401."""
    response = client.post(SEARCH, json={"recipient": "ada@example.org"})
    assert response.status_code == 401
    assert response.json()["type"] == PROBLEM + "invalid-token"


def test_another_organisation_finds_nothing(registry: Registry, client: TestClient[Any]) -> None:
    """Tenant isolation: another organisation's viewer sees none of these credentials."""
    other = Tokens.of(registry, new_org(registry, "centre-two"))
    response = client.post(
        SEARCH, json={"recipient": "ada@example.org"}, headers=bearer(other.viewer)
    )
    assert response.status_code == 200 and response.json()["total"] == 0
