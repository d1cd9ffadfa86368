"""``leverup status republish``: re-sign every status list whose publication is pending (J9)."""

from __future__ import annotations

import sys

import click

from app.cli._support import EXIT_INCOMPLETE, registry_scope
from registry.status import republish_lagging

__all__ = ["status"]


@click.group()
def status() -> None:
    """Status lists."""


@status.command("republish")
def status_republish() -> None:
    """Re-sign every status list whose publication is pending (catalogue J9)."""
    with registry_scope() as registry:
        report = republish_lagging(registry)
    click.echo(f"re-signed: {report.published}; still pending: {report.pending}")
    if report.pending:
        sys.exit(EXIT_INCOMPLETE)
