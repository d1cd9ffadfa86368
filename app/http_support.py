"""Request plumbing of the credentials API: bodies, media types, Idempotency-Key, problems.

Handlers of :mod:`app.api.credentials` are ``async`` and run their database work with
:func:`in_thread`; none uses ``sync_to_thread=True``. Litestar 2.25 registers every handler of a
path again when another handler joins that path, and a ``sync_to_thread`` handler is then
wrapped twice (it returns an un-awaited coroutine: a ``-> Response`` handler answers 500).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final, TypeVar

import anyio.to_thread
import msgspec
from litestar import Request, Response
from litestar.datastructures import UploadFile
from litestar.exceptions import HTTPException, ValidationException
from litestar.plugins.problem_details import ProblemDetailsException
from sqlmodel import Session

from common.errors import InvalidInputError
from registry.context import Registry
from registry.credentials import idempotency as _idempotency
from registry.errors import BatchInvalidError
from registry.orgs.access import Principal
from registry.schemas import CredentialIn, decode_credential

__all__ = [
    "NO_STORE",
    "PROBLEM_PREFIX",
    "batch_problem",
    "decode_one",
    "idempotency_key",
    "in_thread",
    "location",
    "matches_etag",
    "media_type",
    "respond",
    "unsupported",
    "upload",
]

PROBLEM_PREFIX: Final = "urn:leverup:problem:"
"""Problem type prefix (the same as ``app.problems``)."""
NO_STORE: Final = {"Cache-Control": "no-store"}

_T = TypeVar("_T")


class _Self(msgspec.Struct):
    self_: str = msgspec.field(name="self")


class _Issued(msgspec.Struct):
    links: _Self


async def in_thread(work: Callable[[], _T]) -> _T:
    """Run blocking work (database, signing) in a worker thread."""
    return await anyio.to_thread.run_sync(work)


def media_type(request: Request[Any, Any, Any]) -> str:
    """The request body's media type, lower case, without parameters."""
    return request.content_type[0].lower()


def unsupported(media: str, allowed: str) -> HTTPException:
    """The 415 for a body of another type."""
    return HTTPException(
        status_code=415, detail=f"unsupported body type {media or 'none'!r:.60}; send {allowed}"
    )


def idempotency_key(request: Request[Any, Any, Any]) -> str | None:
    """The request's ``Idempotency-Key``, or None (400 ``invalid-request`` if malformed)."""
    try:
        return _idempotency.parse_key(request.headers.get("idempotency-key"))
    except ValueError as exc:
        raise ValidationException(detail=str(exc)) from None


def decode_one(body: bytes) -> CredentialIn:
    """The request of ``POST /api/v1/credentials``: 400 if not JSON, 422 if not acceptable."""
    try:
        return decode_credential(body)
    except msgspec.ValidationError as exc:
        raise InvalidInputError(str(exc)) from None
    except msgspec.DecodeError as exc:
        raise ValidationException(detail=str(exc)) from None


async def upload(request: Request[Any, Any, Any]) -> bytes:
    """The CSV file of a ``multipart/form-data`` body (form field ``file``)."""
    form = await request.form()
    part = form.get("file")
    if not isinstance(part, UploadFile):
        raise InvalidInputError("send the CSV file in the multipart form field 'file'")
    data = await part.read()
    return data if isinstance(data, bytes) else data.encode("utf-8")


def location(body: bytes) -> dict[str, str]:
    """The ``Location`` of an issued credential, read from its answer's ``links.self``."""
    return {"Location": msgspec.json.decode(body, type=_Issued).links.self_}


def respond(
    registry: Registry,
    session: Session,
    principal: Principal,
    key: str | None,
    fingerprint: Callable[[], str],
    produce: Callable[[], bytes],
    headers: Callable[[bytes], dict[str, str]],
) -> Response[bytes]:
    """The 201 answer ``produce`` builds, once per Idempotency-Key (a retry replays it).

    Runs in the request's transaction: the stored answer commits with the credentials.
    """
    extra: dict[str, str] = {}
    if key is None:
        body, status = produce(), 201
    else:
        begun = _idempotency.begin(
            session,
            principal.org_id,
            key,
            fingerprint(),
            now=registry.clock(),
            ttl=_idempotency.ttl_of(registry.settings.idempotency_ttl_hours),
        )
        if isinstance(begun, _idempotency.StoredAnswer):
            body, status = begun.body, begun.status_code
            extra["Idempotent-Replayed"] = "true"
        else:
            body, status = produce(), 201
            begun.complete(status, body)
    return Response(
        body,
        status_code=status,
        media_type="application/json",
        headers={**NO_STORE, **headers(body), **extra},
    )


def batch_problem(exc: BatchInvalidError) -> ProblemDetailsException:
    """The 422 problem of an invalid batch, with its ``rows`` report as a member."""
    return ProblemDetailsException(
        detail=exc.detail,
        status_code=exc.status,
        type_=PROBLEM_PREFIX + exc.slug,
        title=exc.title,
        extra={"rows": exc.rows},
    )


def matches_etag(if_none_match: str | None, etag: str) -> bool:
    """Whether an ``If-None-Match`` header names ``etag`` (or ``*``)."""
    if if_none_match is None:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in tags or etag in tags
