"""The real service under uvicorn, on an OS-chosen loopback port, over a test registry.

:func:`live_server` runs ``create_app`` over the ``registry`` fixture's database (SQLite file
or PostgreSQL schema) with the uvicorn options of ``leverup serve``
(:func:`app.server.uvicorn_options`), in a thread of this process; it yields the base URL and
stops the server afterwards.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import msgspec
import uvicorn
from litestar import Litestar

from app.asgi import create_app
from app.context import LocalServices
from app.server import uvicorn_options
from registry.context import Registry

__all__ = ["full_app", "live_server", "live_server_process", "with_settings"]


def with_settings(registry: Registry, **changes: Any) -> Registry:
    """``registry`` with some settings changed (same engine, master secret and clock)."""
    return dataclasses.replace(
        registry, settings=msgspec.structs.replace(registry.settings, **changes)
    )


def full_app(registry: Registry, data_dir: Path) -> Litestar:
    """The whole application (``create_app``) over ``registry``."""
    registry = with_settings(registry, data_dir=data_dir)
    services = LocalServices(registry.settings)
    services.__dict__["registry"] = registry  # the test's database, not the settings' default
    return create_app(services=services)


@contextmanager
def live_server(registry: Registry, data_dir: Path) -> Iterator[str]:
    """Serve the whole application over ``registry`` on 127.0.0.1 (a free port)."""
    settings = msgspec.structs.replace(registry.settings, data_dir=data_dir)
    app = full_app(registry, data_dir)
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


@contextmanager
def live_server_process(
    registry: Registry, data_dir: Path, *, log_file: Path | None = None
) -> Iterator[str]:
    """The same in a process of its own (``live_server_main.py``), so what the test itself
    does (hundreds of client connections) does not share the server's interpreter lock.

    With ``log_file``, the server logs at level info (its access log included) to that file.
    """
    engine = registry.engine
    schema = None
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            schema = connection.exec_driver_sql("SELECT current_schema()").scalar()
    settings = msgspec.to_builtins(registry.settings, enc_hook=str)
    for name in ("base_url", "secret_key"):  # make_registry sets them
        settings.pop(name)
    settings["data_dir"] = str(data_dir)
    spec = {
        "url": engine.url.render_as_string(hide_password=False),
        "schema": schema,
        "settings": settings,
        "log_level": "info" if log_file is not None else "warning",
    }
    main = Path(__file__).with_name("live_server_main.py")
    with contextlib.ExitStack() as files:
        output = (
            files.enter_context(log_file.open("ab")) if log_file is not None else subprocess.DEVNULL
        )
        process = subprocess.Popen(
            [sys.executable, str(main), json.dumps(spec)],
            stdout=output,
            stderr=subprocess.PIPE,
            text=True,
        )
        drainer: threading.Thread | None = None
        try:
            port, drainer = _port_of(process, log_file)
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            if drainer is not None:
                drainer.join(timeout=10)  # the pipe ends with the process
            if process.stderr is not None:
                process.stderr.close()


def _port_of(process: subprocess.Popen[str], log_file: Path | None) -> tuple[int, threading.Thread]:
    """Read the server's stderr up to its ``port <n>`` line; a thread drains the rest (into
    ``log_file`` when given)."""
    assert process.stderr is not None
    for line in process.stderr:
        if line.startswith("port "):
            break
    else:
        raise RuntimeError("the test server did not start")

    def drain() -> None:
        assert process.stderr is not None
        for rest in process.stderr:
            if log_file is not None:
                with log_file.open("a", encoding="utf-8") as handle:
                    handle.write(rest)

    drainer = threading.Thread(target=drain, daemon=True)
    drainer.start()
    return int(line.split()[1]), drainer
