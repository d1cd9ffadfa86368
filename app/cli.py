"""The ``leverup`` command line. Scripts depend on these forms; keep them stable.

Exit codes: 0 success; 1 the credential is invalid (``verify``) or the input was refused;
2 the work could not be completed (a check could not run, a configuration problem).
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any, NoReturn

import click
import msgspec

from common.errors import DomainError
from common.settings import Settings, load_settings
from common.timeutil import parse_datetime_stamp

__all__ = ["main"]

EXIT_INVALID = 1
EXIT_INCOMPLETE = 2


def _fail(message: str, code: int = EXIT_INVALID) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def _parse_when(value: str, *, end_of_day: bool) -> datetime:
    """A dateTimeStamp, or a plain date (start or end of that day, UTC)."""
    try:
        return parse_datetime_stamp(value)
    except ValueError:
        pass
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        _fail(f"not a date-time with time zone or a YYYY-MM-DD date: {value!r}")
    moment = time(23, 59, 59) if end_of_day else time(0, 0, 0)
    return datetime.combine(day, moment, tzinfo=UTC)


class _Context:
    def __init__(self) -> None:
        self._settings: Settings | None = None
        self._services: Any = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            try:
                self._settings = load_settings()
            except DomainError as exc:
                _fail(exc.detail, EXIT_INCOMPLETE)
        return self._settings

    @property
    def services(self) -> Any:
        if self._services is None:
            from app.context import LocalServices

            self._services = LocalServices(self.settings)
        return self._services


pass_context = click.make_pass_decorator(_Context, ensure=True)


class _Group(click.Group):
    """Turns configuration and key-store failures into a one-line error and exit code 2."""

    def invoke(self, ctx: click.Context) -> Any:
        from keys.errors import KeysError

        try:
            return super().invoke(ctx)
        except KeysError as exc:
            _fail(str(exc), EXIT_INCOMPLETE)
        except DomainError as exc:
            _fail(exc.detail, EXIT_INCOMPLETE if exc.status >= 500 else EXIT_INVALID)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="leverup-badges")
def main() -> None:
    """LEVER UP Badges: Open Badges 3.0 credentials for volunteering competences.

    Settings come from LEVERUP_* environment variables (see the README).
    """


def _write(data: bytes, out: Path | None) -> None:
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        out.write_bytes(data)
        click.echo(f"wrote {out}", err=True)


@main.command()
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
    ctx: _Context,
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
        _fail("give exactly one of --competence or --role")
    raw: dict[str, Any] = {
        "achievement": competence or role,
        "recipient": {"email": recipient_email, "name": recipient_name, "did": recipient_did},
        "outcome": outcome,
        "complexity": complexity,
        "lang": lang,
        "assessor": assessor,
    }
    if valid_until is not None:
        raw["validUntil"] = _parse_when(valid_until, end_of_day=True)
    try:
        request = msgspec.convert(_drop_none(raw), IssueRequest)
        services = ctx.services
        issued = services.issuer.issue(request, profile=services.profile, signer=services.signer())
    except msgspec.ValidationError as exc:
        _fail(str(exc))
    except DomainError as exc:
        _fail(exc.detail, EXIT_INCOMPLETE if exc.status >= 500 else EXIT_INVALID)
    _write(issued.signed_bytes, out)


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    return value


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_bytes())
    except (OSError, ValueError) as exc:
        _fail(f"cannot read {path}: {exc}")


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--seed-hex", required=True, metavar="HEX", help="32-byte Ed25519 seed, hex.")
@click.option("--created", metavar="DATETIME", help="Proof creation time (default: now).")
@click.option("--verification-method", metavar="URL", help="Default: the seed's did:key.")
def sign(file: Path, seed_hex: str, created: str | None, verification_method: str | None) -> None:
    """Sign any unsigned credential FILE with eddsa-rdfc-2022; print the signed JSON."""
    from app.context import default_processor
    from issuer import Signer, sign_credential
    from keys.did import did_key_verification_method
    from keys.ed25519 import Ed25519KeyPair

    try:
        key_pair = Ed25519KeyPair.from_seed(bytes.fromhex(seed_hex))
    except ValueError:
        _fail("--seed-hex must be 64 hex digits (a 32-byte seed)")
    document = _read_json(file)
    if not isinstance(document, dict):
        _fail("the credential must be a JSON object")
    if "proof" in document:
        _fail("the document already has a proof")
    if created is not None:
        try:
            parse_datetime_stamp(created)
        except ValueError as exc:
            _fail(str(exc))
    signer = Signer(
        key_pair, verification_method or did_key_verification_method(key_pair.public_key)
    )
    try:
        signed = sign_credential(default_processor(), document, signer, created=created)
    except DomainError as exc:
        _fail(exc.detail)
    _write(signed.signed_bytes, None)


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the verification report as JSON.")
@pass_context
def verify(ctx: _Context, file: Path, as_json: bool) -> None:
    """Verify the credential in FILE (exit 0 valid, 1 invalid, 2 could not complete)."""
    try:
        data = file.read_bytes()
    except OSError as exc:
        _fail(f"cannot read {file}: {exc}", EXIT_INCOMPLETE)
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


@main.group()
def keys() -> None:
    """Manage the local issuer's Ed25519 keys (encrypted at rest)."""


@keys.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_context
def keys_list(ctx: _Context, as_json: bool) -> None:
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
def keys_create(ctx: _Context) -> None:
    """Create the local issuer's signing key if it has none; print its verification method."""
    record = ctx.services.ensure_issuer_key()
    click.echo(record.verification_method)


@keys.command("import")
@click.option("--seed-hex", required=True, metavar="HEX", help="32-byte Ed25519 seed, hex.")
@pass_context
def keys_import(ctx: _Context, seed_hex: str) -> None:
    """Import a seed as the local issuer's new signing key (older keys stay published)."""
    from keys.errors import KeysError

    try:
        seed = bytes.fromhex(seed_hex)
    except ValueError:
        _fail("--seed-hex must be 64 hex digits (a 32-byte seed)")
    try:
        record = ctx.services.store.import_seed(ctx.services.issuer_did, seed)
    except (KeysError, ValueError) as exc:
        _fail(str(exc))
    click.echo(record.verification_method)


@keys.command("rotate")
@pass_context
def keys_rotate(ctx: _Context) -> None:
    """Make a new signing key; older keys stay in the DID document so their credentials verify."""
    ctx.services.ensure_issuer_key()
    record = ctx.services.store.rotate(ctx.services.issuer_did)
    click.echo(record.verification_method)


@keys.command("did-document")
@pass_context
def keys_did_document(ctx: _Context) -> None:
    """Print the local issuer's did:web DID document."""
    services = ctx.services
    services.ensure_issuer_key()
    click.echo(json.dumps(services.did_document(), indent=2))


@main.command()
@click.option("--lang", default="en", show_default=True, help="Language of names.")
@click.option("--json", "as_json", is_flag=True, help="Print the OB 3.0 Achievement objects.")
@pass_context
def catalogue(ctx: _Context, lang: str, as_json: bool) -> None:
    """List the LEVER achievements: 15 competences and 3 practitioner roles."""
    from badge_classes import Catalogue, UnsupportedLanguageError

    cat = Catalogue.load()
    base_url = ctx.settings.base_url
    try:
        if as_json:
            items = [cat.achievement(slug, base_url=base_url, lang=lang) for slug in cat.slugs()]
            click.echo(json.dumps(items, indent=2, ensure_ascii=False))
            return
        for slug in cat.slugs():
            definition = cat.get(slug)
            group = definition.cluster or "role"
            click.echo(f"{slug:<36} {group:<15} {definition.name(lang)}")
    except UnsupportedLanguageError:
        _fail(f"unsupported language {lang!r} (one of: {', '.join(cat.languages)})")


@main.command()
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

    unsigned = _read_json(credential) if credential is not None else bench_credential()
    if not isinstance(unsigned, dict):
        _fail("the credential must be a JSON object")
    try:
        figures = measure(unsigned, seconds)
    except DomainError as exc:
        _fail(exc.detail)
    except RuntimeError as exc:
        _fail(str(exc), EXIT_INCOMPLETE)
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


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@pass_context
def serve(ctx: _Context, host: str, port: int) -> None:
    """Serve the web application (development issuer and key created on first start)."""
    import uvicorn

    from app.asgi import create_app

    services = ctx.services
    record = services.ensure_issuer_key()
    base = ctx.settings.base_url
    demo = (
        _development_organisation(services) if ctx.settings.environment == "development" else None
    )
    click.echo(
        "\n".join(
            [
                "LEVER UP Badges",
                f"  listening on       http://{host}:{port}",
                f"  public base URL    {base}  (LEVERUP_BASE_URL)",
                f"  data directory     {ctx.settings.data_dir.resolve()}",
                f"  issuer             {services.issuer_did}",
                f"  signing key        {record.verification_method}",
                "",
                f"  achievements       {base}/achievements",
                f"  DID document       {base}/.well-known/did.json",
                f"  verify a badge     {base}/verify  (a page: upload, paste or link)",
                f"  verify (API POST)  {base}/api/v1/verify",
                f"  API documentation  {base}/schema",
                f"  health             {base}/health",
                "",
                "  issue from the command line: .venv/bin/leverup issue --help",
            ]
        )
    )
    if demo is not None:
        slug, token = demo
        click.echo(
            "\n".join(
                [
                    "",
                    f"  development organisation '{slug}', admin API token (also in "
                    f"{ctx.settings.data_dir / DEV_TOKEN_FILE}):",
                    f"    {token}",
                    "  try:",
                    f"    curl -s -H 'Authorization: Bearer {token}' -H 'Content-Type: "
                    "application/json' \\",
                    '      -d \'{"achievement":"teamwork","outcome":"accomplished",'
                    '"complexity":"mid-high","recipient":{"email":"v@example.org"}}\' '
                    "\\",
                    f"      {base}/api/v1/credentials",
                    "  then open links.page of the answer in a browser (the public page, its QR "
                    "code and badge images are linked from it)",
                ]
            )
        )
    uvicorn.run(create_app(services=services), host=host, port=port, log_level="info")


DEV_TOKEN_FILE = "dev-admin-token"  # noqa: S105 - a file name, not a secret


def _development_organisation(services: Any) -> tuple[str, str] | None:
    """In development, a ``demo`` organisation and an admin token on first start.

    The token is kept (mode 0600) under the data directory so every start can print it; in
    production nothing is created: use ``leverup orgs create`` and ``leverup tokens create``.
    """
    import os

    from registry.db import session_scope
    from registry.orgs import OrganisationService
    from registry.tokens import TokenService

    token_file = services.settings.data_dir / DEV_TOKEN_FILE
    registry = services.registry
    with session_scope(registry.engine) as session:
        orgs = OrganisationService(registry, session)
        if token_file.exists():
            slug, _, token = token_file.read_text(encoding="utf-8").strip().partition(" ")
            return slug, token
        if orgs.list():
            return None
        org = orgs.create(
            slug="demo",
            name="Demo volunteer centre",
            url=services.settings.base_url,
            actor="cli:serve",
        )
        token, _ = TokenService(registry, session).create(
            org, "admin", "development admin", actor="cli:serve"
        )
    fd = os.open(token_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(f"{org.slug} {token}\n")
    return org.slug, token


def _add_registry_commands() -> None:
    from registry.cli_batch import issue_batch
    from registry.cli_ops import audit, keys_compromise, status
    from registry.cli_orgs import orgs, tokens

    main.add_command(orgs)
    main.add_command(tokens)
    main.add_command(issue_batch)
    main.add_command(status)
    main.add_command(audit)
    keys.add_command(keys_compromise)  # leverup keys compromise --org S --key K


_add_registry_commands()


if __name__ == "__main__":  # pragma: no cover
    main()
