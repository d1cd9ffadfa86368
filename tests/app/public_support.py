"""Helpers and fixtures of the public page tests: a registry with one organisation, a verifier on
the same frozen clock, and an app of the credentials, media, status and public routes.

Test modules import the fixtures they use from here (``from public_support import ...``).
"""

from __future__ import annotations

import functools
import os
import secrets
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app import api, http_media, public
from app.problems import INTERNAL_ERROR_HANDLERS, problem_plugin
from badge_classes import Catalogue
from common.jsonld import ContextLoader, JsonLdProcessor
from common.settings import Settings
from common.timeutil import utcnow
from registry.context import Registry
from registry.credentials.holder import holder_key, holder_token
from registry.credentials.issuance import IssuanceService
from registry.credentials.lifecycle import LifecycleService
from registry.db import create_db_engine, migrate, session_scope
from registry.models import CredentialRecord, OrganisationRecord
from registry.orgs.service import OrganisationService
from registry.orgs.tokens import TokenService
from registry.schemas import CredentialIn
from registry.status import RegistryStatusChecker
from verifier import CompositeResolver, DidKeyResolver, LocalDidWebResolver, Verifier

__all__ = [
    "ACTOR",
    "BASE_URL",
    "HTML",
    "FrozenClock",
    "client",
    "clock",
    "engine",
    "foreign_signed",
    "holder_link_key",
    "issue",
    "org",
    "page",
    "registry",
    "revoke",
    "site",
    "suspend",
    "token",
    "verifier",
]

BASE_URL = "https://badges.example.org"
ACTOR = "cli:public-tests"
MASTER_HEX = "8d1c5e9f0d2a473f9a6c1d82e45b07a1c9d3e6f0b2847c5d1e9a0b3c7f2e6d4a"
HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


class FrozenClock:
    """A clock that stands still until moved."""

    def __init__(self) -> None:
        self.now = utcnow().replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        """Move the clock forward (``days=``, ``seconds=`` …)."""
        self.now += timedelta(**delta)


@functools.cache
def _processor() -> JsonLdProcessor:
    return JsonLdProcessor(ContextLoader.from_directory())


@functools.cache
def _catalogue() -> Catalogue:
    return Catalogue.load()


@pytest.fixture
def clock() -> FrozenClock:
    """The one clock of the registry and the verifier."""
    return FrozenClock()


PG_URL = os.environ.get("LEVERUP_TEST_DATABASE_URL")


def _backends() -> list[object]:
    skip = pytest.mark.skipif(not PG_URL, reason="set LEVERUP_TEST_DATABASE_URL for PostgreSQL")
    return ["sqlite", pytest.param("postgresql", marks=skip)]


@pytest.fixture(params=_backends())
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated registry database: SQLite, and PostgreSQL (a fresh schema) when
    ``LEVERUP_TEST_DATABASE_URL`` is set, as in ``tests/registry/conftest.py``."""
    if request.param == "sqlite":
        created = create_db_engine(f"sqlite:///{tmp_path / 'registry.db'}")
        migrate(created)
        yield created
        created.dispose()
        return
    assert PG_URL is not None
    schema = f"t_{secrets.token_hex(6)}"
    admin = create_db_engine(PG_URL)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    created = create_db_engine(PG_URL, schema=schema)
    try:
        migrate(created)
        yield created
    finally:
        created.dispose()
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture
def registry(engine: Engine, clock: FrozenClock) -> Registry:
    """The registry over ``engine`` on the frozen clock."""
    from keys.store import MasterSecret

    return Registry(
        settings=Settings(base_url=BASE_URL, secret_key=MASTER_HEX),
        engine=engine,
        processor=_processor(),
        catalogue=_catalogue(),
        master=MasterSecret(bytes.fromhex(MASTER_HEX)),
        clock=clock,
    )


@pytest.fixture
def org(registry: Registry) -> OrganisationRecord:
    """The issuing organisation."""
    with session_scope(registry.engine) as session:
        created = OrganisationService(registry, session).create(
            slug="centre-one", name="Centro Volontari Uno", actor=ACTOR
        )
        session.expunge(created)
    return created


@pytest.fixture
def verifier(registry: Registry, clock: FrozenClock) -> Verifier:
    """Our verifier (the registry's DIDs and status lists) on the frozen clock."""

    def documents(did: str) -> dict[str, Any] | None:
        with session_scope(registry.engine) as session:
            return OrganisationService(registry, session).did_document_for(did)

    return Verifier(
        registry.processor,
        CompositeResolver([DidKeyResolver(), LocalDidWebResolver(documents)]),
        status_checker=RegistryStatusChecker(registry),
        clock=clock,
    )


@pytest.fixture
def site(registry: Registry, verifier: Verifier) -> public.PublicSite:
    """The public site over the registry and verifier."""
    return public.PublicSite(registry, verifier)


def make_app(registry: Registry, site: public.PublicSite) -> Litestar:
    """The routes ``app/asgi.py`` mounts for credentials, media, lifecycle and the public pages."""
    return Litestar(
        route_handlers=[
            *public.ROUTES,
            *api.ROUTES,
            *http_media.ROUTES,
        ],
        dependencies={**api.registry_dependencies(registry), **public.site_dependencies(site)},
        template_config=public.template_config(),
        plugins=[problem_plugin()],
        exception_handlers=INTERNAL_ERROR_HANDLERS,  # type: ignore[arg-type]
        request_max_body_size=1_000_000,
        multipart_form_part_limit=10,
        debug=False,
    )


@pytest.fixture
def client(registry: Registry, site: public.PublicSite) -> Iterator[TestClient[Any]]:
    """A client of the app."""
    with TestClient(make_app(registry, site), base_url=BASE_URL) as test_client:
        yield test_client


def token(registry: Registry, org: OrganisationRecord, role: str) -> str:
    """A new API token of ``org`` (committed)."""
    with session_scope(registry.engine) as session:
        value, _ = TokenService(registry, session).create(org, role, f"{role} test", actor=ACTOR)
    return value


def issue(registry: Registry, org: OrganisationRecord, **changes: Any) -> CredentialRecord:
    """Issue (committed) a teamwork credential; ``changes`` amend the request body."""
    body: dict[str, Any] = {
        "achievement": "teamwork",
        "outcome": "accomplished",
        "complexity": "mid-high",
        "recipient": {"email": "volunteer@example.org", "name": "Ada Volunteer"},
        "assessor": {"name": "Maria Rossi"},
        "lang": "it",
    }
    body.update(changes)
    with session_scope(registry.engine) as session:
        record = IssuanceService(registry, session).issue(
            org, msgspec.convert(body, CredentialIn), actor=ACTOR
        )
        session.expunge(record)
    return record


def _lifecycle(
    registry: Registry, action: Callable[[LifecycleService], CredentialRecord]
) -> CredentialRecord:
    with session_scope(registry.engine) as session:
        record = action(LifecycleService(registry, session))
        session.expunge(record)
    return record


def revoke(registry: Registry, org: OrganisationRecord, uuid: str) -> CredentialRecord:
    """Revoke ``uuid`` (committed)."""
    return _lifecycle(registry, lambda s: s.revoke(org, uuid, reason="error", actor=ACTOR))


def suspend(registry: Registry, org: OrganisationRecord, uuid: str) -> CredentialRecord:
    """Suspend ``uuid`` (committed)."""
    return _lifecycle(registry, lambda s: s.suspend(org, uuid, reason="check", actor=ACTOR))


def holder_link_key(registry: Registry, uuid: str) -> str:
    """The ``key`` of the holder link of ``uuid``."""
    return holder_token(holder_key(registry), uuid)


def page(client: TestClient[Any], uuid: str, **headers: str) -> Any:
    """The HTML page of ``uuid`` as a browser asks for it."""
    return client.get(f"/credentials/{uuid}", headers={**HTML, **headers})


def stored(registry: Registry, uuid: str) -> CredentialRecord:
    """The credential row as committed (detached)."""
    with Session(registry.engine) as session:
        record = session.get(CredentialRecord, uuid)
        assert record is not None
        session.expunge(record)
        return record


FOREIGN_SEED = bytes(range(32))
"""The seed of a "foreign" did:key issuer (not one of this registry's organisations)."""


def foreign_signed(
    registry: Registry, org: OrganisationRecord, *, issuer_name: str, **changes: Any
) -> bytes:
    """One of our credentials re-signed by a did:key issuer that calls itself ``issuer_name``:
    a well-formed, validly signed credential of an issuer this service does not know (no
    status entry). ``changes`` replace top-level members before signing."""
    from issuer import Signer, sign_credential
    from keys.did import did_key, did_key_verification_method
    from keys.ed25519 import Ed25519KeyPair

    signed = stored(registry, issue(registry, org).id).signed_bytes
    assert signed is not None
    document = msgspec.json.decode(signed)
    for member in ("proof", "credentialStatus"):
        document.pop(member)
    key_pair = Ed25519KeyPair.from_seed(FOREIGN_SEED)
    document["issuer"] = {
        "id": did_key(key_pair.public_key),
        "type": ["Profile"],
        "name": issuer_name,
    }
    document.update(changes)
    signer = Signer(key_pair, did_key_verification_method(key_pair.public_key))
    return sign_credential(registry.processor, document, signer).signed_bytes
