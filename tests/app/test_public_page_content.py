"""GET /credentials/{uuid}: the signed bytes for machines, the verified page for browsers."""
# ruff: noqa: F811 - pytest fixtures imported from public_support are redefined as arguments

from __future__ import annotations

import re
from typing import Any

import pytest
from litestar.testing import TestClient
from public_support import (  # noqa: F401 - fixtures
    BASE_URL,
    HTML,
    client,
    clock,
    engine,
    issue,
    org,
    page,
    registry,
    site,
    stored,
    verifier,
)

from registry.context import Registry
from registry.models import OrganisationRecord


class TestMachines:
    @pytest.mark.parametrize(
        ("accept", "media"),
        [
            ("application/vc+ld+json", "application/vc+ld+json"),
            ("application/ld+json", "application/ld+json"),
            ("application/json", "application/json"),
            ("*/*", "application/json"),
        ],
        ids=["vc", "ld", "json", "any"],
    )
    def test_signed_bytes_exactly_as_stored(
        self,
        client: TestClient[Any],
        registry: Registry,
        org: OrganisationRecord,
        accept: str,
        media: str,
    ) -> None:
        """Machines get the stored bytes unchanged, in the negotiated media type."""
        record = issue(registry, org)
        response = client.get(f"/credentials/{record.id}", headers={"Accept": accept})
        assert response.status_code == 200
        assert response.content == stored(registry, record.id).signed_bytes
        assert response.headers["content-type"].startswith(media)
        assert response.headers["access-control-allow-origin"] == "*"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "Accept" in response.headers["vary"]

    def test_json_suffix_is_always_json(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        """/credentials/{uuid}.json is JSON even for a browser."""
        record = issue(registry, org)
        response = client.get(f"/credentials/{record.id}.json", headers=HTML)
        assert response.headers["content-type"].startswith("application/json")
        assert response.content == stored(registry, record.id).signed_bytes

    def test_etag_gives_304(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        """A matching If-None-Match: 304 without a body."""
        record = issue(registry, org)
        etag = client.get(f"/credentials/{record.id}").headers["etag"]
        again = client.get(f"/credentials/{record.id}", headers={"If-None-Match": etag})
        assert again.status_code == 304
        assert again.content == b""

    def test_unacceptable_type_is_406(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        """Neither JSON nor HTML: 406 problem."""
        record = issue(registry, org)
        response = client.get(f"/credentials/{record.id}", headers={"Accept": "image/png"})
        assert response.status_code == 406
        assert response.json()["type"] == "urn:leverup:problem:not-acceptable"

    def test_unknown_is_a_problem_for_machines(self, client: TestClient[Any]) -> None:
        """JSON clients get the problem of an unknown credential."""
        response = client.get("/credentials/7c9e6679-7425-40de-944b-e07fc1f90ae7")
        assert response.status_code == 404
        assert response.json()["type"] == "urn:leverup:problem:credential-not-found"


class TestBrowser:
    def test_browser_gets_the_page(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        """text/html preferred: an HTML page with the verdict, checks and links."""
        record = issue(registry, org)
        response = page(client, record.id)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        html = response.text
        assert '<section id="verdict" data-verdict="valid"' in html
        assert re.search(r'<li data-check="proof" data-status="passed"', html)
        assert "Centro Volontari Uno" in html
        assert "Maria Rossi" in html and "Ada Volunteer" in html
        assert f'href="/credentials/{record.id}.json"' in html
        # The badge shown is the artwork in the page's language (issue 12 item 13); the baked
        # badge (the signed credential's language) stays a download.
        assert 'src="/achievements/teamwork/accomplished/image.png"' in html
        assert f'href="/credentials/{record.id}/badge.png"' in html
        assert f'href="/credentials/{record.id}/qr.svg"' in html

    def test_unknown_is_a_page_for_browsers(self, client: TestClient[Any]) -> None:
        """Browsers get a 404 HTML page."""
        response = client.get("/credentials/7c9e6679-7425-40de-944b-e07fc1f90ae7", headers=HTML)
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("text/html")
        assert "<h1>Credential not found</h1>" in response.text

    def test_a_page_served_again_has_the_same_headers(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        """The second view comes from the page cache, with the same bytes and headers (one
        charset, the CSP) as the first."""
        record = issue(registry, org)
        first, again = page(client, record.id), page(client, record.id)
        assert first.content == again.content
        for response in (first, again):
            assert response.headers["content-type"] == "text/html; charset=utf-8"
            assert "script-src 'none'" in response.headers["content-security-policy"]
            assert response.headers["x-content-type-options"] == "nosniff"
            assert response.headers["vary"] == "Accept, Accept-Language"

    def test_open_graph_tags(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        """og:title, og:description, og:image (absolute badge PNG) and og:url."""
        record = issue(registry, org)
        html = page(client, record.id).text
        url = f"{BASE_URL}/credentials/{record.id}"
        assert f'<meta property="og:url" content="{url}">' in html
        # The page's badge, in the page's language (issue 12 item 13), not the baked download.
        image = f"{BASE_URL}/achievements/teamwork/accomplished/image.png"
        assert f'<meta property="og:image" content="{image}">' in html
        assert '<meta property="og:title" content="Teamwork">' in html
        assert re.search(r'<meta property="og:description" content="[^"]*Teamwork', html)
