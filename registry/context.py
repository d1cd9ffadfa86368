"""What every registry service needs, built once per process by the application."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.engine import Engine

from badge_classes import Catalogue
from common.jsonld import JsonLdProcessor
from common.settings import Settings
from common.timeutil import utcnow
from keys.store import MasterSecret

__all__ = ["Registry"]


@dataclass(frozen=True)
class Registry:
    """The process-wide parts of the registry. Services get it plus a ``Session``."""

    settings: Settings
    engine: Engine
    processor: JsonLdProcessor
    catalogue: Catalogue
    master: MasterSecret
    clock: Callable[[], datetime] = field(default=utcnow)

    @property
    def base_url(self) -> str:
        """The service's public base URL."""
        return self.settings.base_url
