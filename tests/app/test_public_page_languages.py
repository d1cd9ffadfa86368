"""The public page in seven languages: Accept-Language, ?lang=, the switcher, dates, catalogue."""
# ruff: noqa: F811 - pytest fixtures imported from public_support are redefined as arguments

from __future__ import annotations

import re
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
    site,
    verifier,
)

from app.public.i18n import negotiate
from badge_classes import LANGUAGES
from registry.context import Registry
from registry.models import OrganisationRecord

VERDICT_VALID = {
    "en": "Valid",
    "it": "Valida",
    "nl": "Geldig",
    "fr": "Valide",
    "es": "Válida",
    "pl": "Ważne",
    "da": "Gyldigt",
}


def _verdict_title(html: str) -> str:
    match = re.search(r'<h2 id="verdict-title">.*?</span>\s*(.*?)</h2>', html, re.S)
    assert match is not None
    return match.group(1).strip()


class TestNegotiation:
    def test_q_values_choose_the_best(self) -> None:
        """The highest q wins, whatever the order."""
        assert negotiate(None, "en;q=0.3, da;q=0.9, fr;q=0.5") == "da"

    def test_region_matches_the_language(self) -> None:
        """fr-BE is served in French."""
        assert negotiate(None, "fr-BE,fr;q=0.9") == "fr"

    def test_unsupported_falls_back_to_english(self) -> None:
        """German is not offered: English."""
        assert negotiate(None, "de-DE,de;q=0.9") == "en"

    def test_query_overrides_the_header(self) -> None:
        """?lang=pl beats Accept-Language: it."""
        assert negotiate("pl", "it") == "pl"

    def test_unsupported_query_is_ignored(self) -> None:
        """?lang=xx that is not offered falls back to the header."""
        assert negotiate("de", "nl") == "nl"

    def test_zero_quality_is_refused(self) -> None:
        """q=0 means "not this one"."""
        assert negotiate(None, "it;q=0, es;q=0.1") == "es"


class TestPage:
    @pytest.mark.parametrize("lang", LANGUAGES)
    def test_each_language_from_accept_language(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord, lang: str
    ) -> None:
        """<html lang>, the verdict and the current switcher entry follow Accept-Language."""
        record = issue(registry, org)
        html = page(client, record.id, **{"Accept-Language": f"{lang};q=0.9, xx;q=0.1"}).text
        assert f'<html lang="{lang}"' in html
        assert _verdict_title(html) == VERDICT_VALID[lang]
        assert (
            f'<a hreflang="{lang}" lang="{lang}" href="?lang={lang}" aria-current="true">' in html
        )
        assert html.count('aria-current="true"') == 1

    def test_switcher_offers_every_language(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        """<nav id="languages"> links every language with hreflang and lang."""
        record = issue(registry, org)
        html = page(client, record.id).text
        nav = html[html.index('<nav id="languages"') : html.index("</nav>")]
        for lang in LANGUAGES:
            assert f'<a hreflang="{lang}" lang="{lang}" href="?lang={lang}"' in nav

    def test_query_parameter_overrides(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        """?lang=da wins over Accept-Language: it."""
        record = issue(registry, org)
        response = client.get(
            f"/credentials/{record.id}?lang=da", headers={**HTML, "Accept-Language": "it"}
        )
        assert '<html lang="da"' in response.text

    def test_unsupported_language_is_english(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        """Accept-Language: de gets English."""
        record = issue(registry, org)
        html = page(client, record.id, **{"Accept-Language": "de"}).text
        assert '<html lang="en"' in html
        assert _verdict_title(html) == "Valid"

    def test_catalogue_names_in_the_viewers_language(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        """An Italian credential viewed in Dutch shows the competence, cluster and levels in
        Dutch, from the catalogue; the EQF level is the complexity level's."""
        record = issue(registry, org, lang="it")
        catalogue = registry.catalogue
        html = page(client, record.id, **{"Accept-Language": "nl"}).text
        definition = catalogue.get("teamwork")
        assert f"<h1>{definition.name('nl')}</h1>" in html
        assert definition.name("it") not in html
        cluster = catalogue.cluster(definition.cluster or "")
        assert cluster.name("nl") in html
        assert catalogue.scale("outcome").level("accomplished").name("nl") in html
        complexity = catalogue.scale("complexity").level("mid-high")
        assert complexity.name("nl") in html
        eqf = [a.target_code for a in complexity.alignments if a.target_type == "ext:EQFLevel"]
        assert eqf and f"<dd>{eqf[0]}<br>" in html

    def test_dates_are_formatted_for_the_locale(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        """The issue date reads as the locale writes dates (Babel, CLDR)."""
        from babel.dates import format_date

        record = issue(registry, org)
        for lang in ("fr", "pl"):
            html = page(client, record.id, **{"Accept-Language": lang}).text
            assert format_date(record.issued_at.date(), format="long", locale=lang) in html

    def test_not_found_page_is_localised(self, client: TestClient[Any]) -> None:
        """The 404 page speaks the visitor's language too."""
        response = client.get(
            "/credentials/7c9e6679-7425-40de-944b-e07fc1f90ae7",
            headers={**HTML, "Accept-Language": "es"},
        )
        assert response.status_code == 404
        assert '<html lang="es"' in response.text
        assert "<h1>Credencial no encontrada</h1>" in response.text
