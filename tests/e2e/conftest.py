"""Fixtures of the browser tests: headless Chromium, the live service, the artefact folder.

``browser`` skips its tests when node, ``e2e/node_modules`` or Chromium is missing, unless
``LEVERUP_REQUIRE_CHROMIUM=1`` (set by CI): then they fail. ``live_app`` is the real service on
a free loopback port (one per test module), with one valid credential in ``credential``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import Browser, LiveApp, find_browser_setup


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Chromium (through ``e2e/browser.mjs``) for the session."""
    setup = find_browser_setup()
    if setup.missing is not None:
        if os.environ.get("LEVERUP_REQUIRE_CHROMIUM") == "1":
            pytest.fail(
                f"LEVERUP_REQUIRE_CHROMIUM=1 but the browser tests cannot run: {setup.missing}",
                pytrace=False,
            )
        pytest.skip(f"browser tests need headless Chromium: {setup.missing}")
    with Browser(setup) as driver:
        assert driver.step("ping") == "pong"
        yield driver


@pytest.fixture(scope="module")
def live_app(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    """The service on loopback (after ``browser``, so a missing browser skips before it starts)."""
    app = LiveApp(tmp_path_factory.mktemp("e2e-data"))
    try:
        yield app
    finally:
        app.close()


@pytest.fixture(scope="module")
def credential(live_app: LiveApp) -> dict[str, Any]:
    """A valid credential issued through the API: ``{"credential": {...}, "links": {...}}``."""
    return live_app.issue()


@pytest.fixture(scope="session")
def artefact_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where kept artefacts go: ``LEVERUP_TEST_ARTEFACT_DIR``, else an ``artefacts`` folder in
    pytest's temporary directory (never the checkout's ``var/``, issue 12 item 3)."""
    configured = os.environ.get("LEVERUP_TEST_ARTEFACT_DIR")
    folder = Path(configured) if configured else tmp_path_factory.mktemp("artefacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder
