"""The HTTP API under ``/api/v1`` (and the public documents an organisation publishes: its DID
document, status lists and audit head), one module per resource.

- ``credentials``: issue one, issue a cohort (JSON or CSV), read, search.
- ``lifecycle``: revoke, suspend, reinstate, renew, erase.
- ``status_lists``: the signed Bitstring Status Lists (public).
- ``orgs``: the DID document (public), the caller's organisation, API tokens.
- ``keys``: key rotation and the key-compromise drill.
- ``audit``: the audit log, its chain check and signed head (public).
- ``deps``: the ``registry``, ``session`` and ``principal`` dependencies every handler takes.

Verification (``POST /api/v1/verify``) and the holder's hide/show calls sit with the public
pages they share their code with (:mod:`app.public`). Handlers are thin: bind, check the role,
call one service of :mod:`registry`, answer a Struct or the stored signed bytes.
"""

from __future__ import annotations

from typing import Any, Final

from app.api import audit, credentials, keys, lifecycle, orgs, status_lists
from app.api.deps import registry_dependencies

__all__ = ["ROUTES", "registry_dependencies"]

ROUTES: Final[list[Any]] = [
    *credentials.ROUTES,
    *lifecycle.ROUTES,
    *status_lists.ROUTES,
    *orgs.ROUTES,
    *keys.ROUTES,
    *audit.ROUTES,
]
"""Every route handler of the API, in mounting order (credentials before lifecycle: see
:data:`app.api.credentials.ROUTES`)."""
