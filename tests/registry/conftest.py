"""Registry fixtures: every test that takes ``engine`` runs on SQLite, and on PostgreSQL too
when ``LEVERUP_TEST_DATABASE_URL`` is set (CI sets it; each PostgreSQL test works in a fresh
schema that is dropped afterwards).

The API fixtures ``registry`` (over a fresh database), ``org`` (the issuing organisation),
``tokens`` (one of each role), ``client`` (of the credentials app) and ``public_client`` (the
API and the public pages) are here, with ``clock`` (a clock the tests move by hand),
``issued`` (an organisation and one active credential) and ``issued_document`` (the same with
its parsed document); a module that needs another registry (on ``clock``, a smaller batch
limit ...) overrides ``registry`` only, and the others follow it."""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from issuance_support import Tokens, make_credentials_app, new_org, registry_verifier
from litestar import Litestar
from litestar.testing import TestClient
from registry_support import FrozenClock, create_org, issue_credential, make_registry, scope
from sqlalchemy.engine import Engine

from app import api, public
from app.problems import INTERNAL_ERROR_HANDLERS, problem_plugin
from registry.context import Registry
from registry.db import create_db_engine, migrate
from registry.models import CredentialRecord, OrganisationRecord

PG_URL = os.environ.get("LEVERUP_TEST_DATABASE_URL")


def _backends() -> list[object]:
    pg = pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(
            not PG_URL, reason="PostgreSQL not configured (set LEVERUP_TEST_DATABASE_URL)"
        ),
    )
    return ["sqlite", pg]


@pytest.fixture(params=_backends())
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database; yields its URL (with the schema for PostgreSQL in
    ``request.node.pg_schema``)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'registry.db'}"
        return
    assert PG_URL is not None
    schema = f"t_{secrets.token_hex(6)}"
    admin = create_db_engine(PG_URL)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    request.node.pg_schema = schema
    try:
        yield PG_URL
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture
def engine(request: pytest.FixtureRequest, database_url: str) -> Iterator[Engine]:
    """An engine on a freshly migrated database (SQLite file, or a PostgreSQL schema)."""
    schema = getattr(request.node, "pg_schema", None)
    engine = create_db_engine(database_url, schema=schema)
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def bare_engine(request: pytest.FixtureRequest, database_url: str) -> Iterator[Engine]:
    """An engine on an empty database, no migration applied yet (the migration tests)."""
    engine = create_db_engine(database_url, schema=getattr(request.node, "pg_schema", None))
    yield engine
    engine.dispose()


def table_names(engine: Engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names())


@pytest.fixture
def registry(engine: Engine) -> Registry:
    """A registry over a fresh database."""
    return make_registry(engine)


@pytest.fixture
def clock() -> FrozenClock:
    """A clock the tests move by hand (for modules whose ``registry`` runs on it)."""
    return FrozenClock()


@pytest.fixture
def issued(registry: Registry) -> tuple[OrganisationRecord, CredentialRecord]:
    """An organisation and one active credential of it."""
    org = create_org(registry)
    with scope(registry) as session:
        return org, issue_credential(registry, session, org)


@pytest.fixture
def issued_document(
    issued: tuple[OrganisationRecord, CredentialRecord],
) -> tuple[OrganisationRecord, CredentialRecord, dict[str, Any]]:
    """``issued`` with the credential's parsed signed document."""
    org, record = issued
    assert record.signed_bytes is not None
    return org, record, json.loads(record.signed_bytes)


@pytest.fixture
def org(registry: Registry) -> OrganisationRecord:
    """The issuing organisation."""
    return new_org(registry)


@pytest.fixture
def tokens(registry: Registry, org: OrganisationRecord) -> Tokens:
    """A token of each role of the organisation."""
    return Tokens.of(registry, org)


@pytest.fixture
def client(registry: Registry) -> Iterator[TestClient[Any]]:
    """A client of the credentials app."""
    with TestClient(make_credentials_app(registry)) as test_client:
        yield test_client


@pytest.fixture
def public_client(registry: Registry) -> Iterator[TestClient[Any]]:
    """A client of the API and the public pages (app.public), mounted as app/asgi.py does."""
    site = public.PublicSite(registry, registry_verifier(registry))
    app = Litestar(
        route_handlers=[*public.ROUTES, *api.ROUTES],
        dependencies={**api.registry_dependencies(registry), **public.site_dependencies(site)},
        template_config=public.template_config(),
        plugins=[problem_plugin()],
        exception_handlers=INTERNAL_ERROR_HANDLERS,  # type: ignore[arg-type]
        debug=False,
    )
    with TestClient(app) as test_client:
        yield test_client
