"""``leverup keys compromise``, ``leverup status republish``, ``leverup audit head|verify``.

Operator commands of the registry's integrity drills. Each is one transaction (the republish
command one per organisation); the audit log names the caller ``cli:<user>``. Exit codes follow
``leverup``: 0 done, 1 refused or a check failed, 2 not completed (configuration, key store).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from common.errors import DomainError
from common.settings import load_settings
from registry.audit import AuditLog
from registry.audit_head import check_head, signed_head
from registry.bootstrap import build_registry
from registry.cli_orgs import EXIT_INCOMPLETE, EXIT_REFUSED, _fail, _transaction, cli_actor
from registry.compromise import KeyCompromiseService
from registry.context import Registry
from registry.orgs import OrganisationService
from registry.status import republish_lagging

__all__ = ["audit", "keys_compromise", "status"]


@click.command("compromise")
@click.option("--org", "slug", required=True, help="The organisation's slug.")
@click.option(
    "--key", "key_id", required=True, help="The key id, e.g. key-1 (see its DID document)."
)
@click.option("--reissue", is_flag=True, help="Issue the revoked credentials again as new ones.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def keys_compromise(slug: str, key_id: str, reissue: bool, as_json: bool) -> None:
    """Mark an organisation's key compromised: revoke what it signed, drop it from the DID
    document, rotate if it was active, re-sign the status lists (catalogue J13)."""
    with _transaction() as (registry, session):
        org = OrganisationService(registry, session).get(slug)
        report = KeyCompromiseService(registry, session).compromise(
            org, key_id, actor=cli_actor(), reissue=reissue
        )
    if as_json:
        import msgspec

        click.echo(msgspec.json.encode(report).decode("utf-8"))
        return
    click.echo(f"key {report.key_id} of {slug} marked compromised (was {report.previous_status})")
    if report.new_key_id is not None:
        click.echo(f"new active key: {report.new_key_id}")
    click.echo(f"revoked: {len(report.revoked)} credential(s)")
    if reissue:
        click.echo(f"re-issued: {len(report.reissued)} credential(s)")
    click.echo(f"status lists re-signed: {report.lists_signed}; publication {report.publication}")


@click.group()
def status() -> None:
    """Status lists."""


@status.command("republish")
def status_republish() -> None:
    """Re-sign every status list whose publication is pending (catalogue J9)."""
    registry = _registry()
    try:
        report = republish_lagging(registry)
    finally:
        _dispose(registry)
    click.echo(f"re-signed: {report.published}; still pending: {report.pending}")
    if report.pending:
        sys.exit(EXIT_INCOMPLETE)


@click.group()
def audit() -> None:
    """The audit log."""


@audit.command("head")
@click.option("--org", "slug", required=True, help="The organisation's slug.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE.")
def audit_head(slug: str, out: Path | None) -> None:
    """Print the organisation's audit head signed by its key (keep it to check later)."""
    with _transaction() as (registry, session):
        org = OrganisationService(registry, session).get(slug)
        head = signed_head(registry, session, org)
    text = json.dumps(head, indent=2, ensure_ascii=False)
    if out is None:
        click.echo(text)
    else:
        out.write_text(text + "\n", encoding="utf-8")


@audit.command("verify")
@click.option("--org", "slug", required=True, help="The organisation's slug.")
@click.option(
    "--head",
    "head_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A head kept earlier (leverup audit head, GET /orgs/{slug}/audit-head).",
)
def audit_verify(slug: str, head_file: Path | None) -> None:
    """Recompute the hash chain; with --head, check the kept head is still in the log."""
    kept: object = None
    if head_file is not None:
        try:
            kept = json.loads(head_file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            _fail(f"cannot read {head_file}: {exc}", EXIT_REFUSED)
    with _transaction() as (registry, session):
        org = OrganisationService(registry, session).get(slug)
        assert org.id is not None
        log = AuditLog(registry, session)
        broken = log.verify_chain(org.id)
        head = log.head(org.id)
        problem = None if head_file is None else check_head(registry, session, org, kept)
    count = 0 if head is None else head.seq
    if broken is not None:
        _fail(f"the audit chain of {slug} is broken at entry {broken}", EXIT_REFUSED)
    if problem is not None:
        _fail(problem, EXIT_REFUSED)
    click.echo(f"audit chain of {slug}: {count} entries, intact")
    if head_file is not None:
        click.echo(f"the kept head is still in the log ({head_file.name})")


def _registry() -> Registry:
    obj = click.get_current_context().find_object(Registry)
    if obj is not None:
        return obj
    try:
        return build_registry(load_settings())
    except DomainError as exc:
        _fail(exc.detail, EXIT_INCOMPLETE)


def _dispose(registry: Registry) -> None:
    if click.get_current_context().find_object(Registry) is None:
        registry.engine.dispose()
