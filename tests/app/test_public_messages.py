"""The UI strings of the public pages: the same keys in all seven languages, really translated."""

from __future__ import annotations

import re
import string
from importlib import resources

import pytest

from app.public.i18n import language_names, messages
from badge_classes import LANGUAGES

OTHERS = [lang for lang in LANGUAGES if lang != "en"]
SPOT_CHECKED = (
    "skip",
    "verdict_valid",
    "verdict_revoked",
    "verdict_suspended",
    "verdict_expired",
    "verdict_unknown",
    "checks_heading",
    "check_proof",
    "status_passed",
    "claims_heading",
    "issuer",
    "valid_until",
    "verify_submit",
    "not_found_title",
    "holder_hide",
    "linkedin",
)
"""Keys whose text no other language shares with English."""


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("lang", OTHERS)
def test_every_key_in_every_language(lang: str) -> None:
    """Each language has exactly the English keys."""
    assert set(messages(lang)) == set(messages("en"))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_empty_message(lang: str) -> None:
    """No message is blank."""
    assert [key for key, text in messages(lang).items() if not text.strip()] == []


@pytest.mark.parametrize("lang", OTHERS)
def test_placeholders_match_english(lang: str) -> None:
    """{host}, {name}, {moment} are the same in every translation."""
    english = messages("en")
    for key, text in messages(lang).items():
        assert _fields(text) == _fields(english[key]), key


@pytest.mark.parametrize("lang", OTHERS)
def test_not_left_in_english(lang: str) -> None:
    """Spot check: the words every page shows are translated."""
    english, translated = messages("en"), messages(lang)
    untranslated = [key for key in SPOT_CHECKED if translated[key] == english[key]]
    assert untranslated == []


def test_known_words() -> None:
    """A few translations checked by hand."""
    assert messages("it").verdict_revoked == "Revocata"
    assert messages("fr").verdict_valid == "Valide"
    assert messages("pl").verify_submit == "Zweryfikuj"
    assert messages("da").verdict_expired == "Udløbet"
    assert messages("nl").verdict_suspended == "Opgeschort"
    assert messages("es").not_found_title == "Credencial no encontrada"


def test_templates_use_only_known_keys() -> None:
    """Every t.<key> a template reads exists."""
    folder = resources.files("app.public").joinpath("templates")
    used: set[str] = set()
    for entry in folder.iterdir():
        if entry.name.endswith(".html"):
            used |= set(re.findall(r"\bt\.([a-z_]+)", entry.read_text("utf-8")))
    assert used
    assert used - set(messages("en")) == set()


def test_language_names_in_their_own_language() -> None:
    """The switcher names each language in itself (CLDR)."""
    names = language_names()
    assert list(names) == list(LANGUAGES)
    assert names["it"] == "Italiano" and names["da"] == "Dansk" and names["pl"] == "Polski"


def test_unknown_language_is_refused() -> None:
    """Only the seven languages have messages."""
    with pytest.raises(ValueError, match="unsupported"):
        messages("de")
