"""The profile fields of an organisation and their checks (slug, text, URL, e-mail, address).

Values are checked before anything is signed or stored, so PostgreSQL and SQLite accept the same
values (a NUL, refused here, would otherwise fail only on PostgreSQL, after signing).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final
from urllib.parse import urlsplit

import icu
import msgspec

from common.errors import InvalidInputError
from registry.models import OrganisationRecord

__all__ = [
    "RESERVED_SLUGS",
    "Address",
    "address_of",
    "check_email",
    "check_slug",
    "check_text",
    "check_url",
    "encode_address",
    "name_key",
]

_SLUG: Final = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])")
_EMAIL: Final = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")

RESERVED_SLUGS: Final = frozenset(
    {
        "admin", "api", "app", "assets", "auth", "credentials", "did", "docs", "health",
        "leverup", "login", "logout", "new", "null", "openapi", "orgs", "root", "schema",
        "static", "status", "system", "undefined", "verify", "well-known", "www",
    }
)  # fmt: skip
"""Slugs that name parts of the service (or would read as if they did)."""


class Address(
    msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True, omit_defaults=True
):
    """An OB 3.0 ``Address`` of an organisation (kept for the profile; not yet published)."""

    street_address: str | None = msgspec.field(default=None, name="streetAddress")
    post_office_box_number: str | None = msgspec.field(default=None, name="postOfficeBoxNumber")
    postal_code: str | None = msgspec.field(default=None, name="postalCode")
    address_locality: str | None = msgspec.field(default=None, name="addressLocality")
    address_region: str | None = msgspec.field(default=None, name="addressRegion")
    address_country: str | None = msgspec.field(default=None, name="addressCountry")
    address_country_code: str | None = msgspec.field(default=None, name="addressCountryCode")


def check_slug(slug: str) -> str:
    """Return ``slug`` if it is 2 to 64 of ``[a-z0-9-]`` (no edge hyphen) and not reserved.

    Raises:
        InvalidInputError: Otherwise.
    """
    if not isinstance(slug, str) or not _SLUG.fullmatch(slug):
        raise InvalidInputError(
            "an organisation slug is 2 to 64 characters of a-z, 0-9 and '-', "
            "starting and ending with a letter or digit"
        )
    if slug in RESERVED_SLUGS:
        raise InvalidInputError(f"the slug {slug!r} is reserved")
    return slug


def check_text(field: str, value: str, limit: int) -> str:
    """Return ``value`` if it is non-blank, at most ``limit`` characters and control-free.

    Raises:
        InvalidInputError: Otherwise (NUL and other control characters included).
    """
    if not value.strip():
        raise InvalidInputError(f"{field} must not be empty")
    if len(value) > limit:
        raise InvalidInputError(f"{field} must be at most {limit} characters")
    if any(unicodedata.category(char) == "Cc" for char in value):
        raise InvalidInputError(f"{field} must not contain control characters")
    return value


_SPOOF: Final = icu.SpoofChecker()


def name_key(name: str) -> str:
    """The key under which organisation names must be unique: equal for names a reader could
    take for one another.

    NFKC (full-width and compatibility forms), whitespace runs collapsed, then the UTS #39
    skeleton (ICU's SpoofChecker: a Cyrillic Es for a Latin ``C``, ``0`` for ``O``, ``I`` for
    ``l``), case-folded, and the skeleton again (what case folding made confusable). Two names
    with the same key are "the same name" (case- and confusable-insensitive).
    """
    text = unicodedata.normalize("NFKC", " ".join(name.split()))
    folded = _SPOOF.getSkeleton(0, text).casefold()
    return str(_SPOOF.getSkeleton(0, folded))


def check_url(field: str, value: str) -> str:
    """Return ``value`` if it is an absolute http(s) URL of at most 500 characters.

    Raises:
        InvalidInputError: Otherwise.
    """
    check_text(field, value, 500)
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or " " in value:
        raise InvalidInputError(f"{field} must be an absolute http(s) URL")
    return value


def check_email(value: str) -> str:
    """Return ``value`` if it looks like an e-mail address (at most 254 characters).

    Raises:
        InvalidInputError: Otherwise.
    """
    check_text("email", value, 254)
    if not _EMAIL.fullmatch(value):
        raise InvalidInputError("email must be an e-mail address")
    return value


def address_of(org: OrganisationRecord) -> Address | None:
    """The organisation's stored address, or None."""
    if org.address is None:
        return None
    return msgspec.json.decode(org.address, type=Address)


def encode_address(address: Address | None) -> str | None:
    """The stored form of an address (JSON text), each part checked like other text.

    Raises:
        InvalidInputError: If a part is blank, longer than 200 characters or holds control
            characters.
    """
    if address is None:
        return None
    for name in address.__struct_fields__:
        value = getattr(address, name)
        if value is not None:
            check_text(f"address {name}", value, 200)
    return msgspec.json.encode(address).decode("utf-8")
