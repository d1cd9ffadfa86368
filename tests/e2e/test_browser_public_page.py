"""The public page in headless Chromium, end to end (issue 4, "What it must show").

The real service runs under uvicorn on a free loopback port (SQLite in a temporary folder);
the credential is issued, and revoked, through the HTTP API with an admin token made by the
CLI. The QR code is not decoded by a camera library: the served ``qr.png`` is read back into
its module matrix and must equal the ``qrcode`` library's matrix of the public page URL; the
browser then opens that URL, the one the QR code encodes.

Driver: ``e2e/browser.mjs`` (playwright-core on the system's Chromium, axe-core for the
WCAG 2.1 A/AA rules). The full-page screenshots (valid and revoked) and the printed PDF are
kept in pytest's temporary directory (or ``LEVERUP_TEST_ARTEFACT_DIR``).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from browser_support import Browser, LiveApp, qr_encodes

pytestmark = pytest.mark.browser

LANGUAGES = ("en", "it", "nl", "fr", "es", "pl", "da")
VERDICT = "#verdict"
_names = itertools.count(1)


@pytest.fixture
def page(browser: Browser) -> Iterator[str]:
    """The name of a fresh browser page (own context, own profile state), closed afterwards."""
    name = f"page-{next(_names)}"
    yield name
    browser.step("close", page=name)


def _public_url(credential: dict[str, Any]) -> str:
    return str(credential["links"]["public"])


def _verdict(browser: Browser, page: str) -> tuple[str | None, str]:
    """``(data-verdict, the verdict heading's text)`` of the page."""
    sections = browser.step("query", page=page, selector=VERDICT, attributes=["data-verdict"])
    assert len(sections) == 1, f"expected one {VERDICT}, found {len(sections)}"
    headings = browser.step("query", page=page, selector=f"{VERDICT} h2")
    assert headings, f"{VERDICT} has no <h2>"
    return sections[0]["attributes"]["data-verdict"], headings[0]["text"]


def _checks(browser: Browser, page: str) -> dict[str, str]:
    rows = browser.step(
        "query",
        page=page,
        selector="#checks li[data-check]",
        attributes=["data-check", "data-status"],
    )
    return {row["attributes"]["data-check"]: row["attributes"]["data-status"] for row in rows}


def _readable(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    at {' '.join(node['target'])}: {node['html']}")
            if node.get("summary"):
                lines.extend(f"      {line}" for line in node["summary"].splitlines())
    return "\n".join(lines)


def test_qr_code_encodes_the_public_page_url(live_app: LiveApp, credential: dict[str, Any]) -> None:
    """``{id}/qr.png`` is a QR code of ``{BASE}/credentials/{uuid}``, and of nothing else."""
    public = _public_url(credential)
    assert public.startswith(f"{live_app.base_url}/credentials/")
    response = live_app.client.get(f"{public}/qr.png")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"

    assert qr_encodes(response.content, public)
    assert not qr_encodes(response.content, public + "x")


def test_qr_url_opens_the_page_with_a_valid_verdict(
    browser: Browser, page: str, live_app: LiveApp, credential: dict[str, Any]
) -> None:
    """The URL of the QR code shows a valid verdict, every check passed or skipped."""
    url = _public_url(credential)
    assert qr_encodes(live_app.client.get(f"{url}/qr.png").content, url)  # the QR code's URL

    opened = browser.step("open", page=page, url=url, locale="en-GB")

    assert opened["status"] == 200
    assert opened["lang"] == "en"
    verdict, heading = _verdict(browser, page)
    assert verdict == "valid"
    assert heading
    checks = _checks(browser, page)
    assert checks.get("proof") == "passed"
    assert checks.get("status") == "passed"
    assert set(checks.values()) <= {"passed", "skipped"}, checks


def test_accept_language_chooses_the_page_language(
    browser: Browser, page: str, credential: dict[str, Any]
) -> None:
    """A browser set to Dutch gets the page in Dutch, with the Dutch link marked current."""
    opened = browser.step("open", page=page, url=_public_url(credential), locale="nl-NL")

    assert opened["lang"] == "nl"
    current = browser.step(
        "query", page=page, selector='#languages a[aria-current="true"]', attributes=["hreflang"]
    )
    assert [link["attributes"]["hreflang"] for link in current] == ["nl"]


def test_language_switch_to_french(browser: Browser, page: str, credential: dict[str, Any]) -> None:
    """Clicking ``fr`` in the language list reloads the page in French, verdict included."""
    browser.step("open", page=page, url=_public_url(credential), locale="en-GB")
    links = browser.step(
        "query", page=page, selector="#languages a[hreflang]", attributes=["hreflang", "lang"]
    )
    assert sorted(link["attributes"]["hreflang"] for link in links) == sorted(LANGUAGES)
    assert all(link["attributes"]["lang"] == link["attributes"]["hreflang"] for link in links)
    _, english = _verdict(browser, page)

    switched = browser.step("click", page=page, selector='#languages a[hreflang="fr"]')

    assert switched["status"] == 200
    assert switched["lang"] == "fr"
    verdict, french = _verdict(browser, page)
    assert verdict == "valid"
    assert "valide" in french.lower()
    assert french != english
    current = browser.step(
        "query", page=page, selector='#languages a[aria-current="true"]', attributes=["hreflang"]
    )
    assert [link["attributes"]["hreflang"] for link in current] == ["fr"]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_page_meets_wcag21_aa_rules(
    browser: Browser, page: str, credential: dict[str, Any], lang: str
) -> None:
    """axe-core finds no violation of the WCAG 2.1 A and AA rules on the page."""
    browser.step("open", page=page, url=f"{_public_url(credential)}?lang={lang}")

    result = browser.step("axe", page=page, tags=["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])

    assert result["passes"] > 0
    assert not result["violations"], "WCAG 2.1 A/AA violations:\n" + _readable(result["violations"])


def test_verify_page_meets_wcag21_aa_rules(browser: Browser, page: str, live_app: LiveApp) -> None:
    """The human verifier page has its upload form and no WCAG 2.1 A/AA violation."""
    opened = browser.step("open", page=page, url=f"{live_app.base_url}/verify", locale="en-GB")
    assert opened["status"] == 200
    form = browser.step(
        "query", page=page, selector="form#verify-form", attributes=["method", "enctype"]
    )
    assert [f["attributes"] for f in form] == [{"method": "post", "enctype": "multipart/form-data"}]
    assert browser.step("query", page=page, selector='#verify-form input[type="file"][name="file"]')
    assert browser.step("query", page=page, selector='#verify-form textarea[name="text"]')

    result = browser.step("axe", page=page)

    assert not result["violations"], "WCAG 2.1 A/AA violations:\n" + _readable(result["violations"])


def test_screenshot_is_kept_as_an_artefact(
    browser: Browser, page: str, credential: dict[str, Any], artefact_dir: Path
) -> None:
    """A full-page screenshot of the valid credential's page is saved and kept."""
    browser.step("open", page=page, url=_public_url(credential), locale="en-GB")
    assert _verdict(browser, page)[0] == "valid"
    path = artefact_dir / "public-page-valid-en.png"
    path.unlink(missing_ok=True)

    shot = browser.step("screenshot", page=page, path=str(path), fullPage=True)

    data = path.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert shot["bytes"] == len(data) > 10_000
    print(f"screenshot kept: {path}")


def test_page_prints_on_one_a4_page(
    browser: Browser, page: str, credential: dict[str, Any], artefact_dir: Path
) -> None:
    """Printed (print media, A4), the page of a valid credential fits on one sheet."""
    browser.step("open", page=page, url=_public_url(credential), locale="en-GB")
    path = artefact_dir / "public-page-valid-en.pdf"

    printed = browser.step("pdf", page=page, path=str(path), format="A4")

    assert path.read_bytes().startswith(b"%PDF-")
    assert printed["pages"] == 1, f"the printed page takes {printed['pages']} A4 sheets"


def test_recipient_form_checks_the_holders_email(
    browser: Browser, page: str, credential: dict[str, Any]
) -> None:
    """The employer types the holder's address: "matched", the address not in the page, and
    the page with its result still meets the WCAG 2.1 A/AA rules."""
    browser.step("open", page=page, url=_public_url(credential), locale="en-GB")
    browser.step(
        "fill",
        page=page,
        selector="#recipient-form input[name=email]",
        value="Volunteer@Example.org",
    )

    answered = browser.step("click", page=page, selector='#recipient-form [type="submit"]')

    assert answered["status"] == 200
    result = browser.step(
        "query", page=page, selector="#recipient-result", attributes=["data-result"]
    )
    assert [r["attributes"]["data-result"] for r in result] == ["matched"]
    assert (
        "volunteer@example.org"
        not in browser.step("query", page=page, selector="main")[0]["text"].lower()
    )
    axe = browser.step("axe", page=page, tags=["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
    assert not axe["violations"], "WCAG 2.1 A/AA violations:\n" + _readable(axe["violations"])


def test_page_works_without_javascript(
    browser: Browser, page: str, credential: dict[str, Any]
) -> None:
    """With JavaScript disabled the verdict, the checks and the language links are all there."""
    opened = browser.step(
        "open", page=page, url=_public_url(credential), javaScript=False, locale="en-GB"
    )

    assert opened["status"] == 200
    assert _verdict(browser, page)[0] == "valid"
    assert _checks(browser, page).get("proof") == "passed"
    switched = browser.step("click", page=page, selector='#languages a[hreflang="it"]')
    assert switched["lang"] == "it"


def test_no_request_leaves_the_service(
    browser: Browser, page: str, live_app: LiveApp, credential: dict[str, Any]
) -> None:
    """Every request the page makes (styles, images, the language switch) goes to the service."""
    browser.step("open", page=page, url=_public_url(credential), locale="en-GB")
    browser.step("click", page=page, selector='#languages a[hreflang="fr"]')

    requests = browser.step("requests", page=page)

    origin = urlsplit(live_app.base_url)
    assert len(requests) >= 2
    # data: URLs are not requests (inline content); anything else must be same-origin.
    elsewhere = [
        url
        for url in requests
        if not url.startswith("data:")
        and (urlsplit(url).scheme, urlsplit(url).netloc) != (origin.scheme, origin.netloc)
    ]
    assert elsewhere == []


def test_revocation_shows_on_reload(
    browser: Browser, page: str, live_app: LiveApp, artefact_dir: Path
) -> None:
    """Revoked through the API, the open page says revoked on its next load, at once.

    The revoked page's screenshot is kept beside the valid one.
    """
    issued = live_app.issue(achievement="leadership", outcome="expert", complexity="high")
    browser.step("open", page=page, url=_public_url(issued), locale="en-GB")
    assert _verdict(browser, page)[0] == "valid"

    live_app.revoke(issued["credential"]["id"].rsplit("/", 1)[-1])
    reloaded = browser.step("reload", page=page)

    assert reloaded["status"] == 200
    assert _verdict(browser, page)[0] == "revoked"
    assert _checks(browser, page).get("status") == "failed"
    browser.step("screenshot", page=page, path=str(artefact_dir / "public-page-revoked-en.png"))


def _submit_to_verifier(browser: Browser, page: str) -> dict[str, Any]:
    result: dict[str, Any] = browser.step(
        "click", page=page, selector='#verify-form [type="submit"]'
    )
    assert result["status"] == 200
    return result


def test_verify_form_checks_an_uploaded_baked_badge(
    browser: Browser, page: str, live_app: LiveApp, credential: dict[str, Any], tmp_path: Path
) -> None:
    """The baked ``badge.png``, chosen in the form's file input, verifies as valid."""
    badge = live_app.client.get(f"{_public_url(credential)}/badge.png")
    assert badge.status_code == 200
    path = tmp_path / "badge.png"
    path.write_bytes(badge.content)
    browser.step("open", page=page, url=f"{live_app.base_url}/verify", locale="en-GB")

    browser.step("upload", page=page, selector='#verify-form input[name="file"]', path=str(path))
    _submit_to_verifier(browser, page)

    assert _verdict(browser, page)[0] == "valid"


def test_verify_form_checks_pasted_json(
    browser: Browser, page: str, live_app: LiveApp, credential: dict[str, Any]
) -> None:
    """The signed credential pasted as JSON into the text area verifies as valid."""
    browser.step("open", page=page, url=f"{live_app.base_url}/verify", locale="en-GB")

    signed = json.dumps(credential["credential"])
    browser.step("fill", page=page, selector='#verify-form textarea[name="text"]', value=signed)
    _submit_to_verifier(browser, page)

    assert _verdict(browser, page)[0] == "valid"


def test_verify_form_refuses_a_tampered_credential(
    browser: Browser, page: str, live_app: LiveApp, credential: dict[str, Any]
) -> None:
    """A pasted credential whose recipient name was changed is invalid, its proof failed."""
    tampered = json.loads(json.dumps(credential["credential"]))
    tampered["credentialSubject"]["name"] = "Somebody Else"
    browser.step("open", page=page, url=f"{live_app.base_url}/verify", locale="en-GB")

    browser.step(
        "fill", page=page, selector='#verify-form textarea[name="text"]', value=json.dumps(tampered)
    )
    _submit_to_verifier(browser, page)

    assert _verdict(browser, page)[0] == "invalid"
    assert _checks(browser, page).get("proof") == "failed"
