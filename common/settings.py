"""One settings object, read once from ``LEVERUP_*`` environment variables.

Every field is documented here and in the README's settings table (a test keeps the two in
step). Build it with :func:`load_settings` at the edge (CLI, app factory) and pass it down;
nothing reads the environment anywhere else.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

import msgspec

from common.errors import ConfigurationError

__all__ = ["ENV_PREFIX", "Settings", "base_url_configured", "load_settings", "served_base_url"]

ENV_PREFIX = "LEVERUP_"


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    """Service settings. Environment variable = ``LEVERUP_`` + the upper-cased field name."""

    base_url: str = "http://127.0.0.1:8000"
    """Public base URL of the service; achievement, credential and DID URLs live under it.
    When ``LEVERUP_BASE_URL`` is unset, ``leverup serve`` uses the host and port it serves
    (:func:`served_base_url`) and the other commands the base URL of the registry's
    organisations; this default applies only when neither is known."""

    data_dir: Path = Path("var")
    """Where the embedded database, the key store and the development secret live."""

    environment: Literal["development", "production"] = "development"
    """``development`` creates a master secret on first start (with a warning); ``production``
    refuses to start without ``LEVERUP_SECRET_KEY`` or ``LEVERUP_SECRET_KEY_FILE``."""

    secret_key: str | None = None
    """Master secret that encrypts private keys at rest: 32 bytes, hex or base64url."""

    secret_key_file: Path | None = None
    """File holding the master secret (mode 0600), e.g. a Docker secret."""

    default_lang: str = "en"
    """Language of issued credentials when a request names none (en, it, nl, fr, es, pl, da)."""

    clock_skew_seconds: int = 60
    """How far ahead of the verifier's an issuer's clock may run: tolerance on ``validFrom``
    only (``validUntil`` has none)."""

    issuer_name: str = "LEVER UP development issuer"
    """Name of the local default issuer profile (used by ``leverup issue``)."""

    database_url: str | None = None
    """Registry database: ``sqlite:///path`` or ``postgresql://user@host:port/db``; default a
    SQLite file ``leverup.db`` under the data directory."""

    status_list_max_age: int = 300
    """Seconds verifiers may cache a status list (``Cache-Control: max-age``, list ``ttl``)."""

    max_batch_items: int = 10_000
    """Most credentials one batch request may issue."""

    rate_limit_per_minute: int = 600
    """Requests per minute accepted from one client address (429 beyond it); 0 disables."""

    recipient_checks_per_minute: int = 10
    """Recipient checks (the e-mail check of the public page and ``recipient`` in
    ``POST /api/v1/verify``) accepted per minute from one client address (429 beyond it,
    catalogue H19); 0 disables."""

    url_fetches_per_minute: int = 30
    """Verifications of another host's credential URL (the verify page's and
    ``POST /api/v1/verify``'s ``url``) accepted per minute from one client address (429 beyond
    it, catalogue H16 after H14); 0 disables."""

    max_credentials_per_org_per_day: int = 50_000
    """Credentials one organisation may issue in any 24 hours (429 beyond it); 0 disables."""

    idempotency_ttl_hours: int = 24
    """Hours an ``Idempotency-Key`` is remembered; an older key counts as new and is purged;
    0 keeps keys for ever."""

    status_republish_seconds: int = 30
    """Seconds between the app's background re-signings of lagging status lists; 0 disables."""

    fetch_allow_private: bool = False
    """Development only: let the verifier fetch DID documents and status lists from private,
    loopback and link-local addresses, IP-literal and ``localhost`` did:web hosts, and ports other
    than the default. Refused in production."""

    fetch_allow_http: bool = False
    """Development only: let the verifier fetch over plain ``http`` (did:web documents too).
    Refused in production."""

    fetch_timeout_seconds: float = 3.0
    """Time limit of one verifier fetch (a DID document or a status list), per operation and in
    total."""

    trusted_dids: tuple[str, ...] = ()
    """Issuer DIDs shown as known issuers besides this registry's organisations (comma-separated
    in the environment)."""

    header_timeout_seconds: float = 10.0
    """Time a client has to send a request's headers (``leverup serve``); the connection is
    closed beyond it."""

    body_timeout_seconds: float = 30.0
    """Time a client has to send a request's body, read in full before any database work (408
    ``request-timeout`` beyond it)."""

    write_queue_size: int = 100
    """Write requests (issue, batch, lifecycle, tokens, keys ...) that may wait for their turn
    to the database; one more is answered 503 ``service-busy`` with ``Retry-After``."""

    write_queue_wait_seconds: float = 10.0
    """Longest wait of a write request in that queue (503 ``service-busy`` beyond it)."""

    trusted_proxies: tuple[str, ...] = ()
    """Addresses (or networks) of reverse proxies whose ``X-Forwarded-For`` and
    ``X-Forwarded-Proto`` are believed (comma-separated in the environment); none by default,
    so the client address is the peer's."""

    @property
    def database(self) -> str:
        """The registry database URL (the embedded SQLite default when unset)."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'leverup.db').resolve()}"

    @property
    def host(self) -> str:
        """The host (with port, if any) of ``base_url``."""
        return urlsplit(self.base_url).netloc

    def __post_init__(self) -> None:
        parts = urlsplit(self.base_url)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ConfigurationError(f"LEVERUP_BASE_URL must be an http(s) URL: {self.base_url!r}")
        if parts.path not in {"", "/"} or parts.query or parts.fragment:
            raise ConfigurationError(
                f"LEVERUP_BASE_URL must be scheme://host[:port] without a path: {self.base_url!r}"
            )
        if self.base_url.endswith("/"):
            msgspec.structs.force_setattr(self, "base_url", self.base_url.rstrip("/"))
        if self.database_url is not None and not self.database_url.startswith(
            ("sqlite:///", "postgresql://", "postgres://")
        ):
            raise ConfigurationError(
                "LEVERUP_DATABASE_URL must be sqlite:///path or postgresql://user@host:port/db"
            )
        if self.rate_limit_per_minute < 0:
            raise ConfigurationError("LEVERUP_RATE_LIMIT_PER_MINUTE must not be negative")
        for name in (
            "recipient_checks_per_minute",
            "url_fetches_per_minute",
            "max_credentials_per_org_per_day",
            "idempotency_ttl_hours",
            "status_republish_seconds",
        ):
            if getattr(self, name) < 0:
                raise ConfigurationError(f"LEVERUP_{name.upper()} must not be negative")
        if self.clock_skew_seconds < 0:
            raise ConfigurationError("LEVERUP_CLOCK_SKEW_SECONDS must not be negative")
        if self.environment == "production" and (self.fetch_allow_private or self.fetch_allow_http):
            raise ConfigurationError(
                "LEVERUP_FETCH_ALLOW_PRIVATE and LEVERUP_FETCH_ALLOW_HTTP are development switches"
            )
        if not 0 < self.fetch_timeout_seconds <= 60:
            raise ConfigurationError("LEVERUP_FETCH_TIMEOUT_SECONDS must be in (0, 60]")
        for name in ("header_timeout_seconds", "body_timeout_seconds", "write_queue_wait_seconds"):
            if not 0 < getattr(self, name) <= 3600:
                raise ConfigurationError(f"LEVERUP_{name.upper()} must be in (0, 3600]")
        if self.write_queue_size < 0:
            raise ConfigurationError("LEVERUP_WRITE_QUEUE_SIZE must not be negative")
        for proxy in self.trusted_proxies:
            try:
                ipaddress.ip_network(proxy, strict=False)
            except ValueError:
                raise ConfigurationError(
                    f"LEVERUP_TRUSTED_PROXIES: {proxy!r} is not an IP address or network"
                ) from None


_LIST_FIELDS = frozenset({"trusted_dids", "trusted_proxies"})
"""Settings given as comma-separated lists in the environment."""


def _split(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def _decode(kind: type, value: object) -> object:
    if kind is Path and isinstance(value, str):
        return Path(value)
    raise NotImplementedError(kind)


def load_settings(environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
    """Build :class:`Settings` from ``LEVERUP_*`` variables, then apply ``overrides``.

    Raises:
        ConfigurationError: for an unknown ``LEVERUP_*`` variable or an invalid value.
    """
    env = os.environ if environ is None else environ
    fields = set(Settings.__struct_fields__)
    raw: dict[str, object] = {}
    for name, value in env.items():
        if not name.startswith(ENV_PREFIX):
            continue
        field = name[len(ENV_PREFIX) :].lower()
        if field.startswith(("test_", "require_", "bench_")):
            continue  # test and benchmark switches (LEVERUP_TEST_*, _REQUIRE_*, _BENCH_*)
        if field not in fields:
            raise ConfigurationError(f"unknown setting {name}")
        raw[field] = _split(value) if field in _LIST_FIELDS else value
    raw.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return msgspec.convert(raw, Settings, strict=False, dec_hook=_decode)
    except msgspec.ValidationError as exc:
        raise ConfigurationError(f"invalid setting: {exc}") from exc


_WILDCARDS = {"", "0.0.0.0", "::", "[::]"}  # noqa: S104 - names, not a bind


def served_base_url(host: str, port: int) -> str:
    """The base URL of a service listening on ``host``:``port`` (plain ``http``, as
    ``leverup serve`` serves). A wildcard address (``0.0.0.0``, ``::``) is reached on loopback;
    an IPv6 address is bracketed."""
    if host in _WILDCARDS:
        host = "[::1]" if ":" in host else "127.0.0.1"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


def base_url_configured(environ: Mapping[str, str] | None = None) -> bool:
    """Whether ``LEVERUP_BASE_URL`` is set (non-empty) in ``environ`` (the process's by
    default)."""
    env = os.environ if environ is None else environ
    return bool(env.get(ENV_PREFIX + "BASE_URL", "").strip())
