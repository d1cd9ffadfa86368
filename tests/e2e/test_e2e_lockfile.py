"""``e2e`` pins exact versions, its lockfile names no registry, and it never fetches a browser."""

from __future__ import annotations

import json
import re

from browser_support import E2E_DIR

PINS = {"axe-core": "4.14.1", "playwright-core": "1.65.1"}


def test_e2e_package_json_pins_exact_versions() -> None:
    package = json.loads((E2E_DIR / "package.json").read_text(encoding="utf-8"))

    assert package["private"] is True
    assert package["type"] == "module"
    assert package["dependencies"] == PINS
    assert "devDependencies" not in package


def test_e2e_lockfile_matches_pins_and_holds_no_urls() -> None:
    text = (E2E_DIR / "package-lock.json").read_text(encoding="utf-8")
    lock = json.loads(text)

    assert lock["packages"][""]["dependencies"] == PINS
    for name, version in PINS.items():
        assert lock["packages"][f"node_modules/{name}"]["version"] == version
    # Only these two: the `playwright` package (which downloads browsers) must not creep in.
    assert set(lock["packages"]) == {"", *(f"node_modules/{name}" for name in PINS)}
    assert not re.findall(r"[a-z][a-z0-9+.-]*://", text, flags=re.IGNORECASE)
    assert all("resolved" not in entry for entry in lock["packages"].values())
    assert all("integrity" in entry for key, entry in lock["packages"].items() if key)


def test_e2e_npmrc_omits_resolved_urls() -> None:
    settings = (E2E_DIR / ".npmrc").read_text(encoding="utf-8").splitlines()

    assert "omit-lockfile-registry-resolved=true" in settings


def test_e2e_driver_uses_the_system_chromium() -> None:
    """The driver launches an executable path it was given; it never installs a browser."""
    script = (E2E_DIR / "browser.mjs").read_text(encoding="utf-8")

    assert "executablePath: findChromium()" in script
    assert "LEVERUP_TEST_CHROMIUM" in script
    assert "install" not in script.lower()
