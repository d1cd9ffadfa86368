"""Issue 12, item 38: a credential answers at one spelling of its uuid only.

``uuid.UUID`` (behind Litestar's ``uuid`` path parameters and the public pages' look-up) reads
upper case, no hyphens, braces and ``urn:uuid:``, so every credential answered at many
addresses. Now the canonical spelling (lower-case hex with hyphens, as in its ``id``) answers
and any other is 404 ``credential-not-found``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from issuance_support import Tokens, competence_body, new_org
from litestar.testing import TestClient
from live_server import full_app, with_settings
from registry_support import bearer, stored_credential

from registry.context import Registry


@pytest.fixture
def world(registry: Registry, tmp_path: Path) -> Iterator[tuple[TestClient[Any], Tokens, str]]:
    tokens = Tokens.of(registry, new_org(registry, "spelling-centre"))
    app = full_app(with_settings(registry, rate_limit_per_minute=0), tmp_path / "var")
    with TestClient(app) as client:
        issued = client.post(
            "/api/v1/credentials", json=competence_body(), headers=bearer(tokens.assessor)
        )
        assert issued.status_code == 201, issued.text
        yield client, tokens, issued.json()["credential"]["id"].rsplit("/", 1)[1]


def _spellings(uuid: str) -> list[str]:
    return [
        uuid.upper(),
        uuid.replace("-", ""),
        quote("{" + uuid + "}"),
        "urn:uuid:" + uuid,
    ]


PATHS = [
    "/api/v1/credentials/{}",
    "/credentials/{}",
    "/credentials/{}.json",
    "/credentials/{}/qr.svg",
    "/credentials/{}/badge.png",
]


def test_i12_38_only_the_canonical_spelling_answers(
    world: tuple[TestClient[Any], Tokens, str], registry: Registry
) -> None:
    """Item 38: the API record, the public JSON and page, the QR code and the baked badge
    answer at the canonical uuid and 404 at any other spelling; a revocation at another
    spelling is 404 and revokes nothing."""
    client, tokens, uuid = world
    headers = {**bearer(tokens.admin), "Accept": "application/json"}
    for path in PATHS:
        assert client.get(path.format(uuid), headers=headers).status_code == 200, path
        for spelling in _spellings(uuid):
            answer = client.get(path.format(spelling), headers=headers)
            assert answer.status_code == 404, (path, spelling, answer.status_code)
    for spelling in _spellings(uuid):
        answer = client.post(
            f"/api/v1/credentials/{spelling}/revoke",
            json={"reason": "spelling"},
            headers=bearer(tokens.admin),
        )
        assert answer.status_code == 404, (spelling, answer.text)
        assert answer.json()["type"] == "urn:leverup:problem:credential-not-found"
    assert stored_credential(registry, uuid).status == "active"
