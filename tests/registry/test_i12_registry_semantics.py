"""Issue 12 ("The first hour, for every kind of user"): the registry's semantics.

Each test names its item (``test_i12_<item>_…``) and failed before the item's fix.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from issuance_support import (
    PROBLEM,
    Tokens,
    competence_body,
    counts,
    make_credentials_app,
    new_org,
    registry_verifier,
    role_body,
    stored,
)
from litestar.testing import TestClient
from registry_support import FrozenClock, bearer, make_registry, scope
from sqlalchemy.engine import Engine

from app.cli.batch import issue_batch
from keys.store import MasterSecret
from registry.context import Registry
from registry.status import StatusListService, decode_bitstring, get_bit

API = "/api/v1/credentials"


@pytest.fixture
def registry(engine: Engine, clock: FrozenClock) -> Registry:
    """A registry on a clock the tests move by hand."""
    return make_registry(engine, clock=clock)


def _issue(client: TestClient[Any], token: str, body: dict[str, Any] | None = None) -> Any:
    response = client.post(API, json=body or competence_body(), headers=bearer(token))
    assert response.status_code == 201, response.text
    return response.json()


def _uuid(answer: dict[str, Any]) -> str:
    uuid: str = answer["credential"]["id"].rsplit("/", 1)[1]
    return uuid


# -- item 17: one rule for validUntil, one vocabulary of status ------------------------------


def test_i12_17_api_accepts_a_plain_date_as_the_end_of_that_day(
    client: TestClient[Any], registry: Registry, tokens: Tokens
) -> None:
    """``validUntil: "2030-12-31"`` is issued as ``2030-12-31T23:59:59Z``, as the CSV reads it."""
    answer = _issue(client, tokens.assessor, competence_body(validUntil="2030-12-31"))
    assert answer["credential"]["validUntil"] == "2030-12-31T23:59:59Z"
    assert stored(registry, _uuid(answer)).valid_until is not None


def test_i12_17_renew_accepts_a_plain_date(client: TestClient[Any], tokens: Tokens) -> None:
    """``/renew`` reads ``validUntil`` by the same rule."""
    uuid = _uuid(_issue(client, tokens.assessor))
    response = client.post(
        f"{API}/{uuid}/renew", json={"validUntil": "2031-06-30"}, headers=bearer(tokens.admin)
    )
    assert response.status_code == 200, response.text
    assert response.json()["credential"]["validUntil"] == "2031-06-30T23:59:59Z"


@pytest.mark.parametrize("value", ["2030-12-31T00:00:00.5Z", "2030-12-31T10:00:00", "31/12/2030"])
def test_i12_17_what_is_neither_form_is_still_refused(
    client: TestClient[Any], tokens: Tokens, value: str
) -> None:
    """A fraction, no time zone, another date format: 422 invalid-input, naming both forms."""
    response = client.post(
        API, json=competence_body(validUntil=value), headers=bearer(tokens.assessor)
    )
    assert response.status_code == 422, response.text
    assert response.json()["type"] == PROBLEM + "invalid-input"
    assert "2030-12-31" in response.json()["detail"]


def test_i12_17_erased_is_one_status_in_answers_reads_and_filters(
    client: TestClient[Any], tokens: Tokens
) -> None:
    """After erase: the answer, GET and the search all say ``erased``; ``?status=erased`` finds
    it and ``?status=active`` no longer does."""
    erased = _uuid(_issue(client, tokens.assessor))
    kept = _uuid(_issue(client, tokens.assessor))
    answer = client.post(f"{API}/{erased}/erase", headers=bearer(tokens.admin))
    assert answer.json()["status"] == "erased"
    read = client.get(f"{API}/{erased}", headers=bearer(tokens.viewer)).json()
    assert read["status"] == "erased"
    found = client.get(API, params={"status": "erased"}, headers=bearer(tokens.viewer))
    assert found.status_code == 200, found.text
    assert [item["uuid"] for item in found.json()["items"]] == [erased]
    assert found.json()["items"][0]["status"] == "erased"
    active = client.get(API, params={"status": "active"}, headers=bearer(tokens.viewer)).json()
    assert [item["uuid"] for item in active["items"]] == [kept]
    by_body = client.post(f"{API}/search", json={"status": "erased"}, headers=bearer(tokens.viewer))
    assert [item["uuid"] for item in by_body.json()["items"]] == [erased]


# -- item 16: the same links everywhere -------------------------------------------------------


def test_i12_16_batch_answers_the_links_a_read_answers(
    client: TestClient[Any], tokens: Tokens
) -> None:
    """Each batch item's links (LinkedIn's and the holder's included) are exactly those that
    ``GET /api/v1/credentials/{uuid}`` answers an assessor for the same credential."""
    items = [competence_body(), competence_body(validUntil="2031-01-31", lang="fr")]
    response = client.post(f"{API}/batch", json={"items": items}, headers=bearer(tokens.assessor))
    assert response.status_code == 201, response.text
    for item in response.json()["items"]:
        assert item["links"]["linkedin"] is not None
        uuid = item["id"].rsplit("/", 1)[1]
        read = client.get(f"{API}/{uuid}", headers=bearer(tokens.assessor)).json()
        assert item["links"] == read["links"]


def test_i12_16_issue_batch_out_csv_has_every_link(
    client: TestClient[Any], registry: Registry, org: Any, tokens: Tokens, tmp_path: Path
) -> None:
    """``leverup issue-batch --out`` writes the holder's link, LinkedIn's and the others, the
    same as the API answers."""
    source = tmp_path / "cohort.csv"
    source.write_text(
        "achievement,outcome,complexity,recipient_email,recipient_name\n"
        "teamwork,basic,low,ada@example.org,Ada\n",
        encoding="utf-8",
    )
    out_file = tmp_path / "issued.csv"
    result = CliRunner().invoke(
        issue_batch, [str(source), "--org", org.slug, "--out", str(out_file)], obj=registry
    )
    assert result.exit_code == 0, result.stderr
    [row] = list(csv.DictReader(io.StringIO(out_file.read_text(encoding="utf-8"))))
    uuid = row["credential_id"].rsplit("/", 1)[1]
    links = client.get(f"{API}/{uuid}", headers=bearer(tokens.assessor)).json()["links"]
    assert row["holder_url"] == links["holder"] and links["holder"]
    assert row["linkedin_url"] == links["linkedin"] and links["linkedin"]
    assert row["api_url"] == links["self"]
    assert (row["public_url"], row["json_url"], row["status_url"]) == (
        links["public"],
        links["json"],
        links["status"],
    )
    assert (row["qr_png_url"], row["badge_svg_url"]) == (links["qrPng"], links["badgeSvg"])


# -- item 31: a pending publication reads revoked in our own verifier --------------------------


def test_i12_31_revocation_pending_publication_reads_revoked_in_our_verifier(
    registry: Registry, tokens: Tokens, client: TestClient[Any]
) -> None:
    """The key store is down when the credential is revoked: the list keeps its last signed
    bytes (bit clear) and publication is pending; our verifier still reads the credential as
    revoked, from the registry's state, while the served list still shows it clear."""
    answer = _issue(client, tokens.assessor)
    credential = answer["credential"]
    keys_down = dataclasses.replace(registry, master=MasterSecret(bytes(range(32))))
    with TestClient(make_credentials_app(keys_down)) as down:
        revoked = down.post(
            f"{API}/{_uuid(answer)}/revoke",
            json={"reason": "forged evidence"},
            headers=bearer(tokens.admin),
        )
    assert revoked.json()["publication"] == "pending"
    with scope(registry) as session:
        signed, _etag = StatusListService(registry, session).signed_list(
            "centre-one", "revocation", 1
        )
    index = int(credential["credentialStatus"]["statusListIndex"])
    subject = json.loads(signed)["credentialSubject"]
    assert not get_bit(decode_bitstring(subject["encodedList"]), index)  # the signed copy
    report = registry_verifier(registry).verify(credential)
    status = report.check("status")
    assert status is not None and status.status == "failed", status
    assert not report.verified
    assert "revoked" in status.message


# -- item 22: a renewal replaces the earlier copy everywhere ----------------------------------


def test_i12_22_renewal_to_an_earlier_valid_until_stops_the_older_copy(
    client: TestClient[Any], registry: Registry, tokens: Tokens
) -> None:
    """Issued until 2035, renewed to 2030: the 2035 copy no longer verifies ("replaced by a
    newer one", like a reinstated copy), the renewed copy verifies, with another index."""
    answer = _issue(client, tokens.assessor, competence_body(validUntil="2035-01-01T00:00:00Z"))
    old = answer["credential"]
    renewed = client.post(
        f"{API}/{_uuid(answer)}/renew",
        json={"validUntil": "2030-01-01T00:00:00Z"},
        headers=bearer(tokens.admin),
    )
    assert renewed.status_code == 200, renewed.text
    new = renewed.json()["credential"]
    assert new["credentialStatus"]["statusListIndex"] != old["credentialStatus"]["statusListIndex"]
    verifier = registry_verifier(registry)
    stale = verifier.verify(old)
    status = stale.check("status")
    assert not stale.verified and status is not None and status.status == "failed"
    assert "replaced by a newer one" in status.message
    assert verifier.verify(new).verified


# -- item 29: role badges by admins only; a fresh self-issued badge needs an admin --------------


@pytest.mark.parametrize("role", ["tutor", "assessor", "trainer"])
def test_i12_29_an_assessor_token_cannot_issue_a_role_badge(
    client: TestClient[Any], registry: Registry, tokens: Tokens, role: str
) -> None:
    """403 role-badge-requires-admin, nothing stored; the admin may."""
    response = client.post(API, json=role_body(role), headers=bearer(tokens.assessor))
    assert response.status_code == 403, response.text
    assert response.json()["type"] == PROBLEM + "role-badge-requires-admin"
    assert counts(registry).credentials == 0
    _issue(client, tokens.admin, role_body(role))


def test_i12_29_a_batch_with_a_role_row_is_refused_to_an_assessor(
    client: TestClient[Any], registry: Registry, tokens: Tokens
) -> None:
    """One role row makes the whole batch 403 for an assessor; nothing is issued."""
    items = [competence_body(), role_body("assessor", "me@example.org")]
    response = client.post(f"{API}/batch", json={"items": items}, headers=bearer(tokens.assessor))
    assert response.status_code == 403, response.text
    assert response.json()["type"] == PROBLEM + "role-badge-requires-admin"
    assert counts(registry).credentials == 0


def test_i12_29_a_fresh_self_issued_assessor_badge_needs_an_admin(
    client: TestClient[Any], registry: Registry, clock: FrozenClock
) -> None:
    """With requireAssessorBadge: an Assessor badge the organisation issued moments ago does
    not qualify an assessor token's certification (422), an admin's it does; after the
    cooling-off hour it qualifies for everyone."""
    strict = new_org(registry, "strict-centre", require_assessor_badge=True)
    tokens = Tokens.of(registry, strict)
    _issue(client, tokens.admin, role_body("assessor", "maria@example.org"))
    body = competence_body(assessor={"name": "Maria Rossi", "email": "maria@example.org"})
    refused = client.post(API, json=body, headers=bearer(tokens.assessor))
    assert refused.status_code == 422, refused.text
    assert refused.json()["type"] == PROBLEM + "assessor-not-qualified"
    assert "an hour" in refused.json()["detail"]
    _issue(client, tokens.admin, body)
    clock.advance(3601)
    _issue(client, tokens.assessor, body)
