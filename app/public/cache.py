"""Small, thread-safe caches of the public pages: verification reports and rendered pages.

A report is keyed by what can change the result: ``(uuid, credential version, status list id,
status list version)``. A revocation or suspension bumps the list's version, a re-issue bumps
the credential's version, so the next view misses the cache and verifies again: a revocation
shows at once. Results that depend on the time (not yet valid, expired) are kept only until the
next boundary (``validFrom``/``validUntil`` give or take the clock skew), and no entry is kept
longer than ``max_age``, so a time-based verdict is always computed for the moment of the view.

A rendered page is kept under ``(uuid, language)`` together with the state it was rendered
for (:data:`PageState`); it is served only while the registry still reports that same state
and the page is fresh, so the hot path of a page is one tiny query and a lookup.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from datetime import datetime, timedelta
from typing import Final, Generic, TypeVar

from common.cache import LruCache
from verifier import VerificationReport

__all__ = [
    "CacheKey",
    "FreshCache",
    "PageCache",
    "PageState",
    "VerificationCache",
    "fresh_until",
]

CacheKey = tuple[str, int, int, int]
"""``(uuid, credential version, status list id, status list version)``."""
PageState = tuple[int, str, int, int]
"""``(credential version, registry status, status list id, status list version)``."""

DEFAULT_MAX_ENTRIES: Final = 4096
DEFAULT_MAX_AGE: Final = timedelta(minutes=5)

_K = TypeVar("_K", bound=Hashable)
_V = TypeVar("_V")


def fresh_until(
    now: datetime, boundaries: Iterable[datetime | None], max_age: timedelta = DEFAULT_MAX_AGE
) -> datetime:
    """The moment a result computed ``now`` may go stale: the next boundary, or ``max_age``."""
    limit = now + max_age
    for boundary in boundaries:
        if boundary is not None and now < boundary < limit:
            limit = boundary
    return limit


class FreshCache(Generic[_K, _V]):
    """Values by key, each fresh until a given moment (least recently used evicted first)."""

    def __init__(self, max_entries: int = DEFAULT_MAX_ENTRIES) -> None:
        """An empty cache of at most ``max_entries`` values."""
        self._entries: LruCache[_K, tuple[_V, datetime]] = LruCache(max_entries)

    def get(self, key: _K, now: datetime) -> _V | None:
        """The value stored under ``key`` if it is still fresh at ``now``, else None."""
        found = self._entries.get(key)
        if found is None:
            return None
        value, until = found
        if now >= until:
            self._entries.discard(key)
            return None
        return value

    def put(self, key: _K, value: _V, until: datetime) -> None:
        """Store ``value`` under ``key`` until ``until`` (the oldest entry makes room)."""
        self._entries.put(key, (value, until))

    def clear(self) -> None:
        """Forget everything."""
        self._entries.clear()

    def __len__(self) -> int:
        """How many entries are stored (fresh or not)."""
        return len(self._entries)


class VerificationCache(FreshCache[CacheKey, VerificationReport]):
    """Verification reports of our credentials, by :data:`CacheKey`."""


class PageCache(FreshCache[tuple[str, str], tuple[PageState, bytes]]):
    """Rendered pages by ``(uuid, language)``, with the :data:`PageState` they show."""
