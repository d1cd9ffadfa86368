"""POST /api/v1/credentials/batch: JSON, CSV or an upload; all or nothing; per-row report."""

from __future__ import annotations

import json
from typing import Any

import pytest
from issuance_support import (
    PROBLEM,
    Tokens,
    competence_body,
    counts,
    stored,
)
from litestar.testing import TestClient
from registry_support import bearer, make_registry
from sqlalchemy.engine import Engine

from app.api.credentials import BATCH_MAX_BODY_BYTES
from registry.context import Registry

PATH = "/api/v1/credentials/batch"
CSV = (
    "achievement;outcome;complexity;recipient_email;recipient_name\n"
    "teamwork;basic;low;ada@example.org;Ada\n"
    "leadership;expert;high;bo@example.org;Bo\n"
)


@pytest.fixture
def registry(engine: Engine) -> Registry:
    """A registry over a fresh database; batches of at most 5 items."""
    return make_registry(engine, max_batch_items=5)


def _items(size: int) -> list[dict[str, Any]]:
    return [
        competence_body(recipient={"email": f"v{n}@example.org", "name": f"V {n}"})
        for n in range(size)
    ]


def _problem(response: Any, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    problem: dict[str, Any] = response.json()
    assert problem["type"] == PROBLEM + slug
    return problem


def _csv(client: TestClient[Any], token: str, text: str, **headers: str) -> Any:
    return client.post(
        PATH,
        content=text.encode("utf-8"),
        headers={**bearer(token), "Content-Type": "text/csv; charset=utf-8", **headers},
    )


class TestBatch:
    def test_json_items_are_issued(
        self, client: TestClient[Any], registry: Registry, tokens: Tokens
    ) -> None:
        """201 with one {row, id, links} per item; every credential is stored."""
        response = client.post(PATH, json={"items": _items(3)}, headers=bearer(tokens.assessor))
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["count"] == 3
        assert [item["row"] for item in body["items"]] == [1, 2, 3]
        for item in body["items"]:
            uuid = item["id"].rsplit("/", 1)[1]
            assert item["links"]["public"] == item["id"]
            signed = stored(registry, uuid).signed_bytes
            assert signed is not None and json.loads(signed)["id"] == item["id"]
        assert counts(registry).credentials == 3

    def test_csv_body_is_issued(
        self, client: TestClient[Any], registry: Registry, tokens: Tokens
    ) -> None:
        """A text/csv body (semicolons, as European spreadsheets write) issues one per row."""
        response = _csv(client, tokens.assessor, CSV)
        assert response.status_code == 201, response.text
        assert [item["row"] for item in response.json()["items"]] == [2, 3]
        assert counts(registry).credentials == 2

    def test_csv_upload_is_issued(
        self, client: TestClient[Any], registry: Registry, tokens: Tokens
    ) -> None:
        """A multipart upload in the field 'file' is read as CSV."""
        response = client.post(
            PATH,
            files={"file": ("cohort.csv", CSV.encode(), "text/csv")},
            headers=bearer(tokens.assessor),
        )
        assert response.status_code == 201, response.text
        assert counts(registry).credentials == 2

    def test_upload_without_file_field_is_422(
        self, client: TestClient[Any], tokens: Tokens
    ) -> None:
        """The CSV must be in the form field 'file'."""
        response = client.post(
            PATH,
            files={"cohort": ("cohort.csv", CSV.encode(), "text/csv")},
            headers=bearer(tokens.assessor),
        )
        _problem(response, 422, "invalid-input")


class TestAllOrNothing:
    def test_one_bad_row_issues_nothing(
        self, client: TestClient[Any], registry: Registry, tokens: Tokens
    ) -> None:
        """422 batch-invalid naming row 2; zero credentials, indexes and audit entries."""
        items = _items(3)
        items[1]["outcome"] = "legendary"
        before = counts(registry)
        response = client.post(PATH, json={"items": items}, headers=bearer(tokens.assessor))
        problem = _problem(response, 422, "batch-invalid")
        assert [row["row"] for row in problem["rows"]] == [2]
        assert "legendary" in problem["rows"][0]["errors"][0]
        assert counts(registry) == before

    def test_unreadable_items_are_row_errors(
        self, client: TestClient[Any], registry: Registry, tokens: Tokens
    ) -> None:
        """Items of the wrong shape are reported by row like any other error."""
        items: list[Any] = [*_items(1), {"achievement": "teamwork", "id": "x"}, 42]
        response = client.post(PATH, json={"items": items}, headers=bearer(tokens.assessor))
        problem = _problem(response, 422, "batch-invalid")
        assert [row["row"] for row in problem["rows"]] == [2, 3]
        assert counts(registry).credentials == 0

    def test_bad_csv_row_is_reported_with_its_spreadsheet_row(
        self, client: TestClient[Any], registry: Registry, tokens: Tokens
    ) -> None:
        """A CSV row error names the row as a spreadsheet shows it (header = row 1)."""
        text = CSV + "teamwork;basic;low;not-an-address;Cy\n"
        problem = _problem(_csv(client, tokens.assessor, text), 422, "batch-invalid")
        assert problem["rows"] == [
            {"row": 4, "errors": ["recipient_email is not an e-mail address"]}
        ]
        assert counts(registry).credentials == 0

    def test_unreadable_csv_file_is_422(self, client: TestClient[Any], tokens: Tokens) -> None:
        """A file-level CSV problem (unknown column) is a plain invalid-input problem."""
        response = _csv(client, tokens.assessor, "achievement,shoe_size\nteamwork,44\n")
        _problem(response, 422, "invalid-input")

    def test_more_items_than_allowed_is_413(
        self, client: TestClient[Any], registry: Registry, tokens: Tokens
    ) -> None:
        """More than LEVERUP_MAX_BATCH_ITEMS items: 413, nothing issued."""
        response = client.post(PATH, json={"items": _items(6)}, headers=bearer(tokens.assessor))
        _problem(response, 413, "request-too-large")
        assert counts(registry).credentials == 0

    def test_more_csv_rows_than_allowed_is_413(
        self, client: TestClient[Any], tokens: Tokens
    ) -> None:
        """The limit applies to CSV rows too."""
        text = CSV + "".join(f"tutor;;;t{n}@example.org;T\n" for n in range(4))
        _problem(_csv(client, tokens.assessor, text), 413, "request-too-large")

    def test_body_over_the_limit_is_413(self, client: TestClient[Any], tokens: Tokens) -> None:
        """A body larger than the batch route's limit is refused before it is read."""
        response = _csv(client, tokens.assessor, "x" * (BATCH_MAX_BODY_BYTES + 1))
        _problem(response, 413, "request-too-large")

    def test_not_an_items_object_is_422(self, client: TestClient[Any], tokens: Tokens) -> None:
        """The JSON body must be {"items": [...]}."""
        response = client.post(PATH, json=_items(1), headers=bearer(tokens.assessor))
        _problem(response, 422, "invalid-input")

    def test_malformed_json_is_400(self, client: TestClient[Any], tokens: Tokens) -> None:
        """A body that is not JSON: 400."""
        response = client.post(
            PATH,
            content=b'{"items": [',
            headers={**bearer(tokens.assessor), "Content-Type": "application/json"},
        )
        _problem(response, 400, "invalid-request")

    def test_other_media_type_is_415(self, client: TestClient[Any], tokens: Tokens) -> None:
        """Only JSON, CSV and multipart uploads are accepted."""
        response = client.post(
            PATH,
            content=b"<items/>",
            headers={**bearer(tokens.assessor), "Content-Type": "application/xml"},
        )
        _problem(response, 415, "unsupported-media-type")


class TestAccess:
    def test_viewer_is_403(
        self, client: TestClient[Any], registry: Registry, tokens: Tokens
    ) -> None:
        """A viewer may not issue a batch."""
        response = client.post(PATH, json={"items": _items(1)}, headers=bearer(tokens.viewer))
        _problem(response, 403, "insufficient-role")
        assert counts(registry).credentials == 0

    def test_no_token_is_401(self, client: TestClient[Any], registry: Registry) -> None:
        """Without a token: 401."""
        _problem(client.post(PATH, json={"items": _items(1)}), 401, "invalid-token")


class TestIdempotency:
    def test_retry_replays_the_batch(
        self, client: TestClient[Any], registry: Registry, tokens: Tokens
    ) -> None:
        """Same key, same CSV: the same answer, and the cohort is issued once."""
        first = _csv(client, tokens.assessor, CSV, **{"Idempotency-Key": "cohort-2026"})
        again = _csv(client, tokens.assessor, CSV, **{"Idempotency-Key": "cohort-2026"})
        assert (first.status_code, again.status_code) == (201, 201)
        assert again.content == first.content
        assert again.headers["idempotent-replayed"] == "true"
        assert counts(registry).credentials == 2

    def test_upload_retry_with_a_new_boundary_is_the_same_request(
        self, client: TestClient[Any], registry: Registry, tokens: Tokens
    ) -> None:
        """A re-sent upload (new multipart boundary, same file) replays, not conflicts."""
        for boundary in ("aaaa1111", "bbbb2222"):
            body = (
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                f'filename="c.csv"\r\nContent-Type: text/csv\r\n\r\n{CSV}\r\n--{boundary}--\r\n'
            )
            response = client.post(
                PATH,
                content=body.encode(),
                headers={
                    **bearer(tokens.assessor),
                    "Content-Type": f"multipart/form-data; boundary={boundary}",
                    "Idempotency-Key": "upload-1",
                },
            )
            assert response.status_code == 201, response.text
        assert counts(registry).credentials == 2

    def test_same_key_on_the_single_issue_route_conflicts(
        self, client: TestClient[Any], tokens: Tokens
    ) -> None:
        """A key is one request: reusing it on another route is a conflict."""
        _csv(client, tokens.assessor, CSV, **{"Idempotency-Key": "k"})
        response = client.post(
            "/api/v1/credentials",
            json=competence_body(),
            headers={**bearer(tokens.assessor), "Idempotency-Key": "k"},
        )
        _problem(response, 422, "idempotency-key-reused")
