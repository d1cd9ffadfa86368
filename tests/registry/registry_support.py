"""Helpers for registry tests that need organisations, issued credentials, tokens and apps.

:func:`issue_credential` stores a credential without the issuance service (so the status and
lifecycle tests do not depend on it): a status index from
:class:`~registry.status.StatusListService`, the credential built by
:func:`issuer.build_credential` with that ``credentialStatus``, signed once by the
organisation's key and stored as exactly the signed bytes.
"""

from __future__ import annotations

import functools
import json
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from litestar import Litestar
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.api.deps import registry_dependencies
from app.problems import INTERNAL_ERROR_HANDLERS, problem_plugin
from badge_classes import Catalogue
from common.jsonld import ContextLoader, JsonLdProcessor
from common.settings import Settings
from common.timeutil import utcnow
from issuer import IssueRequest, Recipient, build_credential, credential_url, sign_credential
from keys.store import MasterSecret
from registry.audit.log import AuditLog
from registry.context import Registry
from registry.credentials.lifecycle import LifecycleService
from registry.db import session_scope
from registry.errors import StatusListNotFoundError
from registry.models import AuditEntryRecord, CredentialRecord, OrganisationRecord
from registry.orgs.service import OrganisationService
from registry.orgs.tokens import TokenService
from registry.status import RegistryStatusChecker, StatusListService
from verifier import CompositeResolver, DidKeyResolver, LocalDidWebResolver, Verifier

__all__ = [
    "ACTOR",
    "BASE_URL",
    "FrozenClock",
    "bearer",
    "create_org",
    "create_token",
    "credential_audit",
    "document_of",
    "issue_credential",
    "lifecycle",
    "local_verifier",
    "make_app",
    "make_registry",
    "org_documents",
    "scope",
    "status_bit",
    "stored_credential",
]

BASE_URL = "https://badges.example.org"
ACTOR = "cli:status-tests"
MASTER_HEX = "8d1c5e9f0d2a473f9a6c1d82e45b07a1c9d3e6f0b2847c5d1e9a0b3c7f2e6d4a"


class FrozenClock:
    """A clock that stands still until moved (``advance``); starts at the current second."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move the clock forward."""
        self.now += timedelta(seconds=seconds)


@functools.cache
def _processor() -> JsonLdProcessor:
    return JsonLdProcessor(ContextLoader.from_directory())


@functools.cache
def _catalogue() -> Catalogue:
    return Catalogue.load()


def make_registry(
    engine: Engine, *, clock: Callable[[], datetime] = utcnow, **settings: Any
) -> Registry:
    """A Registry over ``engine`` (base URL :data:`BASE_URL`, a fixed master secret)."""
    return Registry(
        settings=Settings(base_url=BASE_URL, secret_key=MASTER_HEX, **settings),
        engine=engine,
        processor=_processor(),
        catalogue=_catalogue(),
        master=MasterSecret(bytes.fromhex(MASTER_HEX)),
        clock=clock,
    )


@contextmanager
def scope(registry: Registry) -> Iterator[Session]:
    """One transaction on the registry's engine (committed unless something raises)."""
    with session_scope(registry.engine) as session:
        yield session


def create_org(registry: Registry, slug: str = "centre-one") -> OrganisationRecord:
    """Register an organisation (DID, first key) in a transaction of its own.

    Its own transaction, because ``org.create`` appends to the audit log and every transaction
    must take the status-list lock before the audit lock (see ``registry.status._lists``).
    """
    with scope(registry) as session:
        return OrganisationService(registry, session).create(
            slug=slug, name=f"Centre {slug}", actor=ACTOR
        )


def issue_credential(
    registry: Registry,
    session: Session,
    org: OrganisationRecord,
    *,
    achievement: str = "responsibility",
    email: str = "volunteer@example.org",
    name: str | None = "Ada Volunteer",
    valid_until: datetime | None = None,
) -> CredentialRecord:
    """Issue and store one credential of ``org`` with a status entry, as issuance will."""
    assert org.id is not None
    lists = StatusListService(registry, session)
    status_list, index = lists.allocate(org)
    credential_uuid = str(uuid.uuid4())
    competence = achievement not in {"tutor", "assessor", "trainer"}
    request = IssueRequest(
        achievement=achievement,
        recipient=Recipient(email=email, name=name),
        outcome="accomplished" if competence else None,
        complexity="mid-high" if competence else None,
        valid_until=valid_until,
    )
    now = registry.clock()
    orgs = OrganisationService(registry, session)
    document = build_credential(
        registry.catalogue,
        request,
        profile=orgs.profile(org),
        base_url=registry.base_url,
        issued_at=now,
        credential_id=credential_url(registry.base_url, credential_uuid),
        credential_status=lists.entry(org, status_list, index),
    )
    signed = sign_credential(registry.processor, document, orgs.signer(org), created=now)
    assert status_list.id is not None
    until = document.get("validUntil")
    record = CredentialRecord(
        id=credential_uuid,
        org_id=org.id,
        achievement=achievement,
        outcome=request.outcome,
        complexity=request.complexity,
        lang="en",
        recipient_lookup="lookup-" + credential_uuid[:8],
        recipient_name=name,
        status="active",
        issued_at=now,
        valid_from=now,
        valid_until=None if until is None else datetime.fromisoformat(until).astimezone(UTC),
        status_list_id=status_list.id,
        status_index=index,
        version=1,
        signed_bytes=signed.signed_bytes,
    )
    session.add(record)
    session.flush()
    return record


def org_documents(registry: Registry, session: Session, org: OrganisationRecord) -> dict[str, Any]:
    """What a verifier needs to look up for ``org``'s credentials: its DID document and lists."""
    lists = StatusListService(registry, session)
    documents: dict[str, Any] = {org.did: OrganisationService(registry, session).did_document(org)}
    seq = 1
    while True:
        try:
            signed, _etag = lists.signed_list(org.slug, "revocation", seq)
        except StatusListNotFoundError:
            return documents
        documents[lists.list_url(org, "revocation", seq)] = json.loads(signed)
        seq += 1


def make_app(registry: Registry, routes: list[Any]) -> Litestar:
    """A Litestar app of ``routes`` with the registry dependencies and RFC 9457 problems."""
    return Litestar(
        route_handlers=routes,
        dependencies=registry_dependencies(registry),
        plugins=[problem_plugin()],
        exception_handlers=INTERNAL_ERROR_HANDLERS,  # type: ignore[arg-type]
        debug=False,
    )


def create_token(registry: Registry, org: OrganisationRecord, role: str) -> str:
    """A new API token of ``org`` with ``role`` (committed); returns the token."""
    with scope(registry) as session:
        token, _record = TokenService(registry, session).create(
            org, role, f"{role} tests", actor=ACTOR
        )
    return token


def bearer(token: str) -> dict[str, str]:
    """The Authorization header carrying ``token``."""
    return {"Authorization": f"Bearer {token}"}


def stored_credential(registry: Registry, credential_id: str) -> CredentialRecord:
    """The credential row as committed (detached)."""
    with scope(registry) as session:
        record = session.get(CredentialRecord, credential_id)
        assert record is not None
        session.expunge(record)
        return record


def status_bit(registry: Registry, status_list_id: int, index: int) -> bool:
    """The committed status bit of ``index`` in list ``status_list_id``."""
    with scope(registry) as session:
        return StatusListService(registry, session).get_bit(status_list_id, index)


def credential_audit(registry: Registry, org: OrganisationRecord) -> list[AuditEntryRecord]:
    """The organisation's audit entries about credentials, oldest first."""
    assert org.id is not None
    with scope(registry) as session:
        return [
            e for e in AuditLog(registry, session).entries(org.id, limit=1000) if e.credential_id
        ]


def document_of(record: CredentialRecord) -> dict[str, Any]:
    """The parsed signed credential of ``record``."""
    assert record.signed_bytes is not None
    data: dict[str, Any] = json.loads(record.signed_bytes)
    return data


def local_verifier(registry: Registry, session: Session, *, status: bool = True) -> Verifier:
    """Our verifier: did:key and our organisations' did:web, the registry's status checker."""
    orgs = OrganisationService(registry, session)
    return Verifier(
        registry.processor,
        CompositeResolver([DidKeyResolver(), LocalDidWebResolver(orgs.did_document_for)]),
        status_checker=RegistryStatusChecker(registry, session) if status else None,
    )


def lifecycle(
    registry: Registry, action: str, org: OrganisationRecord, credential_id: str, **kw: Any
) -> CredentialRecord:
    """Run one LifecycleService action in its own transaction (actor :data:`ACTOR`)."""
    with scope(registry) as session:
        service = LifecycleService(registry, session)
        record: CredentialRecord = getattr(service, action)(org, credential_id, actor=ACTOR, **kw)
        return record


def alembic(engine: Engine, action: str, revision: str) -> None:
    """Run Alembic's ``upgrade`` or ``downgrade`` to ``revision`` on ``engine``."""
    from alembic import command
    from alembic.config import Config

    from registry.db import MIGRATIONS_DIR

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, action)(config, revision)
