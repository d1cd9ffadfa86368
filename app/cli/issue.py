"""``leverup issue`` and ``leverup sign``: a credential from the local default issuer, or any
unsigned credential signed with a given seed. Neither goes through the registry: the
credential is stored nowhere and has no status list entry (``leverup issue-batch`` and the
API issue through the registry).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TextIO

import click
import msgspec

from app.cli._support import (
    Context,
    exit_code_of,
    fail,
    parse_when,
    pass_context,
    read_json,
    read_seed,
    seed_file_option,
    write,
)
from common.errors import DomainError
from common.timeutil import parse_datetime_stamp

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
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE.")
@pass_context
def issue(
    ctx: Context,
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
    """Issue a signed credential with the local default issuer."""
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
    try:
        request = msgspec.convert(_drop_none(raw), IssueRequest)
        services = ctx.services
        issued = services.issuer.issue(request, profile=services.profile, signer=services.signer())
    except msgspec.ValidationError as exc:
        fail(str(exc))
    except DomainError as exc:
        fail(exc.detail, exit_code_of(exc))
    write(issued.signed_bytes, out)


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
