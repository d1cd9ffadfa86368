"""Issue 12 ("The first hour, for every kind of user"): the registry's semantics.

Each test names its item (``test_i12_<item>_…``) and failed before the item's fix.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
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
from sqlmodel import select

from app.cli.batch import issue_batch
from keys.store import MasterSecret
from registry.audit.log import AuditLog
from registry.context import Registry
from registry.errors import OrganisationNameTakenError
from registry.models import IdempotencyRecord
from registry.orgs.service import OrganisationService
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


def test_i12_29_a_training_providers_assessor_may_issue_role_badges(
    client: TestClient[Any], registry: Registry
) -> None:
    """An organisation an operator designated as a training provider: its assessor tokens may
    issue role badges; it is shown, read-only, in GET /api/v1/org and cannot be self-granted."""
    with scope(registry) as session:
        provider = OrganisationService(registry, session).create(
            slug="academy", name="LEVER UP Academy", training_provider=True, actor="cli:test"
        )
        session.expunge(provider)
    tokens = Tokens.of(registry, provider)
    _issue(client, tokens.assessor, role_body("trainer"))
    profile = client.get("/api/v1/org", headers=bearer(tokens.viewer)).json()
    assert profile["trainingProvider"] is True
    refused = client.patch(
        "/api/v1/org", json={"trainingProvider": False}, headers=bearer(tokens.admin)
    )
    assert refused.status_code == 400, refused.text


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


# -- item 28: erasure reaches idempotency answers and the assessor's name ---------------------


def _keyed(client: TestClient[Any], path: str, token: str, body: Any, key: str) -> Any:
    return client.post(path, json=body, headers={**bearer(token), "Idempotency-Key": key})


def test_i12_28_erase_purges_the_stored_idempotent_answer(
    client: TestClient[Any], registry: Registry, tokens: Tokens
) -> None:
    """After erase, replaying the Idempotency-Key and body answers 410 credential-erased: no
    credential, no name, no holder link, and nothing issued again; the assessor's name is gone
    from the record and no stored answer holds the recipient's name."""
    body = competence_body()
    first = _keyed(client, API, tokens.assessor, body, "enrol-42")
    assert first.status_code == 201
    uuid = _uuid(first.json())
    assert stored(registry, uuid).assessor_name == "Maria Rossi"
    client.post(f"{API}/{uuid}/erase", headers=bearer(tokens.admin))
    replay = _keyed(client, API, tokens.assessor, body, "enrol-42")
    assert replay.status_code == 410, replay.text
    assert replay.json()["type"] == PROBLEM + "credential-erased"
    assert "Ada Volunteer" not in replay.text and "holder" not in replay.text
    assert counts(registry).credentials == 1
    record = stored(registry, uuid)
    assert (record.assessor_name, record.recipient_name, record.signed_bytes) == (None, None, None)
    with scope(registry) as session:
        answers = session.exec(select(IdempotencyRecord.response)).all()
    assert all(b"Ada Volunteer" not in answer and uuid.encode() not in answer for answer in answers)


def test_i12_28_erase_redacts_its_item_of_a_batch_answer(
    client: TestClient[Any], tokens: Tokens
) -> None:
    """A batch replayed after one of its credentials was erased: the others as they were, the
    erased one without its holder link and marked erased."""
    batch = {"items": [competence_body(), competence_body(recipient={"email": "b@example.org"})]}
    first = _keyed(client, f"{API}/batch", tokens.assessor, batch, "cohort-7")
    assert first.status_code == 201
    erased, kept = first.json()["items"]
    client.post(f"{API}/{erased['id'].rsplit('/', 1)[1]}/erase", headers=bearer(tokens.admin))
    replay = _keyed(client, f"{API}/batch", tokens.assessor, batch, "cohort-7")
    assert replay.status_code == 201, replay.text
    again_erased, again_kept = replay.json()["items"]
    assert again_kept == kept
    assert again_erased["erased"] is True and again_erased["links"]["holder"] is None
    assert erased["links"]["holder"] not in replay.text


# -- item 30: free-text reasons are erased too; the chain commits to their hash ---------------


def test_i12_30_erase_clears_reasons_and_the_chain_still_verifies(
    client: TestClient[Any], registry: Registry, org: Any, tokens: Tokens
) -> None:
    """A suspension reason naming an address: after erase it is gone from the credential and
    from the audit log (text), while the chain, which committed to the reason's SHA-256,
    still verifies."""
    uuid = _uuid(_issue(client, tokens.assessor))
    reason = "complaint from ada@example.org"
    client.post(f"{API}/{uuid}/suspend", json={"reason": reason}, headers=bearer(tokens.admin))
    client.post(f"{API}/{uuid}/revoke", json={"reason": reason}, headers=bearer(tokens.admin))
    with scope(registry) as session:
        entries = AuditLog(registry, session).entries(org.id, limit=100)
    assert [e.reason for e in entries if e.credential_id == uuid].count(reason) == 2
    client.post(f"{API}/{uuid}/erase", headers=bearer(tokens.admin))
    assert stored(registry, uuid).status_reason is None
    with scope(registry) as session:
        log = AuditLog(registry, session)
        entries = log.entries(org.id, limit=100)
        assert log.verify_chain(org.id) is None
    assert all(e.reason is None for e in entries if e.credential_id == uuid)
    assert "ada@example.org" not in str([(e.reason, e.details) for e in entries])
    digest = hashlib.sha256(reason.encode()).hexdigest()
    assert [e.reason_hash for e in entries if e.action == "credential.revoke"] == [digest]
    page = client.get("/api/v1/audit", headers=bearer(tokens.viewer)).json()
    assert "ada@example.org" not in json.dumps(page)


def test_i12_30_a_changed_reason_text_breaks_the_chain(
    client: TestClient[Any], registry: Registry, org: Any, tokens: Tokens
) -> None:
    """The text may be cleared, never rewritten: a stored reason must match its hash."""
    uuid = _uuid(_issue(client, tokens.assessor))
    client.post(f"{API}/{uuid}/revoke", json={"reason": "fraud"}, headers=bearer(tokens.admin))
    with registry.engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE audit_log SET reason = 'a mistake' WHERE reason = 'fraud'")
        )
    with scope(registry) as session:
        broken = AuditLog(registry, session).verify_chain(org.id)
    assert broken is not None


# -- item 27: an organisation cannot take another's name --------------------------------------


@pytest.mark.parametrize(
    "look_alike",
    [
        "Centre centre-one",  # the same
        "CENTRE CENTRE-ONE",  # another case
        "Centre  centre-one ",  # other white space
        "\u0421entre centre-\u043ene",  # Cyrillic Es and o
        "Centre centre-0ne",  # a zero for an O
        "\uff23entre centre-one",  # a full-width C
    ],
)
def test_i12_27_a_rename_to_another_organisations_name_is_refused(
    client: TestClient[Any], registry: Registry, org: Any, tokens: Tokens, look_alike: str
) -> None:
    """PATCH /api/v1/org to a name that reads as another organisation's: 409
    organisation-name-taken, the name unchanged."""
    other = new_org(registry, "centre-two")
    admin = Tokens.of(registry, other).admin
    response = client.patch("/api/v1/org", json={"name": look_alike}, headers=bearer(admin))
    assert response.status_code == 409, response.text
    assert response.json()["type"] == PROBLEM + "organisation-name-taken"
    with scope(registry) as session:
        assert OrganisationService(registry, session).get("centre-two").name == "Centre centre-two"


def test_i12_27_create_refuses_a_look_alike_name_and_keeps_its_own(
    registry: Registry, org: Any
) -> None:
    """A new organisation may not take an existing name either; renaming to one's own name (in
    another case) is allowed."""
    with pytest.raises(OrganisationNameTakenError), scope(registry) as session:
        OrganisationService(registry, session).create(
            slug="impostor", name="CENTRE CENTRE-ONE", actor="cli:test"
        )
    with scope(registry) as session:
        service = OrganisationService(registry, session)
        mine = service.get("centre-one")
        service.update(mine, name="CENTRE Centre-One", actor="cli:test")
        assert service.get("centre-one").name == "CENTRE Centre-One"


def test_i12_27_the_page_shows_the_signed_name_and_the_issuers_host(
    public_client: TestClient[Any], tokens: Tokens
) -> None:
    """After a rename, the page of a credential issued before shows the name it signed, the
    issuer's host and DID beside it, and the registry's name today only as such."""
    answer = _issue(public_client, tokens.assessor)
    renamed = public_client.patch(
        "/api/v1/org", json={"name": "Volunteer Hub"}, headers=bearer(tokens.admin)
    )
    assert renamed.status_code == 200, renamed.text
    page = public_client.get(
        f"/credentials/{_uuid(answer)}", headers={"Accept": "text/html"}, params={"lang": "en"}
    )
    assert page.status_code == 200
    assert "Issued by: Centre centre-one" in page.text  # the Open Graph description
    issuer = page.text.split("<dt>Issued by</dt>", 1)[1].split("</dd>", 1)[0]
    assert issuer.lstrip().startswith("<dd>Centre centre-one")
    assert "Its name in this registry today: Volunteer Hub" in issuer
    assert "badges.example.org" in issuer
    assert "did:web:badges.example.org:orgs:centre-one" in issuer


def test_i12_16_lifecycle_answers_the_links_a_read_answers(
    client: TestClient[Any], tokens: Tokens
) -> None:
    """A revocation's answer carries the same links as a read (holder's and LinkedIn's); once
    erased, no holder link anywhere (its page is gone)."""
    uuid = _uuid(_issue(client, tokens.assessor))
    revoked = client.post(
        f"{API}/{uuid}/revoke", json={"reason": "x"}, headers=bearer(tokens.admin)
    )
    read = client.get(f"{API}/{uuid}", headers=bearer(tokens.admin)).json()
    assert revoked.json()["links"] == read["links"] and read["links"]["holder"]
    erased = client.post(f"{API}/{uuid}/erase", headers=bearer(tokens.admin)).json()
    read = client.get(f"{API}/{uuid}", headers=bearer(tokens.admin)).json()
    assert erased["links"] == read["links"] and read["links"]["holder"] is None
