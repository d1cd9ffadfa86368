"""Privacy and safety of the public page: no e-mail, a strict CSP, nothing loaded from elsewhere,
the holder's hiding switch (and its unguessable key), erased and hidden credentials gone."""
# ruff: noqa: F811 - pytest fixtures imported from public_support are redefined as arguments

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

from litestar.testing import TestClient
from public_support import (  # noqa: F401 - fixtures
    ACTOR,
    BASE_URL,
    HTML,
    client,
    clock,
    engine,
    holder_link_key,
    issue,
    org,
    page,
    registry,
    site,
    stored,
    token,
    verifier,
)
from sqlmodel import Session, select

from app.public import CSP
from registry.context import Registry
from registry.credentials.issuance import IssuanceService
from registry.credentials.lifecycle import LifecycleService
from registry.db import session_scope
from registry.models import AuditEntryRecord, OrganisationRecord
from registry.status import RegistryStatusChecker

_RESOURCE = re.compile(r"<(?:img|script|link|iframe|source|video|audio)\b[^>]*>", re.I)


def _hide(client: TestClient[Any], registry: Registry, uuid: str, action: str = "hide") -> Any:
    return client.post(
        f"/credentials/{uuid}/holder",
        data={"key": holder_link_key(registry, uuid), "action": action},
        follow_redirects=False,
    )


class TestPage:
    def test_no_recipient_email_on_the_page(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        """I14: the recipient's name may show, the e-mail address never."""
        record = issue(registry, org)
        html = page(client, record.id).text
        assert "Ada Volunteer" in html
        assert "volunteer@example.org" not in html.lower()
        assert "@" not in re.sub(r"<[^>]+>", "", html)

    def test_strict_csp_and_headers(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        """No script may run; only our own styles and images load."""
        record = issue(registry, org)
        response = page(client, record.id)
        csp = response.headers["content-security-policy"]
        assert csp == CSP
        assert "default-src 'self'" in csp and "script-src 'none'" in csp
        assert "style-src 'self'" in csp and "img-src 'self' data:" in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"

    def test_no_script_and_no_third_party_resource(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        """Every image, stylesheet and alternate is on this origin; there is no script at all."""
        record = issue(registry, org)
        html = page(client, record.id).text
        assert "<script" not in html.lower()
        assert re.search(r"<[^>]+\son[a-z]+\s*=", html) is None
        tags = _RESOURCE.findall(html)
        assert tags
        for tag in tags:
            for url in re.findall(r'(?:src|href)="([^"]*)"', tag):
                own = url.startswith(f"{BASE_URL}/") or (
                    url.startswith("/") and not url.startswith("//")
                )
                assert own, tag

    def test_stylesheet_is_served_here(self, client: TestClient[Any]) -> None:
        """The only stylesheet comes from this service."""
        response = client.get("/assets/public.css")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/css")
        assert "@media print" in response.text

    def test_linkedin_link_parameters(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        """europass-wallets.md §6: name, organizationName, issue year/month, certUrl = the
        page, certId = the uuid; no expiry members for a credential without validUntil."""
        record = issue(registry, org)
        html = page(client, record.id, **{"Accept-Language": "it"}).text
        match = re.search(r'<a id="linkedin" href="([^"]+)"', html)
        assert match is not None
        url = match.group(1).replace("&amp;", "&")
        parts = urlsplit(url)
        assert (parts.scheme, parts.netloc, parts.path) == (
            "https",
            "www.linkedin.com",
            "/profile/add",
        )
        query = parse_qs(parts.query)
        assert query["startTask"] == ["CERTIFICATION_NAME"]
        assert query["name"] == [registry.catalogue.get("teamwork").name("it")]
        assert query["organizationName"] == ["Centro Volontari Uno"]
        assert query["issueYear"] == [str(record.issued_at.year)]
        assert query["issueMonth"] == [str(record.issued_at.month)]
        assert query["certUrl"] == [f"{BASE_URL}/credentials/{record.id}"]
        assert query["certId"] == [record.id]
        assert "expirationYear" not in query


class TestHolder:
    def test_issue_links_name_the_holder_page_and_media(
        self, registry: Registry, org: OrganisationRecord
    ) -> None:
        """The issue answer's links carry the page, the holder link, badges, QR and LinkedIn."""
        record = issue(registry, org)
        with session_scope(registry.engine) as session:
            links = IssuanceService(registry, session).links(org, [record], holder=True)[0]
            without = IssuanceService(registry, session).links(org, [record])[0]
        public = f"{BASE_URL}/credentials/{record.id}"
        assert without.holder is None  # only for callers that may hide pages themselves
        assert links.page == public
        assert links.holder == f"{public}/holder?key={holder_link_key(registry, record.id)}"
        assert (links.badge_png, links.badge_svg) == (f"{public}/badge.png", f"{public}/badge.svg")
        assert (links.qr_png, links.qr_svg) == (f"{public}/qr.png", f"{public}/qr.svg")
        assert links.linkedin is not None and "certId=" + record.id in links.linkedin

    def test_holder_hides_and_shows_the_page(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        """Hiding makes the page, the JSON, the badge and the QR code 404; showing restores."""
        record = issue(registry, org)
        response = _hide(client, registry, record.id)
        assert response.status_code == 303
        assert stored(registry, record.id).hidden is True
        for path in ("", ".json", "/badge.png", "/badge.svg", "/qr.png", "/qr.svg"):
            assert client.get(f"/credentials/{record.id}{path}").status_code == 404, path
        assert page(client, record.id).status_code == 404
        _hide(client, registry, record.id, "show")
        assert stored(registry, record.id).hidden is False
        assert page(client, record.id).status_code == 200

    def test_hiding_a_page_seen_before_takes_effect_at_once(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        """A page served (and cached) before hiding is 404 on the next view."""
        record = issue(registry, org)
        assert page(client, record.id).status_code == 200
        assert page(client, record.id).status_code == 200
        _hide(client, registry, record.id)
        assert page(client, record.id).status_code == 404

    def test_hidden_credential_still_verifies_elsewhere(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        """The status list is untouched: the credential keeps verifying."""
        record = issue(registry, org)
        _hide(client, registry, record.id)
        response = client.post(
            "/api/v1/verify",
            content=stored(registry, record.id).signed_bytes,
            headers={"Content-Type": "application/json"},
        )
        assert response.json()["verified"] is True
        signed = stored(registry, record.id).signed_bytes
        assert signed is not None
        import json

        check = RegistryStatusChecker(registry).check(json.loads(signed))
        assert check.status == "passed"

    def test_hiding_is_audited(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        """One audit entry per change, actor "holder"."""
        record = issue(registry, org)
        _hide(client, registry, record.id)
        with Session(registry.engine) as session:
            entries = session.exec(
                select(AuditEntryRecord).where(AuditEntryRecord.credential_id == record.id)
            ).all()
        assert [(e.action, e.actor) for e in entries][-1] == ("credential.hide", "holder")

    def test_holder_page_in_the_holders_language(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        """The holder page is localised and carries the key through the language switcher."""
        record = issue(registry, org)
        key = holder_link_key(registry, record.id)
        response = client.get(
            f"/credentials/{record.id}/holder?key={key}", headers={"Accept-Language": "fr"}
        )
        assert response.status_code == 200
        assert '<html lang="fr"' in response.text
        assert "Masquer la page publique" in response.text
        assert f'href="?key={key}&amp;lang=it"' in response.text
        assert "<script" not in response.text

    def test_wrong_holder_key_is_404(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        """A wrong key reads as "no such credential", on the page and on the form."""
        record = issue(registry, org)
        other = issue(registry, org)
        wrong = holder_link_key(registry, other.id)
        assert client.get(f"/credentials/{record.id}/holder?key={wrong}").status_code == 404
        response = client.post(
            f"/credentials/{record.id}/holder", data={"key": wrong, "action": "hide"}
        )
        assert response.status_code == 404
        assert stored(registry, record.id).hidden is False

    def test_missing_holder_key_is_404(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        """No key at all: 404."""
        record = issue(registry, org)
        assert client.get(f"/credentials/{record.id}/holder").status_code == 404

    def test_unknown_action_changes_nothing(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        """Only hide and show exist."""
        record = issue(registry, org)
        key = holder_link_key(registry, record.id)
        response = client.post(
            f"/credentials/{record.id}/holder", data={"key": key, "action": "delete"}
        )
        assert response.status_code == 404
        assert stored(registry, record.id).hidden is False

    def test_organisation_token_can_hide_and_show(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        """POST /api/v1/credentials/{uuid}/hide and /show with an assessor token."""
        record = issue(registry, org)
        headers = {"Authorization": f"Bearer {token(registry, org, 'assessor')}"}
        hidden = client.post(f"/api/v1/credentials/{record.id}/hide", headers=headers)
        assert hidden.json() == {"id": record.id, "hidden": True}
        assert page(client, record.id).status_code == 404
        shown = client.post(f"/api/v1/credentials/{record.id}/show", headers=headers)
        assert shown.json() == {"id": record.id, "hidden": False}

    def test_viewer_token_cannot_hide(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        """A viewer may not change the page: 403."""
        record = issue(registry, org)
        headers = {"Authorization": f"Bearer {token(registry, org, 'viewer')}"}
        response = client.post(f"/api/v1/credentials/{record.id}/hide", headers=headers)
        assert response.status_code == 403
        assert stored(registry, record.id).hidden is False


class TestErased:
    def test_erased_is_404_everywhere(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        """Erased: page, JSON, holder page all 404."""
        record = issue(registry, org)
        key = holder_link_key(registry, record.id)
        with session_scope(registry.engine) as session:
            LifecycleService(registry, session).erase(org, record.id, actor=ACTOR)
        assert page(client, record.id).status_code == 404
        assert client.get(f"/credentials/{record.id}.json").status_code == 404
        assert client.get(f"/credentials/{record.id}/holder?key={key}").status_code == 404
        assert (
            client.get(f"/credentials/{record.id}", headers=HTML)
            .headers["content-type"]
            .startswith("text/html")
        )
