"""The audit log: append-only, hash-chained per organisation, and its signed heads.

- ``log``: :class:`AuditLog`: ``append``, ``append_many`` (the one bulk path), pages of
  entries, the chain check; :func:`lock_chain` is the chain's lock.
- ``head``: signed audit heads, which make deleting the newest entries detectable
  (:func:`registry.audit.head.signed_head`, :func:`registry.audit.head.check_head`). It signs
  with the organisation's key, so it builds on :mod:`registry.orgs`, which builds on ``log``:
  import it as ``registry.audit.head`` (this package does not load it).
"""

from __future__ import annotations

from registry.audit.log import (
    GENESIS_HASH,
    MAX_PAGE,
    AuditLog,
    canonical_json,
    entry_hash,
    lock_chain,
)

__all__ = ["GENESIS_HASH", "MAX_PAGE", "AuditLog", "canonical_json", "entry_hash", "lock_chain"]
