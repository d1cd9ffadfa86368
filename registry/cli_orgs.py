"""``leverup orgs`` and ``leverup tokens``: organisations and their API tokens from the shell.

Each command is one transaction; the audit log names the caller ``cli:<user>``. ``tokens
create`` prints the new token as the last line of its output and nowhere else, so scripts can
take it with ``tail -n 1``. Exit codes follow ``leverup``: 0 done, 1 refused, 2 not completed
(configuration, key store).
"""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import click
from sqlmodel import Session

from common.errors import DomainError
from common.settings import load_settings
from keys.errors import KeysError
from registry.bootstrap import build_registry
from registry.context import Registry
from registry.db import session_scope
from registry.orgs import OrganisationService
from registry.tokens import ROLES, TokenService

__all__ = ["cli_actor", "orgs", "tokens"]

EXIT_REFUSED = 1
EXIT_INCOMPLETE = 2


def cli_actor() -> str:
    """The audit actor of this shell user: ``cli:<user>``."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return f"cli:{user}"[:200]


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


@contextmanager
def _transaction() -> Iterator[tuple[Registry, Session]]:
    """The registry (the click object if it is one, else built from settings) and a session.

    Domain and key-store errors become a one-line message and exit code 1 or 2; nothing is
    committed then.
    """
    obj = click.get_current_context().find_object(Registry)
    try:
        registry = obj if obj is not None else build_registry(load_settings())
    except (DomainError, KeysError) as exc:
        _fail(exc.detail if isinstance(exc, DomainError) else str(exc), EXIT_INCOMPLETE)
    try:
        with session_scope(registry.engine) as session:
            yield registry, session
    except DomainError as exc:
        _fail(exc.detail, EXIT_INCOMPLETE if exc.status >= 500 else EXIT_REFUSED)
    except KeysError as exc:
        _fail(str(exc), EXIT_INCOMPLETE)
    finally:
        if obj is None:
            registry.engine.dispose()


def _echo_json(value: Any) -> None:
    click.echo(json.dumps(value, indent=2, ensure_ascii=False))


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
def orgs_create(
    slug: str, name: str, url: str | None, email: str | None, require_assessor_badge: bool
) -> None:
    """Register an organisation; print its DID and first verification method."""
    with _transaction() as (registry, session):
        service = OrganisationService(registry, session)
        org = service.create(
            slug=slug,
            name=name,
            url=url,
            email=email,
            require_assessor_badge=require_assessor_badge,
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
    with _transaction() as (registry, session):
        rows = [
            {"slug": o.slug, "name": o.name, "did": o.did, "created": o.created_at.isoformat()}
            for o in OrganisationService(registry, session).list()
        ]
    if as_json:
        _echo_json(rows)
        return
    if not rows:
        click.echo("no organisations yet: `leverup orgs create --slug S --name N`")
    for row in rows:
        click.echo(f"{row['slug']:<24} {row['did']}  {row['name']}")


@click.group()
def tokens() -> None:
    """Manage an organisation's API tokens (stored only as hashes)."""


@tokens.command("create")
@click.option("--org", "slug", required=True, help="The organisation's slug.")
@click.option("--role", required=True, type=click.Choice(ROLES), help="What the token may do.")
@click.option("--label", default="", help="What the token is for (shown in listings).")
def tokens_create(slug: str, role: str, label: str) -> None:
    """Create an API token; it is printed once, as the last line, and never stored."""
    with _transaction() as (registry, session):
        org = OrganisationService(registry, session).get(slug)
        token, record = TokenService(registry, session).create(org, role, label, actor=cli_actor())
    click.echo(f"created token {record.id} ({record.role}) of {slug}; it is shown only once:")
    click.echo(token)


@tokens.command("list")
@click.option("--org", "slug", required=True, help="The organisation's slug.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def tokens_list(slug: str, as_json: bool) -> None:
    """List an organisation's tokens (never the tokens themselves)."""
    with _transaction() as (registry, session):
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
        _echo_json(rows)
        return
    for row in rows:
        state = "revoked" if row["revoked"] else "active"
        click.echo(f"{row['id']:>5}  {row['role']:<8} {state:<7} {row['prefix']}…  {row['label']}")


@tokens.command("revoke")
@click.option("--org", "slug", required=True, help="The organisation's slug.")
@click.option("--id", "token_id", required=True, type=int, help="The token's id (see list).")
def tokens_revoke(slug: str, token_id: int) -> None:
    """Revoke a token for good."""
    with _transaction() as (registry, session):
        org = OrganisationService(registry, session).get(slug)
        TokenService(registry, session).revoke(org, token_id, actor=cli_actor())
    click.echo(f"revoked token {token_id} of {slug}")
