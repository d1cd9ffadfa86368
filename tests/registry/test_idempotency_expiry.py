"""Idempotency keys expire after LEVERUP_IDEMPOTENCY_TTL_HOURS: an expired key is new again,
and expired rows are purged (on write, bounded, and by the background round)."""

from __future__ import annotations

from typing import Any

import pytest
from issuance_support import Tokens, competence_body, counts, make_credentials_app, new_org
from litestar.testing import TestClient
from registry_support import FrozenClock, bearer, make_registry, scope
from sqlalchemy.engine import Engine

from registry import background
from registry.context import Registry
from registry.credentials import idempotency as _idempotency

HOUR = 3600.0


@pytest.fixture
def registry(engine: Engine, clock: FrozenClock) -> Registry:
    return make_registry(engine, clock=clock, idempotency_ttl_hours=24)


@pytest.fixture
def tokens(registry: Registry) -> Tokens:
    return Tokens.of(registry, new_org(registry))


def _post(client: TestClient[Any], tokens: Tokens, key: str, email: str) -> Any:
    return client.post(
        "/api/v1/credentials",
        json=competence_body(recipient={"email": email}),
        headers={**bearer(tokens.assessor), "Idempotency-Key": key},
    )


def test_key_within_its_lifetime_still_replays(
    client: TestClient[Any], tokens: Tokens, clock: FrozenClock
) -> None:
    """23 hours later the same key and body replay the first answer."""
    first = _post(client, tokens, "k-1", "a@example.org")
    clock.advance(23 * HOUR)
    again = _post(client, tokens, "k-1", "a@example.org")
    assert again.status_code == 201 and again.headers["idempotent-replayed"] == "true"
    assert again.content == first.content


def test_expired_key_is_treated_as_new(
    registry: Registry, client: TestClient[Any], tokens: Tokens, clock: FrozenClock
) -> None:
    """After 24 hours the key is forgotten: another body under it issues (no 422)."""
    first = _post(client, tokens, "k-1", "a@example.org")
    clock.advance(24 * HOUR + 1)
    second = _post(client, tokens, "k-1", "b@example.org")
    assert second.status_code == 201, second.text
    assert "idempotent-replayed" not in second.headers
    assert second.json()["credential"]["id"] != first.json()["credential"]["id"]
    assert counts(registry).credentials == 2
    assert counts(registry).idempotency_keys == 1


def test_expired_rows_are_purged_on_write(
    registry: Registry, client: TestClient[Any], tokens: Tokens, clock: FrozenClock
) -> None:
    """A write with a new key deletes expired rows of any key (bounded per write)."""
    for n in range(3):
        _post(client, tokens, f"old-{n}", f"o{n}@example.org")
    clock.advance(25 * HOUR)
    _post(client, tokens, "fresh", "f@example.org")
    assert counts(registry).idempotency_keys == 1


def test_purge_on_write_is_bounded(registry: Registry, clock: FrozenClock) -> None:
    """purge_expired deletes at most ``limit`` rows per call, oldest first."""
    tokens = Tokens.of(registry, new_org(registry))
    with TestClient(make_credentials_app(registry)) as client:
        for n in range(3):
            _post(client, tokens, f"old-{n}", f"o{n}@example.org")
    clock.advance(25 * HOUR)
    ttl = _idempotency.ttl_of(24)
    with scope(registry) as session:
        assert _idempotency.purge_expired(session, now=clock(), ttl=ttl, limit=2) == 2
    with scope(registry) as session:
        assert _idempotency.purge_expired(session, now=clock(), ttl=ttl, limit=2) == 1


def test_background_round_purges_expired_keys(
    registry: Registry, client: TestClient[Any], tokens: Tokens, clock: FrozenClock
) -> None:
    """The app's background round deletes every expired row."""
    _post(client, tokens, "k-1", "a@example.org")
    assert background.run_once(registry).idempotency_purged == 0
    clock.advance(24 * HOUR + 1)
    assert background.run_once(registry).idempotency_purged == 1
    assert counts(registry).idempotency_keys == 0


def test_zero_ttl_keeps_keys_for_ever(engine: Engine) -> None:
    """LEVERUP_IDEMPOTENCY_TTL_HOURS=0: nothing expires."""
    assert _idempotency.ttl_of(0) is None
    clock = FrozenClock()
    registry = make_registry(engine, clock=clock, idempotency_ttl_hours=0)
    tokens = Tokens.of(registry, new_org(registry))
    with TestClient(make_credentials_app(registry)) as client:
        _post(client, tokens, "k-1", "a@example.org")
        clock.advance(1000 * HOUR)
        again = _post(client, tokens, "k-1", "b@example.org")
    assert again.status_code == 422
