"""Build the process's :class:`~registry.context.Registry` from :class:`Settings` (app and CLI)."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from urllib.parse import unquote, urlsplit

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from badge_classes import Catalogue
from common.errors import ConfigurationError
from common.jsonld import ContextLoader, JsonLdProcessor
from common.settings import Settings
from keys.store import MasterSecret, load_master_secret
from registry.context import Registry
from registry.db import create_db_engine, migrate
from registry.models import OrganisationRecord

__all__ = [
    "build_registry",
    "check_base_url",
    "existing_database",
    "open_existing_registry",
    "organisation_base_urls",
    "registered_base_url",
]


def build_registry(
    settings: Settings,
    *,
    processor: JsonLdProcessor | None = None,
    catalogue: Catalogue | None = None,
    master: MasterSecret | None = None,
) -> Registry:
    """Open the database (applying pending migrations), load the catalogue and master secret.

    Args:
        settings: The service's settings.
        processor: The process's JSON-LD processor (built over the shipped contexts if omitted).
        catalogue: The LEVER catalogue (loaded if omitted).
        master: The master secret, if the caller loaded it already (else loaded from
            ``settings`` as :func:`keys.store.load_master_secret` does for the file store).

    Returns:
        The registry; dispose of ``registry.engine`` when the process is done with it.

    Raises:
        MasterSecretError: If no usable master secret is configured (see
            :func:`keys.store.load_master_secret`).
        ConfigurationError: If the registry's organisations belong to another base URL
            (:func:`check_base_url`).
    """
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    if master is None:
        master = load_master_secret(
            env_value=settings.secret_key,
            file=settings.secret_key_file,
            data_dir=settings.data_dir,
            development=settings.environment == "development",
        )
    engine = create_db_engine(settings.database)
    try:
        migrate(engine)
        check_base_url(engine, settings)
    except BaseException:
        engine.dispose()
        raise
    return _assembled(settings, engine, master, processor, catalogue)


def _host_of(did: str) -> str | None:
    """The host (and port) of a ``did:web`` DID, lower-cased; None for another method."""
    parts = did.split(":")
    if len(parts) < 3 or parts[:2] != ["did", "web"]:
        return None
    return unquote(parts[2]).lower()


def _scheme_for(host: str) -> str:
    """``http`` for a loopback host (development), else ``https``."""
    name = urlsplit(f"//{host}").hostname or host
    if name == "localhost":
        return "http"
    try:
        return "http" if ipaddress.ip_address(name).is_loopback else "https"
    except ValueError:
        return "https"


def organisation_base_urls(engine: Engine) -> dict[str, list[str]]:
    """The base URLs the registry's organisations belong to, each with its organisations' slugs.

    An organisation's ``did:web:{host}:orgs:{slug}`` names the host (and port) it was created
    under; the scheme is that of the organisation's own ``url`` on the same host, if any, else
    ``http`` for a loopback host and ``https`` otherwise.
    """
    with Session(engine) as session:
        rows = session.exec(
            select(OrganisationRecord.did, OrganisationRecord.slug, OrganisationRecord.url)
        ).all()
    found: dict[str, list[str]] = {}
    schemes: dict[str, str] = {}
    for did, _, url in rows:
        host = _host_of(did)
        if host is not None and url:
            parts = urlsplit(url)
            if parts.netloc.lower() == host and parts.scheme in {"http", "https"}:
                schemes[host] = parts.scheme
    for did, slug, _ in rows:
        host = _host_of(did)
        if host is None:
            continue
        base = f"{schemes.get(host) or _scheme_for(host)}://{host}"
        found.setdefault(base, []).append(slug)
    return found


def check_base_url(engine: Engine, settings: Settings) -> None:
    """Refuse a base URL under which the registry's organisations do not live (issue 12, item 2).

    Their DIDs, status lists and credential ids derive from the base URL they were created
    under: serving them under another one would issue credentials that never verify.

    Raises:
        ConfigurationError: If any organisation's ``did:web`` host is not ``settings``' host.
    """
    own = settings.host.lower()
    others = {
        base: slugs
        for base, slugs in organisation_base_urls(engine).items()
        if urlsplit(base).netloc != own
    }
    if not others:
        return
    described = "; ".join(
        f"{', '.join(sorted(slugs)[:5])}{' …' if len(slugs) > 5 else ''} under {base}"
        for base, slugs in sorted(others.items())
    )
    first = sorted(others)[0]
    raise ConfigurationError(
        f"this registry's organisations belong to another base URL ({described}), but "
        f"the base URL is now {settings.base_url}: their DIDs, status lists and credential ids "
        f"live under the old one, so credentials issued now would never verify. Run with "
        f"LEVERUP_BASE_URL={first} (or serve on that host and port), or use a new registry "
        f"(another LEVERUP_DATA_DIR or LEVERUP_DATABASE_URL) for the new address."
    )


def existing_database(settings: Settings) -> str | None:
    """The registry database's URL if it already exists (a SQLite file that is there, or any
    configured server database), else None. Creates nothing."""
    url = settings.database
    if url.startswith("sqlite:///"):
        return url if Path(url[len("sqlite:///") :]).is_file() else None
    return url


def registered_base_url(settings: Settings) -> str | None:
    """The one base URL the existing registry's organisations belong to, or None (no database
    yet, no organisation, or several base URLs). Reads only; creates and migrates nothing."""
    url = existing_database(settings)
    if url is None:
        return None
    engine = create_db_engine(url)
    try:
        if not sa.inspect(engine).has_table(OrganisationRecord.__tablename__):
            return None
        found = organisation_base_urls(engine)
    except sa.exc.SQLAlchemyError:
        return None
    finally:
        engine.dispose()
    return next(iter(found)) if len(found) == 1 else None


def open_existing_registry(
    settings: Settings,
    *,
    master: MasterSecret,
    processor: JsonLdProcessor | None = None,
    catalogue: Catalogue | None = None,
) -> Registry | None:
    """The registry if its database already exists with its tables, else None. For readers that
    must create nothing (``leverup verify``): no directory, no database, no migration."""
    url = existing_database(settings)
    if url is None:
        return None
    engine = create_db_engine(url)
    try:
        found = sa.inspect(engine).has_table(OrganisationRecord.__tablename__)
    except sa.exc.SQLAlchemyError:
        found = False
    if not found:
        engine.dispose()
        return None
    return _assembled(settings, engine, master, processor, catalogue)


def _assembled(
    settings: Settings,
    engine: Engine,
    master: MasterSecret,
    processor: JsonLdProcessor | None,
    catalogue: Catalogue | None,
) -> Registry:
    """The registry over an opened ``engine`` (processor and catalogue built when not given)."""
    return Registry(
        settings=settings,
        engine=engine,
        processor=processor or JsonLdProcessor(ContextLoader.from_directory()),
        catalogue=catalogue or Catalogue.load(),
        master=master,
    )
