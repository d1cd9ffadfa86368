"""Stable identifiers of the catalogue's OB 3.0 objects.

Every id is a URL under the service's base URL (``LEVERUP_BASE_URL``)::

    {base}/achievements/{slug}
    {base}/achievements/{slug}/results/{scale}
    {base}/achievements/{slug}/results/{scale}/{level}

Slugs are validated at load time (lower-case ASCII and hyphens), so they need no escaping.
These functions do not check that the slug, scale or level exist; :class:`Catalogue` does.
"""

from __future__ import annotations

import functools
import urllib.parse

from badge_classes.errors import InvalidBaseUrlError


@functools.lru_cache(maxsize=64)
def normalize_base_url(base_url: str) -> str:
    """Validate a base URL and return it without trailing slashes.

    Args:
        base_url: An absolute ``http`` or ``https`` URL, optionally with a path, e.g.
            ``"https://badges.example.org"`` or ``"http://127.0.0.1:8000/"``.

    Returns:
        The URL without trailing slashes.

    Raises:
        InvalidBaseUrlError: If the URL is not absolute ``http``/``https``, has no host, carries
            credentials, a query or a fragment, or contains whitespace.
    """
    parts = urllib.parse.urlsplit(base_url)
    problem = None
    if parts.scheme not in ("http", "https"):
        problem = "the scheme must be http or https"
    elif not parts.hostname:
        problem = "a host is required"
    elif "@" in parts.netloc:
        problem = "credentials are not allowed"
    elif parts.query or parts.fragment or "?" in base_url or "#" in base_url:
        problem = "a query or fragment is not allowed"
    elif any(char.isspace() for char in base_url):
        problem = "whitespace is not allowed"
    if problem is not None:
        msg = f"invalid base URL {base_url!r}: {problem}"
        raise InvalidBaseUrlError(msg)
    return base_url.rstrip("/")


def achievement_id(base_url: str, slug: str) -> str:
    """Return the id of an Achievement.

    Args:
        base_url: The service base URL.
        slug: The competence or role slug.

    Returns:
        ``{base}/achievements/{slug}``.
    """
    return f"{normalize_base_url(base_url)}/achievements/{slug}"


def result_description_id(base_url: str, slug: str, scale: str) -> str:
    """Return the id of a ResultDescription of an Achievement.

    Args:
        base_url: The service base URL.
        slug: The competence slug.
        scale: ``"outcome"`` or ``"complexity"``.

    Returns:
        ``{base}/achievements/{slug}/results/{scale}``.
    """
    return f"{achievement_id(base_url, slug)}/results/{scale}"


def level_id(base_url: str, slug: str, scale: str, level: str) -> str:
    """Return the id of a RubricCriterionLevel of an Achievement.

    Args:
        base_url: The service base URL.
        slug: The competence slug.
        scale: ``"outcome"`` or ``"complexity"``.
        level: The level slug.

    Returns:
        ``{base}/achievements/{slug}/results/{scale}/{level}``.
    """
    return f"{result_description_id(base_url, slug, scale)}/{level}"
