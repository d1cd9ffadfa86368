"""The employer's recipient check over HTTP (ID-04; catalogue H18, H19): the public page's form
and the ``recipient`` part of ``POST /api/v1/verify``. The address typed is never shown, logged
or stored, and each client address gets a few checks a minute."""
# ruff: noqa: F811 - pytest fixtures imported from public_support are redefined as arguments

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from public_support import (  # noqa: F401 - fixtures
    HTML,
    client,
    clock,
    engine,
    issue,
    org,
    page,
    registry,
    revoke,
    site,
    stored,
    verifier,
)

from app.public import PublicSite
from app.public.i18n import messages
from app.public.limits import RecipientCheckLimitError, WindowLimiter
from common.errors import ConfigurationError
from common.settings import load_settings
from registry.context import Registry
from registry.models import OrganisationRecord

ISSUED_TO = "volunteer@example.org"  # public_support.issue's recipient
GUESS = "employer-guess-7d41@example.net"
LIMIT = 10  # the default LEVERUP_RECIPIENT_CHECKS_PER_MINUTE
_RESULT = re.compile(r'<p id="recipient-result"[^>]*data-result="([a-z_]+)"')


def _check(client: TestClient[Any], uuid: str, email: str, lang: str = "en") -> Any:
    return client.post(f"/credentials/{uuid}?lang={lang}", data={"email": email}, headers=HTML)


def _result(html: str) -> str | None:
    found = _RESULT.search(html)
    return found.group(1) if found else None


def _api(client: TestClient[Any], signed: bytes, **fields: str) -> Any:
    return client.post(
        "/api/v1/verify",
        files={"file": ("credential.json", signed, "application/json")},
        data=fields,
    )


def _signed(registry: Registry, uuid: str) -> bytes:
    data = stored(registry, uuid).signed_bytes
    assert data is not None
    return data


class TestPage:
    def test_valid_page_offers_a_labelled_empty_form(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        record = issue(registry, org)

        html = page(client, record.id).text

        form = re.search(r'<form id="recipient-form" method="post" action="([^"]+)">', html)
        assert form is not None and form.group(1).startswith(f"/credentials/{record.id}?lang=")
        assert '<label for="recipient-email">' in html
        field = re.search(r'<input id="recipient-email"[^>]*>', html)
        assert field is not None and 'name="email"' in field.group(0)
        assert "value=" not in field.group(0)
        assert _result(html) is None

    def test_issued_address_matches(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        record = issue(registry, org)

        response = _check(client, record.id, "  Volunteer@Example.ORG ")

        assert response.status_code == 200
        assert _result(response.text) == "matched"
        assert response.headers["cache-control"] == "no-store"

    def test_other_address_does_not_match(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        record = issue(registry, org)

        response = _check(client, record.id, GUESS)

        assert response.status_code == 200
        assert _result(response.text) == "not_matched"

    @pytest.mark.parametrize("email", [ISSUED_TO, GUESS])
    def test_email_is_not_echoed_in_the_html(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord, email: str
    ) -> None:
        record = issue(registry, org)

        html = _check(client, record.id, email.upper()).text

        assert _result(html) in {"matched", "not_matched"}
        assert email not in html.lower()
        assert "@" not in re.sub(r"<[^>]+>", "", html)

    def test_email_is_not_logged(
        self,
        client: TestClient[Any],
        registry: Registry,
        org: OrganisationRecord,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        record = issue(registry, org)
        caplog.set_level(logging.DEBUG)

        _check(client, record.id, GUESS)
        _api(client, _signed(registry, record.id), recipient=GUESS)

        assert GUESS.split("@")[0] not in caplog.text

    def test_email_is_not_stored(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        record = issue(registry, org)
        if registry.engine.dialect.name != "sqlite":
            pytest.skip("reads the SQLite files")

        assert _result(_check(client, record.id, GUESS).text) == "not_matched"

        database = Path(str(registry.engine.url.database))
        assert database.is_file()
        files = [database, *database.parent.glob(database.name + "-*")]
        assert not any(GUESS.encode() in path.read_bytes() for path in files if path.exists())

    def test_revoked_credential_is_not_checked(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        record = issue(registry, org)
        revoke(registry, org, record.id)

        response = _check(client, record.id, ISSUED_TO)

        assert response.status_code == 200
        assert _result(response.text) == "unverified"
        assert 'id="recipient-form"' not in response.text
        assert 'id="recipient-form"' not in page(client, record.id).text

    def test_empty_address_is_refused(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        record = issue(registry, org)

        response = _check(client, record.id, "   ")

        assert response.status_code == 422
        assert _result(response.text) == "empty"

    def test_unknown_credential_is_not_found(self, client: TestClient[Any]) -> None:
        response = _check(client, "3b4f8f9e-55b4-4cde-9d43-3a4a7e1b2c11", ISSUED_TO)

        assert response.status_code == 404

    def test_result_is_localised(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        record = issue(registry, org)

        html = _check(client, record.id, ISSUED_TO, lang="it").text

        assert _result(html) == "matched"
        assert "rilasciata all'indirizzo" in html.replace("&#39;", "'")

    def test_result_is_not_kept_in_the_page_cache(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        record = issue(registry, org)
        page(client, record.id)

        assert _result(_check(client, record.id, ISSUED_TO).text) == "matched"
        assert _result(page(client, record.id).text) is None


class TestApi:
    def test_recipient_matches(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        record = issue(registry, org)

        reply = _api(client, _signed(registry, record.id), recipient="Volunteer@example.org").json()

        assert reply["verified"] is True
        assert reply["recipient"] == {"checked": True, "matched": True, "weakHash": False}

    def test_recipient_does_not_match(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        record = issue(registry, org)

        reply = _api(client, _signed(registry, record.id), recipient=GUESS).json()

        assert reply["recipient"] == {"checked": True, "matched": False, "weakHash": False}

    def test_recipient_in_a_baked_badge(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        record = issue(registry, org)
        badge = client.get(f"/credentials/{record.id}/badge.png").content

        response = client.post(
            "/api/v1/verify",
            files={"file": ("badge.png", badge, "image/png")},
            data={"recipient": ISSUED_TO},
        )

        assert response.json()["recipient"]["matched"] is True

    def test_credential_without_email_identifier_is_not_checked(
        self, client: TestClient[Any]
    ) -> None:
        reply = _api(client, b'{"credentialSubject": {"id": "did:example:1"}}', recipient=GUESS)

        assert reply.json()["recipient"] == {"checked": False, "matched": False, "weakHash": False}

    def test_no_recipient_no_member(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        record = issue(registry, org)

        assert "recipient" not in _api(client, _signed(registry, record.id)).json()

    def test_recipient_in_the_query_string_is_ignored(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        record = issue(registry, org)

        response = client.post(
            f"/api/v1/verify?recipient={ISSUED_TO}",
            content=_signed(registry, record.id),
            headers={"Content-Type": "application/json"},
        )

        assert response.status_code == 200
        assert "recipient" not in response.json()

    @pytest.mark.parametrize("value", ["   ", "x" * 320 + "@example.org"], ids=["blank", "long"])
    def test_unusable_recipient_is_refused_without_echo(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord, value: str
    ) -> None:
        record = issue(registry, org)

        response = _api(client, _signed(registry, record.id), recipient=value)

        assert response.status_code == 422
        assert response.json()["type"] == "urn:leverup:problem:invalid-input"
        assert "example.org" not in response.text


class TestLimit:
    def test_h19_page_checks_are_limited_per_client(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        record = issue(registry, org)
        for _ in range(LIMIT):
            assert _check(client, record.id, GUESS).status_code == 200

        response = _check(client, record.id, ISSUED_TO)

        assert response.status_code == 429
        assert 1 <= int(response.headers["retry-after"]) <= 60
        assert _result(response.text) == "limited"
        english = messages("en")
        assert english.recipient_matched not in response.text  # the limit tells nothing
        assert english.recipient_not_matched not in response.text

    def test_h19_api_checks_are_limited_with_a_problem(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        record = issue(registry, org)
        signed = _signed(registry, record.id)
        for _ in range(LIMIT):
            assert _api(client, signed, recipient=GUESS).status_code == 200

        response = _api(client, signed, recipient=ISSUED_TO)

        assert response.status_code == 429
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["type"] == "urn:leverup:problem:recipient-check-limit"
        assert 1 <= int(response.headers["retry-after"]) <= 60

    def test_h19_page_and_api_share_one_budget(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        record = issue(registry, org)
        signed = _signed(registry, record.id)
        for index in range(LIMIT):
            if index % 2:
                assert _api(client, signed, recipient=GUESS).status_code == 200
            else:
                assert _check(client, record.id, GUESS).status_code == 200

        assert _api(client, signed, recipient=GUESS).status_code == 429

    def test_h19_verification_without_recipient_is_not_counted(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        record = issue(registry, org)
        signed = _signed(registry, record.id)
        for _ in range(LIMIT + 2):
            assert _api(client, signed).status_code == 200

        assert _api(client, signed, recipient=GUESS).status_code == 200

    def test_h19_limit_comes_from_the_setting(
        self, site: PublicSite, registry: Registry, org: OrganisationRecord
    ) -> None:
        assert registry.settings.recipient_checks_per_minute == LIMIT
        for _ in range(LIMIT):
            site.recipient_limiter.hit("192.0.2.7")
        with pytest.raises(RecipientCheckLimitError):
            site.recipient_limiter.hit("192.0.2.7")
        site.recipient_limiter.hit("192.0.2.8")  # another client has its own budget

    def test_h19_window_slides_and_retry_after_says_when(self) -> None:
        now = [1000.0]
        limiter = WindowLimiter(2, window=60.0, clock=lambda: now[0])
        limiter.hit("a")
        now[0] += 20
        limiter.hit("a")
        now[0] += 10

        with pytest.raises(RecipientCheckLimitError) as refused:
            limiter.hit("a")
        assert refused.value.retry_after == 30
        assert refused.value.headers == {"Retry-After": "30"}

        now[0] += 30
        limiter.hit("a")  # the first hit left the window
        with pytest.raises(RecipientCheckLimitError):
            limiter.hit("a")

    def test_h19_zero_disables_the_limit(self) -> None:
        limiter = WindowLimiter(0)
        for _ in range(1000):
            limiter.hit("a")


def test_h19_setting_is_read_and_must_not_be_negative() -> None:
    assert (
        load_settings({"LEVERUP_RECIPIENT_CHECKS_PER_MINUTE": "3"}).recipient_checks_per_minute == 3
    )
    with pytest.raises(ConfigurationError, match="RECIPIENT_CHECKS_PER_MINUTE"):
        load_settings({"LEVERUP_RECIPIENT_CHECKS_PER_MINUTE": "-1"})
