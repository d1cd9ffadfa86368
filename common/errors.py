"""The error tree shared by every package.

Each error carries what an HTTP edge needs to render an RFC 9457 problem: a stable ``slug``
(the last segment of the problem ``type``), a ``title`` and an HTTP ``status``. Services raise
these; only the application layer turns them into responses.

::

    DomainError
    ├── InvalidInputError (422)
    │   └── UnsignableDocumentError (422)   a key of the document would go unsigned
    ├── NotFoundError (404)
    ├── ConflictError (409)
    └── ConfigurationError (500)
"""

from __future__ import annotations

from typing import Any, ClassVar

__all__ = [
    "ConfigurationError",
    "ConflictError",
    "DomainError",
    "InvalidInputError",
    "NotFoundError",
    "UnsignableDocumentError",
]


class DomainError(Exception):
    """Base of every error the services raise on purpose."""

    slug: ClassVar[str] = "domain-error"
    title: ClassVar[str] = "The request could not be completed"
    status: ClassVar[int] = 400

    headers: dict[str, str] | None = None
    """HTTP headers the response must carry (e.g. ``WWW-Authenticate``), if any."""
    extra: dict[str, Any] | None = None
    """Extension members of the problem (e.g. a per-row report), if any."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class InvalidInputError(DomainError):
    """The input is well-formed but cannot be processed."""

    slug = "invalid-input"
    title = "Invalid input"
    status = 422


class UnsignableDocumentError(InvalidInputError):
    """A document would lose data when signed (undefined term, relative IRI, bad context)."""

    slug = "unsignable-document"
    title = "The document cannot be signed without losing data"


class NotFoundError(DomainError):
    """The addressed thing does not exist (or is not visible to the caller)."""

    slug = "not-found"
    title = "Not found"
    status = 404


class ConflictError(DomainError):
    """The request conflicts with the current state."""

    slug = "conflict"
    title = "Conflict"
    status = 409


class ConfigurationError(DomainError):
    """The service is misconfigured (a setting is missing or invalid)."""

    slug = "configuration-error"
    title = "Service misconfigured"
    status = 500
