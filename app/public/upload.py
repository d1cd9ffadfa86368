"""What a verification request carries: the credential bytes, unbaked when an image, or
fetched from another issuer's URL.

A PNG or SVG (by media type or by content) is unbaked with :mod:`common.baking`, which never
decodes pixels and refuses DTDs, compressed or duplicate credentials, trailing data and bad
CRCs (catalogue I1 to I7, I9, I10); any refusal is a 422 ``unreadable-badge-image`` problem.
JSON and compact JWT text go to the verifier unchanged.

A URL that is not ours is read by :func:`fetch_credential` through the bounded, SSRF-guarded
fetcher (:mod:`verifier.fetch`, catalogue H16 with E1-E4): https on the default port, no user
information, no fragment, public addresses only (each pinned), no redirect, at most
:data:`URL_MAX_BYTES`, the fetcher's time limit. Its ``Content-Type`` decides what it is: JSON
and JWT text go to the verifier, a PNG or SVG is unbaked as above, anything else is refused.
"""

from __future__ import annotations

from typing import Final
from urllib.parse import urlsplit

from common.baking import PNG_SIGNATURE, BakingError, unbake, unbake_png, unbake_svg
from common.errors import DomainError, InvalidInputError
from verifier.fetch import (
    Fetcher,
    FetchError,
    FetchMediaTypeError,
    FetchRefusedError,
    is_json_media_type,
)

__all__ = [
    "IMAGE_TYPES",
    "JWT_TYPES",
    "URL_ACCEPT",
    "URL_MAX_BYTES",
    "CredentialUnreachableError",
    "UnreadableBadgeImageError",
    "UnsupportedCredentialTypeError",
    "UrlNotAllowedError",
    "accepted_media_type",
    "checked_url",
    "credential_bytes",
    "fetch_credential",
    "looks_like_image",
]

PNG: Final = "image/png"
SVG: Final = "image/svg+xml"
IMAGE_TYPES: Final = frozenset({PNG, SVG})
JWT_TYPES: Final = frozenset({"text/plain", "application/jwt", "application/vc+jwt"})
"""Media types of a fetched compact JWT (``text/plain`` may also hold JSON: the verifier reads
either)."""

URL_MAX_BYTES: Final = 1_000_000
"""Largest credential read from a URL (the same 1 MB as an upload)."""

URL_ACCEPT: Final = (
    "application/vc+ld+json, application/ld+json;q=0.9, application/json;q=0.8, "
    "image/png;q=0.5, image/svg+xml;q=0.5, text/plain;q=0.4"
)
"""The ``Accept`` header of a credential fetched by URL."""

MAX_URL_LENGTH: Final = 2048

_URL_REFUSED: Final = (
    "only https URLs on the default port, without user information or fragment, whose host "
    "resolves to public addresses only, are fetched"
)


class UnreadableBadgeImageError(InvalidInputError):
    """An uploaded image is not a badge carrying exactly one readable credential."""

    slug = "unreadable-badge-image"
    title = "The image carries no readable credential"


class UrlNotAllowedError(InvalidInputError):
    """A credential URL the policy refuses (scheme, host, port, address, user info, fragment);
    nothing was sent."""

    slug = "url-not-allowed"
    title = "The URL is not fetched"


class UnsupportedCredentialTypeError(InvalidInputError):
    """A fetched URL answered with a media type that is not a credential (HTML, …)."""

    slug = "unsupported-credential-type"
    title = "The URL does not serve a credential"


class CredentialUnreachableError(DomainError):
    """A credential URL could not be read: timeout, too large, HTTP error, redirect, …"""

    slug = "credential-unreachable"
    title = "The credential could not be fetched"
    status = 502


def accepted_media_type(media_type: str) -> bool:
    """Whether a fetched body of ``media_type`` can be a credential (JSON, JWT text, PNG, SVG)."""
    return is_json_media_type(media_type) or media_type in JWT_TYPES or media_type in IMAGE_TYPES


def checked_url(url: str) -> str:
    """``url`` stripped, if it has no shape the fetcher should never see.

    Raises:
        UrlNotAllowedError: Too long, a control character, space or backslash, a fragment, a
            scheme other than https (or http, which the fetcher then refuses unless allowed),
            user information, or no host.
    """
    url = url.strip()
    if not url or len(url) > MAX_URL_LENGTH:
        raise UrlNotAllowedError(f"the URL must have 1 to {MAX_URL_LENGTH} characters")
    if any(ord(char) <= 0x20 or ord(char) == 0x7F or char == "\\" for char in url):
        raise UrlNotAllowedError("the URL holds a space, a control character or a backslash")
    if "#" in url:
        raise UrlNotAllowedError("URLs with a fragment ('#') are not fetched")
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        raise UrlNotAllowedError("the URL is not a valid absolute URL") from None
    if parts.scheme.lower() not in ("https", "http"):
        raise UrlNotAllowedError("only https URLs are fetched")
    if "@" in parts.netloc:
        raise UrlNotAllowedError("URLs with user information are not fetched")
    if not host:
        raise UrlNotAllowedError("the URL has no host")
    return url


def fetch_credential(fetcher: Fetcher, url: str) -> bytes:
    """The credential at another issuer's ``url``: fetched under the policy, then by media type.

    Args:
        fetcher: The bounded fetcher (its policy says whether http and private hosts are allowed).
        url: The URL (see :func:`checked_url`).

    Raises:
        UrlNotAllowedError: Refused before anything was sent.
        CredentialUnreachableError: The fetch failed.
        UnsupportedCredentialTypeError: The answer is not JSON, JWT text, a PNG or an SVG.
        UnreadableBadgeImageError: A PNG or SVG without one readable credential.
    """
    try:
        fetched = fetcher.fetch_body(
            checked_url(url),
            max_bytes=URL_MAX_BYTES,
            accept=URL_ACCEPT,
            media_types=accepted_media_type,
        )
    except FetchRefusedError:  # the reason may name a resolved address: never echoed
        raise UrlNotAllowedError(_URL_REFUSED) from None
    except FetchMediaTypeError as exc:
        raise UnsupportedCredentialTypeError(
            f"the URL answered {exc.media_type[:60] or 'untyped'!r}; a credential is JSON, a "
            "compact JWT (text/plain, application/jwt, application/vc+jwt), a PNG or an SVG"
        ) from None
    except FetchError as exc:
        raise CredentialUnreachableError(
            f"the credential could not be fetched: {exc.message}"
        ) from None
    if fetched.media_type in IMAGE_TYPES:
        return credential_bytes(fetched.body, fetched.media_type)
    if fetched.media_type in JWT_TYPES:
        return fetched.body.strip()
    return fetched.body


def looks_like_image(data: bytes) -> bool:
    """Whether ``data`` starts like a PNG or an XML/SVG document (not JSON, not a JWT)."""
    head = data[:64].removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
    return data.startswith(PNG_SIGNATURE) or head.startswith(b"<")


def credential_bytes(data: bytes, media: str | None = None) -> bytes:
    """The credential to verify: unbaked from an image, else ``data`` unchanged.

    Args:
        data: The uploaded bytes.
        media: Their declared media type (``image/png``, ``image/svg+xml`` force unbaking).

    Raises:
        UnreadableBadgeImageError: An image that cannot be unbaked safely (the detail says why).
    """
    media = (media or "").lower()
    if media not in IMAGE_TYPES and not looks_like_image(data):
        return data
    try:
        if media == PNG:
            return unbake_png(data)
        if media == SVG:
            return unbake_svg(data)
        return unbake(data)
    except BakingError as exc:
        raise UnreadableBadgeImageError(str(exc)) from None
