"""Catalogue H14 (second half): a per-organisation daily issuance quota, every batch item
counted, checked before anything is allocated or signed; 429 quota-exceeded with Retry-After."""

from __future__ import annotations

from typing import Any

import pytest
from issuance_support import PROBLEM, Tokens, competence_body, counts, make_credentials_app, new_org
from litestar.testing import TestClient
from registry_support import FrozenClock, bearer, make_registry
from sqlalchemy.engine import Engine

from registry.context import Registry

LIMIT = 3


@pytest.fixture
def registry(engine: Engine, clock: FrozenClock) -> Registry:
    return make_registry(engine, clock=clock, max_credentials_per_org_per_day=LIMIT)


@pytest.fixture
def tokens(registry: Registry) -> Tokens:
    return Tokens.of(registry, new_org(registry))


def _one(client: TestClient[Any], tokens: Tokens, n: int = 0) -> Any:
    body = competence_body(recipient={"email": f"v{n}@example.org"})
    return client.post("/api/v1/credentials", json=body, headers=bearer(tokens.assessor))


def _batch(client: TestClient[Any], tokens: Tokens, size: int) -> Any:
    items = [competence_body(recipient={"email": f"b{n}@example.org"}) for n in range(size)]
    return client.post(
        "/api/v1/credentials/batch", json={"items": items}, headers=bearer(tokens.assessor)
    )


def test_h14_quota_exceeded_is_429_with_retry_after(
    registry: Registry, client: TestClient[Any], tokens: Tokens, clock: FrozenClock
) -> None:
    """The 4th credential of the day is refused; Retry-After says when the oldest ages out."""
    for n in range(LIMIT):
        assert _one(client, tokens, n).status_code == 201
        clock.advance(60)
    before = counts(registry)
    refused = _one(client, tokens, 9)
    assert refused.status_code == 429
    assert refused.json()["type"] == PROBLEM + "quota-exceeded"
    retry = int(refused.headers["retry-after"])
    assert 86_400 - 3 * 60 - 1 <= retry <= 86_400 - 3 * 60 + 1
    assert counts(registry) == before  # nothing allocated, signed or audited


def test_h14_batch_counts_every_item(
    registry: Registry, client: TestClient[Any], tokens: Tokens
) -> None:
    """A batch that would go over is refused whole, even though the quota is not yet used up."""
    assert _one(client, tokens).status_code == 201
    before = counts(registry)
    refused = _batch(client, tokens, LIMIT)
    assert refused.status_code == 429
    assert counts(registry) == before
    assert _batch(client, tokens, LIMIT - 1).status_code == 201


def test_h14_batch_larger_than_the_quota_is_refused(
    client: TestClient[Any], tokens: Tokens
) -> None:
    """A batch bigger than a whole day's quota can never pass: 429 saying so."""
    refused = _batch(client, tokens, LIMIT + 1)
    assert refused.status_code == 429
    assert "split the batch" in refused.json()["detail"]


def test_h14_the_window_rolls(client: TestClient[Any], tokens: Tokens, clock: FrozenClock) -> None:
    """After 24 hours the early credentials no longer count."""
    for n in range(LIMIT):
        assert _one(client, tokens, n).status_code == 201
    assert _one(client, tokens, 7).status_code == 429
    clock.advance(86_400 + 1)
    assert _one(client, tokens, 8).status_code == 201


def test_h14_quota_is_per_organisation(
    registry: Registry, client: TestClient[Any], tokens: Tokens
) -> None:
    """One organisation using its quota does not touch another's."""
    assert _batch(client, tokens, LIMIT).status_code == 201
    other = Tokens.of(registry, new_org(registry, "centre-two"))
    assert _one(client, other).status_code == 201


def test_zero_disables_the_quota(engine: Engine) -> None:
    """LEVERUP_MAX_CREDENTIALS_PER_ORG_PER_DAY=0: no limit."""
    registry = make_registry(engine, max_credentials_per_org_per_day=0)
    tokens = Tokens.of(registry, new_org(registry))
    with TestClient(make_credentials_app(registry)) as client:
        assert _batch(client, tokens, LIMIT + 2).status_code == 201
