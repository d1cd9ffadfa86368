"""Many status indexes at once, in a few statements (a batch issue, a key-compromise re-issue).

A cohort of 10,000 would otherwise take 10,000 list-row updates (each rewriting a 16 KiB
``allocated`` bitstring). :func:`allocate_many` keeps the rules of
:class:`~registry.status.StatusListService` (same lock, same random draw) and does the work once
per list.
"""

from __future__ import annotations

import secrets
from typing import Final

from sqlmodel import Session

from registry.models import OrganisationRecord, StatusListRecord
from registry.status._lists import StatusListService

__all__ = ["allocate_many", "clear_bits"]

_CLEAR_OFFSETS: Final = tuple(
    tuple(bit for bit in range(8) if not value & (0x80 >> bit)) for value in range(256)
)
_RANDOM: Final = secrets.SystemRandom()


def clear_bits(bits: bytes, size: int) -> list[int]:
    """Every index below ``size`` whose bit is clear (most significant bit first)."""
    free: list[int] = []
    for position, value in enumerate(bits[: (size + 7) // 8]):
        if value == 0xFF:
            continue
        base = position * 8
        free.extend(base + offset for offset in _CLEAR_OFFSETS[value] if base + offset < size)
    return free


def allocate_many(
    lists: StatusListService, session: Session, org: OrganisationRecord, count: int
) -> list[tuple[StatusListRecord, int]]:
    """Hand out ``count`` random, never-used revocation indexes of ``org``.

    The first index of each list comes from :meth:`StatusListService.allocate` (which locks
    the list row, or opens the next list when the last one is full); the others are drawn
    uniformly without replacement from that list's never-allocated indexes and marked in one
    update.

    Returns:
        ``(list, index)`` pairs, in random order.
    """
    taken: list[tuple[StatusListRecord, int]] = []
    while len(taken) < count:
        row, first = lists.allocate(org)
        taken.append((row, first))
        more = min(count - len(taken), row.size - row.allocated_count)
        if more <= 0:
            continue
        picked = _RANDOM.sample(clear_bits(row.allocated, row.size), more)
        allocated = bytearray(row.allocated)
        for index in picked:
            allocated[index >> 3] |= 0x80 >> (index & 7)
        row.allocated = bytes(allocated)
        row.allocated_count += more
        session.add(row)
        session.flush()
        taken.extend((row, index) for index in picked)
    return taken
