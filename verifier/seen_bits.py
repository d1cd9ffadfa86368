"""Memory of the revocation bits seen set in foreign status lists (issue 12, item 32; F13).

Revocation is final (Bitstring Status List v1.0): once a verified revocation list has shown a
bit set, a list at the same URL that shows it clear is a rollback or a replay of an older copy,
whatever its ``validFrom`` says (the same, none at all, or a newer one signed before the
revocation and served late). :class:`~verifier.remote_status.RemoteStatusChecker` hands every
verified revocation list to a :class:`SeenStatusBits` and refuses the list ("could not be
checked", never "not revoked") when it clears a bit that was seen set. Suspension lists are not
remembered: a suspension may be lifted.

The memory must outlive a process (a verifier restarted, or one of several workers, must not
forget): the app wires a store kept in the registry's database. :class:`InMemorySeenStatusBits`
is the default for library use.

Bitstrings here are the decoded ``encodedList`` (most significant bit first); lists of
different lengths are compared as if the shorter were padded with clear bits.
"""

from __future__ import annotations

import threading
import zlib
from collections import OrderedDict
from typing import Final, Protocol

__all__ = [
    "MAX_REMEMBERED_LISTS",
    "InMemorySeenStatusBits",
    "SeenStatusBits",
    "first_cleared_bit",
    "merge_bits",
]

MAX_REMEMBERED_LISTS: Final = 4096
"""How many list URLs :class:`InMemorySeenStatusBits` keeps (least recently seen dropped)."""


class SeenStatusBits(Protocol):
    """Remembers, per status list URL, every bit ever seen set in a verified revocation list."""

    def remember(self, url: str, bits: bytes) -> bytes | None:
        """Add the bits set in ``bits`` to what is remembered for ``url``, atomically.

        Args:
            url: The list's URL (its ``id``).
            bits: The verified list's decoded bitstring.

        Returns:
            The bitstring remembered before this call (``None``: the URL was never seen).
        """
        ...


def merge_bits(old: bytes | None, new: bytes) -> bytes:
    """``old | new``, as long as the longer of the two."""
    if old is None:
        return bytes(new)
    size = max(len(old), len(new))
    merged = int.from_bytes(old.ljust(size, b"\0"), "big") | int.from_bytes(
        new.ljust(size, b"\0"), "big"
    )
    return merged.to_bytes(size, "big")


def first_cleared_bit(old: bytes | None, new: bytes) -> int | None:
    """The first index set in ``old`` and clear in ``new`` (``None``: none is)."""
    if old is None:
        return None
    for offset, byte in enumerate(old):
        cleared = byte & ~(new[offset] if offset < len(new) else 0) & 0xFF
        if cleared:
            return offset * 8 + (8 - cleared.bit_length())
    return None


class InMemorySeenStatusBits:
    """A :class:`SeenStatusBits` in this process's memory (compressed, at most
    :data:`MAX_REMEMBERED_LISTS` URLs): what a library user gets by default. A process that
    restarts forgets; the app uses the registry's database instead."""

    def __init__(self, max_lists: int = MAX_REMEMBERED_LISTS) -> None:
        self._max = max_lists
        self._seen: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def remember(self, url: str, bits: bytes) -> bytes | None:
        """See :meth:`SeenStatusBits.remember`."""
        with self._lock:
            stored = self._seen.get(url)
            previous = None if stored is None else zlib.decompress(stored)
            self._seen[url] = zlib.compress(merge_bits(previous, bits))
            self._seen.move_to_end(url)
            while len(self._seen) > self._max:
                self._seen.popitem(last=False)
            return previous
