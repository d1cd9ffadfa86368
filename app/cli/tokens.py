"""``leverup tokens``: an organisation's API tokens.

Each command is one transaction; the audit log names the caller ``cli:<user>``. ``tokens
create`` prints the new token as the last line of its output and nowhere else, so scripts can
take it with ``tail -n 1``.
"""

from __future__ import annotations

import click

from app.cli._support import cli_actor, echo_json, transaction
from registry.orgs import ROLES, OrganisationService, TokenService

__all__ = ["tokens"]


@click.group()
def tokens() -> None:
    """Manage an organisation's API tokens (stored only as hashes)."""


@tokens.command("create")
@click.option("--org", "slug", required=True, help="The organisation's slug.")
@click.option("--role", required=True, type=click.Choice(ROLES), help="What the token may do.")
@click.option("--label", default="", help="What the token is for (shown in listings).")
def tokens_create(slug: str, role: str, label: str) -> None:
    """Create an API token; it is printed once, as the last line, and never stored."""
    with transaction() as (registry, session):
        org = OrganisationService(registry, session).get(slug)
        token, record = TokenService(registry, session).create(org, role, label, actor=cli_actor())
    click.echo(f"created token {record.id} ({record.role}) of {slug}; it is shown only once:")
    click.echo(token)


@tokens.command("list")
@click.option("--org", "slug", required=True, help="The organisation's slug.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def tokens_list(slug: str, as_json: bool) -> None:
    """List an organisation's tokens (never the tokens themselves)."""
    with transaction() as (registry, session):
        org = OrganisationService(registry, session).get(slug)
        rows = [
            {
                "id": t.id,
                "role": t.role,
                "label": t.label,
                "prefix": t.prefix,
                "created": t.created_at.isoformat(),
                "revoked": None if t.revoked_at is None else t.revoked_at.isoformat(),
            }
            for t in TokenService(registry, session).list(org)
        ]
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        state = "revoked" if row["revoked"] else "active"
        click.echo(f"{row['id']:>5}  {row['role']:<8} {state:<7} {row['prefix']}…  {row['label']}")


@tokens.command("revoke")
@click.option("--org", "slug", required=True, help="The organisation's slug.")
@click.option("--id", "token_id", required=True, type=int, help="The token's id (see list).")
def tokens_revoke(slug: str, token_id: int) -> None:
    """Revoke a token for good."""
    with transaction() as (registry, session):
        org = OrganisationService(registry, session).get(slug)
        TokenService(registry, session).revoke(org, token_id, actor=cli_actor())
    click.echo(f"revoked token {token_id} of {slug}")
