"""DbSeenStatusBits: the verifier's memory of revocation bits seen set in foreign status lists,
kept in the registry's database (table ``seen_status_bits``; issue 12, item 32).

The verifier (:mod:`verifier.seen_bits`) refuses a foreign revocation list that clears a bit
it has seen set. Kept here, that memory survives restarts and is shared by every worker of
the service. One row per list URL (keyed by the URL's SHA-256): the OR of every verified
copy's bitstring, zlib-compressed. Each merge is one transaction that holds the row's lock
(``pg_advisory_xact_lock`` on PostgreSQL, which also covers the first insert; ``BEGIN
IMMEDIATE`` on SQLite), so two verifiers merging at once never lose a bit.
"""

from __future__ import annotations

import hashlib
import zlib
from datetime import datetime

from registry.context import Registry
from registry.db import session_scope
from registry.locks import transaction_lock
from registry.models import SeenStatusBitsRecord
from verifier.seen_bits import merge_bits

__all__ = ["DbSeenStatusBits"]


class DbSeenStatusBits:
    """A :class:`verifier.seen_bits.SeenStatusBits` in the registry's database.

    Args:
        registry: The registry (its engine and clock).
    """

    def __init__(self, registry: Registry) -> None:
        self._registry = registry

    def remember(self, url: str, bits: bytes) -> bytes | None:
        """Merge ``bits`` into the row of ``url``; return the bits remembered before."""
        key = hashlib.sha256(url.encode("utf-8")).hexdigest()
        with session_scope(self._registry.engine) as session:
            transaction_lock(session, f"seen-status-bits:{key}")
            row = session.get(SeenStatusBitsRecord, key)
            previous = None if row is None else zlib.decompress(row.bits)
            merged = merge_bits(previous, bits)
            if row is None:
                row = SeenStatusBitsRecord(url_hash=key, url=url, bits=b"", updated_at=self._now())
            elif merged == previous:
                return previous
            row.bits = zlib.compress(merged)
            row.updated_at = self._now()
            session.add(row)
            return previous

    def _now(self) -> datetime:
        return self._registry.clock()
