"""``leverup bench``: in-process sign and verify throughput on one core."""

from __future__ import annotations

import json
from pathlib import Path

import click

from app.cli._support import EXIT_INCOMPLETE, fail, read_json
from common.errors import DomainError

__all__ = ["bench"]


@click.command()
@click.option(
    "--credential",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Unsigned credential to measure (default: a representative LEVER credential).",
)
@click.option("--seconds", default=5.0, show_default=True, type=float, help="Seconds per figure.")
@click.option("--json", "as_json", is_flag=True, help="End with one JSON line of figures.")
def bench(credential: Path | None, seconds: float, as_json: bool) -> None:
    """In-process sign and verify throughput on one core (no network, no status)."""
    from app.bench import bench_credential, measure

    unsigned = read_json(credential) if credential is not None else bench_credential()
    if not isinstance(unsigned, dict):
        fail("the credential must be a JSON object")
    try:
        figures = measure(unsigned, seconds)
    except DomainError as exc:
        fail(exc.detail)
    except RuntimeError as exc:
        fail(str(exc), EXIT_INCOMPLETE)
    for op, m in figures.items():
        click.echo(
            f"{op:<7} {m['ops_per_s']:>9.1f} ops/s   p50 {m['p50_ms']:.2f} ms   "
            f"p99 {m['p99_ms']:.2f} ms"
        )
    if as_json:
        click.echo(
            json.dumps(
                {
                    "sign_ops_per_s": round(figures["sign"]["ops_per_s"], 1),
                    "verify_ops_per_s": round(figures["verify"]["ops_per_s"], 1),
                }
            )
        )
