"""``leverup audit head|verify``: the audit log's signed head and its chain check."""

from __future__ import annotations

import json
from pathlib import Path

import click

from app.cli._support import EXIT_REFUSED, fail, transaction
from registry.audit import AuditLog
from registry.audit.head import check_head, signed_head
from registry.orgs import OrganisationService

__all__ = ["audit"]


@click.group()
def audit() -> None:
    """The audit log."""


@audit.command("head")
@click.option("--org", "slug", required=True, help="The organisation's slug.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE.")
def audit_head(slug: str, out: Path | None) -> None:
    """Print the organisation's audit head signed by its key (keep it to check later)."""
    with transaction() as (registry, session):
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
            fail(f"cannot read {head_file}: {exc}", EXIT_REFUSED)
    with transaction() as (registry, session):
        org = OrganisationService(registry, session).get(slug)
        assert org.id is not None
        log = AuditLog(registry, session)
        broken = log.verify_chain(org.id)
        head = log.head(org.id)
        problem = None if head_file is None else check_head(registry, session, org, kept)
    count = 0 if head is None else head.seq
    if broken is not None:
        fail(f"the audit chain of {slug} is broken at entry {broken}", EXIT_REFUSED)
    if problem is not None:
        fail(problem, EXIT_REFUSED)
    click.echo(f"audit chain of {slug}: {count} entries, intact")
    if head_file is not None:
        click.echo(f"the kept head is still in the log ({head_file.name})")
