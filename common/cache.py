"""A small, bounded, thread-safe LRU cache: the one the registry's and the pages' caches use.

``cachetools.LRUCache`` does the bookkeeping (bounded, least recently used evicted first, a read
counts as a use); this adds the lock that several worker threads need.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable
from typing import Generic, TypeVar

from cachetools import LRUCache

__all__ = ["LruCache"]

_K = TypeVar("_K", bound=Hashable)
_V = TypeVar("_V")


class LruCache(Generic[_K, _V]):
    """Values by key, at most ``max_entries`` of them; safe to share between threads."""

    def __init__(self, max_entries: int) -> None:
        """An empty cache that keeps at most ``max_entries`` values."""
        self._entries: LRUCache[_K, _V] = LRUCache(maxsize=max_entries)
        self._lock = threading.Lock()

    def get(self, key: _K) -> _V | None:
        """The value of ``key`` (now the most recently used), or None."""
        with self._lock:
            return self._entries.get(key)

    def put(self, key: _K, value: _V) -> None:
        """Keep ``value`` under ``key``; the least recently used entry makes room."""
        with self._lock:
            self._entries[key] = value

    def discard(self, key: _K) -> None:
        """Forget ``key`` if it is there."""
        with self._lock:
            self._entries.pop(key, None)

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        """How many entries are kept."""
        with self._lock:
            return len(self._entries)
