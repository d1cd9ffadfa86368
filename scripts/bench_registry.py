"""End-to-end registry benchmark: a cohort through the batch endpoint, and revocation latency.

Usage (from the repository root)::

    PYTHONPATH=. .venv/bin/python scripts/bench_registry.py [--count 10000] [--revocations 50]
        [--format json|csv] [--database sqlite|postgresql|both] [--no-reference] [--json]

The service runs in this process on a real uvicorn server on loopback (an ephemeral port), with
the credentials, status and organisation routes mounted as the application mounts them; the
client is ``httpx`` over TCP. Each backend gets a fresh database: a SQLite file in a temporary
directory, and, when ``LEVERUP_BENCH_DATABASE_URL`` or ``LEVERUP_TEST_DATABASE_URL`` names a
PostgreSQL server, a fresh schema there (dropped afterwards).

Figures:

- ``batch``: one ``POST /api/v1/credentials/batch`` of ``--count`` items (varied achievements,
  levels, languages and recipients), from the first byte sent to the 201 received (validation,
  status indexes, signing, storing, audit, commit): credentials per second end to end. The
  stored rows are counted and one credential is verified afterwards.
- ``revoke``: ``--revocations`` revocations one after another, each from the request to the
  moment the re-signed status list served at ``/orgs/{slug}/status/revocation/{seq}`` shows the
  bit set: p50 and p99 in milliseconds.
- ``reference``: the reference implementation's bare signing rate (``interop/js/ref.mjs bench``,
  as ``make bench`` runs it) on the representative credential, and the ratio of our end-to-end
  rate to it.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import logging
import os
import secrets
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from litestar import Litestar
from sqlmodel import func, select

from app import api
from app.bench import bench_credential, reference_bench
from app.context import default_processor
from app.problems import INTERNAL_ERROR_HANDLERS, problem_plugin
from badge_classes import Catalogue
from common.encoding import b64url_decode
from common.settings import Settings
from keys.store import MasterSecret
from registry.context import Registry
from registry.db import create_db_engine, migrate, session_scope
from registry.models import CredentialRecord
from registry.orgs.service import OrganisationService
from registry.orgs.tokens import TokenService

ACTOR = "cli:bench"
ACHIEVEMENTS = (
    ("teamwork", "accomplished", "mid-high"),
    ("leadership", "expert", "high"),
    ("communication", "basic", "low"),
    ("problem-solving", "accomplished", "mid-low"),
    ("tutor", None, None),
)
LANGS = ("en", "it", "nl", "fr", "es", "pl", "da")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def _database(kind: str) -> Iterator[tuple[str, str | None]]:
    """A fresh database: ``(url, schema)``; removed afterwards."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="leverup-bench-") as folder:
            yield f"sqlite:///{Path(folder) / 'bench.db'}", None
        return
    url = os.environ.get("LEVERUP_BENCH_DATABASE_URL") or os.environ["LEVERUP_TEST_DATABASE_URL"]
    schema = f"bench_{secrets.token_hex(4)}"
    admin = create_db_engine(url)
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    try:
        yield url, schema
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


@contextlib.contextmanager
def _server(registry: Registry, port: int) -> Iterator[None]:
    """uvicorn on 127.0.0.1:port in a thread, serving the registry routes."""
    app = Litestar(
        route_handlers=api.ROUTES,
        dependencies=api.registry_dependencies(registry),
        plugins=[problem_plugin()],
        exception_handlers=INTERNAL_ERROR_HANDLERS,  # type: ignore[arg-type]
        request_max_body_size=1_000_000,
    )
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    try:
        yield
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _items(count: int) -> list[dict[str, Any]]:
    items = []
    for n in range(count):
        achievement, outcome, complexity = ACHIEVEMENTS[n % len(ACHIEVEMENTS)]
        item: dict[str, Any] = {
            "achievement": achievement,
            "recipient": {"email": f"volunteer{n}@example.org", "name": f"Volunteer {n}"},
            "lang": LANGS[n % len(LANGS)],
        }
        if outcome is not None:
            item |= {"outcome": outcome, "complexity": complexity}
            item["assessor"] = {"name": "Maria Rossi"}
        items.append(item)
    return items


def _csv(items: list[dict[str, Any]]) -> bytes:
    lines = ["achievement,outcome,complexity,recipient_email,recipient_name,assessor_name,lang"]
    for i in items:
        lines.append(
            ",".join(
                [
                    i["achievement"],
                    i.get("outcome") or "",
                    i.get("complexity") or "",
                    i["recipient"]["email"],
                    i["recipient"]["name"],
                    i.get("assessor", {}).get("name", ""),
                    i["lang"],
                ]
            )
        )
    return ("\n".join(lines) + "\n").encode()


def _bit(encoded: str, index: int) -> bool:
    raw = gzip.decompress(b64url_decode(encoded[1:]))
    return bool(raw[index >> 3] & (0x80 >> (index & 7)))


def _quantile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0]


def run_backend(kind: str, count: int, revocations: int, fmt: str) -> dict[str, Any]:
    """Issue ``count`` through the batch endpoint and time ``revocations`` on one backend."""
    port = _free_port()
    with _database(kind) as (url, schema):
        engine = create_db_engine(url, schema=schema)
        migrate(engine)
        registry = Registry(
            settings=Settings(
                base_url=f"http://127.0.0.1:{port}",
                max_batch_items=max(count, 1),
                secret_key=secrets.token_hex(32),
            ),
            engine=engine,
            processor=default_processor(),
            catalogue=Catalogue.load(),
            master=MasterSecret(secrets.token_bytes(32)),
        )
        with session_scope(engine) as session:
            org = OrganisationService(registry, session).create(
                slug="bench-centre", name="Bench volunteer centre", actor=ACTOR
            )
            tokens = TokenService(registry, session)
            # The cohort holds Tutor badges, which only an admin may issue (issue 12 item 29).
            admin, _ = tokens.create(org, "admin", "bench", actor=ACTOR)
        items = _items(count)
        if fmt == "csv":
            body, media = _csv(items), "text/csv"
        else:
            body, media = json.dumps({"items": items}).encode(), "application/json"
        base = f"http://127.0.0.1:{port}"
        with _server(registry, port), httpx.Client(base_url=base, timeout=600) as client:
            started = time.perf_counter()
            response = client.post(
                "/api/v1/credentials/batch",
                content=body,
                headers={"Authorization": f"Bearer {admin}", "Content-Type": media},
            )
            elapsed = time.perf_counter() - started
            if response.status_code != 201:
                raise RuntimeError(f"batch failed: {response.status_code} {response.text[:500]}")
            issued = response.json()["items"]
            with session_scope(engine) as session:
                stored = session.exec(select(func.count()).select_from(CredentialRecord)).one()
            if stored != count:
                raise RuntimeError(f"{stored} credentials stored, {count} expected")
            latencies = _revoke(client, admin, issued[:revocations])
        engine.dispose()
    return {
        "backend": kind,
        "count": count,
        "format": fmt,
        "batch_seconds": round(elapsed, 3),
        "credentials_per_s": round(count / elapsed, 1),
        "body_bytes": len(body),
        "revocations": len(latencies),
        "revoke_p50_ms": round(_quantile(latencies, 50), 1) if latencies else None,
        "revoke_p99_ms": round(_quantile(latencies, 99), 1) if latencies else None,
    }


def _revoke(client: httpx.Client, admin: str, items: list[dict[str, Any]]) -> list[float]:
    """Revoke each item; the time until the served status list shows its bit set (ms)."""
    latencies = []
    for item in items:
        uuid = item["id"].rsplit("/", 1)[1]
        started = time.perf_counter()
        response = client.post(
            f"/api/v1/credentials/{uuid}/revoke",
            json={"reason": "benchmark"},
            headers={"Authorization": f"Bearer {admin}"},
        )
        if response.status_code != 200:
            raise RuntimeError(f"revoke failed: {response.status_code} {response.text[:300]}")
        entry = response.json()["credential"]["credentialStatus"]
        path = entry["statusListCredential"].split("://", 1)[1].split("/", 1)[1]
        listed = client.get("/" + path).json()
        if not _bit(listed["credentialSubject"]["encodedList"], int(entry["statusListIndex"])):
            raise RuntimeError("the served status list does not show the revocation")
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print a table (and a JSON line with ``--json``)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--revocations", type=int, default=50)
    parser.add_argument("--format", choices=["json", "csv"], default="json")
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--no-reference", action="store_true", help="Skip the node reference.")
    parser.add_argument("--seconds", type=float, default=5.0, help="Reference bench seconds.")
    parser.add_argument("--json", action="store_true", help="End with one JSON line.")
    args = parser.parse_args(argv)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    has_pg = bool(
        os.environ.get("LEVERUP_BENCH_DATABASE_URL") or os.environ.get("LEVERUP_TEST_DATABASE_URL")
    )
    kinds = {"sqlite": ["sqlite"], "postgresql": ["postgresql"], "both": ["sqlite"]}[args.database]
    if args.database == "both" and has_pg:
        kinds.append("postgresql")
    if "postgresql" in kinds and not has_pg:
        parser.error("set LEVERUP_BENCH_DATABASE_URL or LEVERUP_TEST_DATABASE_URL for PostgreSQL")
    results = [run_backend(k, args.count, args.revocations, args.format) for k in kinds]
    reference = None if args.no_reference else reference_bench(bench_credential(), args.seconds)
    ref_sign = reference.get("sign_ops_per_s") if reference else None
    print(f"registry end to end: {args.count} credentials in one batch ({args.format}), uvicorn")
    print(f"{'backend':<12}{'seconds':>9}{'cred/s':>9}{'vs ref':>8}{'revoke p50':>12}{'p99 ms':>8}")
    for r in results:
        ratio = f"{r['credentials_per_s'] / ref_sign:.1f}x" if ref_sign else "n/a"
        print(
            f"{r['backend']:<12}{r['batch_seconds']:>9.2f}{r['credentials_per_s']:>9.0f}"
            f"{ratio:>8}{r['revoke_p50_ms'] or 0:>12.1f}{r['revoke_p99_ms'] or 0:>8.1f}"
        )
        r["reference_sign_ops_per_s"] = ref_sign
    if ref_sign:
        print(f"reference bare signing (interop/js/ref.mjs bench): {ref_sign:.0f} ops/s")
    else:
        print("reference not run (no node, interop/js/node_modules missing, or --no-reference)")
    if args.json:
        print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
