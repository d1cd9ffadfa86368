"""A bounded, SSRF-guarded HTTP GET for JSON documents (did:web documents, status lists), and
for the credentials the verify page and ``POST /api/v1/verify`` read by URL (:meth:`fetch_body`).

Every fetch keeps these rules (security catalogue E1-E4, F9, H16, I11):

- ``https`` only (``http`` only when :attr:`FetchPolicy.allow_http`, a development switch); no
  user info in the URL; the scheme's default port only, unless a development switch is on;
- the host is resolved here (``resolve``, injectable), **every** address it resolves to is
  checked, and the connection is *pinned* to the checked address: the TCP connection goes to
  that IP while the ``Host`` header and the TLS SNI and certificate check keep the host name, so
  a second DNS answer (rebinding) is never used. Private, loopback, link-local, multicast,
  reserved, unspecified, CGNAT, v4-mapped/6to4/Teredo/NAT64 IPv6 and every other non-global
  address is refused unless :attr:`FetchPolicy.allow_private` (development);
- no redirect is followed (a 3xx answer is a failure); no proxy from the environment, no
  cookies, no authentication, a fixed ``User-Agent``;
- ``Accept-Encoding: identity``: a compressed ``Content-Encoding`` is refused, never inflated;
  the ``Content-Type`` must be JSON (``application/json``, ``…+json``, ``application/vc``), or,
  for :meth:`HttpFetcher.fetch_body`, one of the caller's media types;
- time and size bounds: each network operation and the whole transfer are bounded by
  :attr:`FetchPolicy.timeout` (a slow drip is cut at the deadline), and the body is counted
  while it streams in: more than ``max_bytes`` stops the transfer.

A failure raises :class:`FetchError` with a short reason (never a traceback); callers report
it as "could not be checked", never as valid. Two subclasses say more: :class:`FetchRefusedError`
(the URL or its address is refused by the policy: nothing was sent) and
:class:`FetchMediaTypeError` (the server answered with a media type the caller does not take).
"""

from __future__ import annotations

import concurrent.futures
import ipaddress
import json
import re
import socket
import ssl
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

import httpcore
import httpx

__all__ = [
    "DID_DOCUMENT_MAX_BYTES",
    "STATUS_LIST_MAX_BYTES",
    "USER_AGENT",
    "FetchError",
    "FetchMediaTypeError",
    "FetchPolicy",
    "FetchRefusedError",
    "Fetched",
    "FetchedBody",
    "Fetcher",
    "HttpFetcher",
    "Resolve",
    "address_refusal",
    "is_json_media_type",
    "system_resolve",
]

DID_DOCUMENT_MAX_BYTES: Final = 64 * 1024
"""Largest DID document accepted (catalogue E4)."""

STATUS_LIST_MAX_BYTES: Final = 2 * 1024 * 1024
"""Largest status list credential or revocation list accepted."""

USER_AGENT: Final = "leverup-badges-verifier/1"

_JSON_TYPES: Final = re.compile(
    r"application/(?:json|[a-z0-9.+-]*\+json|vc|did|did\+ld\+json|ld\+json)", re.IGNORECASE
)
_NAT64: Final = ipaddress.IPv6Network("64:ff9b::/96")
_NAT64_LOCAL: Final = ipaddress.IPv6Network("64:ff9b:1::/48")
_MAX_AGE: Final = re.compile(r"(?:^|,)\s*max-age\s*=\s*\"?([0-9]{1,10})\"?\s*(?:,|$)", re.I)
_NO_CACHE: Final = re.compile(r"(?:^|,)\s*(?:no-store|no-cache|private)\s*(?:[,=]|$)", re.I)

Resolve = Callable[[str, int], Sequence[str]]
"""Resolves ``(host, port)`` to IP address strings (``socket.getaddrinfo`` by default)."""

MediaTypes = Callable[[str], bool]
"""Says whether a response's media type (lower case, no parameters) is accepted."""


def is_json_media_type(media_type: str) -> bool:
    """Whether ``media_type`` (no parameters) is one of the JSON types :meth:`fetch_json` takes."""
    return _JSON_TYPES.fullmatch(media_type) is not None


class FetchError(Exception):
    """A document could not be fetched; ``message`` says why (safe to show)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class FetchRefusedError(FetchError):
    """The URL, its port or an address its host resolves to is refused by the policy, or the
    host does not resolve (the same refusal, so that it tells nothing about internal names);
    nothing was sent."""


class FetchMediaTypeError(FetchError):
    """The server answered with a media type the caller does not accept (the body is not read)."""

    def __init__(self, message: str, media_type: str) -> None:
        super().__init__(message)
        self.media_type = media_type


@dataclass(frozen=True)
class FetchPolicy:
    """What a fetch may reach.

    Attributes:
        allow_http: Also fetch ``http://`` URLs (development only).
        allow_private: Also connect to private, loopback and link-local addresses, and to
            ports other than the scheme's default (development only).
        timeout: Seconds for each network operation and for the whole transfer.
    """

    allow_http: bool = False
    allow_private: bool = False
    timeout: float = 3.0


@dataclass(frozen=True)
class Fetched:
    """A fetched JSON document.

    Attributes:
        url: The URL it was fetched from (no redirect is ever followed).
        data: The decoded JSON value.
        max_age: Seconds the server lets it be cached (``Cache-Control: max-age``); ``0`` for
            ``no-store``/``no-cache``/``private``; ``None`` when the server said nothing.
    """

    url: str
    data: Any
    max_age: float | None


@dataclass(frozen=True)
class FetchedBody:
    """A fetched body, undecoded.

    Attributes:
        url: The URL it was fetched from (no redirect is ever followed).
        body: The bytes, at most the caller's ``max_bytes``.
        media_type: The ``Content-Type`` without parameters, lower case.
        max_age: As :attr:`Fetched.max_age`.
    """

    url: str
    body: bytes
    media_type: str
    max_age: float | None = None


class Fetcher:
    """The interface the resolvers and status checkers use (see :class:`HttpFetcher`)."""

    policy: FetchPolicy = FetchPolicy()
    """What this fetcher may reach (the resolvers follow its development switches)."""

    def fetch_json(self, url: str, *, max_bytes: int, accept: str) -> Fetched:
        """GET ``url`` and decode its JSON body.

        Raises:
            FetchError: For any refusal or failure.
        """
        raise NotImplementedError

    def fetch_body(
        self, url: str, *, max_bytes: int, accept: str, media_types: MediaTypes
    ) -> FetchedBody:
        """GET ``url`` and return its body if ``media_types`` accepts its ``Content-Type``.

        Raises:
            FetchError: For any refusal or failure (see the subclasses).
        """
        raise NotImplementedError


_RESOLVERS: Final = concurrent.futures.ThreadPoolExecutor(
    max_workers=4, thread_name_prefix="leverup-resolve"
)
"""Host name resolution runs here, so that a slow resolver is bounded by the fetch's time limit
(``getaddrinfo`` itself cannot be interrupted). Four workers at most: when all are stuck,
later lookups wait in the queue and time out too (fail closed), and no thread is ever added."""


def system_resolve(host: str, port: int) -> list[str]:
    """Every IP address ``host`` resolves to (``socket.getaddrinfo``, TCP)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def address_refusal(address: str, *, allow_private: bool = False) -> str | None:
    """Why a connection to ``address`` is refused, or ``None`` if it is allowed.

    Args:
        address: An IPv4 or IPv6 address (a ``%zone`` suffix is refused).
        allow_private: Allow non-global unicast addresses (development).
    """
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return f"{address[:60]!r} is not an IP address"
    if ip.is_unspecified or ip.is_multicast:
        return f"{ip} is an unspecified or multicast address"
    if allow_private:
        return None
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is not None or ip in _NAT64 or ip in _NAT64_LOCAL:
            return f"{ip} embeds an IPv4 address (v4-mapped, 6to4, Teredo or NAT64)"
    if ip.is_loopback:
        return f"{ip} is a loopback address"
    if ip.is_link_local:
        return f"{ip} is a link-local address"
    if ip.is_private or ip.is_reserved or not ip.is_global:
        return f"{ip} is a private, reserved or otherwise non-public address"
    return None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _not_public(host: str) -> str:
    return f"the host {host[:100]!r} does not resolve to public addresses only"


def _legacy_ipv4(host: str) -> bool:
    """True for IPv4 spellings ``inet_aton`` accepts but ``ipaddress`` does not (``2130706433``,
    ``0x7f000001``, ``127.1``, octal): resolvers would turn them into addresses."""
    try:
        socket.inet_aton(host)
    except OSError:
        return host.rsplit(".", 1)[-1].isdigit()
    return True


def _max_age(headers: httpx.Headers) -> float | None:
    value = ", ".join(headers.get_list("cache-control"))
    if not value:
        return None
    if _NO_CACHE.search(value):
        return 0.0
    match = _MAX_AGE.search(value)
    return float(match[1]) if match else None


class _PinnedBackend(httpcore.NetworkBackend):
    """Opens every TCP connection to one checked IP address, whatever host it is asked for.

    httpcore still uses the URL's host for the ``Host`` header, the TLS SNI and the
    certificate check; only the socket's destination is pinned.
    """

    def __init__(self, address: str, inner: httpcore.NetworkBackend) -> None:
        self._address = address
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        return self._inner.connect_tcp(
            self._address,
            port,
            timeout=timeout,
            local_address=local_address,
            socket_options=socket_options,
        )

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are never used")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class _PinnedTransport(httpx.HTTPTransport):
    """httpx's transport over a connection pool whose backend is pinned to one address."""

    def __init__(self, backend: httpcore.NetworkBackend, ssl_context: ssl.SSLContext) -> None:
        super().__init__(verify=ssl_context, trust_env=False, retries=0)
        # httpx (pinned to 0.28 in pyproject) builds its pool without a network_backend
        # parameter; the pool is replaced by one over the pinned backend.
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context,
            max_connections=1,
            max_keepalive_connections=0,
            http1=True,
            http2=False,
            retries=0,
            network_backend=backend,
        )


class HttpFetcher(Fetcher):
    """Fetches JSON over HTTP(S) under a :class:`FetchPolicy` (see the module docstring).

    Args:
        policy: What may be reached, and the time bound.
        resolve: Host name resolution (injectable for tests); every answer is checked.
        network_backend: The httpcore backend that opens sockets (tests inject a recorder).
        ssl_context: The TLS context (default: httpx's, over certifi's roots).
        clock: A monotonic clock for the transfer deadline.
    """

    def __init__(
        self,
        policy: FetchPolicy | None = None,
        *,
        resolve: Resolve = system_resolve,
        network_backend: httpcore.NetworkBackend | None = None,
        ssl_context: ssl.SSLContext | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.policy = policy or FetchPolicy()
        self._resolve = resolve
        self._backend = network_backend or httpcore.SyncBackend()
        self._ssl_context = ssl_context
        self._clock = clock

    def fetch_json(self, url: str, *, max_bytes: int, accept: str) -> Fetched:
        """GET ``url`` and decode its JSON body (see the module docstring for the rules).

        Args:
            url: The absolute URL.
            max_bytes: The most body bytes accepted.
            accept: The ``Accept`` header.

        Returns:
            The decoded document and its cache lifetime.

        Raises:
            FetchError: For a refused URL or address, a network failure, a timeout, a redirect,
                a status other than 200, a compressed or non-JSON body, or one too large.
        """
        target, host, port = self._check_url(url)
        address = self._pick_address(host, port)
        body, headers = self._get(target, address, max_bytes, accept)
        try:
            data = json.loads(body, parse_constant=_no_constant)
        except (ValueError, RecursionError):
            raise FetchError("the response is not valid JSON") from None
        return Fetched(url=url, data=data, max_age=_max_age(headers))

    def fetch_body(
        self, url: str, *, max_bytes: int, accept: str, media_types: MediaTypes
    ) -> FetchedBody:
        """GET ``url`` under the same rules, accepting the media types ``media_types`` accepts.

        Args:
            url: The absolute URL.
            max_bytes: The most body bytes accepted.
            accept: The ``Accept`` header.
            media_types: Says which ``Content-Type`` values (no parameters, lower case) are taken.

        Returns:
            The body and its media type.

        Raises:
            FetchRefusedError: The URL or the host's address is refused (nothing was sent).
            FetchMediaTypeError: The answer's media type is not accepted.
            FetchError: A network failure, a timeout, a redirect, a status other than 200, a
                compressed body, or one too large.
        """
        target, host, port = self._check_url(url)
        address = self._pick_address(host, port)
        body, headers = self._get(target, address, max_bytes, accept, media_types)
        return FetchedBody(
            url=url, body=body, media_type=_media_type(headers), max_age=_max_age(headers)
        )

    def _check_url(self, url: str) -> tuple[httpx.URL, str, int]:
        try:
            target = httpx.URL(url)
            host = target.raw_host.decode("ascii")
        except (httpx.InvalidURL, UnicodeError, TypeError, ValueError):
            raise FetchRefusedError("the URL is not a valid absolute URL") from None
        schemes = ("https", "http") if self.policy.allow_http else ("https",)
        if target.scheme not in schemes:
            raise FetchRefusedError(f"only {' and '.join(schemes)} URLs are fetched")
        if not host:
            raise FetchRefusedError("the URL has no host")
        if target.userinfo:
            raise FetchRefusedError("URLs with user information are not fetched")
        default = 443 if target.scheme == "https" else 80
        port = target.port or default
        if port != default and not self.policy.allow_private:
            raise FetchRefusedError(f"port {port} is not allowed (only the scheme's default)")
        return target, host.strip("[]"), port

    def _pick_address(self, host: str, port: int) -> str:
        try:
            addresses = [str(ipaddress.ip_address(host))]
        except ValueError:
            if _legacy_ipv4(host):
                raise FetchRefusedError(
                    f"the host {host[:100]!r} is an IP address in a legacy form"
                ) from None
            lookup = _RESOLVERS.submit(self._resolve, host, port)
            try:
                addresses = list(lookup.result(timeout=self.policy.timeout))
            except concurrent.futures.TimeoutError:
                lookup.cancel()
                raise FetchError(
                    f"the host {host[:100]!r} could not be resolved within "
                    f"{self.policy.timeout:g} s"
                ) from None
            except (OSError, UnicodeError):
                addresses = []
        # A host that does not resolve and one that resolves to a private address get the same
        # refusal, without the resolver's text or the address: otherwise the answer tells
        # which internal host names exist (issue 12, item 38).
        if not addresses or any(
            address_refusal(address, allow_private=self.policy.allow_private) is not None
            for address in addresses
        ):
            raise FetchRefusedError(_not_public(host))
        return addresses[0]

    def _get(
        self,
        target: httpx.URL,
        address: str,
        max_bytes: int,
        accept: str,
        media_types: MediaTypes = is_json_media_type,
    ) -> tuple[bytes, httpx.Headers]:
        timeout = self.policy.timeout
        deadline = self._clock() + timeout
        ssl_context = self._ssl_context or httpx.create_ssl_context(trust_env=False)
        transport = _PinnedTransport(_PinnedBackend(address, self._backend), ssl_context)
        headers = {
            "Accept": accept,
            "Accept-Encoding": "identity",
            "User-Agent": USER_AGENT,
            "Cache-Control": "no-cache",
        }
        try:
            with (
                httpx.Client(
                    transport=transport,
                    follow_redirects=False,
                    trust_env=False,
                    timeout=httpx.Timeout(timeout),
                    headers=headers,
                ) as client,
                client.stream("GET", target) as response,
            ):
                _check_response(response, max_bytes, media_types)
                return _read(response, max_bytes, deadline, self._clock), response.headers
        except httpx.TimeoutException:
            raise FetchError(f"the server did not answer within {timeout:g} s") from None
        except httpx.HTTPError as exc:
            raise FetchError(f"the request failed ({type(exc).__name__})") from None


def _media_type(headers: httpx.Headers) -> str:
    value: str = headers.get("content-type", "")
    return value.split(";", 1)[0].strip().lower()


def _check_response(
    response: httpx.Response, max_bytes: int, media_types: MediaTypes = is_json_media_type
) -> None:
    if response.is_redirect or 300 <= response.status_code < 400:
        raise FetchError(f"HTTP {response.status_code}: redirects are not followed")
    if response.status_code != 200:
        raise FetchError(f"HTTP {response.status_code}")
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("", "identity"):
        raise FetchError(f"a compressed response ({encoding[:40]}) is refused")
    media_type = _media_type(response.headers)
    if not media_types(media_type):
        wanted = "JSON" if media_types is is_json_media_type else "an accepted type"
        shown = media_type[:60] or "untyped"
        raise FetchMediaTypeError(f"the response is {shown!r}, not {wanted}", media_type)
    length = response.headers.get("content-length")
    if length is not None and length.strip().isdigit() and int(length) > max_bytes:
        raise FetchError(f"the response is larger than {max_bytes} bytes")


def _read(
    response: httpx.Response, max_bytes: int, deadline: float, clock: Callable[[], float]
) -> bytes:
    body = bytearray()
    for chunk in response.iter_raw():
        body += chunk
        if len(body) > max_bytes:
            raise FetchError(f"the response is larger than {max_bytes} bytes")
        if clock() > deadline:
            raise FetchError("the transfer took longer than the time limit")
    return bytes(body)
