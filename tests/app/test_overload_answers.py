"""Issue 12, item 26: an overloaded service answers 503 ``service-busy`` with ``Retry-After``,
never 500: the write queue when full or too slow, SQLite's "database is locked", and an
exhausted connection pool."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import sqlalchemy.exc
from litestar import Litestar, get
from litestar.testing import TestClient

from app.http_limits import WriteQueue
from app.problems import INTERNAL_ERROR_HANDLERS, problem_plugin
from registry.db import create_db_engine
from registry.errors import ServiceBusyError

BUSY = "urn:leverup:problem:service-busy"


def test_i12_26_full_write_queue_refuses_at_once() -> None:
    """Item 26: with the one turn taken and the queue (1) full, the next write is refused at
    once with a Retry-After; the waiting one gets its turn when the first is done."""

    async def scenario() -> tuple[ServiceBusyError, list[str]]:
        queue = WriteQueue(1, size=1, wait_seconds=5)
        done: list[str] = []

        async def write(name: str, hold: float) -> None:
            async with queue.turn():
                await asyncio.sleep(hold)
                done.append(name)

        first = asyncio.create_task(write("first", 0.2))
        await asyncio.sleep(0.01)
        second = asyncio.create_task(write("second", 0))
        await asyncio.sleep(0.01)
        with pytest.raises(ServiceBusyError) as refused:
            await write("third", 0)
        await asyncio.gather(first, second)
        return refused.value, done

    refused, done = asyncio.run(scenario())
    assert done == ["first", "second"]
    assert refused.status == 503 and refused.slug == "service-busy"
    assert refused.headers is not None and int(refused.headers["Retry-After"]) >= 1


def test_i12_26_write_queue_wait_is_bounded() -> None:
    """Item 26: a write that waits longer than the queue's wait limit is refused (503)."""

    async def scenario() -> None:
        queue = WriteQueue(1, size=10, wait_seconds=0.1)
        async with queue.turn():
            with pytest.raises(ServiceBusyError):
                async with queue.turn():
                    pass
        assert queue.waiting == 0
        async with queue.turn():  # free again
            pass

    asyncio.run(scenario())


def test_i12_26_sqlite_locked_is_service_busy(tmp_path: Path) -> None:
    """Item 26: when another process holds SQLite's write lock past the busy timeout, the
    write fails as ServiceBusyError (503 with Retry-After), not as a bare OperationalError."""
    engine = create_db_engine(f"sqlite:///{tmp_path / 'busy.db'}")
    try:
        with engine.connect() as holder, engine.connect() as writer:
            holder.begin()  # BEGIN IMMEDIATE: the write lock
            raw = writer.connection.driver_connection
            assert raw is not None
            raw.execute("PRAGMA busy_timeout=50")  # not through SQLAlchemy: no BEGIN
            with pytest.raises(ServiceBusyError) as refused:
                writer.begin()
            assert refused.value.headers is not None
            assert "Retry-After" in refused.value.headers
    finally:
        engine.dispose()


def test_i12_26_pool_timeout_is_service_busy() -> None:
    """Item 26: no pooled connection free in time is a 503 service-busy problem."""

    @get("/x", sync_to_thread=False)
    def starved() -> None:
        raise sqlalchemy.exc.TimeoutError("QueuePool limit of size 10 overflow 20 reached")

    app = Litestar(
        route_handlers=[starved],
        plugins=[problem_plugin()],
        exception_handlers=INTERNAL_ERROR_HANDLERS,  # type: ignore[arg-type]
    )
    with TestClient(app) as client:
        answer = client.get("/x")
    assert answer.status_code == 503
    assert answer.json()["type"] == BUSY
    assert int(answer.headers["retry-after"]) >= 1
