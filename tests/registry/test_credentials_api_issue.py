"""POST /api/v1/credentials: roles, exact bytes, refusals as problems, Idempotency-Key."""

from __future__ import annotations

import json
from typing import Any

from issuance_support import (
    PROBLEM,
    Counts,
    Tokens,
    competence_body,
    counts,
    fail_statements,
    inserts_into,
    issue_assessor_badge,
    new_org,
    registry_verifier,
    stored,
)
from litestar.testing import TestClient
from registry_support import bearer
from sqlalchemy.engine import Engine

from app.api.credentials import ISSUE_MAX_BODY_BYTES
from registry.context import Registry
from registry.models import OrganisationRecord

PATH = "/api/v1/credentials"


def _problem(response: Any, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem: dict[str, Any] = response.json()
    assert problem["type"] == PROBLEM + slug
    return problem


def _post(client: TestClient[Any], token: str, body: Any, **headers: str) -> Any:
    return client.post(PATH, json=body, headers={**bearer(token), **headers})


class TestIssue:
    def test_answer_embeds_exactly_the_stored_bytes(
        self, client: TestClient[Any], registry: Registry, tokens: Tokens
    ) -> None:
        """201; the body is {"credential": <stored bytes>, "links": …}, byte for byte."""
        response = _post(client, tokens.assessor, competence_body())
        assert response.status_code == 201, response.text
        uuid = response.headers["location"].rsplit("/", 1)[1]
        signed = stored(registry, uuid).signed_bytes
        assert signed is not None
        links = json.loads(response.content)["links"]
        expected = (
            b'{"credential":'
            + signed
            + b',"links":'
            + json.dumps(links, separators=(",", ":")).encode()
            + b"}"
        )
        assert response.content == expected
        assert response.headers["cache-control"] == "no-store"

    def test_links_and_location(
        self, client: TestClient[Any], registry: Registry, tokens: Tokens, org: OrganisationRecord
    ) -> None:
        """links name the API resource, the public URL (= id), the status list and the JSON."""
        response = _post(client, tokens.assessor, competence_body())
        body = response.json()
        uuid = body["credential"]["id"].rsplit("/", 1)[1]
        base = registry.base_url
        links = dict(body["links"])
        public = f"{base}/credentials/{uuid}"
        assert {key: links.pop(key) for key in ("self", "public", "status", "json")} == {
            "self": f"{base}/api/v1/credentials/{uuid}",
            "public": public,
            "status": f"{base}/orgs/{org.slug}/status/revocation/1",
            "json": f"{public}.json",
        }
        assert links.pop("holder").startswith(f"{public}/holder?key=")
        assert links.pop("linkedin").startswith("https://www.linkedin.com/profile/add?")
        assert links == {
            "page": public,
            "badgePng": f"{public}/badge.png",
            "badgeSvg": f"{public}/badge.svg",
            "qrPng": f"{public}/qr.png",
            "qrSvg": f"{public}/qr.svg",
        }
        assert response.headers["location"] == body["links"]["self"]

    def test_holder_link_is_not_shown_to_viewers(
        self, client: TestClient[Any], tokens: Tokens
    ) -> None:
        """The holder link can hide the page: read-only tokens never see it."""
        issued = _post(client, tokens.assessor, competence_body()).json()
        uuid = issued["credential"]["id"].rsplit("/", 1)[1]
        url = f"/api/v1/credentials/{uuid}"
        as_viewer = client.get(url, headers={"Authorization": f"Bearer {tokens.viewer}"})
        as_assessor = client.get(url, headers={"Authorization": f"Bearer {tokens.assessor}"})
        assert as_viewer.json()["links"]["holder"] is None
        assert as_assessor.json()["links"]["holder"] == issued["links"]["holder"]

    def test_issued_credential_verifies(
        self, client: TestClient[Any], registry: Registry, tokens: Tokens
    ) -> None:
        """The credential as received passes our verifier with the registry's status list."""
        response = _post(client, tokens.assessor, competence_body())
        credential = response.content[
            len(b'{"credential":') : response.content.rindex(b',"links":')
        ]
        report = registry_verifier(registry).verify(credential)
        assert report.verified, [c for c in report.checks if c.status != "passed"]

    def test_admin_may_issue(self, client: TestClient[Any], tokens: Tokens) -> None:
        """The admin role includes the assessor's."""
        assert _post(client, tokens.admin, competence_body()).status_code == 201

    def test_issuer_comes_from_the_token(
        self, client: TestClient[Any], registry: Registry, tokens: Tokens
    ) -> None:
        """Each organisation's token issues under that organisation's DID only."""
        other = new_org(registry, "centre-two")
        other_token = Tokens.of(registry, other).assessor
        credential = _post(client, other_token, competence_body()).json()["credential"]
        assert credential["issuer"]["id"] == other.did


class TestAccess:
    def test_no_token_is_401(self, client: TestClient[Any], registry: Registry) -> None:
        """Without a bearer token: 401, nothing issued."""
        response = client.post(PATH, json=competence_body())
        _problem(response, 401, "invalid-token")
        assert counts(registry).credentials == 0

    def test_viewer_is_403(
        self, client: TestClient[Any], registry: Registry, tokens: Tokens
    ) -> None:
        """A viewer may not issue: 403, nothing issued."""
        _problem(_post(client, tokens.viewer, competence_body()), 403, "insufficient-role")
        assert counts(registry).credentials == 0


class TestRefusals:
    def test_unknown_achievement_is_422(
        self, client: TestClient[Any], registry: Registry, tokens: Tokens
    ) -> None:
        """A refusal of the catalogue is a 422 invalid-input problem; nothing is written."""
        before = counts(registry)
        response = _post(client, tokens.assessor, competence_body(achievement="juggling"))
        _problem(response, 422, "invalid-input")
        assert counts(registry) == before

    def _mass_assigned(
        self, client: TestClient[Any], registry: Registry, token: str, field: dict[str, Any]
    ) -> None:
        before = counts(registry)
        response = _post(client, token, competence_body(**field))
        problem = _problem(response, 422, "invalid-input")
        assert "unknown field" in problem["detail"]
        assert counts(registry) == before

    def test_id_is_refused(
        self, client: TestClient[Any], registry: Registry, tokens: Tokens
    ) -> None:
        """The credential id is the server's: 422, nothing written."""
        self._mass_assigned(client, registry, tokens.assessor, {"id": "https://evil.example/1"})

    def test_issuer_is_refused(
        self, client: TestClient[Any], registry: Registry, tokens: Tokens
    ) -> None:
        """The issuer comes from the token, never from the body: 422."""
        self._mass_assigned(client, registry, tokens.assessor, {"issuer": {"id": "did:web:x"}})

    def test_credential_status_is_refused(
        self, client: TestClient[Any], registry: Registry, tokens: Tokens
    ) -> None:
        """Status indexes are allocated by the registry: 422."""
        field = {"credentialStatus": {"statusListIndex": "7"}}
        self._mass_assigned(client, registry, tokens.assessor, field)

    def test_proof_is_refused(
        self, client: TestClient[Any], registry: Registry, tokens: Tokens
    ) -> None:
        """No signing oracle: a proof in the request is refused: 422."""
        field = {"proof": {"type": "DataIntegrityProof"}}
        self._mass_assigned(client, registry, tokens.assessor, field)

    def test_context_is_refused(
        self, client: TestClient[Any], registry: Registry, tokens: Tokens
    ) -> None:
        """The contexts are the issuer's pinned ones: a @context in the request is refused."""
        field = {"@context": ["https://evil.example/ctx"]}
        self._mass_assigned(client, registry, tokens.assessor, field)

    def test_unqualified_assessor_is_422(self, client: TestClient[Any], registry: Registry) -> None:
        """An organisation requiring the Assessor badge refuses an assessor without one."""
        strict = new_org(registry, "strict-centre", require_assessor_badge=True)
        token = Tokens.of(registry, strict).assessor
        body = competence_body(assessor={"name": "Maria Rossi", "email": "maria@example.org"})
        _problem(_post(client, token, body), 422, "assessor-not-qualified")
        assert counts(registry).credentials == 0

    def test_qualified_assessor_is_accepted(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        """With an active Assessor badge in the registry the competence is issued."""
        issue_assessor_badge(registry, org, "maria@example.org")
        strict = new_org(registry, "strict-centre", require_assessor_badge=True)
        token = Tokens.of(registry, strict).assessor
        body = competence_body(assessor={"name": "Maria Rossi", "email": "Maria@example.org"})
        assert _post(client, token, body).status_code == 201

    def test_malformed_json_is_400(self, client: TestClient[Any], tokens: Tokens) -> None:
        """A body that is not JSON: 400 invalid-request."""
        response = client.post(
            PATH,
            content=b'{"achievement": "teamwork",',
            headers={**bearer(tokens.assessor), "Content-Type": "application/json"},
        )
        _problem(response, 400, "invalid-request")

    def test_duplicate_member_is_400(self, client: TestClient[Any], tokens: Tokens) -> None:
        """A member given twice (parsers disagree which wins) is refused as malformed."""
        body = json.dumps(competence_body())[:-1] + ', "achievement": "leadership"}'
        response = client.post(
            PATH,
            content=body.encode(),
            headers={**bearer(tokens.assessor), "Content-Type": "application/json"},
        )
        problem = _problem(response, 400, "invalid-request")
        assert "occurs twice" in problem["detail"]

    def test_nul_in_a_name_is_422_before_signing(
        self, client: TestClient[Any], registry: Registry, tokens: Tokens
    ) -> None:
        """NUL never reaches signing or the database (PostgreSQL would refuse it later)."""
        body = competence_body(recipient={"email": "a@example.org", "name": "Ada\u0000"})
        _problem(_post(client, tokens.assessor, body), 422, "invalid-input")
        assert counts(registry).allocated == 0

    def test_too_long_name_is_422(self, client: TestClient[Any], tokens: Tokens) -> None:
        """Names are limited to their column's 200 characters."""
        body = competence_body(recipient={"email": "a@example.org", "name": "x" * 201})
        _problem(_post(client, tokens.assessor, body), 422, "invalid-input")

    def test_other_media_type_is_415(self, client: TestClient[Any], tokens: Tokens) -> None:
        """Only application/json is accepted."""
        response = client.post(
            PATH, content=b"achievement=teamwork", headers={
                **bearer(tokens.assessor), "Content-Type": "application/x-www-form-urlencoded"
            }
        )  # fmt: skip
        _problem(response, 415, "unsupported-media-type")

    def test_body_over_the_limit_is_413(
        self, client: TestClient[Any], registry: Registry, tokens: Tokens
    ) -> None:
        """A body larger than the route's limit is refused before it is parsed."""
        body = competence_body(
            evidence=[{"name": "x", "narrative": "y" * 5000}] * (ISSUE_MAX_BODY_BYTES // 5000 + 1)
        )
        _problem(_post(client, tokens.assessor, body), 413, "request-too-large")
        assert counts(registry).credentials == 0

    def test_database_failure_is_500_and_leaves_nothing(
        self, client: TestClient[Any], registry: Registry, tokens: Tokens, engine: Engine
    ) -> None:
        """The audit insert failing: 500 internal-error, no credential, index or entry."""
        before = counts(registry)
        with fail_statements(engine, inserts_into("audit_log")):
            response = _post(client, tokens.assessor, competence_body(), **{"Idempotency-Key": "k"})
        _problem(response, 500, "internal-error")
        assert counts(registry) == before


class TestIdempotency:
    def test_retry_with_the_same_key_replays_the_answer(
        self, client: TestClient[Any], registry: Registry, tokens: Tokens
    ) -> None:
        """Same key, same body: the same status and bytes, and one credential."""
        first = _post(client, tokens.assessor, competence_body(), **{"Idempotency-Key": "abc-1"})
        again = _post(client, tokens.assessor, competence_body(), **{"Idempotency-Key": "abc-1"})
        assert (first.status_code, again.status_code) == (201, 201)
        assert again.content == first.content
        assert again.headers["idempotent-replayed"] == "true"
        assert again.headers["location"] == first.headers["location"]
        assert counts(registry) == Counts(
            credentials=1, allocated=1, issue_entries=1, idempotency_keys=1
        )

    def test_quoted_key_is_the_same_key(
        self, client: TestClient[Any], registry: Registry, tokens: Tokens
    ) -> None:
        """The header may be a quoted structured-field string."""
        _post(client, tokens.assessor, competence_body(), **{"Idempotency-Key": "k-7"})
        _post(client, tokens.assessor, competence_body(), **{"Idempotency-Key": '"k-7"'})
        assert counts(registry).credentials == 1

    def test_same_key_with_another_body_is_422(
        self, client: TestClient[Any], registry: Registry, tokens: Tokens
    ) -> None:
        """Same key, other request: 422 idempotency-key-reused; nothing more is issued."""
        _post(client, tokens.assessor, competence_body(), **{"Idempotency-Key": "abc-2"})
        other = _post(
            client, tokens.assessor, competence_body(lang="nl"), **{"Idempotency-Key": "abc-2"}
        )
        _problem(other, 422, "idempotency-key-reused")
        assert counts(registry).credentials == 1

    def test_keys_are_scoped_to_the_organisation(
        self, client: TestClient[Any], registry: Registry, tokens: Tokens
    ) -> None:
        """Another organisation's identical key is independent: it never gets our credential."""
        mine = _post(client, tokens.assessor, competence_body(), **{"Idempotency-Key": "shared"})
        other_token = Tokens.of(registry, new_org(registry, "centre-two")).assessor
        theirs = _post(client, other_token, competence_body(), **{"Idempotency-Key": "shared"})
        assert theirs.status_code == 201
        assert "idempotent-replayed" not in theirs.headers
        assert theirs.json()["credential"]["id"] != mine.json()["credential"]["id"]

    def test_refused_request_does_not_use_up_the_key(
        self, client: TestClient[Any], registry: Registry, tokens: Tokens
    ) -> None:
        """A 422 stores nothing, so the corrected request may reuse the key."""
        bad = _post(
            client, tokens.assessor, competence_body(outcome="x"), **{"Idempotency-Key": "k-3"}
        )
        assert bad.status_code == 422
        assert counts(registry).idempotency_keys == 0
        good = _post(client, tokens.assessor, competence_body(), **{"Idempotency-Key": "k-3"})
        assert good.status_code == 201

    def test_failed_request_can_be_retried_with_its_key(
        self, client: TestClient[Any], registry: Registry, tokens: Tokens, engine: Engine
    ) -> None:
        """After a database failure the key is free: the retry issues once."""
        with fail_statements(engine, inserts_into("credentials")):
            failed = _post(client, tokens.assessor, competence_body(), **{"Idempotency-Key": "r"})
        assert failed.status_code == 500
        retry = _post(client, tokens.assessor, competence_body(), **{"Idempotency-Key": "r"})
        assert retry.status_code == 201
        assert "idempotent-replayed" not in retry.headers
        assert counts(registry).credentials == 1

    def _bad_key(self, client: TestClient[Any], registry: Registry, token: str, key: str) -> None:
        response = client.post(
            PATH,
            content=json.dumps(competence_body()).encode(),
            headers=[
                (b"authorization", f"Bearer {token}".encode()),
                (b"content-type", b"application/json"),
                (b"idempotency-key", key.encode("utf-8")),
            ],
        )
        _problem(response, 400, "invalid-request")
        assert counts(registry).credentials == 0

    def test_empty_key_is_400(
        self, client: TestClient[Any], registry: Registry, tokens: Tokens
    ) -> None:
        """An empty Idempotency-Key is refused."""
        self._bad_key(client, registry, tokens.assessor, "")

    def test_too_long_key_is_400(
        self, client: TestClient[Any], registry: Registry, tokens: Tokens
    ) -> None:
        """A key longer than 200 characters is refused."""
        self._bad_key(client, registry, tokens.assessor, "x" * 201)

    def test_non_ascii_key_is_400(
        self, client: TestClient[Any], registry: Registry, tokens: Tokens
    ) -> None:
        """A key with non-ASCII characters is refused."""
        self._bad_key(client, registry, tokens.assessor, "naïve")

    def test_key_with_spaces_is_400(
        self, client: TestClient[Any], registry: Registry, tokens: Tokens
    ) -> None:
        """A key with a space is refused."""
        self._bad_key(client, registry, tokens.assessor, "two words")
