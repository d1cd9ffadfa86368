"""Errors raised by the LEVER catalogue.

Every error derives from :class:`CatalogueError`, from the matching class of the shared error
tree (``common.errors``: ``NotFoundError``, ``InvalidInputError``, ``ConfigurationError``) and
from the builtin that describes its nature (``LookupError`` for an unknown name, ``ValueError``
for a bad value), so callers can catch whichever suits them.
"""

from __future__ import annotations

from common.errors import ConfigurationError, DomainError, InvalidInputError, NotFoundError


class CatalogueError(DomainError):
    """Base class of every error raised by ``badge_classes``."""


class CatalogueDataError(CatalogueError, ConfigurationError, ValueError):
    """The catalogue data files are missing, malformed or inconsistent.

    The message names the file and, when known, the path of the offending value inside it.
    """


class UnknownAchievementError(CatalogueError, NotFoundError, LookupError):
    """No competence or role has the requested slug."""


class UnknownClusterError(CatalogueError, NotFoundError, LookupError):
    """No cluster has the requested slug."""


class UnknownScaleError(CatalogueError, NotFoundError, LookupError):
    """The scale does not exist, or the achievement has no result description for it."""


class UnknownLevelError(CatalogueError, NotFoundError, LookupError):
    """The scale has no level with the requested slug."""


class UnsupportedLanguageError(CatalogueError, InvalidInputError, ValueError):
    """The language is not one of the catalogue languages."""


class InvalidBaseUrlError(CatalogueError, ConfigurationError, ValueError):
    """The base URL is not an absolute ``http`` or ``https`` URL without query or fragment.

    The base URL comes from the service settings (``LEVERUP_BASE_URL``), hence a configuration
    error.
    """
