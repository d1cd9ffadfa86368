"""The public site's services: read a public credential, verify it (cached), know our issuers.

A page reads the database once: one prepared statement in one short read-only transaction
(:meth:`PublicSite.load`); verification runs only on a cache miss (:mod:`app.public.cache`).
"""

from __future__ import annotations

import functools
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Final

import sqlalchemy as sa
from sqlmodel import select

from app.public.cache import CacheKey, PageCache, PageState, VerificationCache, fresh_until
from app.public.limits import UrlFetchLimitError, WindowLimiter
from app.verification import make_fetcher
from registry.context import Registry
from registry.credentials.issuance import credential_uuid
from registry.db import session_scope
from registry.errors import CredentialNotFoundError
from registry.models import CredentialRecord, OrganisationRecord, StatusListRecord
from verifier import VerificationReport, Verifier
from verifier.fetch import Fetcher

__all__ = ["LOOP_READ_ERRORS", "Loaded", "PublicRecord", "PublicSite"]

LOOP_READ_ERRORS: Final = (sqlite3.OperationalError,)
"""What an inline state read on the event loop may raise when SQLite is busy: treat it as a
cache miss, so the page is read in a worker thread with the normal timeout."""


_COLUMNS: Final = (
    "id",
    "org_id",
    "achievement",
    "outcome",
    "complexity",
    "lang",
    "recipient_name",
    "assessor_name",
    "status",
    "status_changed_at",
    "issued_at",
    "valid_from",
    "valid_until",
    "status_list_id",
    "version",
    "signed_bytes",
    "hidden",
    "erased_at",
)

_credentials = sa.inspect(CredentialRecord).local_table
_lists = sa.inspect(StatusListRecord).local_table
_orgs = sa.inspect(OrganisationRecord).local_table

_LOAD: Final = (
    sa.select(
        *(_credentials.c[name] for name in _COLUMNS),
        _lists.c.version.label("list_version"),
        _orgs.c.name.label("org_name"),
        _orgs.c.did.label("org_did"),
    )
    .join(_lists, _lists.c.id == _credentials.c.status_list_id)
    .join(_orgs, _orgs.c.id == _credentials.c.org_id)
    .where(_credentials.c.id == sa.bindparam("key"))
)
"""One statement, built once: the credential, its status list version and its issuer."""


_STATE_SQL: Final = (
    "SELECT c.version, c.status, c.status_list_id, l.version,"
    " CASE WHEN c.signed_bytes IS NOT NULL AND c.erased_at IS NULL THEN 1 ELSE 0 END,"
    " c.hidden"
    " FROM credentials c JOIN status_lists l ON l.id = c.status_list_id"
    " WHERE c.id = :key"
)
"""The state query of :meth:`PublicSite.state` (``:key`` becomes the driver's placeholder)."""


@dataclass(frozen=True)
class PublicRecord:
    """The registry's columns of a credential that its public page needs."""

    id: str
    org_id: int
    achievement: str
    outcome: str | None
    complexity: str | None
    lang: str
    recipient_name: str | None
    assessor_name: str | None
    status: str
    status_changed_at: datetime | None
    issued_at: datetime
    valid_from: datetime
    valid_until: datetime | None
    status_list_id: int
    version: int
    signed_bytes: bytes | None
    hidden: bool
    erased_at: datetime | None


@dataclass(frozen=True)
class Loaded:
    """A public credential and what its page needs, read in one statement."""

    record: PublicRecord
    signed: bytes
    list_version: int
    org_name: str
    org_did: str


@dataclass
class PublicSite:
    """What the public pages need: the registry, a verifier, and the verification cache.

    Args:
        registry: The registry (database, catalogue, settings, clock).
        verifier: The verifier of our own and foreign credentials.
        cache: Verification results of our credentials' pages.
        pages: Rendered pages, served while the registry reports the state they show.
    """

    registry: Registry
    verifier: Verifier
    cache: VerificationCache = field(default_factory=VerificationCache)
    pages: PageCache = field(default_factory=PageCache)

    @property
    def base_url(self) -> str:
        """The service's public base URL."""
        return self.registry.base_url

    @property
    def host(self) -> str:
        """The service's host name, as the pages name it."""
        return self.registry.settings.host

    def now(self) -> datetime:
        """The registry's clock."""
        return self.registry.clock()

    @functools.cached_property
    def inline_state(self) -> bool:
        """Whether :meth:`state` may run on the event loop: on SQLite it is one indexed read of
        a few microseconds that never waits for a writer (WAL), cheaper than the hop to a worker
        thread; a server database answers over the network, so there it runs in a thread."""
        return self.registry.engine.dialect.name == "sqlite"

    def load(self, ref: str, *, include_hidden: bool = False) -> Loaded:
        """Read a public credential with its status list version and issuer.

        Args:
            ref: The credential's uuid.
            include_hidden: Also return a credential its holder hid (the holder page).

        Raises:
            CredentialNotFoundError: Unknown, erased, or hidden (unless ``include_hidden``).
        """
        key = credential_uuid(ref)
        with self.registry.engine.connect().execution_options(read_only=True) as connection:
            row = connection.execute(_LOAD, {"key": key}).mappings().first()
        if row is None:
            raise CredentialNotFoundError(f"no credential {key}")
        record = PublicRecord(**{name: row[name] for name in _COLUMNS})
        if (
            record.signed_bytes is None
            or record.erased_at is not None
            or (record.hidden and not include_hidden)
        ):
            raise CredentialNotFoundError(f"no credential {key}")
        return Loaded(
            record=record,
            signed=record.signed_bytes or b"",
            list_version=row["list_version"],
            org_name=row["org_name"],
            org_did=row["org_did"],
        )

    def state(self, ref: str) -> tuple[str, PageState]:
        """The public state of a credential: ``(uuid, PageState)``, with one small query.

        Runs on the pool's DB-API connection (no ORM, no explicit transaction: one SELECT is
        consistent on its own), so a page served from :attr:`pages` costs next to nothing.

        Raises:
            CredentialNotFoundError: Unknown, erased or hidden.
        """
        key = credential_uuid(ref)
        if self.inline_state:
            row = self._loop_cursor.execute(self._state_sql, (key,)).fetchone()
        else:
            raw = self.registry.engine.raw_connection()
            try:
                cursor = raw.cursor()
                try:
                    cursor.execute(self._state_sql, (key,))
                    row = cursor.fetchone()
                finally:
                    cursor.close()
            finally:
                raw.close()
        if row is None or not row[4] or row[5]:
            raise CredentialNotFoundError(f"no credential {key}")
        return key, (int(row[0]), str(row[1]), int(row[2]), int(row[3]))

    @functools.cached_property
    def _loop_cursor(self) -> Any:
        """SQLite only: a cursor of one pooled connection kept for the event loop's inline
        state reads (:attr:`inline_state`; one loop, so never used concurrently). The
        connection runs in autocommit (no implicit transaction), so each read sees the latest
        committed state."""
        cursor = self.registry.engine.raw_connection().cursor()
        # Never hold the event loop: a read that would wait (a rare WAL recovery) gives up
        # after 50 ms and the page takes the worker-thread path instead (see LOOP_READ_ERRORS).
        cursor.execute("PRAGMA busy_timeout = 50")
        return cursor

    @functools.cached_property
    def fetcher(self) -> Fetcher:
        """The bounded fetcher that reads other issuers' credential URLs (built once, from the
        settings: https, public addresses, ``LEVERUP_FETCH_TIMEOUT_SECONDS``)."""
        return make_fetcher(self.registry.settings)

    @functools.cached_property
    def recipient_limiter(self) -> WindowLimiter:
        """Recipient checks per client address (``LEVERUP_RECIPIENT_CHECKS_PER_MINUTE``, H19)."""
        return WindowLimiter(self.registry.settings.recipient_checks_per_minute)

    @functools.cached_property
    def url_fetch_limiter(self) -> WindowLimiter:
        """Verifications of another host's URL per client address
        (``LEVERUP_URL_FETCHES_PER_MINUTE``, H16 after H14)."""
        return WindowLimiter(
            self.registry.settings.url_fetches_per_minute, error=UrlFetchLimitError
        )

    @functools.cached_property
    def _state_sql(self) -> str:
        mark = "?" if self.registry.engine.dialect.paramstyle == "qmark" else "%s"
        return _STATE_SQL.replace(":key", mark)

    def page_state(self, loaded: Loaded) -> PageState:
        """The :data:`PageState` of a loaded credential (what :meth:`state` reports)."""
        record = loaded.record
        return (record.version, record.status, record.status_list_id, loaded.list_version)

    def fresh_until(self, loaded: Loaded) -> datetime:
        """How long a verification of ``loaded`` made now stays right (see :mod:`.cache`)."""
        record = loaded.record
        skew = timedelta(seconds=self.registry.settings.clock_skew_seconds)
        # not_before flips at validFrom - skew; expiration at validUntil itself (no skew there).
        boundaries = [record.valid_from - skew, record.valid_from + skew]
        if record.valid_until is not None:
            boundaries.append(record.valid_until)
        return fresh_until(self.now(), boundaries)

    def report(self, loaded: Loaded) -> VerificationReport:
        """Verify a loaded credential, or reuse a still-fresh result (see :mod:`.cache`)."""
        record = loaded.record
        key: CacheKey = (record.id, record.version, record.status_list_id, loaded.list_version)
        now = self.now()
        cached = self.cache.get(key, now)
        if cached is not None:
            return cached
        report = self.verifier.verify(loaded.signed)
        self.cache.put(key, report, self.fresh_until(loaded))
        return report

    def organisation_name(self, did: str | None) -> str | None:
        """Our registry's name of the organisation whose DID is ``did``, or None."""
        if not did or not did.startswith("did:web:"):
            return None
        with session_scope(self.registry.engine, read_only=True) as session:
            return session.exec(
                select(OrganisationRecord.name).where(OrganisationRecord.did == did)
            ).first()
