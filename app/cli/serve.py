"""``leverup serve``: the web application, and in development a ``demo`` organisation with an
admin token on first start.

Without ``LEVERUP_BASE_URL`` the base URL is the host and port served (``--host``/``--port``,
the Makefile's ``HOST``/``PORT``), so the banner, the ``curl`` line and every id issued name
the address that answers. The port is checked before anything is printed or created.
"""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import click

from app.cli._support import EXIT_INCOMPLETE, Context, fail, pass_context
from common.errors import DomainError
from common.settings import base_url_configured, load_settings, served_base_url

__all__ = ["DEV_ORG", "DEV_TOKEN_FILE", "read_dev_token", "serve"]

DEV_TOKEN_FILE = "dev-admin-token"  # noqa: S105 - a file name, not a secret
"""The development admin token (the token alone, so ``$(cat var/dev-admin-token)`` works)."""
DEV_ORG = "demo"
"""The development organisation's slug."""


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@pass_context
def serve(ctx: Context, host: str, port: int) -> None:
    """Serve the web application (development issuer and key created on first start).

    Without LEVERUP_BASE_URL, the public base URL is http://HOST:PORT as served.
    """
    import uvicorn

    from app.asgi import create_app
    from app.server import uvicorn_options

    _check_port(host, port)
    if not base_url_configured():
        try:
            ctx.use_settings(load_settings(base_url=served_base_url(host, port)))
        except DomainError as exc:
            fail(exc.detail, EXIT_INCOMPLETE)
    services = ctx.services
    services.registry  # noqa: B018 - opens, migrates and checks the registry before anything is made
    record = services.ensure_issuer_key()
    base = ctx.settings.base_url
    demo = (
        _development_organisation(services) if ctx.settings.environment == "development" else None
    )
    click.echo(
        "\n".join(
            [
                "LEVER UP Badges",
                f"  listening on       http://{host}:{port}",
                f"  public base URL    {base}  "
                + ("(LEVERUP_BASE_URL)" if base_url_configured() else "(the address served)"),
                f"  data directory     {ctx.settings.data_dir.resolve()}",
                f"  issuer             {services.issuer_did}",
                f"  signing key        {record.verification_method}",
                "",
                f"  achievements       {base}/achievements",
                f"  DID document       {base}/.well-known/did.json",
                f"  verify a badge     {base}/verify  (a page: upload, paste or link)",
                f"  verify (API POST)  {base}/api/v1/verify",
                f"  API documentation  {base}/schema",
                f"  health             {base}/health",
                "",
                "  issue from the command line: .venv/bin/leverup issue --help",
            ]
        )
    )
    if demo is not None:
        slug, token = demo
        token_path = ctx.settings.data_dir / DEV_TOKEN_FILE
        click.echo(
            "\n".join(
                [
                    "",
                    f"  development organisation '{slug}', admin API token (also in {token_path}):",
                    f"    {token}",
                    "  try:",
                    f"    curl -s -H 'Authorization: Bearer {token}' -H 'Content-Type: "
                    "application/json' \\",
                    '      -d \'{"achievement":"teamwork","outcome":"accomplished",'
                    '"complexity":"mid-high","recipient":{"email":"v@example.org"}}\' '
                    "\\",
                    f"      {base}/api/v1/credentials",
                    "  then open links.page of the answer in a browser (the public page, its QR "
                    "code and badge images are linked from it)",
                ]
            )
        )
    uvicorn.run(
        create_app(services=services),
        host=host,
        port=port,
        log_level="info",
        **uvicorn_options(ctx.settings),
    )


def _check_port(host: str, port: int) -> None:
    """Exit 2 with a suggestion when ``host``:``port`` cannot be listened on (busy, say)."""
    if not 0 < port < 65536:
        fail(f"--port must be between 1 and 65535, not {port}", EXIT_INCOMPLETE)
    bare = host.strip("[]")
    try:
        infos = socket.getaddrinfo(bare or None, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        fail(f"cannot listen on {host}: {exc}", EXIT_INCOMPLETE)
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        # As uvicorn binds: SO_REUSEADDR, so only a live listener makes the port busy.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            reason = exc.strerror or str(exc)
            fail(
                f"cannot listen on {host}:{port}: {reason} (is another `make run` or "
                f"`leverup serve` running?). Choose a free port: make run PORT={port + 1}, "
                f"or leverup serve --port {port + 1}{_own_data_dir_hint(port + 1)}",
                EXIT_INCOMPLETE,
            )


def _own_data_dir_hint(port: int) -> str:
    """When the data directory already belongs to a base URL, another port needs another data
    directory (or the registry refuses to start): say so."""
    from registry.bootstrap import registered_base_url

    try:
        registered = registered_base_url(load_settings())
    except DomainError:
        return ""
    if registered is None:
        return ""
    return (
        f", with its own data directory (LEVERUP_DATA_DIR=var-{port}): this one belongs to "
        f"{registered}"
    )


def read_dev_token(data_dir: Path) -> str | None:
    """The development admin token kept under ``data_dir``, or None.

    The file holds the token alone; a file written by an older version (``demo lvu_…``) is
    still read (its last field).
    """
    path = data_dir / DEV_TOKEN_FILE
    if not path.exists():
        return None
    fields = path.read_text(encoding="utf-8").split()
    return fields[-1] if fields else None


def _development_organisation(services: Any) -> tuple[str, str] | None:
    """In development, a ``demo`` organisation and an admin token on first start.

    The token is kept (mode 0600) under the data directory so every start can print it; in
    production nothing is created: use ``leverup orgs create`` and ``leverup tokens create``.
    """
    import os

    from registry.db import session_scope
    from registry.orgs.service import OrganisationService
    from registry.orgs.tokens import TokenService

    data_dir = services.settings.data_dir
    token = read_dev_token(data_dir)
    if token is not None:
        return DEV_ORG, token
    registry = services.registry
    with session_scope(registry.engine) as session:
        orgs = OrganisationService(registry, session)
        if orgs.list():
            return None
        org = orgs.create(
            slug=DEV_ORG,
            name="Demo volunteer centre",
            url=services.settings.base_url,
            actor="cli:serve",
        )
        token, _ = TokenService(registry, session).create(
            org, "admin", "development admin", actor="cli:serve"
        )
    fd = os.open(data_dir / DEV_TOKEN_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(f"{token}\n")
    return org.slug, token
