"""The response headers every answer of the service gets, in one place (issue 12, item 35).

:func:`security_headers` is the application's ``before_send`` hook, so it sees every response:
handlers', problems from the error handlers, and the framework's own 404s and 405s.

- ``X-Content-Type-Options: nosniff`` on everything (JSON, problems, DID documents, status
  lists, images, pages), unless the handler set it.
- ``Cache-Control: no-store`` on every answer under ``/api/`` that sets no cache policy of its
  own: they are private (an organisation's profile, tokens, audit log) or per request.
- The API documentation pages (``/schema``) get a Content Security Policy that loads nothing
  from elsewhere and forbids framing (``frame-ancestors 'none'``, ``X-Frame-Options: DENY``).
  The public pages set their own, stricter CSP (no script at all).
"""

from __future__ import annotations

from typing import Final

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

__all__ = ["DOCS_CSP", "security_headers"]

DOCS_CSP: Final = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; worker-src 'self' blob:; "
    "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
"""The documentation pages' policy: their scripts and styles from this service only (the
page's own inline start-up script allowed), never framed."""

_DOCS_PREFIX: Final = "/schema"


async def security_headers(message: Message, scope: Scope) -> None:
    """Add the service-wide headers to a response's start message (see the module)."""
    if message["type"] != "http.response.start":
        return
    headers = MutableScopeHeaders.from_message(message)
    if "x-content-type-options" not in headers:
        headers["X-Content-Type-Options"] = "nosniff"
    path = scope.get("path", "")
    if path.startswith("/api/") and "cache-control" not in headers:
        headers["Cache-Control"] = "no-store"
    if path == _DOCS_PREFIX or path.startswith(_DOCS_PREFIX + "/"):
        if "content-security-policy" not in headers:
            headers["Content-Security-Policy"] = DOCS_CSP
        if "x-frame-options" not in headers:
            headers["X-Frame-Options"] = "DENY"
