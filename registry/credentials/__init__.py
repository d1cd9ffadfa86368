"""Credentials: issuing, reading, changing and sharing what an organisation issued.

- ``issuance``: :class:`IssuanceService`: one credential or a batch, in one transaction
  (validate, sign, allocate status indexes, store, audit); the quota and the assessor check.
- ``lifecycle``: :class:`LifecycleService`: revoke, suspend, reinstate, renew, erase.
- ``compromise``: :class:`KeyCompromiseService`: the key-compromise drill (revoke what a key
  signed, rotate, optionally re-issue).
- ``holder``: the holder's private link to hide or show the public page.
- ``idempotency``: ``Idempotency-Key`` claims and stored answers, and their expiry.
- private: ``_reads`` (search and links), ``_csv`` (the batch CSV), ``_issued`` (drafts and
  rows), ``_quota``, ``_assessors``.
"""

from __future__ import annotations

from registry.credentials._csv import CSV_COLUMNS, REQUIRED_COLUMNS, parse_csv, safe_cell
from registry.credentials._reads import MAX_LIMIT, STATUSES, CredentialReader, wire_status
from registry.credentials.compromise import (
    COMPROMISE_REASON,
    CompromiseReport,
    KeyCompromiseService,
)
from registry.credentials.holder import (
    HOLDER_ACTOR,
    HolderService,
    holder_key,
    holder_token,
    holder_url,
    token_matches,
)
from registry.credentials.issuance import (
    ISSUE_ACTION,
    MAX_REPORTED_ROWS,
    IssuanceService,
    IssuedItem,
    credential_uuid,
    lookup_key,
    recipient_lookup,
)
from registry.credentials.lifecycle import MAX_REASON_LENGTH, LifecycleService

__all__ = [
    "COMPROMISE_REASON",
    "CSV_COLUMNS",
    "HOLDER_ACTOR",
    "ISSUE_ACTION",
    "MAX_LIMIT",
    "MAX_REASON_LENGTH",
    "MAX_REPORTED_ROWS",
    "REQUIRED_COLUMNS",
    "STATUSES",
    "CompromiseReport",
    "CredentialReader",
    "HolderService",
    "IssuanceService",
    "IssuedItem",
    "KeyCompromiseService",
    "LifecycleService",
    "credential_uuid",
    "holder_key",
    "holder_token",
    "holder_url",
    "lookup_key",
    "parse_csv",
    "recipient_lookup",
    "safe_cell",
    "token_matches",
    "wire_status",
]
