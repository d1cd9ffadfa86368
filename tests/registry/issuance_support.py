"""Helpers of the issuance, batch and credentials API tests.

Organisations, tokens and the registry come from :mod:`registry_support`; this module adds
request bodies, an app of the credentials routes (mounted as ``app/asgi.py`` will), counters of
everything an issue writes, a verifier over the registry's own DIDs and status lists, and a
fault injector that makes one kind of SQL statement fail.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import msgspec
import sqlalchemy as sa
from litestar import Litestar
from litestar.middleware import DefineMiddleware
from registry_support import ACTOR, create_token, scope
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import col, func, select

from app import api
from app.http_limits import BodyReader
from app.problems import INTERNAL_ERROR_HANDLERS, problem_plugin
from app.verification import make_verifier
from registry.context import Registry
from registry.credentials.issuance import ISSUE_ACTION, IssuanceService
from registry.models import (
    AuditEntryRecord,
    CredentialRecord,
    IdempotencyRecord,
    OrganisationRecord,
    StatusListRecord,
)
from registry.orgs.service import OrganisationService
from registry.schemas import AssessorIn, CredentialIn, RecipientIn
from registry.status import RegistryStatusChecker
from verifier import Verifier

__all__ = [
    "PROBLEM",
    "Counts",
    "Tokens",
    "competence_body",
    "competence_request",
    "counts",
    "fail_statements",
    "inserts_into",
    "issue_assessor_badge",
    "lookup_of",
    "make_credentials_app",
    "new_org",
    "parsed",
    "registry_verifier",
    "request_of",
    "role_body",
    "row_count",
    "stored",
]

PROBLEM = "urn:leverup:problem:"


def competence_body(**changes: Any) -> dict[str, Any]:
    """A valid ``POST /api/v1/credentials`` body certifying teamwork (``changes`` applied)."""
    body: dict[str, Any] = {
        "achievement": "teamwork",
        "outcome": "accomplished",
        "complexity": "mid-high",
        "recipient": {"email": "Volunteer@Example.org", "name": "Ada Volunteer"},
        "assessor": {"name": "Maria Rossi"},
        "lang": "it",
    }
    body.update(changes)
    return body


def role_body(role: str = "assessor", email: str = "assessor@example.org") -> dict[str, Any]:
    """A valid body certifying a practitioner role."""
    return {"achievement": role, "recipient": {"email": email, "name": "Pat Assessor"}}


def request_of(body: dict[str, Any]) -> CredentialIn:
    """The service request of a wire body."""
    return msgspec.convert(body, CredentialIn)


def new_org(
    registry: Registry, slug: str = "centre-one", *, require_assessor_badge: bool = False
) -> OrganisationRecord:
    """Register an organisation in a transaction of its own; return it detached."""
    with scope(registry) as session:
        org = OrganisationService(registry, session).create(
            slug=slug,
            name=f"Centre {slug}",
            require_assessor_badge=require_assessor_badge,
            actor=ACTOR,
        )
        session.expunge(org)
    return org


def make_credentials_app(registry: Registry) -> Litestar:
    """The credentials, status and organisation routes with the registry dependencies.

    Mounted in the order ``app/asgi.py`` must use (credentials first), with the app's 1 MB
    default body limit.
    """
    return Litestar(
        middleware=[DefineMiddleware(BodyReader, timeout=registry.settings.body_timeout_seconds)],
        route_handlers=api.ROUTES,
        dependencies=api.registry_dependencies(registry),
        plugins=[problem_plugin()],
        exception_handlers=INTERNAL_ERROR_HANDLERS,  # type: ignore[arg-type]
        request_max_body_size=1_000_000,
        debug=False,
    )


@dataclass(frozen=True)
class Tokens:
    """One token of each role of an organisation."""

    admin: str
    assessor: str
    viewer: str

    @classmethod
    def of(cls, registry: Registry, org: OrganisationRecord) -> Tokens:
        """Create the three tokens (committed)."""
        return cls(
            admin=create_token(registry, org, "admin"),
            assessor=create_token(registry, org, "assessor"),
            viewer=create_token(registry, org, "viewer"),
        )


@dataclass(frozen=True)
class Counts:
    """What issuing writes: credentials, allocated status indexes, issue audit entries, keys."""

    credentials: int
    allocated: int
    issue_entries: int
    idempotency_keys: int


def counts(registry: Registry) -> Counts:
    """Count, in a fresh transaction, everything an issue writes."""
    with scope(registry) as session:
        allocated = session.exec(
            select(func.coalesce(func.sum(StatusListRecord.allocated_count), 0))
        ).one()
        return Counts(
            credentials=session.exec(select(func.count()).select_from(CredentialRecord)).one(),
            allocated=int(allocated),
            issue_entries=session.exec(
                select(func.count())
                .select_from(AuditEntryRecord)
                .where(col(AuditEntryRecord.action) == ISSUE_ACTION)
            ).one(),
            idempotency_keys=session.exec(
                select(func.count()).select_from(IdempotencyRecord)
            ).one(),
        )


def registry_verifier(registry: Registry) -> Verifier:
    """Our verifier: the registry's did:web documents and its own status lists."""

    def documents(did: str) -> dict[str, Any] | None:
        with scope(registry) as session:
            return OrganisationService(registry, session).did_document_for(did)

    return make_verifier(
        registry.processor,
        local_documents=documents,
        status_checker=RegistryStatusChecker(registry),
    )


def issue_assessor_badge(
    registry: Registry,
    org: OrganisationRecord,
    email: str,
    *,
    valid_until: datetime | None = None,
) -> CredentialRecord:
    """Issue (committed) a LEVER UP Assessor role badge of ``org`` to ``email``."""
    request = CredentialIn(
        achievement="assessor",
        recipient=RecipientIn(email=email, name="Pat Assessor"),
        valid_until=valid_until,
    )
    with scope(registry) as session:
        record = IssuanceService(registry, session).issue(org, request, actor=ACTOR)
        session.expunge(record)
    return record


def competence_request(assessor_email: str | None = None, **changes: Any) -> CredentialIn:
    """A competence request whose assessor has ``assessor_email``."""
    body = competence_body(**changes)
    return request_of(body) if assessor_email is None else _with_assessor(body, assessor_email)


def _with_assessor(body: dict[str, Any], email: str) -> CredentialIn:
    wanted = request_of(body)
    return msgspec.structs.replace(wanted, assessor=AssessorIn(name="Maria Rossi", email=email))


@contextmanager
def fail_statements(engine: Engine, matches: Callable[[str], bool]) -> Iterator[list[str]]:
    """Make every SQL statement for which ``matches(statement)`` holds raise, as a database
    failing mid-transaction would; yields the statements that were made to fail."""
    failed: list[str] = []

    def before(
        _conn: Any, _cursor: Any, statement: str, _params: Any, _context: Any, _many: bool
    ) -> None:
        if matches(statement):
            failed.append(statement)
            raise sa.exc.OperationalError(statement, {}, Exception("injected fault"))

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield failed
    finally:
        event.remove(engine, "before_cursor_execute", before)


def inserts_into(table: str) -> Callable[[str], bool]:
    """A statement matcher: ``INSERT INTO <table>``."""
    return lambda statement: statement.lstrip().upper().startswith(f"INSERT INTO {table.upper()}")


def stored(registry: Registry, credential_uuid: str) -> CredentialRecord:
    """The stored record (detached), read in a fresh transaction."""
    with scope(registry) as session:
        record = session.get(CredentialRecord, credential_uuid)
        assert record is not None
        session.expunge(record)
        return record


def parsed(data: bytes) -> dict[str, Any]:
    """JSON bytes as a dict."""
    value: dict[str, Any] = json.loads(data)
    return value


def lookup_of(registry: Registry, email: str) -> str:
    """The stored recipient lookup of ``email``."""
    with scope(registry) as session:
        return IssuanceService(registry, session).lookup(email)


def row_count(engine: Engine, table: str) -> int:
    """Rows of ``table`` (a name from our own models)."""
    with engine.connect() as connection:
        return int(connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one())
