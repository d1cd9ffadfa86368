"""The registry's errors; each slug is listed in ``docs/problems.md``.

::

    DomainError
    ├── AuthenticationError (401)         no, unknown or revoked token
    │   └── InvalidTokenError             the same, with a WWW-Authenticate challenge
    ├── PermissionDeniedError (403)       the token's role may not do this
    │   └── RoleBadgeNotAllowedError      a Tutor/Assessor/Trainer badge, by a non-admin
    ├── BatchTooLargeError (413)          more items than LEVERUP_MAX_BATCH_ITEMS
    ├── QuotaExceededError (429)          the organisation's daily issuance quota is used up
    ├── StatusListUnavailableError (503)  a list that was never signed cannot be signed now
    ├── CredentialErasedError (410)       an idempotent replay of an erased credential's issue
    ├── DatabaseUnavailableError (503)    the database refused the write (disk full, …)
    ├── ServiceBusyError (503)            too many writes waiting for the database
    ├── NotFoundError (404)
    │   ├── OrganisationNotFoundError
    │   ├── CredentialNotFoundError       also for another organisation's credential
    │   ├── TokenNotFoundError            no such API token in the caller's organisation
    │   ├── SigningKeyNotFoundError       no such key of the caller's organisation
    │   └── StatusListNotFoundError       no such status list
    ├── ConflictError (409)
    │   ├── InvalidStateError             e.g. revoking a revoked credential
    │   ├── OrganisationExistsError       the slug is taken
    │   └── OrganisationNameTakenError    the name, up to case and look-alikes, is taken
    └── InvalidInputError (422)
        ├── AssessorNotQualifiedError
        ├── IdempotencyConflictError      same Idempotency-Key, other body
        └── BatchInvalidError             with a per-row report
"""

from __future__ import annotations

from typing import Any

from common.errors import ConflictError, DomainError, InvalidInputError, NotFoundError

__all__ = [
    "AssessorNotQualifiedError",
    "AuthenticationError",
    "BatchInvalidError",
    "BatchTooLargeError",
    "CredentialErasedError",
    "CredentialNotFoundError",
    "DatabaseUnavailableError",
    "IdempotencyConflictError",
    "InvalidStateError",
    "InvalidTokenError",
    "OrganisationExistsError",
    "OrganisationNameTakenError",
    "OrganisationNotFoundError",
    "PermissionDeniedError",
    "QuotaExceededError",
    "RoleBadgeNotAllowedError",
    "ServiceBusyError",
    "SigningKeyNotFoundError",
    "StatusListNotFoundError",
    "StatusListUnavailableError",
    "TokenNotFoundError",
]


class AuthenticationError(DomainError):
    """No valid bearer token."""

    slug = "invalid-token"
    title = "A valid API token is required"
    status = 401


class PermissionDeniedError(DomainError):
    """The token's role does not allow the operation."""

    slug = "insufficient-role"
    title = "The token's role does not allow this"
    status = 403


class RoleBadgeNotAllowedError(PermissionDeniedError):
    """Practitioner-role badges (Tutor, Assessor, Trainer) are issued by admins only: an
    Assessor badge is what qualifies an assessor, so an assessor must not award one."""

    slug = "role-badge-requires-admin"
    title = "Practitioner-role badges are issued by admins only"


class OrganisationNotFoundError(NotFoundError):
    slug = "organisation-not-found"
    title = "No such organisation"


class CredentialNotFoundError(NotFoundError):
    slug = "credential-not-found"
    title = "No such credential"


class InvalidStateError(ConflictError):
    slug = "invalid-state"
    title = "The credential's state does not allow this"


class AssessorNotQualifiedError(InvalidInputError):
    slug = "assessor-not-qualified"
    title = "The assessor holds no valid LEVER UP Assessor badge"


class IdempotencyConflictError(InvalidInputError):
    slug = "idempotency-key-reused"
    title = "This Idempotency-Key was used with another request"


class BatchInvalidError(InvalidInputError):
    """A batch failed validation as a whole; ``rows`` says what was wrong where."""

    slug = "batch-invalid"
    title = "The batch has invalid rows; nothing was issued"

    def __init__(self, detail: str, rows: list[dict[str, Any]]) -> None:
        super().__init__(detail)
        self.rows = rows
        self.extra = {"rows": rows}


class OrganisationExistsError(ConflictError):
    """An organisation with this slug (or DID) is already registered."""

    slug = "organisation-exists"
    title = "An organisation with this slug already exists"


class OrganisationNameTakenError(ConflictError):
    """Another organisation has this name, or one a reader could take for it (case and
    confusable characters ignored): a name must not pass for another organisation's."""

    slug = "organisation-name-taken"
    title = "Another organisation has this name or one that looks the same"


class TokenNotFoundError(NotFoundError):
    """No API token with this id in the caller's organisation."""

    slug = "token-not-found"
    title = "No such API token"


class InvalidTokenError(AuthenticationError):
    """An :class:`AuthenticationError` carrying the RFC 6750 challenge for the response.

    ``headers`` holds ``WWW-Authenticate: Bearer realm="leverup"``, with ``error="invalid_token"``
    when a token was sent but refused (RFC 6750 §3.1: no error code when none was sent).
    """

    def __init__(self, detail: str, *, token_sent: bool = True) -> None:
        super().__init__(detail)
        challenge = 'Bearer realm="leverup"'
        if token_sent:
            challenge += ', error="invalid_token"'
        self.headers: dict[str, str] = {"WWW-Authenticate": challenge}


class StatusListNotFoundError(NotFoundError):
    """No status list with this organisation, purpose and number."""

    slug = "status-list-not-found"
    title = "No such status list"


class BatchTooLargeError(DomainError):
    """A batch holds more items than ``LEVERUP_MAX_BATCH_ITEMS``; nothing was issued."""

    slug = "request-too-large"
    title = "The batch has too many items"
    status = 413


class SigningKeyNotFoundError(NotFoundError):
    """No signing key with this id in the caller's organisation."""

    slug = "key-not-found"
    title = "No such signing key"


class QuotaExceededError(DomainError):
    """The organisation issued its ``LEVERUP_MAX_CREDENTIALS_PER_ORG_PER_DAY`` already.

    ``headers`` holds ``Retry-After`` (seconds until enough of the window has passed).
    """

    slug = "quota-exceeded"
    title = "The organisation's daily issuance quota is used up"
    status = 429

    def __init__(self, detail: str, *, retry_after: int) -> None:
        super().__init__(detail)
        self.headers: dict[str, str] = {"Retry-After": str(max(1, retry_after))}


class CredentialErasedError(DomainError):
    """The answer stored for an ``Idempotency-Key`` was the issue of a credential whose
    personal data has since been erased: it is not replayed (nor the credential issued again)."""

    slug = "credential-erased"
    title = "The credential issued for this request was erased"
    status = 410


class StatusListUnavailableError(DomainError):
    """A status list that was never signed cannot be signed now (it is never served unsigned)."""

    slug = "status-list-unavailable"
    title = "The status list cannot be published right now"
    status = 503

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.headers: dict[str, str] = {"Retry-After": "30"}


class ServiceBusyError(DomainError):
    """Too many writes are waiting for the database, or one waited too long; nothing was
    changed. ``Retry-After`` says when to try again."""

    slug = "service-busy"
    title = "The service is busy: try again later"
    status = 503

    def __init__(self, detail: str, *, retry_after: int = 1) -> None:
        super().__init__(detail)
        self.headers: dict[str, str] = {"Retry-After": str(max(1, retry_after))}


class DatabaseUnavailableError(DomainError):
    """The database refused the work (disk full, read-only, gone); nothing was changed."""

    slug = "database-unavailable"
    title = "The database cannot take the change right now"
    status = 503

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.headers: dict[str, str] = {"Retry-After": "30"}
