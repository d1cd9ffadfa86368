"""Helpers shared by the organisation, token, audit, key store and auth tests."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from litestar import Litestar
from litestar.exceptions import HTTPException
from litestar.plugins.problem_details import (
    ProblemDetailsConfig,
    ProblemDetailsException,
    ProblemDetailsPlugin,
)
from sqlalchemy.engine import Engine
from sqlmodel import Session

import app.problems as app_problems
from app.api import ROUTES
from app.api.deps import registry_dependencies
from app.problems import problem_type
from badge_classes import Catalogue
from common.errors import DomainError
from common.jsonld import ContextLoader, JsonLdProcessor
from common.settings import Settings
from keys.store import MasterSecret
from registry.context import Registry
from registry.db import session_scope
from registry.orgs.service import OrganisationService
from registry.orgs.tokens import TokenService

BASE_URL = "https://badges.example.org"
ACTOR = "cli:tester"
MASTER_HEX = "3f9a6c1d82e45b07a1c9d3e6f0b2847c5d1e9a0b3c7f2e6d4a8b1c5e9f0d2a47"


class StepClock:
    """A clock that moves one second forward on every reading (deterministic, increasing)."""

    def __init__(self, start: datetime = datetime(2026, 1, 1, tzinfo=UTC)) -> None:
        self._now = start

    def __call__(self) -> datetime:
        self._now += timedelta(seconds=1)
        return self._now


@functools.cache
def _processor() -> JsonLdProcessor:
    return JsonLdProcessor(ContextLoader.from_directory())


@functools.cache
def _catalogue() -> Catalogue:
    return Catalogue.load()


def make_registry(engine: Engine, master: MasterSecret | None = None) -> Registry:
    """A Registry over ``engine`` with a fixed master secret and a stepping clock."""
    return Registry(
        settings=Settings(base_url=BASE_URL, secret_key=MASTER_HEX),
        engine=engine,
        processor=_processor(),
        catalogue=_catalogue(),
        master=master or MasterSecret(bytes.fromhex(MASTER_HEX)),
        clock=StepClock(),
    )


@contextmanager
def scope(registry: Registry) -> Iterator[Session]:
    """One committed transaction on the registry's engine."""
    with session_scope(registry.engine) as session:
        yield session


def create_org(registry: Registry, slug: str = "centre-one", **fields: Any) -> int:
    """Create an organisation in its own transaction; return its id."""
    fields.setdefault("name", f"Centre {slug}")
    with scope(registry) as session:
        org = OrganisationService(registry, session).create(slug=slug, actor=ACTOR, **fields)
        assert org.id is not None
        return org.id


def _problem_from_domain(exc: DomainError) -> ProblemDetailsException:
    """app.problems' mapping plus the error's ``headers`` (the change asked of app/problems.py)."""
    return ProblemDetailsException(
        detail=exc.detail,
        status_code=exc.status,
        type_=problem_type(exc.slug),
        title=exc.title,
        headers=getattr(exc, "headers", None),
    )


def make_app(registry: Registry, extra_routes: list[Any] | None = None) -> Litestar:
    """A small app: the organisation routes, the registry dependencies, problem responses."""
    plugin = ProblemDetailsPlugin(
        ProblemDetailsConfig(
            exception_to_problem_detail_map={
                DomainError: _problem_from_domain,
                HTTPException: app_problems._from_http,
            }
        )
    )
    return Litestar(
        route_handlers=[*ROUTES, *(extra_routes or [])],
        dependencies=registry_dependencies(registry),
        plugins=[plugin],
        debug=False,
    )


def create_token(registry: Registry, slug: str, role: str, label: str = "") -> str:
    """Create a token of organisation ``slug`` in its own transaction; return it."""
    with scope(registry) as session:
        org = OrganisationService(registry, session).get(slug)
        token, _ = TokenService(registry, session).create(org, role, label, actor=ACTOR)
    return token


def bearer(token: str) -> dict[str, str]:
    """The Authorization header for ``token``."""
    return {"Authorization": f"Bearer {token}"}
