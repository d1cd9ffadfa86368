"""The real service under uvicorn, on an OS-chosen loopback port, over a test registry.

:func:`live_server` runs ``create_app`` over the ``registry`` fixture's database (SQLite file
or PostgreSQL schema) with the uvicorn options of ``leverup serve``
(:func:`app.server.uvicorn_options`), in a thread of this process; it yields the base URL and
stops the server afterwards.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import msgspec
import uvicorn

from app.asgi import create_app
from app.context import LocalServices
from app.server import uvicorn_options
from registry.context import Registry

__all__ = ["live_server", "with_settings"]


def with_settings(registry: Registry, **changes: Any) -> Registry:
    """``registry`` with some settings changed (same engine, master secret and clock)."""
    return dataclasses.replace(
        registry, settings=msgspec.structs.replace(registry.settings, **changes)
    )


@contextmanager
def live_server(registry: Registry, data_dir: Path) -> Iterator[str]:
    """Serve the whole application over ``registry`` on 127.0.0.1 (a free port)."""
    registry = with_settings(registry, data_dir=data_dir)
    settings = registry.settings
    services = LocalServices(settings)
    services.__dict__["registry"] = registry  # the test's database, not the settings' default
    app = create_app(services=services)
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=0,
        log_level="warning",
        lifespan="on",
        **uvicorn_options(settings),
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)
