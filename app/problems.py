"""Every error response is an RFC 9457 problem (``application/problem+json``) with a stable type.

Problem types are URNs, ``urn:leverup:problem:<slug>``, the same vocabulary the verifier uses in
its reports; ``docs/problems.md`` lists them. Domain errors carry their slug; HTTP errors raised
by the framework (404, 405, 413, request validation) get one per status; anything unexpected is a
plain 500 ``internal-error`` with no trace in the response.
"""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy.exc
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.plugins.problem_details import (
    ProblemDetailsConfig,
    ProblemDetailsException,
    ProblemDetailsPlugin,
)

from common.errors import DomainError

__all__ = ["PROBLEM_PREFIX", "problem_plugin", "problem_type"]

PROBLEM_PREFIX = "urn:leverup:problem:"
log = logging.getLogger("leverup.http")

_HTTP_SLUGS = {
    400: ("bad-request", "Bad request"),
    401: ("unauthorized", "Authentication required"),
    403: ("forbidden", "Forbidden"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    406: ("not-acceptable", "Not acceptable"),
    408: ("request-timeout", "The request body did not arrive in time"),
    409: ("conflict", "Conflict"),
    413: ("request-too-large", "Request body too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    422: ("invalid-input", "Invalid input"),
    429: ("too-many-requests", "Too many requests"),
}


def problem_type(slug: str) -> str:
    """The stable problem type URI for ``slug``."""
    return PROBLEM_PREFIX + slug


GENERIC_SERVER_DETAIL = "The service cannot do this right now; its operator can see why in its log."
"""The detail of every 500 problem: what went wrong (a key that does not open, a setting) is
for the log, never for the caller (issue 12, item 36)."""


def _from_domain(exc: DomainError) -> ProblemDetailsException:
    detail = exc.detail
    if exc.status == 500:
        log.error("%s: %s", exc.slug, exc.detail)
        detail = GENERIC_SERVER_DETAIL
    return ProblemDetailsException(
        detail=detail,
        status_code=exc.status,
        headers=exc.headers,
        type_=problem_type(exc.slug),
        title=exc.title,
        extra=exc.extra,
    )


def _from_http(exc: HTTPException) -> ProblemDetailsException:
    if isinstance(exc, ProblemDetailsException):
        return exc
    status = exc.status_code
    if isinstance(exc, ValidationException):
        slug, title = "invalid-request", "The request does not match the API"
    else:
        slug, title = _HTTP_SLUGS.get(status, ("http-error", "HTTP error"))
    headers = dict(exc.headers or {})
    if status == 429 and "RateLimit-Reset" in headers:
        headers["Retry-After"] = headers["RateLimit-Reset"]
    extra: dict[str, Any] | None = None
    if isinstance(exc.extra, list) and exc.extra:
        extra = {"errors": exc.extra}
    return ProblemDetailsException(
        detail=exc.detail,
        status_code=status,
        headers=headers or None,
        type_=problem_type(slug),
        title=title,
        extra=extra,
    )


def _internal_error(request: Request[Any, Any, Any], exc: Exception) -> Response[dict[str, Any]]:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return Response(
        {
            "type": problem_type("internal-error"),
            "title": "Internal error",
            "status": 500,
            "detail": "The service failed to handle the request; nothing was changed.",
        },
        status_code=500,
        media_type="application/problem+json",
    )


def _pool_exhausted(
    request: Request[Any, Any, Any], exc: sqlalchemy.exc.TimeoutError
) -> Response[dict[str, Any]]:
    """No database connection came free in time (the pool's timeout): the service is
    overloaded, not broken: 503 ``service-busy`` with ``Retry-After``, never a 500."""
    log.warning("no database connection for %s %s: %s", request.method, request.url.path, exc)
    return Response(
        {
            "type": problem_type("service-busy"),
            "title": "The service is busy: try again later",
            "status": 503,
            "detail": "No database connection came free in time; nothing was changed.",
        },
        status_code=503,
        media_type="application/problem+json",
        headers={"Retry-After": "5"},
    )


def problem_plugin() -> ProblemDetailsPlugin:
    """The plugin that renders domain and HTTP errors as problems."""
    return ProblemDetailsPlugin(
        ProblemDetailsConfig(
            exception_to_problem_detail_map={
                DomainError: _from_domain,
                HTTPException: _from_http,
            }
        )
    )


INTERNAL_ERROR_HANDLERS = {
    sqlalchemy.exc.TimeoutError: _pool_exhausted,
    Exception: _internal_error,
}
