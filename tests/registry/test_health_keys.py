"""Issue 12, item 36: ``/health`` says unhealthy when no key can be decrypted (a wrong master
secret), and public 500s stay generic (they used to say "wrong LEVERUP_SECRET_KEY?")."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from issuance_support import Tokens, competence_body, new_org
from litestar.testing import TestClient
from live_server import full_app, with_settings
from registry_support import bearer

from keys.store import MasterSecret
from registry.context import Registry

WRONG = MasterSecret(bytes(range(32)))


@pytest.fixture
def tokens(registry: Registry) -> Tokens:
    """An organisation (its first key sealed under the right secret) and its tokens."""
    return Tokens.of(registry, new_org(registry, "keyed-centre"))


def _client(registry: Registry, data_dir: Path) -> Iterator[TestClient[Any]]:
    with TestClient(full_app(with_settings(registry, rate_limit_per_minute=0), data_dir)) as c:
        yield c


@pytest.fixture
def healthy(registry: Registry, tokens: Tokens, tmp_path: Path) -> Iterator[TestClient[Any]]:
    yield from _client(registry, tmp_path / "var")


@pytest.fixture
def wrong_secret(registry: Registry, tokens: Tokens, tmp_path: Path) -> Iterator[TestClient[Any]]:
    """The same database, the service started with another master secret."""
    yield from _client(dataclasses.replace(registry, master=WRONG), tmp_path / "var")


def test_i12_36_health_ok_when_the_keys_open(healthy: TestClient[Any]) -> None:
    """Item 36: with the right secret, health says the keys open."""
    answer = healthy.get("/health")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok", "database": "ok", "keys": "ok"}


def test_i12_36_health_unhealthy_when_no_key_decrypts(wrong_secret: TestClient[Any]) -> None:
    """Item 36: with a wrong master secret, health is a 503 ``key-store-unavailable`` that does
    not name the secret."""
    answer = wrong_secret.get("/health")
    assert answer.status_code == 503
    assert answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["type"] == "urn:leverup:problem:key-store-unavailable"
    assert "SECRET" not in answer.text.upper()


def test_i12_36_public_500_is_generic(wrong_secret: TestClient[Any], tokens: Tokens) -> None:
    """Item 36: issuing with keys that do not open is a 500 ``configuration-error`` whose
    detail says nothing of the secret or the key (the log does)."""
    answer = wrong_secret.post(
        "/api/v1/credentials", json=competence_body(), headers=bearer(tokens.assessor)
    )
    assert answer.status_code == 500
    problem = answer.json()
    assert problem["type"] == "urn:leverup:problem:configuration-error"
    assert "SECRET" not in answer.text.upper()
    assert "decrypt" not in answer.text and "key-" not in answer.text
