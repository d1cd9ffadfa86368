"""The registry's errors; each slug is listed in ``docs/problems.md``.

::

    DomainError
    ├── AuthenticationError (401)         no, unknown or revoked token
    ├── PermissionDeniedError (403)       the token's role may not do this
    ├── NotFoundError (404)
    │   ├── OrganisationNotFoundError
    │   └── CredentialNotFoundError       also for another organisation's credential
    ├── ConflictError (409)
    │   └── InvalidStateError             e.g. revoking a revoked credential
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
    "CredentialNotFoundError",
    "IdempotencyConflictError",
    "InvalidStateError",
    "OrganisationNotFoundError",
    "PermissionDeniedError",
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
