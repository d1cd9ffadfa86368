"""What every ``leverup`` command shares: exit codes, failing with a message, the local
services, the registry and one transaction, the audit actor, output helpers.

Exit codes: 0 success; 1 refused, or the credential is invalid (``verify``), or a check failed;
2 the work could not be completed (a check could not run, a configuration, key-store or
database problem).
"""

from __future__ import annotations

import getpass
import json
import sys
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click
from sqlmodel import Session

from common.errors import DomainError
from common.settings import Settings, base_url_configured, load_settings
from common.timeutil import parse_date_or_stamp
from keys.errors import KeysError
from registry.bootstrap import build_registry, registered_base_url
from registry.context import Registry
from registry.db import session_scope

__all__ = [
    "EXIT_INCOMPLETE",
    "EXIT_INVALID",
    "EXIT_REFUSED",
    "Context",
    "Group",
    "cli_actor",
    "cli_settings",
    "echo_json",
    "exit_code_of",
    "fail",
    "parse_when",
    "pass_context",
    "printable",
    "read_json",
    "read_seed",
    "registry_scope",
    "seed_file_option",
    "transaction",
    "write",
]

EXIT_INVALID = 1
"""The credential is invalid, or the input was refused."""
EXIT_REFUSED = EXIT_INVALID
EXIT_INCOMPLETE = 2
"""The work could not be completed."""


def printable(text: str) -> str:
    """``text`` with control characters shown as ``\\xNN`` (no terminal escapes from input)."""
    return "".join(f"\\x{ord(c):02x}" if unicodedata.category(c) == "Cc" else c for c in text)


def fail(message: str, code: int = EXIT_INVALID) -> NoReturn:
    """Print ``error: message`` on stderr and exit with ``code``."""
    click.echo(f"error: {printable(message)}", err=True)
    sys.exit(code)


def exit_code_of(exc: DomainError) -> int:
    """2 for a failure of ours (5xx), 1 for refused input."""
    return EXIT_INCOMPLETE if exc.status >= 500 else EXIT_INVALID


def parse_when(value: str, *, end_of_day: bool) -> datetime:
    """A dateTimeStamp, or a plain date (start or end of that day, UTC); exit 1 otherwise."""
    try:
        return parse_date_or_stamp(value, end_of_day=end_of_day)
    except ValueError:
        fail(f"not a date-time with time zone or a YYYY-MM-DD date: {value!r}")


def cli_actor() -> str:
    """The audit actor of this shell user: ``cli:<user>``."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return f"cli:{user}"[:200]


def echo_json(value: Any) -> None:
    """Print ``value`` as indented JSON (non-ASCII kept)."""
    click.echo(json.dumps(value, indent=2, ensure_ascii=False))


def write(data: bytes, out: Path | None) -> None:
    """Write ``data`` to ``out``, or to stdout."""
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        out.write_bytes(data)
        click.echo(f"wrote {out}", err=True)


def read_json(path: Path) -> Any:
    """The JSON in ``path``; exit 1 when it cannot be read or parsed."""
    try:
        return json.loads(path.read_bytes())
    except (OSError, ValueError) as exc:
        fail(f"cannot read {path}: {exc}")


def cli_settings() -> Settings:
    """The settings from ``LEVERUP_*``. Without ``LEVERUP_BASE_URL``, the base URL is that of
    the organisations already in the registry (so the CLI works on what ``leverup serve
    --port P`` created), else the default.

    Raises:
        ConfigurationError: For a wrong setting.
    """
    settings = load_settings()
    if not base_url_configured():
        registered = registered_base_url(settings)
        if registered is not None and registered != settings.base_url:
            settings = load_settings(base_url=registered)
    return settings


_F = TypeVar("_F", bound=Callable[..., Any])


def seed_file_option() -> Callable[[_F], _F]:
    """``--seed-file FILE``: the 32-byte Ed25519 seed, 64 hex digits, read from FILE or, with
    ``-``, from standard input. Never a command-line value: that would show in the process list
    and the shell history (issue 12, item 38)."""
    return click.option(
        "--seed-file",
        "seed_file",
        required=True,
        metavar="FILE",
        type=click.File("r", encoding="ascii", errors="replace"),
        help="File holding the 32-byte Ed25519 seed as 64 hex digits; '-' reads standard input.",
    )


def read_seed(handle: Any) -> bytes:
    """The seed in an open ``--seed-file``; exit 1 unless it is 64 hex digits."""
    text = handle.read(200).strip()
    try:
        seed = bytes.fromhex(text)
    except ValueError:
        seed = b""
    if len(seed) != 32:
        fail("--seed-file must hold 64 hex digits (a 32-byte seed)")
    return seed


class Context:
    """The local issuer's settings and services, built on first use."""

    def __init__(self) -> None:
        """Nothing is read until a command asks."""
        self._settings: Settings | None = None
        self._services: Any = None

    @property
    def settings(self) -> Settings:
        """The settings from ``LEVERUP_*`` (exit 2 when they are wrong)."""
        if self._settings is None:
            try:
                self._settings = cli_settings()
            except DomainError as exc:
                fail(exc.detail, EXIT_INCOMPLETE)
        return self._settings

    def use_settings(self, settings: Settings) -> None:
        """Run this command with ``settings`` (before any service is built)."""
        if self._services is not None:
            raise RuntimeError("the services were built with other settings")
        self._settings = settings

    @property
    def services(self) -> Any:
        """The process's :class:`app.context.LocalServices`."""
        if self._services is None:
            from app.context import LocalServices

            self._services = LocalServices(self.settings)
        return self._services


pass_context = click.make_pass_decorator(Context, ensure=True)


class Group(click.Group):
    """Turns configuration and key-store failures into a one-line error and exit code 2."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; a domain or key-store error becomes ``error: …`` and an exit code."""
        try:
            return super().invoke(ctx)
        except KeysError as exc:
            fail(str(exc), EXIT_INCOMPLETE)
        except DomainError as exc:
            fail(exc.detail, exit_code_of(exc))


@contextmanager
def registry_scope() -> Iterator[Registry]:
    """The registry: the click object if it is one (tests), else built from the settings and
    disposed of afterwards. Exit 2 when it cannot be built."""
    obj = click.get_current_context().find_object(Registry)
    if obj is not None:
        yield obj
        return
    try:
        registry = build_registry(cli_settings())
    except (DomainError, KeysError) as exc:
        fail(exc.detail if isinstance(exc, DomainError) else str(exc), EXIT_INCOMPLETE)
    try:
        yield registry
    finally:
        registry.engine.dispose()


@contextmanager
def transaction() -> Iterator[tuple[Registry, Session]]:
    """The registry and a session: one transaction.

    Domain and key-store errors become a one-line message and exit code 1 or 2; nothing is
    committed then.
    """
    with registry_scope() as registry:
        try:
            with session_scope(registry.engine) as session:
                yield registry, session
        except DomainError as exc:
            fail(exc.detail, exit_code_of(exc))
        except KeysError as exc:
            fail(str(exc), EXIT_INCOMPLETE)
