"""Per-client limits of the public site's costly requests (catalogue H19, H16, after H14).

A recipient check answers "was this credential issued to this e-mail address?", so without a
limit it is an oracle for trying a list of addresses; a verification by URL makes the service
fetch another host's document. :class:`WindowLimiter` allows ``limit`` such requests per client
address in any sliding ``window`` (in memory, per process; the general
``LEVERUP_RATE_LIMIT_PER_MINUTE`` still applies on top of it).
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import ClassVar, Final

from common.errors import DomainError

__all__ = ["LimitError", "RecipientCheckLimitError", "UrlFetchLimitError", "WindowLimiter"]

_MAX_CLIENTS: Final = 10_000
"""Most client addresses remembered; beyond it the idle ones are forgotten first."""


class LimitError(DomainError):
    """A client used up its window; ``headers`` holds ``Retry-After``."""

    status: ClassVar[int] = 429
    what: ClassVar[str] = "requests"

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = max(1, retry_after)
        self.headers: dict[str, str] = {"Retry-After": str(self.retry_after)}


class RecipientCheckLimitError(LimitError):
    """The client made too many recipient checks."""

    slug: ClassVar[str] = "recipient-check-limit"
    title: ClassVar[str] = "Too many recipient checks"
    what: ClassVar[str] = "recipient checks"


class UrlFetchLimitError(LimitError):
    """The client asked for too many verifications of another host's URL."""

    slug: ClassVar[str] = "url-fetch-limit"
    title: ClassVar[str] = "Too many verifications by URL"
    what: ClassVar[str] = "verifications of another host's URL"


class WindowLimiter:
    """At most ``limit`` hits per key in any sliding window of ``window`` seconds.

    Args:
        limit: Hits allowed per window; 0 allows everything.
        window: The window, in seconds.
        clock: Monotonic seconds (tests pass their own).
        error: The error raised beyond the limit.
    """

    def __init__(
        self,
        limit: int,
        window: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        error: type[LimitError] = RecipientCheckLimitError,
    ) -> None:
        self._limit = limit
        self._error = error
        self._window = window
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> None:
        """Count one hit of ``key``.

        Raises:
            LimitError: ``key`` used up its window (the hit is not counted); the limiter's
                ``error`` type.
        """
        if self._limit <= 0:
            return
        with self._lock:
            now = self._clock()
            hits = self._hits.get(key)
            if hits is None:
                self._forget_idle(now)
                hits = self._hits[key] = deque()
            while hits and hits[0] <= now - self._window:
                hits.popleft()
            if len(hits) >= self._limit:
                wait = math.ceil(hits[0] + self._window - now)
                raise self._error(
                    f"at most {self._limit} {self._error.what} per minute from one address",
                    retry_after=wait,
                )
            hits.append(now)

    def _forget_idle(self, now: float) -> None:
        if len(self._hits) < _MAX_CLIENTS:
            return
        for key in [k for k, v in self._hits.items() if not v or v[-1] <= now - self._window]:
            del self._hits[key]
        while len(self._hits) >= _MAX_CLIENTS:  # all busy: forget the oldest entry
            del self._hits[next(iter(self._hits))]
