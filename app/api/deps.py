"""The Litestar dependencies every API handler takes: ``registry``, ``session``, ``principal``.

One request is one transaction: :func:`provide_session` opens
:func:`registry.db.session_scope` before the handler runs and leaves it after the response body
is built but before it is sent, so the work commits (or, on any exception, rolls back) before
the client hears of it. Every database call, commit and rollback included, runs in a worker
thread, never on the event loop.

Nothing here waits on the client while holding the database (issue 12, item 25): the body was
read in full by :class:`app.http_limits.BodyReader` before any dependency runs; the token is
checked in a short read-only transaction of its own (:func:`provide_principal`); and a request
that writes first waits, on the event loop, for its turn in the :class:`WriteQueue` (item 26),
after its token was accepted, so unauthenticated floods never queue in front of real writes.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import anyio.to_thread
from litestar import Request
from litestar.di import NamedDependency, Provide
from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.http_limits import BODYLESS_METHODS, WriteQueue, write_concurrency
from registry.context import Registry
from registry.db import session_scope
from registry.orgs.access import Principal, authenticate

__all__ = [
    "PrincipalDep",
    "RegistryDep",
    "SessionDep",
    "provide_principal",
    "provide_session",
    "registry_dependencies",
    "write_queue_of",
]

RegistryDep = NamedDependency[Registry]
"""The process's registry, as handlers receive it."""
SessionDep = NamedDependency[Session]
"""The request's session: one request, one transaction."""
PrincipalDep = NamedDependency[Principal]
"""The authenticated caller (its token's organisation, role and audit name)."""


@asynccontextmanager
async def _transaction(engine: Engine, *, read_only: bool) -> AsyncIterator[Session]:
    scope = session_scope(engine, read_only=read_only)
    session = await anyio.to_thread.run_sync(scope.__enter__)
    try:
        yield session
    except BaseException as exc:
        await anyio.to_thread.run_sync(scope.__exit__, type(exc), exc, exc.__traceback__)
        raise
    await anyio.to_thread.run_sync(scope.__exit__, None, None, None)


def _authenticate_now(registry: Registry, authorization: list[str], query: Any) -> Principal:
    with session_scope(registry.engine, read_only=True) as session:
        return authenticate(registry, session, authorization=authorization, query=query)


async def _principal(request: Request[Any, Any, Any], registry: Registry) -> Principal:
    """The request's caller, authenticated once per request (the ``principal`` and ``session``
    dependencies are resolved side by side and both ask)."""
    pending: asyncio.Future[Principal] | None = request.state.get("leverup_principal")
    if pending is None:
        pending = asyncio.ensure_future(
            anyio.to_thread.run_sync(
                _authenticate_now,
                registry,
                request.headers.getall("authorization", []),
                request.query_params.multi_items(),
            )
        )
        request.state["leverup_principal"] = pending
    return await asyncio.shield(pending)


async def provide_session(
    request: Request[Any, Any, Any],
    registry: NamedDependency[Registry],
    writes: NamedDependency[WriteQueue],
) -> AsyncIterator[Session]:
    """The ``session`` dependency: one session and transaction per request.

    Requests that only read (GET, HEAD, OPTIONS) get a read-only transaction at once, so on
    SQLite a public page or status list is never held up by a long batch write. A request that
    writes is authenticated first, then waits for its turn in the write queue.

    Yields:
        A session; its work commits after the handler returns, or rolls back if anything
        raised (the exception then propagates to the error handlers).

    Raises:
        InvalidTokenError: 401, for a write without a valid token (before any queueing).
        ServiceBusyError: 503 with ``Retry-After``, when the write queue is full or the wait
            for a turn too long; nothing was changed.
    """
    read_only = request.method in BODYLESS_METHODS
    async with AsyncExitStack() as stack:
        if not read_only:
            await _principal(request, registry)
            await stack.enter_async_context(writes.turn())
        yield await stack.enter_async_context(_transaction(registry.engine, read_only=read_only))


async def provide_principal(request: Request[Any, Any, Any], registry: RegistryDep) -> Principal:
    """The ``principal`` dependency: authenticate the request's bearer token, in a short
    read-only transaction of its own (the organisation and token records come detached).

    Raises:
        InvalidTokenError: 401, for a missing, malformed, unknown or revoked token, or a token
            sent in the query string (:func:`registry.orgs.access.authenticate`).
    """
    return await _principal(request, registry)


def write_queue_of(registry: Registry) -> WriteQueue:
    """The write queue for ``registry``'s database, sized by its settings."""
    settings = registry.settings
    return WriteQueue(
        write_concurrency(registry.engine.dialect.name),
        size=settings.write_queue_size,
        wait_seconds=settings.write_queue_wait_seconds,
    )


def registry_dependencies(
    registry: Registry, writes: WriteQueue | None = None
) -> dict[str, Provide]:
    """The ``registry``, ``session``, ``principal`` and ``writes`` dependencies, ready for
    ``Litestar``.

    Args:
        registry: The process's registry (built once, e.g. by ``registry.bootstrap``).
        writes: The process's write queue (default: :func:`write_queue_of` the registry).

    Returns:
        A mapping to merge into the application's ``dependencies``.
    """
    queue = writes if writes is not None else write_queue_of(registry)

    def provide_registry() -> Registry:
        return registry

    def provide_writes() -> WriteQueue:
        return queue

    return {
        "registry": Provide(provide_registry, sync_to_thread=False),
        "writes": Provide(provide_writes, sync_to_thread=False),
        "session": Provide(provide_session),
        "principal": Provide(provide_principal),
    }
