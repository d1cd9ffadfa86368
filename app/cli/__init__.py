"""The ``leverup`` command line. Scripts depend on these forms; keep them stable.

One module per command or command group; :mod:`app.cli._support` holds what they share (exit
codes, errors, the registry and its transaction, the audit actor).

Exit codes: 0 success; 1 the credential is invalid (``verify``) or the input was refused;
2 the work could not be completed (a check could not run, a configuration problem).
"""

from __future__ import annotations

import click

from app.cli import audit, batch, bench, catalogue, issue, keys, orgs, serve, status, tokens, verify
from app.cli._support import Group

__all__ = ["main"]


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="leverup-badges")
def main() -> None:
    """LEVER UP Badges: Open Badges 3.0 credentials for volunteering competences.

    Settings come from LEVERUP_* environment variables (see the README).
    """


for _command in (
    issue.issue,
    issue.sign,
    verify.verify,
    keys.keys,
    catalogue.catalogue,
    bench.bench,
    serve.serve,
    orgs.orgs,
    tokens.tokens,
    batch.issue_batch,
    status.status,
    audit.audit,
):
    main.add_command(_command)


if __name__ == "__main__":  # pragma: no cover
    main()
