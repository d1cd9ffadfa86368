"""Compose a verifier: did:key, our own issuers' did:web locally, and, when a fetcher is given,
any other did:web and status list over the bounded network fetcher."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from datetime import timedelta
from typing import Any

from common.jsonld import JsonLdProcessor
from common.settings import Settings
from verifier import (
    DEFAULT_CLOCK_SKEW,
    CompositeResolver,
    DidKeyResolver,
    KeyResolver,
    LocalDidWebResolver,
    SeenStatusBits,
    StatusChecker,
    Verifier,
)
from verifier.fetch import Fetcher, FetchPolicy, HttpFetcher
from verifier.remote_status import CompositeStatusChecker, RemoteStatusChecker
from verifier.web_did import FallbackResolver, WebDidResolver

__all__ = ["make_fetcher", "make_verifier"]


def make_fetcher(settings: Settings) -> HttpFetcher:
    """The bounded fetcher of ``settings`` (https, public addresses, time limit)."""
    return HttpFetcher(
        FetchPolicy(
            allow_http=settings.fetch_allow_http,
            allow_private=settings.fetch_allow_private,
            timeout=settings.fetch_timeout_seconds,
        )
    )


def make_verifier(
    processor: JsonLdProcessor,
    *,
    local_documents: Callable[[str], Mapping[str, Any] | None] | None = None,
    status_checker: StatusChecker | None = None,
    clock_skew: timedelta = DEFAULT_CLOCK_SKEW,
    fetcher: Fetcher | None = None,
    base_url: str | None = None,
    own_hosts: Collection[str] = (),
    known_issuers: Callable[[str], bool] | None = None,
    seen_bits: SeenStatusBits | None = None,
) -> Verifier:
    """A verifier: did:key → local did:web → network did:web; status local, else remote.

    Without ``fetcher`` nothing is fetched: any other did:web makes the proof check report "could
    not be checked" (an error, never valid), and so does a foreign status list.

    Args:
        processor: The JSON-LD processor over the pinned contexts.
        local_documents: Our own issuers' DID documents by DID (``None``: no local did:web).
        status_checker: The checker of our own status lists (the registry's).
        clock_skew: Tolerance for dates and proof expiry.
        fetcher: The bounded network fetcher; enables network did:web and foreign status lists.
        base_url: This service's base URL: status lists under it go to ``status_checker``, the
            rest to the network (needs ``fetcher``); ``None`` sends everything to
            ``status_checker``.
        own_hosts: This service's hosts: did:web DIDs under them are never fetched.
        known_issuers: Says whether an issuer is known (the report's ``issuerKnown``).
        seen_bits: The memory of revocation bits seen set in foreign lists (rollback
            protection; ``None``: in this process's memory only).
    """
    local: KeyResolver | None = None
    if local_documents is not None:
        local = LocalDidWebResolver(local_documents)
    if fetcher is not None:
        network = WebDidResolver(
            fetcher,
            own_hosts=own_hosts,
            allow_development_hosts=fetcher.policy.allow_private,
            http=fetcher.policy.allow_http,
        )
        local = network if local is None else FallbackResolver(local, network)
    resolvers: list[KeyResolver] = [DidKeyResolver()]
    if local is not None:
        resolvers.append(local)
    resolver = CompositeResolver(resolvers)
    remote: StatusChecker | None = None
    if fetcher is not None:
        remote = RemoteStatusChecker(
            fetcher, processor, resolver, skew=clock_skew, seen_bits=seen_bits
        )
    checker = status_checker if status_checker is not None else remote
    if base_url is not None and status_checker is not None:
        checker = CompositeStatusChecker(base_url, status_checker, remote)
    return Verifier(
        processor,
        resolver,
        status_checker=checker,
        clock_skew=clock_skew,
        known_issuers=known_issuers,
    )
