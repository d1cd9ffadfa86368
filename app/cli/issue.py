"""``leverup issue`` and ``leverup sign``.

``leverup issue --org SLUG`` issues through the registry, as the API does: the credential is
stored, its id answers on the service, it has a status list entry (it can be revoked). Without
``--org`` the local default issuer signs an *offline* credential: stored nowhere, no status, its
id answers 404 (the command says so). ``leverup sign`` signs any unsigned credential with a given
seed, offline too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TextIO

import click
import msgspec

from app.cli._support import (
    EXIT_INCOMPLETE,
    Context,
    cli_actor,
    exit_code_of,
    fail,
    parse_when,
    pass_context,
    read_json,
    read_seed,
    seed_file_option,
    transaction,
    write,
)
from common.errors import DomainError
from common.timeutil import format_datetime, parse_datetime_stamp

__all__ = ["issue", "sign"]


@click.command()
@click.option(
    "--competence", metavar="SLUG", help="Competence to certify (see `leverup catalogue`)."
)
@click.option(
    "--role", type=click.Choice(["tutor", "assessor", "trainer"]), help="Practitioner role."
)
@click.option("--outcome", metavar="LEVEL", help="Outcome level: basic, accomplished, expert.")
@click.option(
    "--complexity", metavar="LEVEL", help="Environment complexity: low, mid-low, mid-high, high."
)
@click.option(
    "--recipient-email", required=True, metavar="E", help="Recipient's e-mail (stored only hashed)."
)
@click.option("--recipient-name", metavar="N", help="Recipient's name, shown on the credential.")
@click.option(
    "--recipient-did", metavar="DID", help="Recipient's wallet DID (credentialSubject.id)."
)
@click.option("--assessor", metavar="NAME", help="Assessor who certified the competence.")
@click.option("--lang", metavar="CODE", help="Language of the credential: en it nl fr es pl da.")
@click.option(
    "--valid-until", metavar="DATETIME", help="Expiry: 2030-01-01T00:00:00Z or 2030-01-01."
)
@click.option(
    "--org",
    "org",
    metavar="SLUG",
    help="Issue through the registry for this organisation (stored, with a status; "
    "e.g. the development organisation 'demo'). Without it: an offline credential.",
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE.")
@pass_context
def issue(
    ctx: Context,
    org: str | None,
    competence: str | None,
    role: str | None,
    outcome: str | None,
    complexity: str | None,
    recipient_email: str,
    recipient_name: str | None,
    recipient_did: str | None,
    assessor: str | None,
    lang: str | None,
    valid_until: str | None,
    out: Path | None,
) -> None:
    """Issue a signed credential: through the registry with --org, else offline with the local
    default issuer (stored nowhere, no status)."""
    from issuer import IssueRequest

    if (competence is None) == (role is None):
        fail("give exactly one of --competence or --role")
    raw: dict[str, Any] = {
        "achievement": competence or role,
        "recipient": {"email": recipient_email, "name": recipient_name, "did": recipient_did},
        "outcome": outcome,
        "complexity": complexity,
        "lang": lang,
        "assessor": assessor,
    }
    if valid_until is not None:
        raw["validUntil"] = parse_when(valid_until, end_of_day=True)
    if org is not None:
        _issue_in_registry(org, raw, out)
        return
    try:
        request = msgspec.convert(_drop_none(raw), IssueRequest)
        services = ctx.services
        issued = services.issuer.issue(request, profile=services.profile, signer=services.signer())
    except msgspec.ValidationError as exc:
        fail(str(exc))
    except DomainError as exc:
        fail(exc.detail, exit_code_of(exc))
    write(issued.signed_bytes, out)
    click.echo(
        f"note: an offline credential, signed by the local issuer {services.issuer_did} and "
        "stored in no registry: its id answers 404 on the service, it has no status (it can "
        "be neither revoked nor suspended), and it verifies only where that issuer's DID "
        "document is served. To issue through the registry: --org SLUG (e.g. --org demo).",
        err=True,
    )


def _issue_in_registry(slug: str, raw: dict[str, Any], out: Path | None) -> None:
    """Issue ``raw`` through the registry for organisation ``slug``, as ``POST
    /api/v1/credentials`` does (stored, a status entry, audited); exit 1 or 2 on failure."""
    from issuer import credential_url
    from registry.credentials.issuance import IssuanceService
    from registry.orgs.service import OrganisationService
    from registry.schemas import CredentialIn

    wire = dict(raw)
    if "assessor" in wire and wire["assessor"] is not None:
        wire["assessor"] = {"name": wire["assessor"]}
    if "validUntil" in wire:
        wire["validUntil"] = format_datetime(wire["validUntil"])
    try:
        request = msgspec.convert(_drop_none(wire), CredentialIn)
    except msgspec.ValidationError as exc:
        fail(str(exc))
    with transaction() as (registry, session):
        organisation = OrganisationService(registry, session).get(slug)
        record = IssuanceService(registry, session).issue(organisation, request, actor=cli_actor())
        url = credential_url(registry.base_url, record.id)
    if record.signed_bytes is None:  # pragma: no cover - issuance always stores the bytes
        fail("the registry stored no signed credential", EXIT_INCOMPLETE)
    write(record.signed_bytes, out)
    click.echo(f"issued {url} (its public page; {url}.json is the JSON)", err=True)


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    return value


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@seed_file_option()
@click.option("--created", metavar="DATETIME", help="Proof creation time (default: now).")
@click.option("--verification-method", metavar="URL", help="Default: the seed's did:key.")
def sign(
    file: Path, seed_file: TextIO, created: str | None, verification_method: str | None
) -> None:
    """Sign any unsigned credential FILE with eddsa-rdfc-2022; print the signed JSON."""
    from app.context import default_processor
    from issuer import Signer, sign_credential
    from keys.did import did_key_verification_method
    from keys.ed25519 import Ed25519KeyPair

    key_pair = Ed25519KeyPair.from_seed(read_seed(seed_file))
    document = read_json(file)
    if not isinstance(document, dict):
        fail("the credential must be a JSON object")
    if "proof" in document:
        fail("the document already has a proof")
    if created is not None:
        try:
            parse_datetime_stamp(created)
        except ValueError as exc:
            fail(str(exc))
    signer = Signer(
        key_pair, verification_method or did_key_verification_method(key_pair.public_key)
    )
    try:
        signed = sign_credential(default_processor(), document, signer, created=created)
    except DomainError as exc:
        fail(exc.detail)
    write(signed.signed_bytes, None)
