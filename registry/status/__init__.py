"""Status lists: where a credential's revocation bit lives, how lists are signed and checked.

Every credential carries one ``BitstringStatusListEntry`` with ``statusPurpose: "revocation"``
pointing into one of its organisation's lists ``{BASE}/orgs/{slug}/status/revocation/{seq}``
(docs/registry.md, "Status"). The parts, each private; this package offers what they export:

- ``_bitstring``: ``encodedList`` encoding and strict decoding, bit access;
- ``_lists``: :class:`StatusListService` (allocate an index, set bits, sign and republish
  lists, publication pending);
- ``_allocation``: :func:`allocate_many`, many random indexes at once for a batch;
- ``_proof``: the checks a signed list credential must pass before its bits are believed;
- ``_check``: :class:`RegistryStatusChecker`, the verifier's status check for our own lists,
  read from the database, with its cache of verified lists;
- ``_seen_bits``: :class:`DbSeenStatusBits`, the verifier's memory of the revocation bits seen
  set in *foreign* lists (a list that clears one is a rollback), kept in the database.
"""

from __future__ import annotations

from registry.status._allocation import allocate_many
from registry.status._bitstring import (
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
from registry.status._check import MAX_ENTRIES, REVOKED, RegistryStatusChecker
from registry.status._lists import (
    LIST_CONTEXT,
    PENDING,
    PUBLISHED,
    PURPOSES,
    REVOCATION,
    RepublishReport,
    StatusListService,
    etag_of,
    list_path,
    parse_seq,
    republish,
    republish_lagging,
)
from registry.status._seen_bits import DbSeenStatusBits

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
    "DbSeenStatusBits",
    "RegistryStatusChecker",
    "RepublishReport",
    "StatusListService",
    "allocate_many",
    "decode_bitstring",
    "encode_bitstring",
    "etag_of",
    "get_bit",
    "list_path",
    "new_bitstring",
    "parse_seq",
    "pick_clear_bit",
    "republish",
    "republish_lagging",
    "set_bit",
]
