"""One address per credential in the API (issue 12, item 38).

Litestar's ``uuid`` path parameters take any spelling ``uuid.UUID`` reads (upper case, no
hyphens, braces, ``urn:uuid:``), so a credential answered at many addresses.
:func:`canonical_credential_path` (an application guard) lets a request through only when its
``credential_id`` is written the one canonical way (lower-case hex with hyphens); any other
spelling is 404 ``credential-not-found``, like an unknown credential.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from registry.errors import CredentialNotFoundError

__all__ = ["canonical_credential_path"]


def canonical_credential_path(
    connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler
) -> None:
    """Refuse a ``credential_id`` path parameter not spelled canonically (404)."""
    value = connection.path_params.get("credential_id")
    if isinstance(value, UUID) and str(value) not in connection.scope["path"].split("/"):
        raise CredentialNotFoundError(f"no credential {str(value)!r}")
