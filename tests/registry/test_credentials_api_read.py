"""Reading credentials: the organisation's record, search pages, and the public signed copy."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from issuance_support import (
    PROBLEM,
    Tokens,
    competence_body,
    new_org,
    role_body,
    stored,
)
from litestar.testing import TestClient
from registry_support import ACTOR, FrozenClock, bearer, make_registry, scope
from sqlalchemy.engine import Engine

from registry.context import Registry
from registry.credentials.lifecycle import LifecycleService
from registry.models import CredentialRecord, OrganisationRecord

API = "/api/v1/credentials"
DAY = 24 * 3600


@pytest.fixture
def registry(engine: Engine, clock: FrozenClock) -> Registry:
    """A registry over a fresh database."""
    return make_registry(engine, clock=clock)


def _issue(client: TestClient[Any], token: str, body: dict[str, Any] | None = None) -> str:
    response = client.post(API, json=body or competence_body(), headers=bearer(token))
    assert response.status_code == 201, response.text
    uuid: str = response.json()["credential"]["id"].rsplit("/", 1)[1]
    return uuid


def _signed(registry: Registry, uuid: str) -> bytes:
    signed = stored(registry, uuid).signed_bytes
    assert signed is not None
    return signed


def _problem(response: Any, status: int, slug: str) -> None:
    assert response.status_code == status, response.text
    assert response.json()["type"] == PROBLEM + slug


class TestGetOne:
    def test_record_and_exact_bytes(
        self, client: TestClient[Any], registry: Registry, tokens: Tokens
    ) -> None:
        """The record's summary with "credential": <stored bytes> spliced in unchanged."""
        uuid = _issue(client, tokens.assessor)
        response = client.get(f"{API}/{uuid}", headers=bearer(tokens.viewer))
        assert response.status_code == 200
        assert response.content.endswith(b',"credential":' + _signed(registry, uuid) + b"}")
        body = response.json()
        assert (body["uuid"], body["status"], body["achievement"]) == (uuid, "active", "teamwork")
        assert (body["erased"], body["expired"], body["hidden"]) == (False, False, False)
        assert "volunteer@" not in response.text.lower()
        assert not any("email" in key.lower() for key in body)

    def test_other_organisation_gets_404(
        self, client: TestClient[Any], registry: Registry, tokens: Tokens
    ) -> None:
        """Another organisation's admin cannot read it: 404, as for an unknown id."""
        uuid = _issue(client, tokens.assessor)
        other = Tokens.of(registry, new_org(registry, "centre-two"))
        _problem(
            client.get(f"{API}/{uuid}", headers=bearer(other.admin)), 404, "credential-not-found"
        )

    def test_unknown_id_is_404(self, client: TestClient[Any], tokens: Tokens) -> None:
        """An id that names nothing: 404."""
        response = client.get(
            f"{API}/7c9e6679-7425-40de-944b-e07fc1f90ae7", headers=bearer(tokens.viewer)
        )
        _problem(response, 404, "credential-not-found")

    def test_no_token_is_401(self, client: TestClient[Any], tokens: Tokens) -> None:
        """Reading needs a token."""
        uuid = _issue(client, tokens.assessor)
        _problem(client.get(f"{API}/{uuid}"), 401, "invalid-token")

    def test_erased_credential_reads_null(
        self, client: TestClient[Any], registry: Registry, tokens: Tokens, org: OrganisationRecord
    ) -> None:
        """Once erased, the record says so and carries no signed bytes."""
        uuid = _issue(client, tokens.assessor)
        with scope(registry) as session:
            LifecycleService(registry, session).erase(org, uuid, actor=ACTOR)
        response = client.get(f"{API}/{uuid}", headers=bearer(tokens.viewer))
        assert response.json()["erased"] is True
        assert response.json()["credential"] is None


class TestSearch:
    def test_newest_first_with_total_and_links(
        self, client: TestClient[Any], tokens: Tokens, clock: FrozenClock
    ) -> None:
        """Pages are newest first; X-Total-Count and Link (first, next, last) describe them."""
        uuids = []
        for _ in range(5):
            uuids.append(_issue(client, tokens.assessor))
            clock.advance(60)
        response = client.get(f"{API}?limit=2&achievement=teamwork", headers=bearer(tokens.viewer))
        assert response.status_code == 200
        assert [item["uuid"] for item in response.json()["items"]] == uuids[::-1][:2]
        assert response.headers["x-total-count"] == "5"
        link = response.headers["link"]
        assert 'achievement=teamwork&limit=2&offset=2>; rel="next"' in link
        assert 'offset=4>; rel="last"' in link
        assert 'rel="prev"' not in link

    def test_middle_page_has_prev_and_next(self, client: TestClient[Any], tokens: Tokens) -> None:
        """offset 2 of 5 by 2: prev is 0, next is 4."""
        for _ in range(5):
            _issue(client, tokens.assessor)
        response = client.get(f"{API}?limit=2&offset=2", headers=bearer(tokens.viewer))
        assert len(response.json()["items"]) == 2
        assert 'offset=0>; rel="prev"' in response.headers["link"]
        assert 'offset=4>; rel="next"' in response.headers["link"]

    def test_filter_by_recipient_email(self, client: TestClient[Any], tokens: Tokens) -> None:
        """recipient matches the normalised address through its keyed hash (in the body of the
        POST search: the GET refuses it in the query string, issue 12 item 34)."""
        mine = _issue(client, tokens.assessor)
        _issue(client, tokens.assessor, competence_body(recipient={"email": "other@example.org"}))
        response = client.post(
            f"{API}/search",
            json={"recipient": " VOLUNTEER@example.ORG"},
            headers=bearer(tokens.viewer),
        )
        assert [item["uuid"] for item in response.json()["items"]] == [mine]

    def test_filter_by_achievement_and_status(
        self, client: TestClient[Any], registry: Registry, tokens: Tokens, org: OrganisationRecord
    ) -> None:
        """achievement and status narrow the result."""
        revoked = _issue(client, tokens.assessor)
        _issue(client, tokens.assessor)
        _issue(client, tokens.admin, role_body("tutor"))  # role badges: admins only (i12 #29)
        with scope(registry) as session:
            LifecycleService(registry, session).revoke(org, revoked, reason="error", actor=ACTOR)
        response = client.get(f"{API}?status=revoked", headers=bearer(tokens.viewer))
        assert [item["uuid"] for item in response.json()["items"]] == [revoked]
        response = client.get(f"{API}?achievement=tutor", headers=bearer(tokens.viewer))
        assert response.headers["x-total-count"] == "1"

    def test_filter_by_issue_dates(
        self, client: TestClient[Any], tokens: Tokens, clock: FrozenClock
    ) -> None:
        """issuedFrom and issuedUntil take dates (whole days) or date-times."""
        first = _issue(client, tokens.assessor)
        day_one = clock.now.date().isoformat()
        clock.advance(3 * DAY)
        second = _issue(client, tokens.assessor)
        until = client.get(f"{API}?issuedUntil={day_one}", headers=bearer(tokens.viewer))
        assert [item["uuid"] for item in until.json()["items"]] == [first]
        since = (clock.now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        after = client.get(f"{API}?issuedFrom={since}", headers=bearer(tokens.viewer))
        assert [item["uuid"] for item in after.json()["items"]] == [second]

    def test_filter_by_validity(
        self, client: TestClient[Any], tokens: Tokens, clock: FrozenClock
    ) -> None:
        """valid=true: not expired; valid=false: expired."""
        soon = (clock.now + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
        expiring = _issue(client, tokens.assessor, competence_body(validUntil=soon))
        lasting = _issue(client, tokens.assessor)
        clock.advance(3 * DAY)
        valid = client.get(f"{API}?valid=true", headers=bearer(tokens.viewer)).json()
        expired = client.get(f"{API}?valid=false", headers=bearer(tokens.viewer)).json()
        assert [item["uuid"] for item in valid["items"]] == [lasting]
        assert [item["uuid"] for item in expired["items"]] == [expiring]
        assert expired["items"][0]["expired"] is True

    def test_other_organisations_credentials_are_not_listed(
        self, client: TestClient[Any], registry: Registry, tokens: Tokens
    ) -> None:
        """A search sees only the caller's organisation."""
        _issue(client, tokens.assessor)
        other = Tokens.of(registry, new_org(registry, "centre-two"))
        response = client.get(API, headers=bearer(other.viewer))
        assert response.json()["items"] == []
        assert response.headers["x-total-count"] == "0"

    def test_limit_over_100_is_400(self, client: TestClient[Any], tokens: Tokens) -> None:
        """Pages hold at most 100 credentials."""
        _problem(
            client.get(f"{API}?limit=101", headers=bearer(tokens.viewer)), 400, "invalid-request"
        )

    def test_negative_offset_is_400(self, client: TestClient[Any], tokens: Tokens) -> None:
        """offset is not negative."""
        _problem(
            client.get(f"{API}?offset=-1", headers=bearer(tokens.viewer)), 400, "invalid-request"
        )

    def test_unknown_status_is_422(self, client: TestClient[Any], tokens: Tokens) -> None:
        """status is active, suspended or revoked."""
        _problem(
            client.get(f"{API}?status=deleted", headers=bearer(tokens.viewer)), 422, "invalid-input"
        )

    def test_bad_date_is_422(self, client: TestClient[Any], tokens: Tokens) -> None:
        """issuedFrom must be a date or a date-time with a time zone."""
        response = client.get(
            f"{API}?issuedFrom=2026-01-01T00:00:00", headers=bearer(tokens.viewer)
        )
        _problem(response, 422, "invalid-input")

    def test_no_token_is_401(self, client: TestClient[Any]) -> None:
        """Searching needs a token."""
        _problem(client.get(API), 401, "invalid-token")


class TestPublic:
    @pytest.mark.parametrize(
        ("accept", "media"),
        [
            ("application/vc+ld+json", "application/vc+ld+json"),
            ("application/ld+json", "application/ld+json"),
            ("application/json", "application/json"),
            ("*/*", "application/json"),
        ],
        ids=["vc", "ld", "json", "any"],
    )
    def test_signed_bytes_exactly_as_stored(
        self,
        client: TestClient[Any],
        public_client: TestClient[Any],
        registry: Registry,
        tokens: Tokens,
        accept: str,
        media: str,
    ) -> None:
        """Anyone gets the stored bytes unchanged, in the negotiated media type."""
        uuid = _issue(client, tokens.assessor)
        response = public_client.get(f"/credentials/{uuid}", headers={"Accept": accept})
        assert response.status_code == 200
        assert response.content == _signed(registry, uuid)
        assert response.headers["content-type"].startswith(media)
        assert response.headers["vary"] == "Accept"
        assert response.headers["access-control-allow-origin"] == "*"

    def test_json_download(
        self,
        client: TestClient[Any],
        public_client: TestClient[Any],
        registry: Registry,
        tokens: Tokens,
    ) -> None:
        """/credentials/{uuid}.json is always the JSON bytes."""
        uuid = _issue(client, tokens.assessor)
        response = public_client.get(f"/credentials/{uuid}.json", headers={"Accept": "text/html"})
        assert response.content == _signed(registry, uuid)
        assert response.headers["content-type"].startswith("application/json")
        assert f'filename="{uuid}.json"' in response.headers["content-disposition"]

    def test_browser_gets_the_page(
        self, client: TestClient[Any], public_client: TestClient[Any], tokens: Tokens
    ) -> None:
        """A browser (text/html preferred) gets the human page, no longer the JSON."""
        uuid = _issue(client, tokens.assessor)
        response = public_client.get(
            f"/credentials/{uuid}", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
        )
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        assert '<section id="verdict" data-verdict="valid"' in response.text

    def test_unacceptable_type_is_406(
        self, client: TestClient[Any], public_client: TestClient[Any], tokens: Tokens
    ) -> None:
        """Neither JSON nor HTML: 406."""
        uuid = _issue(client, tokens.assessor)
        response = public_client.get(f"/credentials/{uuid}", headers={"Accept": "image/png"})
        _problem(response, 406, "not-acceptable")

    def test_etag_revalidation(
        self, client: TestClient[Any], public_client: TestClient[Any], tokens: Tokens
    ) -> None:
        """A matching If-None-Match gets 304 without a body."""
        uuid = _issue(client, tokens.assessor)
        etag = public_client.get(f"/credentials/{uuid}").headers["etag"]
        response = public_client.get(f"/credentials/{uuid}", headers={"If-None-Match": etag})
        assert response.status_code == 304
        assert response.content == b""

    def test_unknown_is_404(self, client: TestClient[Any], public_client: TestClient[Any]) -> None:
        """An unknown or malformed id: 404."""
        _problem(
            public_client.get("/credentials/7c9e6679-7425-40de-944b-e07fc1f90ae7"),
            404,
            "credential-not-found",
        )
        _problem(public_client.get("/credentials/not-a-uuid"), 404, "credential-not-found")

    def test_erased_is_404(
        self,
        client: TestClient[Any],
        public_client: TestClient[Any],
        registry: Registry,
        tokens: Tokens,
        org: OrganisationRecord,
    ) -> None:
        """An erased credential is gone from the public URL."""
        uuid = _issue(client, tokens.assessor)
        with scope(registry) as session:
            LifecycleService(registry, session).erase(org, uuid, actor=ACTOR)
        _problem(public_client.get(f"/credentials/{uuid}"), 404, "credential-not-found")

    def test_hidden_is_404(
        self,
        client: TestClient[Any],
        public_client: TestClient[Any],
        registry: Registry,
        tokens: Tokens,
    ) -> None:
        """A credential its holder hid is not served publicly."""
        uuid = _issue(client, tokens.assessor)
        with scope(registry) as session:
            record = session.get(CredentialRecord, uuid)
            assert record is not None
            record.hidden = True
            session.add(record)
        _problem(public_client.get(f"/credentials/{uuid}"), 404, "credential-not-found")

    def test_revoked_is_still_served(
        self,
        client: TestClient[Any],
        public_client: TestClient[Any],
        registry: Registry,
        tokens: Tokens,
        org: OrganisationRecord,
    ) -> None:
        """Revocation is told by the status list; the bytes stay available to verifiers."""
        uuid = _issue(client, tokens.assessor)
        with scope(registry) as session:
            LifecycleService(registry, session).revoke(org, uuid, reason="error", actor=ACTOR)
        response = public_client.get(f"/credentials/{uuid}")
        assert response.status_code == 200
        assert json.loads(response.content)["id"].endswith(uuid)


class TestMountedBeside:
    def test_lifecycle_delete_on_the_same_path_still_works(
        self, client: TestClient[Any], tokens: Tokens
    ) -> None:
        """GET (ours) and DELETE (lifecycle) share /api/v1/credentials/{id}; both answer."""
        uuid = _issue(client, tokens.assessor)
        assert client.get(f"{API}/{uuid}", headers=bearer(tokens.admin)).status_code == 200
        assert client.delete(f"{API}/{uuid}", headers=bearer(tokens.admin)).status_code == 200
