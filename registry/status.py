"""Status: bitstrings, StatusListService (allocate, set bits, sign lists), RegistryStatusChecker.

Every credential carries one ``BitstringStatusListEntry`` with ``statusPurpose: "revocation"``
pointing into one of its organisation's lists ``{BASE}/orgs/{slug}/status/revocation/{seq}``
(docs/registry.md, "Status"). This module gathers the parts:

- :mod:`registry._bitstring`: ``encodedList`` encoding and strict decoding, bit access;
- :mod:`registry._status_lists`: :class:`StatusListService`;
- :mod:`registry._status_check`: :class:`RegistryStatusChecker`, the verifier's status check
  for our own lists, read from the database.
"""

from __future__ import annotations

from registry._bitstring import (
    MAX_DECODED_BYTES,
    MIN_LIST_BYTES,
    STATUS_LIST_SIZE,
    BitstringError,
    BitstringLengthError,
    decode_bitstring,
    encode_bitstring,
    get_bit,
    new_bitstring,
    pick_clear_bit,
    set_bit,
)
from registry._status_check import MAX_ENTRIES, REVOKED, RegistryStatusChecker
from registry._status_lists import (
    LIST_CONTEXT,
    PENDING,
    PUBLISHED,
    PURPOSES,
    REVOCATION,
    RepublishReport,
    StatusListService,
    etag_of,
    list_path,
    republish,
    republish_lagging,
)

__all__ = [
    "LIST_CONTEXT",
    "MAX_DECODED_BYTES",
    "MAX_ENTRIES",
    "MIN_LIST_BYTES",
    "PENDING",
    "PUBLISHED",
    "PURPOSES",
    "REVOCATION",
    "REVOKED",
    "STATUS_LIST_SIZE",
    "BitstringError",
    "BitstringLengthError",
    "RegistryStatusChecker",
    "RepublishReport",
    "StatusListService",
    "decode_bitstring",
    "encode_bitstring",
    "etag_of",
    "get_bit",
    "list_path",
    "new_bitstring",
    "pick_clear_bit",
    "republish",
    "republish_lagging",
    "set_bit",
]
