"""How ``leverup serve`` runs the application under uvicorn: the options that bound what a
client can hold (issue 12).

- **Header timeout** (item 25): uvicorn closes an idle keep-alive connection
  (``timeout_keep_alive``) but gives a new connection, or a request whose headers trickle in,
  all the time it likes. :func:`header_timeout_protocol` is uvicorn's own ``httptools``
  protocol with one timer more: a connection that has not sent a request's complete headers
  within ``LEVERUP_HEADER_TIMEOUT_SECONDS`` is closed. The body's time limit is the
  application's (:class:`app.http_limits.BodyReader`, ``LEVERUP_BODY_TIMEOUT_SECONDS``).
- **Trusted proxies** (item 33): uvicorn believes ``X-Forwarded-For`` from any loopback peer by
  default, so any client on the host (or a proxy that passes the header through) could pick
  its own address, and with it its own rate-limit budget. The header is believed only from
  ``LEVERUP_TRUSTED_PROXIES`` (default: none, the client address is the peer's).
- **No secrets in the access log** (item 34): uvicorn logs every request's path with its query
  string, so each view of a holder page (``?key=`` is the holder's secret) logged the key.
  :class:`RedactQuery`, a filter on the access log, keeps only the values of query parameters
  known to be harmless (``lang``, ``limit`` ...) and writes ``[redacted]`` for the others.
"""

from __future__ import annotations

import asyncio
import copy
import logging
from typing import Any, Final
from urllib.parse import parse_qsl, quote, urlsplit

from uvicorn.config import LOGGING_CONFIG
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from common.settings import Settings

__all__ = [
    "KEEP_ALIVE_SECONDS",
    "LOGGED_QUERY_PARAMETERS",
    "RedactQuery",
    "header_timeout_protocol",
    "log_config",
    "uvicorn_options",
]

KEEP_ALIVE_SECONDS: Final = 5
"""How long an idle keep-alive connection stays open between requests."""


class _HeaderTimeoutProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, closing a connection whose request headers are late."""

    header_timeout: float = 10.0
    _header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_header_timer()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm_header_timer()

    def on_headers_complete(self) -> None:
        self._disarm_header_timer()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_header_timer()
        super().connection_lost(exc)

    def _arm_header_timer(self) -> None:
        self._disarm_header_timer()
        self._header_timer = self.loop.call_later(self.header_timeout, self._headers_late)

    def _disarm_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_late(self) -> None:
        self._header_timer = None
        if not self.transport.is_closing():
            self.transport.close()


def header_timeout_protocol(seconds: float) -> type[HttpToolsProtocol]:
    """uvicorn's httptools protocol that closes a connection whose request headers have not
    all arrived within ``seconds`` of the connection (or of the request's first byte)."""
    return type("HeaderTimeoutProtocol", (_HeaderTimeoutProtocol,), {"header_timeout": seconds})


LOGGED_QUERY_PARAMETERS: Final = frozenset(
    {"lang", "limit", "offset", "after", "size", "achievement", "status", "valid"}
)
"""Query parameters whose values the access log keeps; any other value (a holder key, an
address, a token, a date) is written ``[redacted]``."""

REDACTED: Final = "[redacted]"


def redact_query(target: str) -> str:
    """``target`` (a path with its query string) with every value not known to be harmless
    replaced by ``[redacted]``."""
    parts = urlsplit(target)
    if not parts.query:
        return target
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    query = "&".join(
        f"{quote(name, safe='')}="
        + (quote(value, safe="") if name in LOGGED_QUERY_PARAMETERS else REDACTED)
        for name, value in pairs
    )
    return f"{parts.path}?{query}"


class RedactQuery(logging.Filter):
    """A filter on uvicorn's access log: query values redacted (see :func:`redact_query`).

    uvicorn logs ``(client, method, path with query, HTTP version, status)`` as the record's
    arguments; the path is the third.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], redact_query(args[2]), *args[3:])
        return True


def log_config() -> dict[str, Any]:
    """uvicorn's logging configuration with :class:`RedactQuery` on the access log."""
    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["redact_query"] = {"()": f"{__name__}.RedactQuery"}
    config["handlers"]["access"]["filters"] = ["redact_query"]
    return config


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """The keyword arguments of ``uvicorn.run`` / ``uvicorn.Config`` these settings ask for."""
    return {
        "log_config": log_config(),
        "http": header_timeout_protocol(settings.header_timeout_seconds),
        "timeout_keep_alive": KEEP_ALIVE_SECONDS,
        "proxy_headers": bool(settings.trusted_proxies),
        "forwarded_allow_ips": list(settings.trusted_proxies),
    }
