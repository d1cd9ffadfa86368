"""Concurrent issuing: parallel retries with one Idempotency-Key issue once; parallel issues
never share a status index (catalogue J1, J4)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from issuance_support import Tokens, competence_body, counts, new_org
from litestar.testing import TestClient
from registry_support import bearer, scope
from sqlmodel import select

from registry.context import Registry
from registry.models import CredentialRecord

PATH = "/api/v1/credentials"
PARALLEL = 8


@pytest.fixture
def tokens(registry: Registry) -> Tokens:
    """Tokens of one organisation."""
    return Tokens.of(registry, new_org(registry))


def _together(count: int, call: Callable[[int], Any]) -> list[Any]:
    """Run ``call(n)`` in ``count`` threads released at the same moment."""
    barrier = threading.Barrier(count)

    def run(n: int) -> Any:
        barrier.wait()
        return call(n)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


class TestConcurrentIssuing:
    def test_parallel_retries_with_one_key_issue_once(
        self, client: TestClient[Any], registry: Registry, tokens: Tokens
    ) -> None:
        """8 simultaneous identical requests with one key: all 201 with the same bytes, and
        exactly one credential, index, audit entry and stored answer."""
        headers = {**bearer(tokens.assessor), "Idempotency-Key": "retry-storm"}
        responses = _together(
            PARALLEL, lambda _n: client.post(PATH, json=competence_body(), headers=headers)
        )
        assert {r.status_code for r in responses} == {201}, [r.text for r in responses]
        assert len({r.content for r in responses}) == 1
        assert sum("idempotent-replayed" in r.headers for r in responses) == PARALLEL - 1
        after = counts(registry)
        assert (after.credentials, after.allocated, after.issue_entries) == (1, 1, 1)
        assert after.idempotency_keys == 1

    def test_parallel_issues_get_distinct_indexes(
        self, client: TestClient[Any], registry: Registry, tokens: Tokens
    ) -> None:
        """8 simultaneous different requests: 8 credentials, 8 distinct status indexes."""

        def issue(n: int) -> Any:
            body = competence_body(recipient={"email": f"v{n}@example.org"})
            return client.post(PATH, json=body, headers=bearer(tokens.assessor))

        responses = _together(PARALLEL, issue)
        assert {r.status_code for r in responses} == {201}, [r.text for r in responses]
        with scope(registry) as session:
            rows = session.exec(select(CredentialRecord)).all()
            slots = {(r.status_list_id, r.status_index) for r in rows}
        assert len(rows) == len(slots) == PARALLEL
        entries = {json.loads(r.content)["credential"]["credentialStatus"]["id"] for r in responses}
        assert len(entries) == PARALLEL
        assert counts(registry).allocated == PARALLEL
