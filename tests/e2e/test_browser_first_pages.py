"""Issue 12 in headless Chromium: the landing page, the catalogue, an achievement page, the 404
page of an unknown address (item 14), a revoked page (item 9) and the verify page refusing
something that is not a credential (item 18) meet the WCAG 2.1 A/AA rules, run no script and
load nothing from elsewhere."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from browser_support import Browser, LiveApp

pytestmark = pytest.mark.browser

WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
_names = itertools.count(1)


@pytest.fixture
def page(browser: Browser) -> Iterator[str]:
    name = f"first-{next(_names)}"
    yield name
    browser.step("close", page=name)


def _no_violation(browser: Browser, page: str) -> None:
    result = browser.step("axe", page=page, tags=WCAG)
    lines = [f"{v['id']}: {v['help']} at {v['nodes'][0]['target']}" for v in result["violations"]]
    assert not lines, "WCAG 2.1 A/AA violations:\n" + "\n".join(lines)


def _same_origin(browser: Browser, page: str, base_url: str) -> None:
    origin = urlsplit(base_url)
    requests = browser.step("requests", page=page)
    elsewhere = [
        url
        for url in requests
        if not url.startswith("data:")
        and (urlsplit(url).scheme, urlsplit(url).netloc) != (origin.scheme, origin.netloc)
    ]
    assert elsewhere == []


@pytest.mark.parametrize(
    ("path", "status", "heading"),
    [
        ("/?lang=pl", 200, "Otwarte odznaki"),
        ("/achievements?lang=da", 200, "LEVER UP-kataloget"),
        ("/achievements/leadership?lang=it", 200, "Leadership"),
        ("/achievements/tutor?lang=fr", 200, "Tuteur"),
        ("/no/such/page?lang=es", 404, "Página no encontrada"),
    ],
)
def test_i12_14_first_pages_are_accessible(
    browser: Browser, page: str, live_app: LiveApp, path: str, status: int, heading: str
) -> None:
    """Issue 12 item 14: the pages a browser reaches at /, /achievements, an achievement and an
    unknown address: the right status and heading, no WCAG 2.1 A/AA violation, no request
    elsewhere."""
    opened = browser.step("open", page=page, url=f"{live_app.base_url}{path}")
    assert opened["status"] == status
    headings = browser.step("query", page=page, selector="h1")
    assert len(headings) == 1 and headings[0]["text"].startswith(heading)
    _no_violation(browser, page)
    _same_origin(browser, page, live_app.base_url)


def test_i12_9_revoked_page_is_accessible_and_offers_nothing_to_share(
    browser: Browser, page: str, live_app: LiveApp
) -> None:
    """Issue 12 item 9: the revoked page (its date, the technical detail in <details>) meets
    the rules and has no LinkedIn link nor baked badge."""
    issued: dict[str, Any] = live_app.issue(
        achievement="leadership", outcome="expert", complexity="high"
    )
    live_app.revoke(issued["credential"]["id"].rsplit("/", 1)[-1])
    browser.step("open", page=page, url=f"{issued['links']['public']}?lang=pl")
    assert browser.step("query", page=page, selector="#status-since")
    assert browser.step("query", page=page, selector='#checks li[data-check="status"] details')
    assert not browser.step("query", page=page, selector="#linkedin")
    assert not browser.step("query", page=page, selector='a[href$="/badge.png"]')
    _no_violation(browser, page)


def test_i12_18_not_a_credential_keeps_the_text(
    browser: Browser, page: str, live_app: LiveApp
) -> None:
    """Issue 12 item 18: typed text that is no credential comes back in the form, with the
    plain message, and the page meets the rules."""
    browser.step("open", page=page, url=f"{live_app.base_url}/verify?lang=en")
    browser.step("fill", page=page, selector='#verify-form textarea[name="text"]', value="hello")
    result = browser.step("click", page=page, selector='#verify-form [type="submit"]')
    assert result["status"] == 422
    error = browser.step("query", page=page, selector="#error")
    assert error and "not a credential we can read" in error[0]["text"]
    assert browser.step("query", page=page, selector="#text")[0]["text"] == "hello"
    assert not browser.step("query", page=page, selector="#verdict")
    _no_violation(browser, page)


@pytest.mark.parametrize("lang", ["en", "it", "pl"])
def test_i12_10_holder_and_levels_in_the_first_screen_of_a_phone(
    browser: Browser, page: str, live_app: LiveApp, lang: str
) -> None:
    """Issue 12 item 10: on a 390 x 844 phone screen the holder's name and the levels are
    visible without scrolling (they were 1,747 px down in English before)."""
    issued: dict[str, Any] = live_app.issue(
        achievement="leadership",
        outcome="expert",
        complexity="high",
        recipient={"email": "maria@example.org", "name": "Maria Rossi"},
        assessor={"name": "Gianni Bianchi"},
    )
    browser.step(
        "open",
        page=page,
        url=f"{issued['links']['public']}?lang={lang}",
        viewport={"width": 390, "height": 844},
    )
    names = browser.step("query", page=page, selector="#summary .summary-holder")
    assert [name["text"] for name in names] == ["Maria Rossi"]
    holder = browser.step("box", page=page, selector="#summary .summary-holder")
    assert holder is not None and holder["top"] + holder["height"] <= 844, holder
    levels = browser.step("query", page=page, selector="#summary .summary-level strong")
    assert len(levels) == 3  # outcome, complexity, EQF
    summary = browser.step("box", page=page, selector="#summary")
    assert summary["top"] + summary["height"] <= 844, summary
