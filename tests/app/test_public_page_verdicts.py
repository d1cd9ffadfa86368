"""The verdict of the public page: valid, revoked at once, suspended, expired, invalid, unknown."""
# ruff: noqa: F811 - pytest fixtures imported from public_support are redefined as arguments

from __future__ import annotations

import re
import sqlite3
from datetime import timedelta
from typing import Any

import pytest
from litestar.testing import TestClient
from public_support import (  # noqa: F401 - fixtures
    FrozenClock,
    client,
    clock,
    engine,
    issue,
    make_app,
    org,
    page,
    registry,
    revoke,
    site,
    suspend,
    verifier,
)
from sqlmodel import Session

from app.public import PublicSite
from registry.context import Registry
from registry.models import CredentialRecord, OrganisationRecord
from registry.orgs.service import OrganisationService
from verifier import CompositeResolver, DidKeyResolver, LocalDidWebResolver, Verifier


def _verdict(html: str) -> str:
    match = re.search(r'<section id="verdict" data-verdict="([a-z]+)"', html)
    assert match is not None, html[:500]
    return match.group(1)


def _check(html: str, check_id: str) -> str:
    match = re.search(rf'<li data-check="{check_id}" data-status="([a-z]+)"', html)
    assert match is not None
    return match.group(1)


class TestVerdicts:
    def test_valid(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        """A fresh credential is valid; every check is listed with its result."""
        record = issue(registry, org)
        html = page(client, record.id).text
        assert _verdict(html) == "valid"
        for check_id in ("parse", "proof", "issuer", "expiration", "status"):
            assert _check(html, check_id) == "passed"

    def test_revocation_shows_at_once(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        """A page seen (and cached) as valid reads revoked on the very next view."""
        record = issue(registry, org)
        assert _verdict(page(client, record.id).text) == "valid"
        revoke(registry, org, record.id)
        html = page(client, record.id).text
        assert _verdict(html) == "revoked"
        assert _check(html, "status") == "failed"

    def test_suspended_is_told_apart_from_revoked(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        """Suspension sets the same bit; the registry's record says "suspended"."""
        record = issue(registry, org)
        suspend(registry, org, record.id)
        assert _verdict(page(client, record.id).text) == "suspended"

    def test_expired_is_computed_at_view_time(
        self,
        client: TestClient[Any],
        registry: Registry,
        org: OrganisationRecord,
        clock: FrozenClock,
    ) -> None:
        """A credential seen valid reads expired once its validUntil has passed (no stale
        cached verdict)."""
        until = (clock.now + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
        record = issue(registry, org, validUntil=until)
        assert _verdict(page(client, record.id).text) == "valid"
        clock.advance(days=3)
        html = page(client, record.id).text
        assert _verdict(html) == "expired"
        assert _check(html, "expiration") == "failed"

    def test_i12_23_expired_seconds_after_valid_until_even_when_cached(
        self,
        client: TestClient[Any],
        registry: Registry,
        org: OrganisationRecord,
        clock: FrozenClock,
    ) -> None:
        """Item 23: 10 s after validUntil the page reads expired, though it was verified (and
        cached) as valid 30 s before validUntil: no clock skew extends validity, and the cached
        verdict is fresh only until validUntil itself."""
        until = clock.now + timedelta(days=2)
        record = issue(registry, org, validUntil=until.strftime("%Y-%m-%dT%H:%M:%SZ"))
        clock.advance(days=2, seconds=-30)
        assert _verdict(page(client, record.id).text) == "valid"
        clock.advance(seconds=40)
        assert _verdict(page(client, record.id).text) == "expired"

    def test_the_registry_status_wins_while_publication_is_pending(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        """Revoked in the registry while the signed list still shows the bit clear (its
        re-signing pending, J9): the page already says revoked, never valid."""
        record = issue(registry, org)
        with Session(registry.engine) as session:
            row = session.get(CredentialRecord, record.id)
            assert row is not None
            row.status = "revoked"
            row.version += 1  # what a lifecycle change does; the list stays as it was signed
            session.add(row)
            session.commit()
        html = page(client, record.id).text
        assert _verdict(html) == "revoked"
        assert _check(html, "status") == "passed"  # the published list has not caught up

    def test_tampered_bytes_are_invalid(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        """Stored bytes altered after signing: the proof fails, the page says not valid."""
        record = issue(registry, org)
        with Session(registry.engine) as session:
            row = session.get(CredentialRecord, record.id)
            assert row is not None and row.signed_bytes is not None
            row.signed_bytes = row.signed_bytes.replace(b"Ada Volunteer", b"Eve Volunteer")
            session.add(row)
            session.commit()
        html = page(client, record.id).text
        assert _verdict(html) == "invalid"
        assert _check(html, "proof") == "failed"

    def test_status_that_cannot_be_checked_is_unknown(
        self, registry: Registry, org: OrganisationRecord, clock: FrozenClock
    ) -> None:
        """A verifier that cannot check the status (no status checker) reads "could not be
        checked", never valid."""
        from litestar.testing import TestClient as Client

        def documents(did: str) -> dict[str, Any] | None:
            with Session(registry.engine) as session:
                return OrganisationService(registry, session).did_document_for(did)

        resolver = CompositeResolver([DidKeyResolver(), LocalDidWebResolver(documents)])
        blind = Verifier(registry.processor, resolver, clock=clock)
        record = issue(registry, org)
        with Client(make_app(registry, PublicSite(registry, blind))) as blind_client:
            html = page(blind_client, record.id).text
        assert _verdict(html) == "unknown"
        assert _check(html, "status") == "error"
        assert "Could not be checked" in html

    def test_repeat_views_are_served_from_the_cache(
        self,
        client: TestClient[Any],
        registry: Registry,
        org: OrganisationRecord,
        site: PublicSite,
    ) -> None:
        """The second view does not verify again."""
        record = issue(registry, org)
        page(client, record.id)
        calls: list[object] = []
        original = site.verifier.verify

        def counting(data: Any) -> Any:
            calls.append(data)
            return original(data)

        site.verifier.verify = counting  # type: ignore[method-assign]
        assert _verdict(page(client, record.id).text) == "valid"
        assert calls == []

    def test_a_busy_database_on_the_loop_falls_back_to_a_worker_thread(
        self,
        client: TestClient[Any],
        registry: Registry,
        org: OrganisationRecord,
        site: PublicSite,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """SQLite answers the page's state read on the event loop with a 50 ms timeout; when it
        is busy, the page is read in a worker thread instead of failing (or holding the loop)."""
        record = issue(registry, org)
        page(client, record.id)

        def busy(_ref: str) -> Any:
            raise sqlite3.OperationalError("database is locked")

        monkeypatch.setattr(site, "inline_state", True)
        monkeypatch.setattr(site, "state", busy)
        response = page(client, record.id)
        assert response.status_code == 200
        assert _verdict(response.text) == "valid"
