"""The registry's background task: converge status-list publication, purge expired keys.

Every ``LEVERUP_STATUS_REPUBLISH_SECONDS`` (30; 0 turns the task off) the app re-signs every
status list whose publication is pending (catalogue J9, :func:`registry.status.republish_lagging`)
and deletes expired ``Idempotency-Key`` rows
(:func:`registry.credentials.idempotency.purge_expired`). The work runs in a worker thread; a
failing round is logged and the next one tries again.
``app/asgi.py`` runs :func:`lifespan` as a Litestar lifespan context.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any

import anyio
import anyio.to_thread

from registry.context import Registry
from registry.credentials.idempotency import purge_expired, ttl_of
from registry.db import session_scope
from registry.status import republish_lagging

__all__ = ["Round", "lifespan", "run_once"]

log = logging.getLogger("leverup.background")


@dataclass(frozen=True)
class Round:
    """What one round did."""

    lists_published: int
    lists_pending: int
    idempotency_purged: int


def run_once(registry: Registry) -> Round:
    """One round: re-sign lagging status lists, purge expired idempotency keys."""
    report = republish_lagging(registry)
    with session_scope(registry.engine) as session:
        purged = purge_expired(
            session,
            now=registry.clock(),
            ttl=ttl_of(registry.settings.idempotency_ttl_hours),
        )
    return Round(report.published, report.pending, purged)


async def _loop(registry: Registry, interval: float) -> None:
    while True:
        await anyio.sleep(interval)
        try:
            done = await anyio.to_thread.run_sync(run_once, registry)
        except Exception:
            log.exception("background round failed; retrying in %s s", interval)
            continue
        if done.lists_published or done.lists_pending:
            log.info(
                "status lists re-signed: %d, still pending: %d",
                done.lists_published,
                done.lists_pending,
            )


def lifespan(registry: Registry) -> Callable[[Any], AbstractAsyncContextManager[None]]:
    """A Litestar lifespan context running the background task while the app serves."""

    @asynccontextmanager
    async def running(_app: Any) -> AsyncIterator[None]:
        interval = registry.settings.status_republish_seconds
        if interval <= 0:
            yield
            return
        async with anyio.create_task_group() as group:
            group.start_soon(_loop, registry, interval)
            try:
                yield
            finally:
                group.cancel_scope.cancel()

    return running
