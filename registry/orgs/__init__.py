"""Organisations, their signing keys and API tokens, and who may do what.

- ``service``: :class:`OrganisationService`: create, update, find an organisation; its did:web
  DID and DID document; key creation and rotation.
- ``fields``: the checks of an organisation's profile fields (slug, name, e-mail, URL, address).
- ``keystore``: :class:`DbKeyStore`, the :class:`keys.store.KeyStore` over the
  ``signing_keys`` table (seeds encrypted at rest).
- ``tokens``: :class:`TokenService`: API tokens (only their hash is stored) and roles.
- ``access``: :class:`Principal`, :func:`authenticate` (a bearer token to a caller) and
  :func:`require` (role checks).
"""

from __future__ import annotations

from registry.orgs.access import (
    QUERY_TOKEN_PARAMETERS,
    Principal,
    authenticate,
    bearer_token,
    require,
)
from registry.orgs.fields import (
    RESERVED_SLUGS,
    Address,
    address_of,
    check_email,
    check_slug,
    check_text,
    check_url,
)
from registry.orgs.keystore import COMPROMISED, DbKeyStore, key_id_of
from registry.orgs.service import OrganisationService
from registry.orgs.tokens import ROLES, TOKEN_PREFIX, Role, TokenService, role_allows

__all__ = [
    "COMPROMISED",
    "QUERY_TOKEN_PARAMETERS",
    "RESERVED_SLUGS",
    "ROLES",
    "TOKEN_PREFIX",
    "Address",
    "DbKeyStore",
    "OrganisationService",
    "Principal",
    "Role",
    "TokenService",
    "address_of",
    "authenticate",
    "bearer_token",
    "check_email",
    "check_slug",
    "check_text",
    "check_url",
    "key_id_of",
    "require",
    "role_allows",
]
