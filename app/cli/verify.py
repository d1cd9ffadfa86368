"""``leverup verify FILE``: verify a credential (exit 0 valid, 1 invalid, 2 could not complete)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import msgspec

from app.cli._support import EXIT_INCOMPLETE, EXIT_INVALID, Context, fail, pass_context

__all__ = ["verify"]


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the verification report as JSON.")
@pass_context
def verify(ctx: Context, file: Path, as_json: bool) -> None:
    """Verify the credential in FILE (exit 0 valid, 1 invalid, 2 could not complete)."""
    try:
        data = file.read_bytes()
    except OSError as exc:
        fail(f"cannot read {file}: {exc}", EXIT_INCOMPLETE)
    report = ctx.services.verifier.verify(data)
    if as_json:
        click.echo(msgspec.json.format(msgspec.json.encode(report), indent=2).decode())
    else:
        marks = {"passed": "ok  ", "failed": "FAIL", "error": "ERR ", "skipped": "skip"}
        for check in report.checks:
            click.echo(f"  {marks[check.status]}  {check.id:<11} {check.message}")
        verdicts = {
            "valid": "VALID",
            "invalid": "INVALID",
            "indeterminate": "COULD NOT BE CHECKED",
        }
        summary = report.credential
        what = f": {summary.name} ({summary.issuer_name or summary.issuer_id})" if summary else ""
        click.echo(f"{verdicts[report.outcome]}{what}")
    sys.exit({"valid": 0, "invalid": EXIT_INVALID}.get(report.outcome, EXIT_INCOMPLETE))
