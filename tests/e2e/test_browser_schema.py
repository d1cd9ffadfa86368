"""``/schema`` in headless Chromium (issue 12, item 5): Swagger UI and ReDoc render from the
service's own files, with no request leaving it, and Swagger UI's "Authorize" takes an API
token that then works on an operation tried from the page."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from browser_support import Browser, LiveApp

pytestmark = pytest.mark.browser

_names = itertools.count(1)


@pytest.fixture
def page(browser: Browser) -> Iterator[str]:
    name = f"schema-{next(_names)}"
    yield name
    browser.step("close", page=name)


def _elsewhere(requests: list[str], base_url: str) -> list[str]:
    """The requests that left the service (``data:`` and ``blob:`` URLs are not requests)."""
    origin = urlsplit(base_url)
    return [
        url
        for url in requests
        if not url.startswith(("data:", "blob:"))
        and (urlsplit(url).scheme, urlsplit(url).netloc) != (origin.scheme, origin.netloc)
    ]


def test_i12_5_swagger_ui_renders_offline_and_authorize_works(
    browser: Browser, page: str, live_app: LiveApp
) -> None:
    opened = browser.step("open", page=page, url=f"{live_app.base_url}/schema")
    assert opened["status"] == 200
    browser.step("wait", page=page, selector=".swagger-ui .info .title")
    title = browser.step("query", page=page, selector=".swagger-ui .info .title")
    assert "LEVER UP Badges" in title[0]["text"]
    paths = {row["text"] for row in browser.step("query", page=page, selector="[data-path]")}
    assert "/api/v1/credentials" in {p.replace("\u200b", "") for p in paths}

    browser.step("tap", page=page, selector=".scheme-container button.authorize")
    browser.step("wait", page=page, selector=".modal-ux input")
    browser.step("fill", page=page, selector=".modal-ux input", value=live_app.token)
    browser.step("tap", page=page, selector=".modal-ux .auth-btn-wrapper button.authorize")
    browser.step("tap", page=page, selector=".modal-ux .auth-btn-wrapper button.btn-done")

    operation = '.opblock-get:has([data-path="/api/v1/org"])'
    browser.step("tap", page=page, selector=f"{operation} .opblock-summary-control")
    browser.step("tap", page=page, selector=f"{operation} .try-out__btn")
    browser.step("tap", page=page, selector=f"{operation} .execute")
    status = f"{operation} .live-responses-table .response .response-col_status"
    browser.step("wait", page=page, selector=status)
    assert browser.step("query", page=page, selector=status)[0]["text"] == "200"

    requests = browser.step("requests", page=page)
    assert f"{live_app.base_url}/schema/assets/swagger-ui-bundle.js" in requests
    assert f"{live_app.base_url}/api/v1/org" in requests
    assert _elsewhere(requests, live_app.base_url) == []


def test_i12_5_redoc_renders_offline(browser: Browser, page: str, live_app: LiveApp) -> None:
    opened = browser.step("open", page=page, url=f"{live_app.base_url}/schema/redoc")
    assert opened["status"] == 200
    browser.step("wait", page=page, selector=".api-info h1")
    heading = browser.step("query", page=page, selector=".api-info h1")
    assert "LEVER UP Badges" in heading[0]["text"]
    requests = browser.step("requests", page=page)
    assert f"{live_app.base_url}/schema/assets/redoc.standalone.js" in requests
    assert _elsewhere(requests, live_app.base_url) == []
