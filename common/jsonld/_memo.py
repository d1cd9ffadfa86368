"""Bounded memo tables for the fast JSON-LD path (:mod:`common.jsonld._fast`).

Every cache of the fast path is a :class:`BoundedMemo`: a least-recently-used table bounded both
in entries and in an approximate byte budget, so a stream of hostile or merely diverse documents
can only evict entries, never grow memory without limit.

Thread safety: the tables are not locked themselves. The fast path takes one engine lock around
all the work that reads or writes them (see :class:`common.jsonld._fast.FastEngine`); that
work is pure Python and therefore already serialised by the GIL, so the lock costs no
parallelism. Keys are immutable values (strings, bytes, ints, tuples of those) and every value
is treated as immutable once stored: nothing that reads a table ever mutates what it got back.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

__all__ = ["BoundedMemo", "FlatMemo"]

V = TypeVar("V")


class BoundedMemo(Generic[V]):
    """A least-recently-used table with an entry limit and an approximate byte budget.

    A ``dict`` keeps insertion order; a hit re-inserts the key at the end (most recent), and
    eviction pops from the front (least recent). Both are O(1).

    Args:
        max_entries: most entries kept.
        max_bytes: most bytes kept, as estimated by the ``size`` given to :meth:`put`.
    """

    __slots__ = ("_bytes", "_data", "hits", "max_bytes", "max_entries", "misses")

    def __init__(self, max_entries: int, max_bytes: int = 1 << 62) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._data: dict[Any, tuple[V, int]] = {}
        self._bytes = 0
        self.hits = 0
        self.misses = 0

    def get(self, key: Any) -> V | None:
        """The value stored under ``key`` (marking it most recently used), or ``None``."""
        data = self._data
        entry = data.pop(key, None)
        if entry is None:
            self.misses += 1
            return None
        data[key] = entry
        self.hits += 1
        return entry[0]

    def put(self, key: Any, value: V, size: int = 1) -> None:
        """Store ``value`` under ``key``, evicting the least recently used entries as needed.

        A value larger than the whole budget is not stored.
        """
        if size > self.max_bytes:
            return
        data = self._data
        old = data.pop(key, None)
        if old is not None:
            self._bytes -= old[1]
        data[key] = (value, size)
        self._bytes += size
        while len(data) > self.max_entries or self._bytes > self.max_bytes:
            oldest = next(iter(data))
            self._bytes -= data.pop(oldest)[1]

    def clear(self) -> None:
        """Drop every entry."""
        self._data.clear()
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._data)

    @property
    def size_bytes(self) -> int:
        """The current byte estimate of the stored entries."""
        return self._bytes


class FlatMemo(dict[Any, Any]):
    """A plain ``dict`` memo for hot per-value lookups, emptied whenever it gets too big.

    Lookups are a bare ``dict.get`` (no method of ours, no reordering), which matters where
    they happen once per JSON value. The bound is kept by :meth:`store`: past ``max_entries``
    entries or ``max_bytes`` (as estimated by the caller), everything is dropped and the
    table refills with what is in use.

    Args:
        max_entries: most entries kept.
        max_bytes: most bytes kept, as estimated by the ``size`` given to :meth:`store`.
    """

    __slots__ = ("_bytes", "max_bytes", "max_entries")

    def __init__(self, max_entries: int, max_bytes: int = 1 << 62) -> None:
        super().__init__()
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._bytes = 0

    def store(self, key: Any, value: Any, size: int = 1) -> None:
        """Store ``value`` under ``key``, first emptying the table if it is full.

        A value larger than the whole budget is not stored.
        """
        if size > self.max_bytes:
            return
        if len(self) >= self.max_entries or self._bytes + size > self.max_bytes:
            self.clear()
            self._bytes = 0
        self[key] = value
        self._bytes += size
