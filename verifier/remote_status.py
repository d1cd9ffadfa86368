"""Status checks over the network, for status lists that are not ours (catalogue F2-F14, F17).

:class:`RemoteStatusChecker` evaluates **every** ``credentialStatus`` entry (F10), at most
:data:`MAX_ENTRIES` of them:

- ``BitstringStatusListEntry`` (Bitstring Status List v1.0, "Validate Algorithm"): the entry must
  be well formed (``statusListIndex`` a canonical base-10 string, F5; ``id`` not the list URL,
  F17; ``statusSize`` 1); the list credential is fetched (:mod:`verifier.fetch`, F9), as JSON
  with Data Integrity proofs or as a compact JWT (``application/vc+jwt``, what openbadgeslib
  publishes; a ``text/plain`` or untyped body is read as a JWT when it looks like one; issue 12,
  item 21) verified by the verifier's JWT check (:mod:`verifier._jwt`: the same allowlisted
  algorithms and header rules, a key of the issuer's DID, claims that match), must be a
  ``BitstringStatusListCredential`` whose ``id`` is its URL, issued by the credential's issuer
  (F4), valid now (F14), and every proof must verify with a key of that issuer, through the same
  proof check and key resolvers as the credential (F3); then the purposes must match (F2), the
  ``encodedList`` decode strictly (F8) to at least 131,072 entries (F7), and the index lie
  inside it (F6). Bit 0 passes; bit 1 fails ("revoked" or "suspended").
- ``1EdTechRevocationList`` (ob3-requirements §3.2): the list at the entry's ``id`` is fetched
  (``Accept: application/json``); the credential is revoked if its ``id`` is listed in
  ``revokedCredential`` with ``revoked`` true or absent.
- any other type: an ``error``, "unsupported status type, cannot confirm" (F11).

Rollback (F13): the checker remembers, per list URL, the newest ``validFrom`` of a list it has
verified (:data:`MAX_REMEMBERED_LISTS` URLs, least recently seen forgotten first), and, through
a :class:`~verifier.seen_bits.SeenStatusBits` (persisted by the app, in memory by default),
every bit a verified *revocation* list has shown set (issue 12, item 32: revocation is final, so
a list with the same or no ``validFrom`` that clears one is a replay too). A verified list whose
``validFrom`` is older than the newest seen, or a revocation list that clears a bit seen set, is
an ``error`` (STATUS_VERIFICATION_ERROR, "the status list was rolled back"): a CDN or a holder
replaying a list from before a revocation never yields "not revoked". Only verified lists are
remembered, so an unsigned list cannot poison the memory.

Fail closed: a list that cannot be fetched, parsed or trusted is an ``error`` (status unknown),
never ``passed``. Verified lists are cached by exact URL for ``min(Cache-Control max-age, the
list's ttl, 300 s)``; a failure is never cached.

:class:`CompositeStatusChecker` sends the entries whose list lives under this service's base
URL to the local (database) checker and the others to the remote one: our own URLs never cause
a network request.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any, Final

from common.jsonld import JsonLdProcessor
from common.timeutil import parse_datetime_stamp, utcnow
from verifier._bitstring import BitstringError, decode_bitstring
from verifier._cache import DocumentCache
from verifier._issuer import check_issuer
from verifier._jwt import Jwt, check_jwt_parse, check_jwt_proof, looks_like_jwt
from verifier._parse import JsonInputError, parse_object
from verifier._proof import check_proof
from verifier._status_entry import (
    MAX_ENTRIES,
    BitstringEntry,
    UntrustedListError,
    check_list_envelope,
    check_list_validity,
    issuer_id_of,
    list_subject,
    parse_bitstring_entry,
    read_status_bit,
    status_entries,
    worst_check,
)
from verifier._util import errored, failed, passed, quote
from verifier._validity import DEFAULT_CLOCK_SKEW
from verifier.fetch import (
    STATUS_LIST_MAX_BYTES,
    FetchedBody,
    Fetcher,
    FetchError,
    FetchMediaTypeError,
    is_json_media_type,
)
from verifier.problems import (
    MALFORMED_VALUE_ERROR,
    REVOKED,
    STATUS_NOT_CHECKED,
    STATUS_RETRIEVAL_ERROR,
    STATUS_VERIFICATION_ERROR,
)
from verifier.report import Check
from verifier.resolver import KeyResolver
from verifier.seen_bits import (
    MAX_REMEMBERED_LISTS,
    InMemorySeenStatusBits,
    SeenStatusBits,
    first_cleared_bit,
)
from verifier.status import StatusChecker

__all__ = [
    "LIST_ACCEPT",
    "MAX_ENTRIES",
    "MAX_REMEMBERED_LISTS",
    "REVOCATION_LIST_TYPE",
    "CompositeStatusChecker",
    "RemoteStatusChecker",
    "status_list_url",
]

LIST_ACCEPT: Final = (
    "application/vc+ld+json, application/vc, application/vc+jwt, application/ld+json;q=0.9, "
    "application/json;q=0.8, application/jwt;q=0.7"
)
_JWT_MEDIA_TYPES: Final = frozenset({"application/vc+jwt", "application/jwt"})
_SNIFFED_MEDIA_TYPES: Final = frozenset({"text/plain", "application/octet-stream", ""})
"""Media types a static host gives a ``.jwt`` file: read as a JWT if the body looks like one."""
BITSTRING_ENTRY: Final = "BitstringStatusListEntry"
REVOCATION_LIST_TYPE: Final = "1EdTechRevocationList"

_MAX_REVOKED: Final = 100_000


def _types(entry: Mapping[str, Any]) -> list[Any]:
    kind = entry.get("type")
    return [kind] if isinstance(kind, str) else kind if isinstance(kind, list) else []


def status_list_url(entry: object) -> str | None:
    """The URL a status entry's check fetches: ``statusListCredential`` for a Bitstring entry,
    ``id`` for a 1EdTech revocation list; ``None`` for anything else."""
    if not isinstance(entry, dict):
        return None
    types = _types(entry)
    if BITSTRING_ENTRY in types:
        url = entry.get("statusListCredential")
    elif REVOCATION_LIST_TYPE in types:
        url = entry.get("id")
    else:
        return None
    return url if isinstance(url, str) else None


class RemoteStatusChecker:
    """A :class:`~verifier.status.StatusChecker` that fetches foreign status lists.

    Args:
        fetcher: The bounded fetcher.
        processor: The JSON-LD processor over the pinned contexts (to verify list proofs).
        resolver: Resolves the list's verification methods (the verifier's own chain).
        clock: The current time (aware).
        skew: How far ahead an issuer's clock may run (the list's ``validFrom``); default 60 s.
        cache: Verified list documents by URL (default: 64 lists, at most 300 s each).
        seen_bits: The memory of revocation bits seen set per list URL (default: in this
            process's memory; the app passes one kept in its database).
    """

    def __init__(
        self,
        fetcher: Fetcher,
        processor: JsonLdProcessor,
        resolver: KeyResolver,
        *,
        clock: Callable[[], datetime] = utcnow,
        skew: timedelta = DEFAULT_CLOCK_SKEW,
        cache: DocumentCache[dict[str, Any]] | None = None,
        seen_bits: SeenStatusBits | None = None,
    ) -> None:
        self._fetcher = fetcher
        self._processor = processor
        self._resolver = resolver
        self._clock = clock
        self._skew = skew
        self._cache: DocumentCache[dict[str, Any]] = cache or DocumentCache(maxsize=64)
        self._newest: OrderedDict[str, datetime] = OrderedDict()
        self._newest_lock = threading.Lock()
        self._seen_bits: SeenStatusBits = seen_bits or InMemorySeenStatusBits()

    def check(self, credential: dict[str, Any]) -> Check:
        """The ``status`` check of ``credential`` (see the module docstring)."""
        entries = status_entries(credential)
        if isinstance(entries, Check):
            return entries
        return worst_check([self._one(credential, entry) for entry in entries])

    def _one(self, credential: Mapping[str, Any], raw: object) -> Check:
        if not isinstance(raw, dict):
            return failed(
                "status", MALFORMED_VALUE_ERROR, "a credentialStatus entry is not an object"
            )
        types = _types(raw)
        if BITSTRING_ENTRY in types:
            return self._bitstring(credential, raw)
        if REVOCATION_LIST_TYPE in types:
            return self._revocation_list(credential, raw)
        return errored(
            "status",
            STATUS_NOT_CHECKED,
            f"unsupported status type {quote(raw.get('type'))}, cannot confirm the status",
        )

    # -- Bitstring Status List -------------------------------------------------------------

    def _bitstring(self, credential: Mapping[str, Any], raw: Mapping[str, Any]) -> Check:
        entry = parse_bitstring_entry(raw)
        if isinstance(entry, Check):
            return entry
        issuer = issuer_id_of(credential)
        if issuer is None:
            return errored("status", STATUS_NOT_CHECKED, "the credential has no issuer id")
        try:
            subject = self._trusted_list(entry.list_url, issuer)
        except UntrustedListError as exc:
            prefix = (
                ""
                if exc.problem == STATUS_RETRIEVAL_ERROR
                else "the status list cannot be trusted: "
            )
            return errored("status", exc.problem, prefix + exc.message)
        return self._bit(entry, subject)

    def _trusted_list(self, url: str, issuer: str) -> dict[str, Any]:
        key = f"{issuer} {url}"
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        try:
            fetched = self._fetcher.fetch_body(
                url,
                max_bytes=STATUS_LIST_MAX_BYTES,
                accept=LIST_ACCEPT,
                media_types=_list_media_type,
            )
        except FetchMediaTypeError as exc:
            raise UntrustedListError(
                f"the status list {quote(url)} cannot be retrieved: the response is "
                f"{quote(exc.media_type[:60] or 'untyped')}, not JSON or a JWT",
                STATUS_RETRIEVAL_ERROR,
            ) from None
        except FetchError as exc:
            raise UntrustedListError(
                f"the status list {quote(url)} cannot be retrieved: {exc.message}",
                STATUS_RETRIEVAL_ERROR,
            ) from None
        subject = self._verify_list(fetched, url, issuer)
        lifetime = fetched.max_age
        ttl = subject.get("ttl")
        if type(ttl) is int and ttl >= 0:
            lifetime = ttl / 1000 if lifetime is None else min(lifetime, ttl / 1000)
        self._cache.put(key, subject, lifetime)
        return subject

    def _verify_list(self, fetched: FetchedBody, url: str, issuer: str) -> dict[str, Any]:
        now = self._clock()
        jwt = _list_jwt(fetched)
        if jwt is None:
            try:
                document: object = parse_object(fetched.body)
            except JsonInputError as exc:
                raise UntrustedListError(f"the status list is not a JSON object: {exc}") from None
        else:
            document = jwt.credential
        checked = check_list_envelope(document, url, issuer)
        check_list_validity(checked, now, self._skew)
        if jwt is None:
            proof = check_proof(checked, self._processor, self._resolver, now=now)
        else:
            proof = check_jwt_proof(jwt, self._processor, self._resolver, now=now, skew=self._skew)
        if proof.check.status != "passed":
            raise UntrustedListError(f"its proof does not verify: {proof.check.message}")
        owner = check_issuer(checked, proof.methods)
        if owner.status != "passed":
            raise UntrustedListError(f"its signing key is not its issuer's: {owner.message}")
        subject = list_subject(checked)
        self._refuse_rollback(url, checked.get("validFrom"))
        self._refuse_cleared_bits(url, subject)
        return subject

    def _refuse_cleared_bits(self, url: str, subject: Mapping[str, Any]) -> None:
        """Remember the bits a verified revocation list sets; raise if it clears one seen set
        before (item 32). Suspension lists may clear bits; an undecodable list is left to the
        bit check (which reports it)."""
        if subject.get("statusPurpose") != "revocation":
            return
        try:
            bits = decode_bitstring(subject.get("encodedList"))
        except BitstringError:
            return
        previous = self._seen_bits.remember(url, bits)
        cleared = first_cleared_bit(previous, bits)
        if cleared is not None:
            raise UntrustedListError(
                f"the status list was rolled back: index {cleared} was revoked in a copy "
                "already seen and is clear in this one (revocation is final)"
            )

    def _refuse_rollback(self, url: str, valid_from: object) -> None:
        """Remember the newest ``validFrom`` of ``url``; raise if ``valid_from`` is older (F13).

        A list without ``validFrom`` is neither remembered nor compared (its form was checked
        by :func:`check_list_validity`).
        """
        if not isinstance(valid_from, str):
            return
        moment = parse_datetime_stamp(valid_from)
        with self._newest_lock:
            newest = self._newest.get(url)
            if newest is not None and moment < newest:
                raise UntrustedListError(
                    f"the status list was rolled back: its validFrom {valid_from} is older than "
                    f"a version already seen ({newest.isoformat()})"
                )
            self._newest[url] = moment
            self._newest.move_to_end(url)
            while len(self._newest) > MAX_REMEMBERED_LISTS:
                self._newest.popitem(last=False)

    @staticmethod
    def _bit(entry: BitstringEntry, subject: Mapping[str, Any]) -> Check:
        if subject.get("statusPurpose") != entry.purpose:
            return errored(
                "status",
                STATUS_VERIFICATION_ERROR,
                f"the entry's statusPurpose {quote(entry.purpose)} is not the list's "
                f"{quote(subject.get('statusPurpose'))}",
            )
        bit = read_status_bit(entry, subject)
        if isinstance(bit, Check):
            return bit
        where = f"index {entry.index} of {entry.list_url}"
        if bit:
            state = "revoked" if entry.purpose == "revocation" else "suspended"
            return failed("status", REVOKED, f"{state} ({where})")
        state = "not revoked" if entry.purpose == "revocation" else "not suspended"
        return passed("status", f"{state} ({where})")

    # -- 1EdTech Revocation List -----------------------------------------------------------

    def _revocation_list(self, credential: Mapping[str, Any], raw: Mapping[str, Any]) -> Check:
        url = raw.get("id")
        if not isinstance(url, str) or not url:
            return failed(
                "status", MALFORMED_VALUE_ERROR, "the 1EdTechRevocationList entry has no id"
            )
        credential_id = credential.get("id")
        if not isinstance(credential_id, str) or not credential_id:
            return errored(
                "status",
                STATUS_NOT_CHECKED,
                "the credential has no id to look up in its revocation list",
            )
        try:
            fetched = self._fetcher.fetch_json(
                url, max_bytes=STATUS_LIST_MAX_BYTES, accept="application/json"
            )
        except FetchError as exc:
            return errored(
                "status",
                STATUS_RETRIEVAL_ERROR,
                f"the revocation list {quote(url)} cannot be retrieved: {exc.message}",
            )
        revoked = _revoked_ids(fetched.data)
        if revoked is None:
            return errored(
                "status",
                STATUS_VERIFICATION_ERROR,
                f"the revocation list {quote(url)} is not a 1EdTech revocation list",
            )
        if credential_id in revoked:
            return failed("status", REVOKED, f"revoked (listed in {url})")
        return passed("status", f"not revoked (not listed in {url})")


def _list_media_type(media_type: str) -> bool:
    """The media types a status list may be served with: JSON, a JWT, or untyped text."""
    return (
        is_json_media_type(media_type)
        or media_type in _JWT_MEDIA_TYPES
        or media_type in _SNIFFED_MEDIA_TYPES
    )


def _list_jwt(fetched: FetchedBody) -> Jwt | None:
    """The list as a decoded compact JWT, or ``None`` when it is to be read as JSON.

    Raises:
        UntrustedListError: A JWT that does not decode.
    """
    if is_json_media_type(fetched.media_type):
        return None
    if fetched.media_type not in _JWT_MEDIA_TYPES and not looks_like_jwt(fetched.body):
        return None
    check, jwt = check_jwt_parse(fetched.body)
    if jwt is None:
        raise UntrustedListError(f"the status list JWT does not decode: {check.message}")
    return jwt


def _revoked_ids(data: object) -> frozenset[str] | None:
    """The ids a 1EdTech revocation list marks revoked, or ``None`` if it is malformed."""
    if not isinstance(data, dict):
        return None
    items = data.get("revokedCredential", [])
    if not isinstance(items, list) or len(items) > _MAX_REVOKED:
        return None
    revoked: set[str] = set()
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            return None
        flag = item.get("revoked", True)
        if not isinstance(flag, bool):
            return None
        if flag:
            revoked.add(item["id"])
    return frozenset(revoked)


class CompositeStatusChecker:
    """Routes each status entry: lists under ``base_url`` to ``local``, the rest to ``remote``.

    The credential handed to each checker carries only the entries that checker owns; the
    answers are combined (``failed`` before ``error`` before ``passed``).

    Args:
        base_url: This service's base URL (``scheme://host[:port]``, no trailing slash).
        local: The checker of our own lists (the registry's; never a network request).
        remote: The checker of every other list (``None``: foreign lists are not checked, an
            ``error``).
    """

    def __init__(
        self, base_url: str, local: StatusChecker, remote: StatusChecker | None = None
    ) -> None:
        self._prefix = base_url.rstrip("/") + "/"
        self._local = local
        self._remote = remote

    def is_local(self, entry: object) -> bool:
        """Whether ``entry``'s list lives under this service's base URL."""
        url = status_list_url(entry)
        return url is not None and url.startswith(self._prefix)

    def check(self, credential: dict[str, Any]) -> Check:
        """The ``status`` check of ``credential``, each entry by the checker that owns it."""
        entries = status_entries(credential)
        if isinstance(entries, Check):
            return entries
        local = [entry for entry in entries if self.is_local(entry)]
        foreign = [entry for entry in entries if not self.is_local(entry)]
        results: list[Check] = []
        if local:
            results.append(self._local.check({**credential, "credentialStatus": local}))
        if foreign and self._remote is None:
            results.append(
                errored(
                    "status",
                    STATUS_RETRIEVAL_ERROR,
                    "the status list is not this registry's and network status checks are off",
                )
            )
        elif foreign and self._remote is not None:
            results.append(self._remote.check({**credential, "credentialStatus": foreign}))
        if len(results) == 1 or any(result.status != "passed" for result in results):
            return worst_check(results)
        return passed("status", "; ".join(result.message for result in results))
