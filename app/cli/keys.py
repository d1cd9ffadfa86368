"""``leverup keys``: the local issuer's keys (list, create, import, rotate, did-document) and an
organisation's key-compromise drill (``keys compromise``, catalogue J13).
"""

from __future__ import annotations

import json
from typing import TextIO

import click

from app.cli._support import (
    Context,
    cli_actor,
    fail,
    pass_context,
    read_seed,
    seed_file_option,
    transaction,
)
from registry.credentials import KeyCompromiseService
from registry.orgs import OrganisationService

__all__ = ["keys", "keys_compromise"]


@click.group()
def keys() -> None:
    """Manage the local issuer's Ed25519 keys (encrypted at rest)."""


@keys.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_context
def keys_list(ctx: Context, as_json: bool) -> None:
    """List the keys of every local controller (never the private keys)."""
    records = ctx.services.store.list()
    rows = [
        {
            "controller": r.controller,
            "keyId": r.key_id,
            "status": r.status,
            "created": r.created.isoformat(),
            "publicKeyMultibase": r.public_key_multibase,
            "verificationMethod": r.verification_method,
        }
        for r in records
    ]
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        click.echo("no keys yet: `leverup keys create` makes the local issuer's first key")
    for row in rows:
        click.echo(
            f"{row['verificationMethod']}  {row['status']:<7}  {row['created']}  "
            f"{row['publicKeyMultibase']}"
        )


@keys.command("create")
@pass_context
def keys_create(ctx: Context) -> None:
    """Create the local issuer's signing key if it has none; print its verification method."""
    record = ctx.services.ensure_issuer_key()
    click.echo(record.verification_method)


@keys.command("import")
@seed_file_option()
@pass_context
def keys_import(ctx: Context, seed_file: TextIO) -> None:
    """Import a seed as the local issuer's new signing key (older keys stay published)."""
    from keys.errors import KeysError

    seed = read_seed(seed_file)
    try:
        record = ctx.services.store.import_seed(ctx.services.issuer_did, seed)
    except (KeysError, ValueError) as exc:
        fail(str(exc))
    click.echo(record.verification_method)


@keys.command("rotate")
@pass_context
def keys_rotate(ctx: Context) -> None:
    """Make a new signing key; older keys stay in the DID document so their credentials verify."""
    ctx.services.ensure_issuer_key()
    record = ctx.services.store.rotate(ctx.services.issuer_did)
    click.echo(record.verification_method)


@keys.command("did-document")
@pass_context
def keys_did_document(ctx: Context) -> None:
    """Print the local issuer's did:web DID document."""
    services = ctx.services
    services.ensure_issuer_key()
    click.echo(json.dumps(services.did_document(), indent=2))


@keys.command("compromise")
@click.option("--org", "slug", required=True, help="The organisation's slug.")
@click.option(
    "--key", "key_id", required=True, help="The key id, e.g. key-1 (see its DID document)."
)
@click.option("--reissue", is_flag=True, help="Issue the revoked credentials again as new ones.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def keys_compromise(slug: str, key_id: str, reissue: bool, as_json: bool) -> None:
    """Mark an organisation's key compromised: revoke what it signed, drop it from the DID
    document, rotate if it was active, re-sign the status lists (catalogue J13)."""
    with transaction() as (registry, session):
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
