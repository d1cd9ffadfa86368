"""Issue 12 ("The first hour, for every kind of user"), the public pages: items 7, 8, 9, 10,
12, 13 and 18. Each test names its item."""
# ruff: noqa: F811 - pytest fixtures imported from public_support are redefined as arguments

from __future__ import annotations

import json
import re
from typing import Any

import msgspec
import pytest
from litestar.testing import TestClient
from markupsafe import escape
from public_support import (  # noqa: F401 - fixtures
    BASE_URL,
    HTML,
    client,
    clock,
    engine,
    foreign_signed,
    holder_link_key,
    issue,
    org,
    page,
    registry,
    revoke,
    site,
    stored,
    verifier,
)

from app.public.i18n import messages
from badge_classes import LANGUAGES
from common.baking import bake_png
from registry.context import Registry
from registry.credentials.lifecycle import LifecycleService
from registry.db import session_scope
from registry.models import OrganisationRecord


def _section(html: str, section_id: str) -> str:
    """The HTML of ``<section id=section_id>`` (sections are not nested on these pages)."""
    start = html.index(f'<section id="{section_id}"')
    return html[start : html.index("</section>", start)]


def _verdict(html: str) -> str | None:
    match = re.search(r'<section id="verdict" data-verdict="([a-z]+)"', html)
    return None if match is None else match.group(1)


def _signed(registry: Registry, uuid: str) -> bytes:
    signed = stored(registry, uuid).signed_bytes
    assert signed is not None
    return signed


def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (20, 90, 160)).save(buffer, "PNG")
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------
# item 7: the same summary whatever the input


class TestItem7SameSummary:
    def test_i12_7_every_input_shows_levels_eqf_holder_and_assessor(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        """Issue 12 item 7: a baked badge, pasted JSON (re-indented), the address, and the same
        with an e-mail check all show one claims section: outcome, complexity, EQF, holder and
        assessor included."""
        record = issue(registry, org, lang="en")
        signed = _signed(registry, record.id)
        pretty = json.dumps(json.loads(signed), indent=2)
        url = f"{BASE_URL}/credentials/{record.id}"
        inputs = {
            "url": {"files": {"url": (None, url)}},
            "baked": {"files": {"file": ("b.png", bake_png(_png(), signed), "image/png")}},
            "pasted": {"files": {"text": (None, pretty)}},
            "email": {"files": {"text": (None, pretty), "email": (None, "someone@example.org")}},
        }
        claims = {}
        for name, request in inputs.items():
            response = client.post("/verify?lang=en", **request)
            assert response.status_code == 200, name
            assert _verdict(response.text) == "valid", name
            claims[name] = _section(response.text, "claims")
        for name, section in claims.items():
            for shown in ("Accomplished", "Mid-high", "Ada Volunteer", "Maria Rossi"):
                assert shown in section, (name, shown)
            assert "Indicative EQF level</dt><dd>4" in section, name
        assert len(set(claims.values())) == 1, "one summary whatever the input"

    def test_i12_7_a_foreign_credential_shows_its_holder_and_levels(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        """Issue 12 item 7: a credential that is not in this registry still shows its holder,
        its achieved levels with their scales and its EQF level, read from the credential."""
        signed = foreign_signed(registry, org, issuer_name="Other Centre")
        html = client.post("/verify?lang=it", files={"text": (None, signed.decode())}).text
        assert _verdict(html) == "valid"
        claims = _section(html, "claims")
        assert "Ada Volunteer" in claims
        assert "Livello di risultato</dt>" in claims and "Medio-alta" in claims
        assert "Livello EQF indicativo</dt><dd>4" in claims


# --------------------------------------------------------------------------------------------
# item 8: who the issuer is, only as verified fact


class TestItem8IssuerOnlyAsFact:
    def test_i12_8_tampered_credential_shows_no_registered_issuer(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        """Issue 12 item 8: under "Not valid" (a name changed after signing), the issuer is
        shown as stated and unconfirmed, never as a registered organisation in green."""
        record = issue(registry, org, lang="en")
        document = json.loads(_signed(registry, record.id))
        document["credentialSubject"]["identifier"][1]["identityHash"] = "Mallory"
        html = client.post("/verify?lang=en", files={"text": (None, json.dumps(document))}).text
        assert _verdict(html) == "invalid"
        claims = _section(html, "claims")
        assert escape(messages("en").issuer_known) not in claims
        assert "issuer-known" not in claims
        assert escape(messages("en").issuer_unconfirmed) in claims

    def test_i12_8_valid_credential_of_ours_keeps_the_registered_issuer(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        """Issue 12 item 8, the other side: a verified credential of ours still says so."""
        record = issue(registry, org)
        claims = _section(page(client, record.id, **{"Accept-Language": "en"}).text, "claims")
        assert escape(messages("en").issuer_known) in claims
        assert "Centro Volontari Uno" in claims


# --------------------------------------------------------------------------------------------
# item 9: a revoked or suspended page


def _outside_details(html: str) -> str:
    return re.sub(r"<details\b.*?</details>", "", html, flags=re.S)


class TestItem9RevokedPage:
    @pytest.mark.parametrize("action", ["revoke", "suspend"])
    def test_i12_9_no_sharing_a_date_and_technical_detail_tucked_away(
        self,
        client: TestClient[Any],
        registry: Registry,
        org: OrganisationRecord,
        clock: Any,
        action: str,
    ) -> None:
        """Issue 12 item 9: no LinkedIn link and no baked badge download, the date of the
        revocation or suspension in the viewer's language (no reason: the registry has no
        "publish the reason" choice), and the verifier's English detail only inside a
        <details> element."""
        record = issue(registry, org)
        reason = "Private reason 7f3a"
        with session_scope(registry.engine) as session:
            service = LifecycleService(registry, session)
            change = service.revoke if action == "revoke" else service.suspend
            change(org, record.id, reason=reason, actor="cli:first-hour")
        html = page(client, record.id, **{"Accept-Language": "it"}).text
        assert _verdict(html) == ("revoked" if action == "revoke" else "suspended")
        assert 'id="linkedin"' not in html and "linkedin.com" not in html
        assert f"/credentials/{record.id}/badge.png" not in html
        assert f"/credentials/{record.id}/badge.svg" not in html
        assert f'href="/credentials/{record.id}.json"' in html  # the signed record stays
        since = re.search(r'<p id="status-since" class="since">([^<]+)</p>', html)
        assert since is not None
        day = clock.now.day
        expected = "Revocata il" if action == "revoke" else "Sospesa il"
        assert since.group(1).startswith(expected) and str(day) in since.group(1)
        status = re.search(r'<li data-check="status"[^>]*>(.*?)</li>', html, re.S)
        assert status is not None
        raw = status.group(1)
        assert "<details" in raw and "Dettagli tecnici" in raw
        assert "index" not in _outside_details(raw)
        assert "index" in raw  # the detail is there for whoever opens it
        assert reason not in html  # no "publish the reason" choice in the registry yet

    def test_i12_9_holder_page_offers_no_linkedin_once_revoked(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        """Issue 12 item 9: the holder's own page stops offering LinkedIn too."""
        record = issue(registry, org)
        key = holder_link_key(registry, record.id)
        before = client.get(f"/credentials/{record.id}/holder?key={key}").text
        assert "linkedin.com" in before
        revoke(registry, org, record.id)
        after = client.get(f"/credentials/{record.id}/holder?key={key}").text
        assert "linkedin.com" not in after

    def test_i12_9_valid_page_still_offers_sharing(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        """Issue 12 item 9, the other side: a valid credential keeps both."""
        record = issue(registry, org)
        html = page(client, record.id).text
        assert 'id="linkedin"' in html
        assert f'href="/credentials/{record.id}/badge.png"' in html
        assert 'id="status-since"' not in html


# --------------------------------------------------------------------------------------------
# item 10: who, what and at which levels, under the verdict


def test_i12_10_page_opens_with_who_what_and_levels(
    client: TestClient[Any], registry: Registry, org: OrganisationRecord
) -> None:
    """Issue 12 item 10: right under the verdict, before the claims and the checks, one line
    names the holder, the competence and its levels."""
    record = issue(registry, org, achievement="leadership", outcome="expert", complexity="high")
    html = page(client, record.id, **{"Accept-Language": "en"}).text
    summary = re.search(r'<p id="summary" class="summary">(.*?)</p>', html, re.S)
    assert summary is not None
    text = re.sub(r"<[^>]+>", "", summary.group(1))
    assert text.startswith("Ada Volunteer — Leadership")
    assert "Expert" in text and "High" in text
    verdict_end = html.index("</section>", html.index('<section id="verdict"'))
    assert verdict_end < summary.start() < html.index('<section id="claims"')
    assert summary.start() < html.index('id="checks"')


# --------------------------------------------------------------------------------------------
# item 12: one source of truth for the scales' labels


@pytest.mark.parametrize("lang", LANGUAGES)
def test_i12_12_scale_labels_come_from_the_catalogue(
    client: TestClient[Any], registry: Registry, org: OrganisationRecord, lang: str
) -> None:
    """Issue 12 item 12: the page labels the two scales with the catalogue's names (the ones
    in the credentials and the catalogue), in every language; the UI strings hold no label of
    their own."""
    catalogue = registry.catalogue
    record = issue(registry, org)
    claims = _section(page(client, record.id, **{"Accept-Language": lang}).text, "claims")
    for scale in ("outcome", "complexity"):
        assert f"<dt>{escape(catalogue.scale(scale).name(lang))}</dt>" in claims, (lang, scale)
        assert scale not in messages(lang)
    if lang == "pl":
        assert "Poziom wyniku" not in claims and "Złożoność środowiska" not in claims
    if lang == "da":
        assert "Miljøets kompleksitet" not in claims


# --------------------------------------------------------------------------------------------
# item 13: the badge in the page's language


def test_i12_13_badge_image_in_the_pages_language(
    client: TestClient[Any], registry: Registry, org: OrganisationRecord
) -> None:
    """Issue 12 item 13: a credential issued in Italian, seen in French, shows the French
    artwork; the baked download keeps the signed one."""
    record = issue(registry, org, lang="it")
    html = page(client, record.id, **{"Accept-Language": "fr"}).text
    image = re.search(r'<img class="badge" src="([^"]+)"', html)
    assert image is not None
    src = image.group(1).replace("&amp;", "&")
    assert src == "/achievements/teamwork/accomplished/image.png?lang=fr"
    assert client.get(src).headers["content-type"] == "image/png"
    assert client.get(src).content != client.get(src.replace("lang=fr", "lang=it")).content
    assert f'href="/credentials/{record.id}/badge.png"' in html
    baked = client.get(f"/credentials/{record.id}/badge.png")
    assert _signed(registry, record.id) in baked.content


# --------------------------------------------------------------------------------------------
# item 18: something that is not a credential


@pytest.mark.parametrize(
    "typed",
    ["hello, is this my badge?", '{"a": 1}', "[1, 2]", "<b>not a credential</b>"],
    ids=["words", "json-object", "json-array", "markup"],
)
def test_i12_18_not_a_credential_is_said_plainly_and_kept(
    client: TestClient[Any], typed: str
) -> None:
    """Issue 12 item 18: text that is not a credential gets "this is not a credential we can
    read" in the viewer's language, no verdict (never "may have been altered"), no JWS jargon,
    and the form keeps what was typed (escaped)."""
    response = client.post("/verify", files={"text": (None, typed)}, headers=HTML)
    html = response.text
    assert response.status_code == 422
    assert _verdict(html) is None
    assert escape(messages("en").verify_error_not_credential) in html
    assert escape(messages("en").verdict_invalid_text) not in html
    assert "JWS" not in html and "segments" not in html
    assert f">{escape(typed)}</textarea>" in html
    french = client.post("/verify?lang=fr", files={"text": (None, typed)}).text
    assert escape(messages("fr").verify_error_not_credential) in french


def test_i12_18_a_tampered_credential_is_still_a_verdict(
    client: TestClient[Any], registry: Registry, org: OrganisationRecord
) -> None:
    """Issue 12 item 18, the other side: a real credential that fails is "not valid"."""
    record = issue(registry, org)
    document = msgspec.json.decode(_signed(registry, record.id))
    document["name"] = "Changed"
    html = client.post("/verify", files={"text": (None, json.dumps(document))}).text
    assert _verdict(html) == "invalid"
    assert escape(messages("en").verify_error_not_credential) not in html
