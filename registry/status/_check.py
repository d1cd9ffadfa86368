"""RegistryStatusChecker: the verifier's ``status`` check for our own lists, from the database.

For every ``credentialStatus`` entry (all of them are evaluated, catalogue F10) whose
``statusListCredential`` is one of our list URLs (``{BASE}/orgs/{slug}/status/{purpose}/{seq}``)
the signed list is loaded from the database (never over HTTP) and verified
(:mod:`registry.status._proof`); then the purpose must match, the list must hold at least
131,072 entries and the index must be inside it. Bit 0 passes ("not revoked"); bit 1 fails
("revoked", or "suspended" when the registry records the credential so). A bit the registry has
set but the signed list does not show yet (publication pending, catalogue J9) fails as well: for
our own lists the verifier reads the registry's state, as the public page does.

A verified list is cached by its ETag (:data:`VERIFIED_LISTS`), so checking many of our own
credentials costs one proof verification per list version, and a new version is verified at
once.

Fail closed: whatever cannot be checked (a URL that is not one of our lists: the app routes
foreign lists to the network checker, so only our-base URLs that name no list of ours get here;
a missing, unsigned, tampered or foreign-issued list; an unsupported entry type) is an
``error``, never ``passed``. A malformed entry (an index that is not a canonical base-10
string, an ``id`` equal to the list URL) or an index outside the list fails.

Reading the entries, parsing one, decoding the list and reading its bit are the verifier's own
steps (:mod:`verifier._status_entry`); what is ours is finding the list in the database, the
cache of verified versions, and telling "suspended" or "replaced" from the registry's records.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import timedelta
from typing import Any, Final

from sqlmodel import Session, select

from common.cache import LruCache
from registry.context import Registry
from registry.db import session_scope
from registry.errors import StatusListNotFoundError
from registry.models import CredentialRecord, CredentialVersionRecord, StatusListRecord
from registry.orgs.service import OrganisationService
from registry.status._bitstring import get_bit
from registry.status._lists import StatusListService, parse_seq
from registry.status._proof import UntrustedListError, issuer_id_of, verify_list_credential
from verifier._status_entry import (
    MAX_ENTRIES,
    BitstringEntry,
    parse_bitstring_entry,
    read_status_bit,
    status_entries,
    worst_check,
)
from verifier._util import errored, failed, passed, quote
from verifier.problems import (
    MALFORMED_VALUE_ERROR,
    REVOKED,
    STATUS_NOT_CHECKED,
    STATUS_RETRIEVAL_ERROR,
    STATUS_VERIFICATION_ERROR,
)
from verifier.report import Check

__all__ = ["MAX_ENTRIES", "REVOKED", "VERIFIED_LISTS", "RegistryStatusChecker", "VerifiedListCache"]


_PATH: Final = re.compile(
    r"(?P<slug>[a-z0-9-]{1,64})/status/(?P<purpose>[a-z]{1,32})/(?P<seq>[^/]+)"
)
_ENTRY_TYPE: Final = "BitstringStatusListEntry"


class RegistryStatusChecker:
    """A :class:`verifier.StatusChecker` over this registry's own status lists.

    Args:
        registry: The registry (settings, engine, processor, clock).
        session: Work in this session (e.g. inside a request's transaction); by default each
            check opens, and commits, a transaction of its own.
    """

    def __init__(self, registry: Registry, session: Session | None = None) -> None:
        self._registry = registry
        self._session = session
        self._prefix = f"{registry.base_url}/orgs/"

    def check(self, credential: dict[str, Any]) -> Check:
        """The ``status`` check of ``credential`` (see the module docstring)."""
        entries = status_entries(credential)
        if isinstance(entries, Check):
            return entries
        issuer = issuer_id_of(credential)
        if issuer is None:
            return errored("status", STATUS_NOT_CHECKED, "the credential has no issuer id")
        if self._session is not None:
            results = [self._one(self._session, entry, issuer) for entry in entries]
        else:
            with session_scope(self._registry.engine) as session:
                results = [self._one(session, entry, issuer) for entry in entries]
        return worst_check(results)

    def _one(self, session: Session, raw: object, issuer: str) -> Check:
        entry = _parse_entry(raw)
        if isinstance(entry, Check):
            return entry
        url = entry.list_url
        if not url.startswith(self._prefix):
            return errored("status", STATUS_RETRIEVAL_ERROR, f"no such status list: {quote(url)}")
        match = _PATH.fullmatch(url[len(self._prefix) :])
        seq = parse_seq(match["seq"]) if match else None
        service = StatusListService(self._registry, session)
        try:
            if match is None or seq is None:
                raise StatusListNotFoundError(url)
            slug, list_purpose = match["slug"], match["purpose"]
            signed, etag = service.signed_list(slug, list_purpose, seq)
            _org, row = service.find(slug, list_purpose, seq)
        except StatusListNotFoundError:
            return errored(
                "status", STATUS_RETRIEVAL_ERROR, f"there is no status list at {quote(url)}"
            )
        orgs = OrganisationService(self._registry, session)
        settings = self._registry.settings
        document = orgs.did_document_for(issuer)
        key = (url, etag, issuer, _digest(document))
        subject = VERIFIED_LISTS.get(key)
        if subject is None:
            try:
                subject = verify_list_credential(
                    json.loads(signed),
                    url=url,
                    issuer_id=issuer,
                    processor=self._registry.processor,
                    did_documents=lambda did: document if did == issuer else None,
                    now=self._registry.clock(),
                    skew=timedelta(seconds=settings.clock_skew_seconds),
                )
            except (UntrustedListError, ValueError) as exc:
                reason = exc.message if isinstance(exc, UntrustedListError) else "it is not JSON"
                return errored(
                    "status",
                    STATUS_VERIFICATION_ERROR,
                    f"the status list cannot be trusted: {reason}",
                )
            VERIFIED_LISTS.put(key, subject)
        return self._bit(session, entry, subject, row)

    def _bit(
        self,
        session: Session,
        entry: BitstringEntry,
        subject: dict[str, Any],
        row: StatusListRecord,
    ) -> Check:
        if subject.get("statusPurpose") != entry.purpose:
            return failed(
                "status",
                STATUS_VERIFICATION_ERROR,
                f"the entry's statusPurpose {quote(entry.purpose)} is not the list's "
                f"{quote(subject.get('statusPurpose'))}",
            )
        bit = read_status_bit(entry, subject)
        if isinstance(bit, Check):
            return bit
        where = f"index {entry.index} of {entry.list_url}"
        if not bit and _recorded(row, entry.index):
            # The registry set the bit but the signed list does not show it yet (publication
            # pending, catalogue J9): for our own lists the registry's state is the truth.
            state = _set_status(session, row, entry.index)
            return failed(
                "status",
                REVOKED,
                f"{state}; the published status list does not show it yet ({where})",
            )
        if not bit:
            state = "not revoked" if entry.purpose == "revocation" else f"{entry.purpose} bit clear"
            return passed("status", f"{state} ({where})")
        return failed("status", REVOKED, f"{_set_status(session, row, entry.index)} ({where})")


class VerifiedListCache(LruCache[tuple[str, ...], dict[str, Any]]):
    """A small, bounded, thread-safe LRU of verified list subjects.

    Keyed by ``(list URL, ETag, issuer, digest of the issuer's DID document)``: the ETag is the
    SHA-256 of the signed bytes, so a new version of a list (or a changed DID document, e.g. a
    compromised key removed) is a new key and is verified at once; only lists that verified are
    kept. Our lists carry no ``validUntil``, so a verified version stays valid.
    """

    def __init__(self, max_entries: int = 256) -> None:
        """An empty cache of at most ``max_entries`` verified lists."""
        super().__init__(max_entries)


VERIFIED_LISTS: Final = VerifiedListCache()
"""The process's cache of verified status lists (see :class:`VerifiedListCache`)."""


def _digest(document: dict[str, Any] | None) -> str:
    if document is None:
        return "-"
    text = json.dumps(document, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _recorded(row: StatusListRecord, index: int) -> bool:
    """Whether the registry's own bitstring (not the signed copy) has ``index`` set."""
    return 0 <= index < row.size and get_bit(row.bits, index)


def _set_status(session: Session, row: StatusListRecord, index: int) -> str:
    current = session.exec(
        select(CredentialRecord)
        .where(CredentialRecord.status_list_id == row.id)
        .where(CredentialRecord.status_index == index)
    ).first()
    if current is not None and current.status == "suspended":
        return "suspended"
    replaced = session.exec(
        select(CredentialVersionRecord)
        .where(CredentialVersionRecord.status_list_id == row.id)
        .where(CredentialVersionRecord.status_index == index)
    ).first()
    if current is None and replaced is not None:
        return "revoked (this copy was replaced by a newer one)"
    return "revoked"


def _parse_entry(raw: object) -> BitstringEntry | Check:
    if not isinstance(raw, dict):
        return failed("status", MALFORMED_VALUE_ERROR, "a credentialStatus entry is not an object")
    kind = raw.get("type")
    kinds = [kind] if isinstance(kind, str) else kind
    if not isinstance(kinds, list) or _ENTRY_TYPE not in kinds:
        return errored(
            "status",
            STATUS_NOT_CHECKED,
            f"status type {quote(kind)} is not supported: the status cannot be confirmed",
        )
    return parse_bitstring_entry(raw, purposes=None)
