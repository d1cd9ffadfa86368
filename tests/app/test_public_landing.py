"""Issue 12 item 14: ``/`` and ``/achievements`` show a browser pages (a landing page, the
catalogue, one page per competence and role) in seven languages, JSON clients keep the JSON
byte for byte, and an unknown address gives a browser a readable 404 page in its language."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import msgspec
import pytest
from litestar.testing import TestClient
from markupsafe import escape

from app.asgi import create_app
from app.context import LocalServices
from app.public.i18n import messages
from badge_classes import LANGUAGES
from common.settings import load_settings

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
PROBLEM = "application/problem+json"


@pytest.fixture
def services(env: dict[str, str]) -> LocalServices:
    return LocalServices(load_settings(env))


@pytest.fixture
def client(services: LocalServices) -> Iterator[TestClient[Any]]:
    with TestClient(app=create_app(services=services)) as test_client:
        yield test_client


def _browser(client: TestClient[Any], path: str, lang: str = "en") -> Any:
    return client.get(path, headers={"Accept": BROWSER, "Accept-Language": lang})


def _h1(html: str) -> str:
    match = re.search(r"<h1>(.*?)</h1>", html, re.S)
    assert match is not None
    return match.group(1)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_i12_14_landing_page_in_every_language(client: TestClient[Any], lang: str) -> None:
    """Issue 12 item 14: a browser at / gets the landing page in its language: what this
    service is, a way to verify a credential, the catalogue."""
    response = _browser(client, "/", lang)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "script-src 'none'" in response.headers["content-security-policy"]
    assert "Accept" in response.headers["vary"]
    html = response.text
    t = messages(lang)
    assert f'<html lang="{lang}"' in html
    assert _h1(html) == escape(t.home_title)
    assert escape(t.home_intro) in html
    assert f'href="/verify?lang={lang}"' in html
    assert f'href="/achievements?lang={lang}"' in html


@pytest.mark.parametrize("lang", LANGUAGES)
def test_i12_14_catalogue_page_lists_every_competence_and_role(
    client: TestClient[Any], services: LocalServices, lang: str
) -> None:
    """Issue 12 item 14: /achievements for a browser lists the 15 competences by cluster and
    the 3 roles, named in the viewer's language, each linking to its page; the scales come
    from the catalogue."""
    catalogue = services.catalogue
    html = _browser(client, "/achievements", lang).text
    listed = re.findall(r'<li class="entry" data-achievement="([a-z-]+)">', html)
    assert listed and sorted(listed) == sorted(catalogue.slugs())
    for definition in catalogue.definitions():
        assert f'href="/achievements/{definition.slug}?lang={lang}"' in html
        assert f">{escape(definition.name(lang))}</a>" in html
    for cluster in catalogue.clusters:
        assert escape(cluster.name(lang)) in html
    for scale in catalogue.scales:
        assert f"<h3>{escape(scale.name(lang))}</h3>" in html


@pytest.mark.parametrize("slug", ["leadership", "tutor"])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_i12_14_a_page_per_competence_and_role(
    client: TestClient[Any], services: LocalServices, slug: str, lang: str
) -> None:
    """Issue 12 item 14: /achievements/{slug} for a browser: the name, what it certifies, its
    indicators, the badge in the page's language, and for a competence every level of both
    scales (with the indicative EQF level)."""
    catalogue = services.catalogue
    definition = catalogue.get(slug)
    html = _browser(client, f"/achievements/{slug}", lang).text
    assert _h1(html) == escape(definition.name(lang))
    assert escape(definition.description(lang)) in html
    for indicator in definition.indicators(lang):
        assert f"<li>{escape(indicator)}</li>" in html
    image = re.search(r'<img class="badge" src="([^"]+)"', html)
    assert image is not None
    suffix = "" if lang == "en" else f"?lang={lang}"
    assert image.group(1) == f"/achievements/{slug}/image.png{suffix}"
    if definition.kind == "competence":
        for scale in catalogue.scales:
            for level in scale.levels:
                assert f"<dt>{escape(level.name(lang))}" in html
        assert "EQF" in html or "ERK" in html or "CEC" in html or "MEC" in html
    else:
        assert "<h3>" not in html  # a role has no levels


def test_i12_14_role_validity_uses_the_languages_plural(client: TestClient[Any]) -> None:
    """Issue 12 item 14: a role's default validity is said with the language's plural rules."""
    assert "3 lata od daty wydania" in _browser(client, "/achievements/tutor", "pl").text
    assert "3 anni dalla data di rilascio" in _browser(client, "/achievements/tutor", "it").text


@pytest.mark.parametrize(
    "path", ["/", "/achievements", "/achievements?lang=it", "/achievements/teamwork"]
)
@pytest.mark.parametrize("accept", [None, "*/*", "application/json", "application/ld+json"])
def test_i12_14_json_clients_keep_the_json(
    client: TestClient[Any], services: LocalServices, path: str, accept: str | None
) -> None:
    """Issue 12 item 14: every JSON client (no Accept, */*, JSON types) gets exactly the JSON
    it got before: the catalogue's Achievements as msgspec encodes them, the index links."""
    headers = {"Accept": accept} if accept else {}
    response = client.get(path, headers=headers)
    assert response.status_code == 200
    assert response.headers["vary"] == "Accept, Accept-Language"  # a browser gets a page here
    base = services.settings.base_url
    catalogue = services.catalogue
    if path == "/":
        assert response.headers["content-type"] == "application/json"
        assert response.json()["links"]["verifyPage"] == f"{base}/verify"
        return
    lang = "it" if "lang=it" in path else "en"
    if path.startswith("/achievements/"):
        assert response.headers["content-type"] == "application/ld+json"
        expected: Any = {
            "@context": [
                "https://www.w3.org/ns/credentials/v2",
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            ],
            **catalogue.achievement("teamwork", base_url=base, lang=lang),
        }
    else:
        assert response.headers["content-type"] == "application/json"
        expected = [catalogue.achievement(s, base_url=base, lang=lang) for s in catalogue.slugs()]
    assert response.content == msgspec.json.encode(expected)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_i12_14_unknown_address_is_a_page_for_browsers(client: TestClient[Any], lang: str) -> None:
    """Issue 12 item 14: an unknown path (or achievement) gives a browser a readable 404 page
    in its language, with the way back."""
    for path in ("/no/such/page", "/achievements/no-such-badge"):
        response = _browser(client, path, lang)
        assert response.status_code == 404
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        assert _h1(response.text) == escape(messages(lang).page_not_found_title)
        assert f'href="/?lang={lang}"' in response.text


@pytest.mark.parametrize("accept", [None, "*/*", "application/json"])
def test_i12_14_unknown_address_stays_a_problem_for_machines(
    client: TestClient[Any], accept: str | None
) -> None:
    """Issue 12 item 14: JSON clients still get the problem+json of an unknown path."""
    headers = {"Accept": accept} if accept else {}
    response = client.get("/no/such/page", headers=headers)
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM
    assert response.content == (
        b'{"status":404,"type":"urn:leverup:problem:not-found","title":"Not found",'
        b'"detail":"Not Found"}'
    )
    unknown = client.get("/achievements/no-such-badge", headers=headers)
    assert unknown.status_code == 404
    assert unknown.json()["type"] == "urn:leverup:problem:not-found"
