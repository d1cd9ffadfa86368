"""RegistryStatusChecker: the verifier's ``status`` check for our own lists, from the database.

For every ``credentialStatus`` entry (all of them are evaluated, catalogue F10) whose
``statusListCredential`` is one of our list URLs (``{BASE}/orgs/{slug}/status/{purpose}/{seq}``)
the signed list is loaded from the database (never over HTTP) and verified
(:mod:`registry._list_proof`); then the purpose must match, the list must hold at least
131,072 entries and the index must be inside it. Bit 0 passes ("not revoked"); bit 1 fails
("revoked", or "suspended" when the registry records the credential so).

Fail closed: whatever cannot be checked (a foreign list, since network status checks are not
enabled; a missing, unsigned, tampered or foreign-issued list; an unsupported entry type) is an
``error``, never ``passed``. A malformed entry (an index that is not a canonical base-10
string, an ``id`` equal to the list URL) or an index outside the list fails.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Final

from sqlmodel import Session, select

from registry._bitstring import BitstringError, BitstringLengthError, decode_bitstring, get_bit
from registry._list_proof import UntrustedListError, issuer_id_of, verify_list_credential
from registry._status_lists import StatusListService, parse_seq
from registry.context import Registry
from registry.db import session_scope
from registry.errors import StatusListNotFoundError
from registry.models import CredentialRecord, CredentialVersionRecord, StatusListRecord
from registry.orgs import OrganisationService
from verifier.problems import (
    MALFORMED_VALUE_ERROR,
    RANGE_ERROR,
    REVOKED,
    STATUS_LIST_LENGTH_ERROR,
    STATUS_NOT_CHECKED,
    STATUS_RETRIEVAL_ERROR,
    STATUS_VERIFICATION_ERROR,
    make_problem,
)
from verifier.report import Check, CheckStatus, Problem

__all__ = ["MAX_ENTRIES", "REVOKED", "RegistryStatusChecker"]


MAX_ENTRIES: Final = 8
"""Most ``credentialStatus`` entries one credential may carry (each one is checked)."""

_INDEX: Final = re.compile(r"0|[1-9][0-9]*")
_MAX_INDEX_DIGITS: Final = 18
_PATH: Final = re.compile(
    r"(?P<slug>[a-z0-9-]{1,64})/status/(?P<purpose>[a-z]{1,32})/(?P<seq>[^/]+)"
)
_ENTRY_TYPE: Final = "BitstringStatusListEntry"


def _check(status: CheckStatus, message: str, problem_type: str | None = None) -> Check:
    message = message if len(message) <= 400 else message[:397] + "..."
    problem: Problem | None = None
    if problem_type == REVOKED:
        problem = Problem(type=REVOKED, title="Credential revoked", detail=message)
    elif problem_type is not None:
        problem = make_problem(problem_type, message)
    return Check(id="status", status=status, message=message, problem=problem)


def _quote(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


@dataclass(frozen=True)
class _Entry:
    purpose: str
    index: int
    list_url: str


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
        raw = credential.get("credentialStatus")
        entries: Sequence[object] = raw if isinstance(raw, list) else [raw]
        if not entries or raw is None:
            return _check("failed", "credentialStatus is empty", MALFORMED_VALUE_ERROR)
        if len(entries) > MAX_ENTRIES:
            return _check(
                "failed",
                f"credentialStatus has {len(entries)} entries; at most {MAX_ENTRIES} are checked",
                MALFORMED_VALUE_ERROR,
            )
        issuer = issuer_id_of(credential)
        if issuer is None:
            return _check("error", "the credential has no issuer id", STATUS_NOT_CHECKED)
        if self._session is not None:
            results = [self._one(self._session, entry, issuer) for entry in entries]
        else:
            with session_scope(self._registry.engine) as session:
                results = [self._one(session, entry, issuer) for entry in entries]
        for wanted in ("failed", "error"):
            for result in results:
                if result.status == wanted:
                    return result
        if len(results) == 1:
            return results[0]
        return _check("passed", f"none of the {len(results)} status entries is set")

    def _one(self, session: Session, raw: object, issuer: str) -> Check:
        entry = _parse_entry(raw)
        if isinstance(entry, Check):
            return entry
        url = entry.list_url
        if not url.startswith(self._prefix):
            return _check(
                "error",
                f"status list {_quote(url)} cannot be fetched (network status checks are not "
                "enabled)",
                STATUS_RETRIEVAL_ERROR,
            )
        match = _PATH.fullmatch(url[len(self._prefix) :])
        seq = parse_seq(match["seq"]) if match else None
        service = StatusListService(self._registry, session)
        try:
            if match is None or seq is None:
                raise StatusListNotFoundError(url)
            slug, list_purpose = match["slug"], match["purpose"]
            signed, _etag = service.signed_list(slug, list_purpose, seq)
            _org, row = service.find(slug, list_purpose, seq)
        except StatusListNotFoundError:
            return _check(
                "error", f"there is no status list at {_quote(url)}", STATUS_RETRIEVAL_ERROR
            )
        orgs = OrganisationService(self._registry, session)
        settings = self._registry.settings
        try:
            subject = verify_list_credential(
                json.loads(signed),
                url=url,
                issuer_id=issuer,
                processor=self._registry.processor,
                did_documents=orgs.did_document_for,
                now=self._registry.clock(),
                skew=timedelta(seconds=settings.clock_skew_seconds),
            )
        except (UntrustedListError, ValueError) as exc:
            reason = exc.message if isinstance(exc, UntrustedListError) else "it is not JSON"
            return _check(
                "error", f"the status list cannot be trusted: {reason}", STATUS_VERIFICATION_ERROR
            )
        return self._bit(session, entry, subject, row)

    def _bit(
        self, session: Session, entry: _Entry, subject: dict[str, Any], row: StatusListRecord
    ) -> Check:
        if subject.get("statusPurpose") != entry.purpose:
            return _check(
                "failed",
                f"the entry's statusPurpose {_quote(entry.purpose)} is not the list's "
                f"{_quote(subject.get('statusPurpose'))}",
                STATUS_VERIFICATION_ERROR,
            )
        encoded = subject.get("encodedList")
        if not isinstance(encoded, str):
            return _check("error", "the status list has no encodedList", STATUS_VERIFICATION_ERROR)
        try:
            bits = decode_bitstring(encoded)
        except BitstringLengthError as exc:
            return _check("error", f"the status list is too short: {exc}", STATUS_LIST_LENGTH_ERROR)
        except BitstringError as exc:
            return _check(
                "error",
                f"the status list's encodedList is invalid: {exc}",
                STATUS_VERIFICATION_ERROR,
            )
        if entry.index >= len(bits) * 8:
            return _check(
                "failed",
                f"statusListIndex {entry.index} is outside the list of {len(bits) * 8} entries",
                RANGE_ERROR,
            )
        where = f"index {entry.index} of {entry.list_url}"
        if not get_bit(bits, entry.index):
            state = "not revoked" if entry.purpose == "revocation" else f"{entry.purpose} bit clear"
            return _check("passed", f"{state} ({where})")
        return _check("failed", f"{_set_status(session, row, entry.index)} ({where})", REVOKED)


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


def _parse_entry(raw: object) -> _Entry | Check:
    if not isinstance(raw, dict):
        return _check("failed", "a credentialStatus entry is not an object", MALFORMED_VALUE_ERROR)
    kind = raw.get("type")
    kinds = [kind] if isinstance(kind, str) else kind
    if not isinstance(kinds, list) or _ENTRY_TYPE not in kinds:
        return _check(
            "error",
            f"status type {_quote(kind)} is not supported: the status cannot be confirmed",
            STATUS_NOT_CHECKED,
        )
    purpose = raw.get("statusPurpose")
    url = raw.get("statusListCredential")
    if not isinstance(purpose, str) or not purpose:
        return _check("failed", "the status entry has no statusPurpose", MALFORMED_VALUE_ERROR)
    if not isinstance(url, str) or not url:
        return _check(
            "failed", "the status entry has no statusListCredential", MALFORMED_VALUE_ERROR
        )
    if "id" in raw and (not isinstance(raw["id"], str) or raw["id"] == url):
        return _check(
            "failed",
            "the status entry's id must be a URL other than the list's",
            MALFORMED_VALUE_ERROR,
        )
    size = raw.get("statusSize", 1)
    if type(size) is not int or size != 1:
        return _check(
            "failed",
            f"statusSize {_quote(size)} is not supported (1 bit per entry)",
            MALFORMED_VALUE_ERROR,
        )
    text = raw.get("statusListIndex")
    if not isinstance(text, str) or not _INDEX.fullmatch(text):
        return _check(
            "failed",
            f"statusListIndex {_quote(text)} is not a base-10 integer in a string",
            MALFORMED_VALUE_ERROR,
        )
    if len(text) > _MAX_INDEX_DIGITS:
        return _check("failed", f"statusListIndex {_quote(text)} is out of range", RANGE_ERROR)
    return _Entry(purpose=purpose, index=int(text), list_url=url)
