"""A small, bounded cache of fetched documents, each kept for its own lifetime (catalogue E12).

Only successes are ever stored (a failed fetch raises before anything is put); the key is the
exact DID or URL that was asked for, and a document is kept for the lifetime its server gave it,
never longer than the cache's cap.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Final, Generic, TypeVar

from cachetools import TTLCache

__all__ = ["DEFAULT_MAX_AGE", "DocumentCache"]

DEFAULT_MAX_AGE: Final = 300.0
"""Longest a fetched document is kept (seconds), whatever its server says."""

_V = TypeVar("_V")


class DocumentCache(Generic[_V]):
    """Documents by exact key, each expiring at ``min(its lifetime, cap)``.

    Args:
        maxsize: Most documents kept (least recently used go first).
        cap: Longest lifetime in seconds.
        default: Lifetime when the server gave none.
        clock: A monotonic clock (injectable for tests).
    """

    def __init__(
        self,
        *,
        maxsize: int = 256,
        cap: float = DEFAULT_MAX_AGE,
        default: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._cap = cap
        self._default = default
        self._clock = clock
        self._entries: TTLCache[str, tuple[float, _V]] = TTLCache(
            maxsize=maxsize, ttl=cap, timer=clock
        )
        self._lock = threading.Lock()

    def get(self, key: str) -> _V | None:
        """The cached value of ``key`` if it has not expired, else ``None``."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            expires, value = entry
            if self._clock() >= expires:
                del self._entries[key]
                return None
            return value

    def put(self, key: str, value: _V, lifetime: float | None) -> None:
        """Keep ``value`` under ``key`` for ``lifetime`` seconds (capped; 0 or less: not kept)."""
        seconds = min(self._cap, self._default if lifetime is None else lifetime)
        if seconds <= 0:
            return
        with self._lock:
            self._entries[key] = (self._clock() + seconds, value)
