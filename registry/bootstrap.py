"""Build the process's :class:`~registry.context.Registry` from :class:`Settings` (app and CLI)."""

from __future__ import annotations

from badge_classes import Catalogue
from common.jsonld import ContextLoader, JsonLdProcessor
from common.settings import Settings
from keys.store import MasterSecret, load_master_secret
from registry.context import Registry
from registry.db import create_db_engine, migrate

__all__ = ["build_registry"]


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
    except BaseException:
        engine.dispose()
        raise
    return Registry(
        settings=settings,
        engine=engine,
        processor=processor or JsonLdProcessor(ContextLoader.from_directory()),
        catalogue=catalogue or Catalogue.load(),
        master=master,
    )
