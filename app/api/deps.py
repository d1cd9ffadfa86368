"""The Litestar dependencies every API handler takes: ``registry``, ``session``, ``principal``.

One request is one transaction: :func:`provide_session` opens
:func:`registry.db.session_scope` before the handler runs and leaves it after the response body
is built but before it is sent, so the work commits (or, on any exception, rolls back) before
the client hears of it. Every database call, commit and rollback included, runs in a worker
thread, never on the event loop.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, Final

import anyio.to_thread
from litestar import Request
from litestar.di import NamedDependency, Provide
from sqlmodel import Session

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
]

RegistryDep = NamedDependency[Registry]
"""The process's registry, as handlers receive it."""
SessionDep = NamedDependency[Session]
"""The request's session: one request, one transaction."""
PrincipalDep = NamedDependency[Principal]
"""The authenticated caller (its token's organisation, role and audit name)."""


_READS: Final = frozenset({"GET", "HEAD", "OPTIONS"})


async def provide_session(
    request: Request[Any, Any, Any], registry: NamedDependency[Registry]
) -> AsyncIterator[Session]:
    """The ``session`` dependency: one session and transaction per request.

    Requests that only read (GET, HEAD, OPTIONS) get a read-only transaction, so on SQLite a
    public page or status list is never held up by a long batch write.

    Yields:
        A session; its work commits after the handler returns, or rolls back if anything
        raised (the exception then propagates to the error handlers).
    """
    scope = session_scope(registry.engine, read_only=request.method in _READS)
    session = await anyio.to_thread.run_sync(scope.__enter__)
    try:
        yield session
    except BaseException as exc:
        await anyio.to_thread.run_sync(scope.__exit__, type(exc), exc, exc.__traceback__)
        raise
    await anyio.to_thread.run_sync(scope.__exit__, None, None, None)


def provide_principal(
    request: Request[Any, Any, Any], registry: RegistryDep, session: SessionDep
) -> Principal:
    """The ``principal`` dependency: authenticate the request's bearer token.

    Raises:
        InvalidTokenError: 401, for a missing, malformed, unknown or revoked token, or a token
            sent in the query string (:func:`registry.orgs.access.authenticate`).
    """
    return authenticate(
        registry,
        session,
        authorization=request.headers.getall("authorization", []),
        query=request.query_params.multi_items(),
    )


def registry_dependencies(registry: Registry) -> dict[str, Provide]:
    """The ``registry``, ``session`` and ``principal`` dependencies, ready for ``Litestar``.

    Args:
        registry: The process's registry (built once, e.g. by ``registry.bootstrap``).

    Returns:
        A mapping to merge into the application's ``dependencies``.
    """

    def provide_registry() -> Registry:
        return registry

    return {
        "registry": Provide(provide_registry, sync_to_thread=False),
        "session": Provide(provide_session),
        "principal": Provide(provide_principal, sync_to_thread=True),
    }
