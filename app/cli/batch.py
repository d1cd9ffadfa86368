"""``leverup issue-batch``: issue a cohort from a CSV file, all or nothing, in one transaction.

The file is checked completely first; any invalid row refuses the whole file (exit 1, one line
per problem on stderr, nothing issued). Otherwise every credential is signed and stored in one
transaction, with a progress bar on stderr; the issued credential ids are printed on stdout, one
per line (``--out`` also writes a CSV of rows, ids and links). Exit codes follow ``leverup``:
0 done, 1 refused, 2 not completed (configuration, key store, database).
"""

from __future__ import annotations

import csv
import io
import os
import sys
import unicodedata
from pathlib import Path
from typing import Final, NoReturn

import click
from sqlalchemy.exc import SQLAlchemyError

from app.cli._support import (
    EXIT_INCOMPLETE,
    EXIT_REFUSED,
    cli_actor,
    exit_code_of,
    fail,
    printable,
    registry_scope,
)
from common.errors import DomainError
from keys.errors import KeysError
from registry.context import Registry
from registry.credentials import IssuanceService, IssuedItem, parse_csv, safe_cell
from registry.db import session_scope
from registry.errors import BatchInvalidError
from registry.orgs import OrganisationService
from registry.schemas import BatchRow, CredentialLinks

__all__ = ["issue_batch"]

MAX_FILE_BYTES = 20_000_000
"""Largest CSV file accepted (the same limit as the HTTP batch endpoint)."""


def _report(exc: BatchInvalidError) -> NoReturn:
    for row in exc.rows:
        for error in row["errors"]:
            click.echo(f"row {row['row']}: {printable(str(error))}", err=True)
    fail(exc.detail, EXIT_REFUSED)


def _actor(name: str | None) -> str:
    if name is None:
        return cli_actor()
    if not name.strip() or len(name) > 190 or any(unicodedata.category(c) == "Cc" for c in name):
        fail("--actor must be 1 to 190 printable characters", EXIT_REFUSED)
    return f"cli:{name.strip()}"


_LINK_COLUMNS: Final = (
    ("public", "public_url"),
    ("json", "json_url"),
    ("self_", "api_url"),
    ("holder", "holder_url"),
    ("linkedin", "linkedin_url"),
    ("status", "status_url"),
    ("badge_png", "badge_png_url"),
    ("badge_svg", "badge_svg_url"),
    ("qr_png", "qr_png_url"),
    ("qr_svg", "qr_svg_url"),
)
"""The links of the ``--out`` CSV: every link the API answers for an issued credential."""


def _issued_csv(items: list[IssuedItem], links: list[CredentialLinks], rows: list[BatchRow]) -> str:
    """The issued credentials as CSV: row, id, the recipient's e-mail and the same links as the
    API's batch answer, the holder's private link included (inert cells)."""
    emails = {r.row: r.request.recipient.email for r in rows if r.request is not None}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["row", "credential_id", "recipient_email", *(column for _, column in _LINK_COLUMNS)]
    )
    for item, link in zip(items, links, strict=True):
        writer.writerow(
            [
                item.row,
                item.credential_id,
                safe_cell(emails.get(item.row, "")),
                *(safe_cell(getattr(link, name) or "") for name, _ in _LINK_COLUMNS),
            ]
        )
    return out.getvalue()


def _issue(
    registry: Registry, data: bytes, slug: str, who: str, *, check: bool
) -> tuple[list[IssuedItem], list[CredentialLinks], list[BatchRow]]:
    """Parse, then check or issue in one transaction; exit 1 or 2 on failure."""
    try:
        rows = parse_csv(data, max_items=registry.settings.max_batch_items)
        with session_scope(registry.engine) as session:
            org = OrganisationService(registry, session).get(slug)
            service = IssuanceService(registry, session)
            if check:
                service.check_batch(org, rows)
                return [], [], rows
            with click.progressbar(length=len(rows), label="signing", file=sys.stderr) as bar:
                done = [0]

                def advance(signed: int) -> None:
                    bar.update(signed - done[0])
                    done[0] = signed

                items = service.issue_batch(org, rows, actor=who, progress=advance)
            return items, service.issued_links(org, items, holder=True), rows
    except BatchInvalidError as exc:
        _report(exc)
    except DomainError as exc:
        fail(exc.detail, exit_code_of(exc))
    except KeysError as exc:
        fail(str(exc), EXIT_INCOMPLETE)
    except SQLAlchemyError as exc:
        fail(f"the database failed ({type(exc).__name__}); nothing was issued", EXIT_INCOMPLETE)


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` readable by its owner only (0600, an existing file too): the
    CSV holds recipients' e-mail addresses in plain text."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
        os.fchmod(handle.fileno(), 0o600)
        handle.write(text)


@click.command("issue-batch")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--org", "slug", required=True, metavar="SLUG", help="The issuing organisation.")
@click.option("--actor", metavar="NAME", help="Name for the audit log (default: your user name).")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Also write a CSV of row, credential id, e-mail and every link (holder's too) to FILE.",
)
@click.option("--check", is_flag=True, help="Only check the file; issue nothing.")
def issue_batch(file: Path, slug: str, actor: str | None, out: Path | None, check: bool) -> None:
    """Issue one credential per row of a CSV FILE for organisation SLUG, all or nothing.

    Columns (header required): achievement, outcome, complexity, recipient_email,
    recipient_name, recipient_did, assessor_name, assessor_email, lang, valid_until.
    """
    who = _actor(actor)
    try:
        if file.stat().st_size > MAX_FILE_BYTES:
            fail(f"{file} is larger than {MAX_FILE_BYTES} bytes; split it", EXIT_REFUSED)
        data = file.read_bytes()
    except OSError as exc:
        fail(f"cannot read {file}: {exc}", EXIT_INCOMPLETE)
    with registry_scope() as registry:
        items, links, rows = _issue(registry, data, slug, who, check=check)
    if check:
        click.echo(f"{file}: {len(rows)} valid rows for {slug}; nothing issued", err=True)
        return
    for item in items:
        click.echo(item.credential_id)
    if out is not None:
        try:
            _write_private(out, _issued_csv(items, links, rows))
        except OSError as exc:
            fail(f"issued {len(items)} credentials but cannot write {out}: {exc}", EXIT_INCOMPLETE)
    wrote = f"; wrote {out}" if out is not None else ""
    click.echo(f"issued {len(items)} credentials of {slug}{wrote}", err=True)
