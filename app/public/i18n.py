"""The public pages' languages: negotiation, UI messages and locale-aware dates.

Seven languages, the catalogue's: en, it, nl, fr, es, pl, da. The language of a page is
``?lang=xx`` when it names one of them, else the best match of ``Accept-Language`` (q-values
honoured, ``fr-BE`` matching ``fr``; Babel's CLDR-aware negotiation), else English.

UI strings live in ``messages/<lang>.toml`` (flat ``key = "text"``; ``{name}`` placeholders are
filled with :meth:`str.format`). They are read once, when the module is first used.
"""

from __future__ import annotations

import functools
import tomllib
from datetime import UTC, date, datetime
from importlib import resources
from typing import Final

from babel import Locale, UnknownLocaleError, negotiate_locale
from babel.dates import format_date, format_datetime

from badge_classes import LANGUAGES

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "Messages",
    "format_day",
    "format_moment",
    "language_names",
    "messages",
    "negotiate",
]

DEFAULT_LANGUAGE: Final = "en"
_MAX_ACCEPT_ENTRIES: Final = 20


class Messages(dict[str, str]):
    """The UI strings of one language; ``messages.key`` reads like ``messages["key"]``.

    Shared between requests: never modify one.
    """

    def __getattr__(self, key: str) -> str:
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key) from None


@functools.cache
def messages(lang: str) -> Messages:
    """The UI strings of ``lang`` (one of :data:`LANGUAGES`), read once."""
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}")
    text = resources.files("app.public").joinpath("messages", f"{lang}.toml").read_text("utf-8")
    data = tomllib.loads(text)
    if not all(isinstance(value, str) for value in data.values()):
        raise ValueError(f"messages/{lang}.toml holds a value that is not a string")
    return Messages(data)


@functools.cache
def language_names() -> dict[str, str]:
    """Each language's name in that language (for the switcher), e.g. ``{"it": "Italiano"}``."""
    names = {}
    for lang in LANGUAGES:
        name = Locale.parse(lang).get_display_name(lang) or lang
        names[lang] = name[:1].upper() + name[1:]
    return names


def _preferences(accept_language: str | None) -> list[str]:
    """The tags of an ``Accept-Language`` header, best first (q=0 dropped)."""
    if not accept_language:
        return []
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate(accept_language.split(",")[:_MAX_ACCEPT_ENTRIES]):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        tag = tag.strip()
        if tag and tag != "*" and quality > 0:
            ranked.append((-quality, position, tag.replace("_", "-")))
    return [tag for _, _, tag in sorted(ranked)]


@functools.lru_cache(maxsize=512)
def _negotiate_header(accept_language: str | None) -> str:
    try:
        found = negotiate_locale(_preferences(accept_language), LANGUAGES, sep="-")
    except (UnknownLocaleError, ValueError):
        found = None
    return found if found in LANGUAGES else DEFAULT_LANGUAGE


def negotiate(query: str | None, accept_language: str | None) -> str:
    """The page language: ``query`` (``?lang=``) if supported, else ``Accept-Language``'s best."""
    if query is not None and query.lower() in LANGUAGES:
        return query.lower()
    header = accept_language[:500] if accept_language else None
    return _negotiate_header(header)


def format_day(value: date | datetime | None, lang: str) -> str | None:
    """A date in the long form of ``lang`` (e.g. "3 marzo 2026"), or None."""
    if value is None:
        return None
    if isinstance(value, datetime):
        value = value.astimezone(UTC).date()
    return format_date(value, format="long", locale=lang)


def format_moment(value: datetime, lang: str) -> str:
    """A date and time (UTC) in the medium form of ``lang``."""
    return format_datetime(value.astimezone(UTC), format="medium", tzinfo=UTC, locale=lang) + " UTC"
