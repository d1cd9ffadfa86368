"""What keeps one slow or greedy client from stopping everyone else's writes (issue 12, items 25
and 26).

- :class:`BodyReader`, an ASGI middleware: a request's body is read in full, bounded in size
  (the route's ``request_max_body_size``: 413) and in time (``LEVERUP_BODY_TIMEOUT_SECONDS``:
  408 ``request-timeout``), *before* the handler and its dependencies run. So no database
  transaction, lock or pooled connection is ever held while the service waits on a client.
- :class:`WriteQueue`: at most a few write transactions at once (one on SQLite, whose database
  takes one writer at a time; a few on PostgreSQL, well inside the connection pool), the others
  waiting on the event loop (no thread, no connection) in a bounded queue. A request that finds
  the queue full, or waits longer than ``LEVERUP_WRITE_QUEUE_WAIT_SECONDS``, is answered ``503
  service-busy`` with ``Retry-After``: never a 500 after a lock or pool timeout.
"""

from __future__ import annotations

import asyncio
import math
import time
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Final

from litestar.enums import ScopeType
from litestar.exceptions import HTTPException
from litestar.types import ASGIApp, HTTPRequestEvent, Receive, ReceiveMessage, Scope, Send

from registry.errors import ServiceBusyError

__all__ = ["BODYLESS_METHODS", "BodyReader", "WriteQueue", "write_concurrency"]

BODYLESS_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})
"""Methods whose requests are served without reading a body (and only read the database)."""

_CHUNK_LIMIT_FALLBACK: Final = 1_000_000


class BodyReader:
    """ASGI middleware: read the whole request body, bounded in size and time, before the app.

    The body is then replayed to the app from memory, so ``request.body()``, ``request.form()``
    and Litestar's ``data`` parameter never wait on the client.
    """

    def __init__(self, app: ASGIApp, *, timeout: float) -> None:
        self.app = app
        self.timeout = timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or scope["method"] in BODYLESS_METHODS:
            await self.app(scope, receive, send)
            return
        handler = scope.get("route_handler")
        resolve = getattr(handler, "resolve_request_max_body_size", None)
        limit = resolve() if resolve is not None else _CHUNK_LIMIT_FALLBACK
        declared = _content_length(scope)
        if limit is not None and declared is not None and declared > limit:
            raise HTTPException(status_code=413, detail=f"the body is larger than {limit} bytes")
        chunks: list[bytes] = []
        size = 0
        try:
            async with asyncio.timeout(self.timeout):
                while True:
                    message = await receive()
                    if message["type"] != "http.request":
                        return  # the client is gone: nothing to answer
                    chunk = message.get("body", b"")
                    assert isinstance(chunk, bytes)
                    size += len(chunk)
                    if limit is not None and size > limit:
                        raise HTTPException(
                            status_code=413, detail=f"the body is larger than {limit} bytes"
                        )
                    chunks.append(chunk)
                    if not message.get("more_body", False):
                        break
        except TimeoutError:
            raise HTTPException(
                status_code=408,
                detail=f"the request body did not arrive within {self.timeout:g} seconds",
                headers={"Connection": "close"},
            ) from None
        body = b"".join(chunks)
        replayed = False

        async def replay() -> ReceiveMessage:
            nonlocal replayed
            if not replayed:
                replayed = True
                return HTTPRequestEvent(type="http.request", body=body, more_body=False)
            return await receive()

        await self.app(scope, replay, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def write_concurrency(dialect: str) -> int:
    """How many write transactions run at once: one on SQLite (its database has one writer at a
    time, more would only queue on its lock, threads and connections held), eight on
    PostgreSQL (the pool has 30 connections: the rest serve reads and the health check)."""
    return 1 if dialect == "sqlite" else 8


class WriteQueue:
    """A bounded queue in front of write transactions (see the module's docstring).

    Args:
        concurrency: Write transactions at once.
        size: Requests that may wait for their turn; one more is refused at once.
        wait_seconds: Longest wait for a turn.
    """

    def __init__(self, concurrency: int, *, size: int, wait_seconds: float) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.concurrency = concurrency
        self.size = size
        self.wait_seconds = wait_seconds
        self.waiting = 0
        self._seconds_per_write = 0.05
        # One semaphore per event loop (a test client runs the app on a loop of its own).
        self._slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
            weakref.WeakKeyDictionary()
        )

    def retry_after(self) -> int:
        """Seconds until the queue has likely drained: the waiting requests at the measured
        pace (at least 1, at most 60)."""
        backlog = (self.waiting + self.concurrency) * self._seconds_per_write / self.concurrency
        return max(1, min(60, math.ceil(backlog)))

    def _semaphore(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        slots = self._slots.get(loop)
        if slots is None:
            slots = self._slots[loop] = asyncio.Semaphore(self.concurrency)
        return slots

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """Wait for a turn to write (on the event loop), hold it for the block.

        Raises:
            ServiceBusyError: 503 with ``Retry-After``, if the queue is full or the wait too long.
        """
        slots = self._semaphore()
        if slots.locked():
            if self.waiting >= self.size:
                raise ServiceBusyError(
                    f"{self.waiting} writes are already waiting; nothing was changed, try again",
                    retry_after=self.retry_after(),
                )
            self.waiting += 1
            try:
                async with asyncio.timeout(self.wait_seconds):
                    await slots.acquire()
            except TimeoutError:
                raise ServiceBusyError(
                    f"no turn to write within {self.wait_seconds:g} seconds; nothing was "
                    "changed, try again",
                    retry_after=self.retry_after(),
                ) from None
            finally:
                self.waiting -= 1
        else:
            await slots.acquire()
        started = time.monotonic()
        try:
            yield
        finally:
            slots.release()
            took = time.monotonic() - started
            self._seconds_per_write = 0.8 * self._seconds_per_write + 0.2 * took
