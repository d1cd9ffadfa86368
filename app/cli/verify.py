"""``leverup verify FILE``: verify a credential (exit 0 valid, 1 invalid, 2 could not complete).

FILE is a credential (JSON or a JWT) or a baked badge (PNG or SVG), unbaked as the web verifier
does. Verifying creates nothing: this service's registry (for our own issuers' DID documents
and status lists) is used only if it already exists, and the command says where it looked.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click
import msgspec

from app.cli._support import EXIT_INCOMPLETE, EXIT_INVALID, Context, fail, pass_context
from common.settings import Settings

__all__ = ["verify"]


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the verification report as JSON.")
@pass_context
def verify(ctx: Context, file: Path, as_json: bool) -> None:
    """Verify the credential in FILE: JSON, a JWT, or a baked PNG or SVG badge (exit 0 valid,
    1 invalid, 2 could not complete). Creates nothing."""
    from app.public.upload import UnreadableBadgeImageError, credential_bytes

    try:
        data = file.read_bytes()
    except OSError as exc:
        fail(f"cannot read {file}: {exc}", EXIT_INCOMPLETE)
    try:
        data = credential_bytes(data)
    except UnreadableBadgeImageError as exc:
        fail(f"{file}: not a readable baked badge: {exc.detail}", EXIT_INVALID)
    verifier, looked = _verifier(ctx.settings)
    report = verifier.verify(data)
    if as_json:
        click.echo(msgspec.json.format(msgspec.json.encode(report), indent=2).decode())
        click.echo(looked, err=True)
    else:
        marks = {"passed": "ok  ", "failed": "FAIL", "error": "ERR ", "skipped": "skip"}
        for check in report.checks:
            click.echo(f"  {marks[check.status]}  {check.id:<11} {check.message}")
        click.echo(f"  {looked}")
        verdicts = {
            "valid": "VALID",
            "invalid": "INVALID",
            "indeterminate": "COULD NOT BE CHECKED",
        }
        summary = report.credential
        what = f": {summary.name} ({summary.issuer_name or summary.issuer_id})" if summary else ""
        click.echo(f"{verdicts[report.outcome]}{what}")
    sys.exit({"valid": 0, "invalid": EXIT_INVALID}.get(report.outcome, EXIT_INCOMPLETE))


def _where(settings: Settings) -> str:
    """The registry database as a person can find it (a path, or a URL without password)."""
    url = settings.database
    if url.startswith("sqlite:///"):
        return url[len("sqlite:///") :]
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _verifier(settings: Settings) -> tuple[Any, str]:
    """The verifier, over this service's registry if it exists, and where it looked.

    Nothing is created: no data directory, master secret, database or key.
    """
    from datetime import timedelta

    from app.context import LocalServices
    from app.verification import make_fetcher, make_verifier
    from keys.errors import KeysError
    from keys.store import load_master_secret
    from registry.bootstrap import existing_database, open_existing_registry
    from verifier.known_issuers import KnownIssuers

    where = _where(settings)
    services = LocalServices(settings)
    registry = None
    reason = "not found" if existing_database(settings) is None else "no tables"
    try:
        master = load_master_secret(
            env_value=settings.secret_key,
            file=settings.secret_key_file,
            data_dir=settings.data_dir,
            development=settings.environment == "development",
            create=False,
        )
    except KeysError as exc:
        master = None
        if reason != "not found":
            reason = f"no master secret to open it ({exc})"
    if master is not None:
        services.master = master
        registry = open_existing_registry(
            settings, master=master, processor=services.processor, catalogue=services.catalogue
        )
        if registry is not None:
            services.registry = registry
            looked = f"this service's registry: {where} (base URL {settings.base_url})"
            return services.verifier, looked
    verifier = make_verifier(
        services.processor,
        # The local issuer's keys (``leverup issue`` without --org), if its key store exists.
        local_documents=None if master is None else _local_issuer_documents(services),
        clock_skew=timedelta(seconds=settings.clock_skew_seconds),
        fetcher=make_fetcher(settings),
        base_url=settings.base_url,
        own_hosts=(settings.host,),
        known_issuers=KnownIssuers(
            settings.trusted_dids,
            None if master is None else lambda did: services.did_document(did) is not None,
        ),
    )
    return verifier, (
        f"this service's registry: {where}: {reason}; credentials of its organisations cannot "
        "be checked here (set LEVERUP_DATA_DIR or LEVERUP_DATABASE_URL to the service's)"
    )


def _local_issuer_documents(services: Any) -> Any:
    def documents(did: str) -> dict[str, Any] | None:
        return services.did_document(did) if did.startswith("did:web:") else None

    return documents
