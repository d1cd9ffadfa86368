"""Run the application under uvicorn in a process of its own (see ``live_server.py``).

Arguments: a JSON object ``{"url", "schema", "settings", "log_level"}``; prints ``port <n>`` on
standard error once serving.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import uvicorn
from registry_support import make_registry

from app.asgi import create_app
from app.context import LocalServices
from app.server import uvicorn_options
from registry.db import create_db_engine


def main() -> None:
    spec = json.loads(sys.argv[1])
    settings = spec["settings"]
    settings["data_dir"] = Path(settings["data_dir"])
    for name in ("trusted_proxies", "trusted_dids"):
        settings[name] = tuple(settings.get(name, ()))
    engine = create_db_engine(spec["url"], schema=spec["schema"])
    registry = make_registry(engine, **settings)
    services = LocalServices(registry.settings)
    services.__dict__["registry"] = registry
    config = uvicorn.Config(
        create_app(services=services),
        host="127.0.0.1",
        port=0,
        log_level=spec.get("log_level", "warning"),
        **uvicorn_options(registry.settings),
    )
    server = uvicorn.Server(config)

    original = server.startup

    async def startup(sockets: object = None) -> None:
        await original(sockets)  # type: ignore[arg-type]
        port = server.servers[0].sockets[0].getsockname()[1]
        print(f"port {port}", file=sys.stderr, flush=True)

    server.startup = startup  # type: ignore[method-assign]
    server.run()


if __name__ == "__main__":
    main()
