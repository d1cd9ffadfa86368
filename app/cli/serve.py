"""``leverup serve``: the web application, and in development a ``demo`` organisation with an
admin token on first start.
"""

from __future__ import annotations

from typing import Any

import click

from app.cli._support import Context, pass_context

__all__ = ["DEV_TOKEN_FILE", "serve"]


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@pass_context
def serve(ctx: Context, host: str, port: int) -> None:
    """Serve the web application (development issuer and key created on first start)."""
    import uvicorn

    from app.asgi import create_app
    from app.server import uvicorn_options

    services = ctx.services
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
                f"  public base URL    {base}  (LEVERUP_BASE_URL)",
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
        click.echo(
            "\n".join(
                [
                    "",
                    f"  development organisation '{slug}', admin API token (also in "
                    f"{ctx.settings.data_dir / DEV_TOKEN_FILE}):",
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


DEV_TOKEN_FILE = "dev-admin-token"  # noqa: S105 - a file name, not a secret


def _development_organisation(services: Any) -> tuple[str, str] | None:
    """In development, a ``demo`` organisation and an admin token on first start.

    The token is kept (mode 0600) under the data directory so every start can print it; in
    production nothing is created: use ``leverup orgs create`` and ``leverup tokens create``.
    """
    import os

    from registry.db import session_scope
    from registry.orgs.service import OrganisationService
    from registry.orgs.tokens import TokenService

    token_file = services.settings.data_dir / DEV_TOKEN_FILE
    registry = services.registry
    with session_scope(registry.engine) as session:
        orgs = OrganisationService(registry, session)
        if token_file.exists():
            slug, _, token = token_file.read_text(encoding="utf-8").strip().partition(" ")
            return slug, token
        if orgs.list():
            return None
        org = orgs.create(
            slug="demo",
            name="Demo volunteer centre",
            url=services.settings.base_url,
            actor="cli:serve",
        )
        token, _ = TokenService(registry, session).create(
            org, "admin", "development admin", actor="cli:serve"
        )
    fd = os.open(token_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(f"{org.slug} {token}\n")
    return org.slug, token
