"""GET /orgs/{slug}/status/revocation/{seq}: the signed list as stored, cacheable, public."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import TestClient
from registry_support import create_org, issue_credential, make_app, make_registry, scope
from sqlalchemy.engine import Engine
from sqlmodel import select

from app.api import ROUTES
from registry.context import Registry
from registry.credentials.lifecycle import LifecycleService
from registry.models import CredentialRecord, OrganisationRecord, StatusListRecord

URL = "/orgs/centre-one/status/revocation/1"


@pytest.fixture
def registry(engine: Engine) -> Registry:
    """A registry with one organisation that issued one credential (list 1 exists)."""
    registry = make_registry(engine, status_list_max_age=120)
    org = create_org(registry)
    with scope(registry) as session:
        issue_credential(registry, session, org)
    return registry


@pytest.fixture
def client(registry: Registry) -> Iterator[TestClient[Any]]:
    """A test client of the status and lifecycle routes."""
    with TestClient(make_app(registry, ROUTES)) as test_client:
        yield test_client


def _stored(registry: Registry) -> StatusListRecord:
    with scope(registry) as session:
        row = session.exec(select(StatusListRecord)).one()
        session.expunge(row)
        return row


class TestGetList:
    def test_the_list_is_served_as_stored(
        self, registry: Registry, client: TestClient[Any]
    ) -> None:
        """200, exactly the stored signed bytes, application/vc+ld+json, no token needed."""
        response = client.get(URL)
        assert response.status_code == 200
        assert response.content == _stored(registry).signed_bytes
        assert response.headers["content-type"].startswith("application/vc+ld+json")

    def test_the_list_carries_etag_and_cache_control(
        self, registry: Registry, client: TestClient[Any]
    ) -> None:
        """ETag = quoted SHA-256 of the body; Cache-Control public, max-age = the setting."""
        response = client.get(URL)
        assert response.headers["etag"] == '"' + hashlib.sha256(response.content).hexdigest() + '"'
        assert response.headers["cache-control"] == "public, max-age=120"

    @pytest.mark.parametrize("form", ["{etag}", "W/{etag}", '"other", {etag}', "*"])
    def test_a_matching_if_none_match_gets_304(self, client: TestClient[Any], form: str) -> None:
        """If-None-Match with the current ETag (weak, in a list, or *): 304 without a body."""
        etag = client.get(URL).headers["etag"]
        response = client.get(URL, headers={"If-None-Match": form.format(etag=etag)})
        assert response.status_code == 304 and response.content == b""
        assert response.headers["etag"] == etag

    def test_a_stale_etag_gets_the_new_list(
        self, registry: Registry, client: TestClient[Any]
    ) -> None:
        """After a revocation the old ETag no longer matches: 200 with the re-signed list."""
        old = client.get(URL).headers["etag"]
        with scope(registry) as session:
            org = session.exec(select(OrganisationRecord)).one()
            credential = session.exec(select(CredentialRecord)).one()
            LifecycleService(registry, session).revoke(
                org, credential.id, reason="fraud", actor="cli:test"
            )
        response = client.get(URL, headers={"If-None-Match": old})
        assert response.status_code == 200 and response.headers["etag"] != old
        assert response.content == _stored(registry).signed_bytes

    @pytest.mark.parametrize(
        "path",
        [
            "/orgs/centre-one/status/revocation/2",
            "/orgs/centre-one/status/revocation/01",
            "/orgs/centre-one/status/revocation/0",
            "/orgs/centre-one/status/revocation/x",
            "/orgs/nobody/status/revocation/1",
        ],
    )
    def test_an_unknown_list_is_a_404_problem(self, client: TestClient[Any], path: str) -> None:
        """No such list (or a non-canonical number): 404 status-list-not-found."""
        response = client.get(path)
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["type"] == "urn:leverup:problem:status-list-not-found"

    def test_another_purpose_is_not_served(self, client: TestClient[Any]) -> None:
        """Only revocation lists exist: /status/suspension/1 is a 404."""
        assert client.get("/orgs/centre-one/status/suspension/1").status_code == 404

    def test_a_list_never_signed_is_signed_on_the_first_get(
        self, registry: Registry, client: TestClient[Any]
    ) -> None:
        """A list without signed bytes is signed, stored and served by the first GET."""
        with scope(registry) as session:
            row = session.exec(select(StatusListRecord)).one()
            row.signed_bytes, row.etag = None, None
            session.add(row)
        response = client.get(URL)
        assert response.status_code == 200
        assert response.content == _stored(registry).signed_bytes
