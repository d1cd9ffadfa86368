"""``leverup orgs``: issuing organisations (each has its own did:web DID and keys).

Each command is one transaction; the audit log names the caller ``cli:<user>``.
"""

from __future__ import annotations

import click

from app.cli._support import cli_actor, echo_json, transaction
from registry.orgs import OrganisationService

__all__ = ["orgs"]


@click.group()
def orgs() -> None:
    """Manage issuing organisations (each has its own did:web DID and keys)."""


@orgs.command("create")
@click.option("--slug", required=True, help="Short name: 2-64 of a-z, 0-9 and '-'.")
@click.option("--name", required=True, help="The organisation's name, as shown on badges.")
@click.option("--url", default=None, help="The organisation's web site (http or https).")
@click.option("--email", default=None, help="A contact address shown in the issuer profile.")
@click.option(
    "--require-assessor-badge",
    is_flag=True,
    help="Refuse certifications whose assessor holds no valid LEVER UP Assessor badge.",
)
@click.option(
    "--training-provider",
    is_flag=True,
    help="Designate it a training provider: its assessors may issue Tutor, Assessor and "
    "Trainer badges (otherwise admins only).",
)
def orgs_create(
    slug: str,
    name: str,
    url: str | None,
    email: str | None,
    require_assessor_badge: bool,
    training_provider: bool,
) -> None:
    """Register an organisation; print its DID and first verification method."""
    with transaction() as (registry, session):
        service = OrganisationService(registry, session)
        org = service.create(
            slug=slug,
            name=name,
            url=url,
            email=email,
            require_assessor_badge=require_assessor_badge,
            training_provider=training_provider,
            actor=cli_actor(),
        )
        method = service.signer(org).verification_method
    click.echo(f"created organisation {org.slug}")
    click.echo(f"DID: {org.did}")
    click.echo(f"verification method: {method}")


@orgs.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def orgs_list(as_json: bool) -> None:
    """List the organisations."""
    with transaction() as (registry, session):
        rows = [
            {"slug": o.slug, "name": o.name, "did": o.did, "created": o.created_at.isoformat()}
            for o in OrganisationService(registry, session).list()
        ]
    if as_json:
        echo_json(rows)
        return
    if not rows:
        click.echo("no organisations yet: `leverup orgs create --slug S --name N`")
    for row in rows:
        click.echo(f"{row['slug']:<24} {row['did']}  {row['name']}")
