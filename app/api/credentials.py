"""HTTP API of credentials: issue one, issue a cohort, read, search.

- ``POST /api/v1/credentials`` (assessor+): one credential → ``201 {"credential": <signed
  bytes>, "links": {"self", "public", "status", "json"}}`` with ``Location``.
- ``POST /api/v1/credentials/batch`` (assessor+): ``{"items": [...]}`` (JSON), a CSV body
  (``text/csv``) or a CSV upload (``multipart/form-data``, field ``file``) → ``201 {"count",
  "items": [{"row", "id", "links"}]}``; any invalid row → ``422 batch-invalid`` with
  ``rows: [{"row", "errors"}]`` and nothing issued; more than ``LEVERUP_MAX_BATCH_ITEMS`` items
  → ``413``.
- Both take an ``Idempotency-Key`` header (see :mod:`registry.credentials.idempotency`): a
  retry gets the same status and bytes (with ``Idempotent-Replayed: true``), the same key with
  another request
  gets ``422 idempotency-key-reused``.
- ``GET /api/v1/credentials/{uuid}`` (viewer+): the registry's record with the signed bytes;
  another organisation's credential is ``404`` like one that does not exist.
- ``GET /api/v1/credentials`` (viewer+): a page of the organisation's credentials, newest first,
  filtered by ``achievement``, ``status``, ``issuedFrom``,
  ``issuedUntil`` (date-times or dates), ``valid`` (not expired); ``limit`` 1 to 100 (20),
  ``offset``; ``X-Total-Count`` and ``Link`` (first, prev, next, last) headers.
- ``POST /api/v1/credentials/search`` (viewer+): the same filters, ``limit`` and ``offset`` as a
  JSON body, and ``recipient`` (an e-mail address), which the GET refuses (400: no address in
  URLs, access logs or ``Link`` headers).
- The public copy ``GET /credentials/{uuid}`` (signed bytes or the human page) lives in
  :mod:`app.public`.
"""

from __future__ import annotations

from typing import Annotated, Any, Final
from uuid import UUID

import msgspec
from litestar import Request, Response, get, post
from litestar.exceptions import ValidationException
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from app.api._wire import (
    decode_json_batch,
    issued_body,
    page_links,
    parse_when,
    record_body,
    summary,
)
from app.api.deps import PrincipalDep, RegistryDep, SessionDep
from app.http_support import (
    NO_STORE,
    batch_problem,
    decode_one,
    idempotency_key,
    in_thread,
    location,
    media_type,
    respond,
    unsupported,
    upload,
)
from app.openapi import BEARER, problems, request_body, schema_of
from registry.credentials import MAX_LIMIT, IssuanceService, idempotency, parse_csv
from registry.errors import BatchInvalidError
from registry.orgs import require, role_allows
from registry.schemas import (
    BatchIssued,
    BatchItemIssued,
    BatchRow,
    CredentialIn,
    SearchBody,
    SearchFilters,
)

__all__ = ["BATCH_MAX_BODY_BYTES", "ISSUE_MAX_BODY_BYTES", "ROUTES"]

ISSUE_MAX_BODY_BYTES: Final = 262_144
"""Largest body of ``POST /api/v1/credentials`` (413 beyond it)."""
BATCH_MAX_BODY_BYTES: Final = 20_000_000
"""Largest body of ``POST /api/v1/credentials/batch`` (10,000 items with evidence fit)."""

_JSON: Final = frozenset({"application/json"})
_CSV: Final = frozenset({"text/csv", "application/csv"})
_MULTIPART: Final = "multipart/form-data"
_CREDENTIAL_IN_SCHEMA: Final = schema_of(CredentialIn)


@post(
    "/api/v1/credentials",
    status_code=201,
    request_max_body_size=ISSUE_MAX_BODY_BYTES,
    tags=["credentials"],
    security=BEARER,
    responses=problems(400, 401, 403, 413, 415, 422, 503),
    operation_class=request_body(
        "The credential to issue: an achievement (competence with outcome and complexity, or "
        "a role), the recipient, optional evidence, validUntil, language and assessor.",
        {"application/json": CredentialIn},
    ),
)
async def issue_credential(
    request: Request[Any, Any, Any],
    registry: RegistryDep,
    session: SessionDep,
    principal: PrincipalDep,
) -> Response[bytes]:
    """Issue one credential (assessor role or above); the answer embeds the signed bytes."""
    require(principal, "assessor")
    media = media_type(request)
    if media not in _JSON:
        raise unsupported(media, "application/json")
    key = idempotency_key(request)
    body = await request.body()
    path = request.url.path

    def produce() -> bytes:
        wanted = decode_one(body)
        service = IssuanceService(registry, session)
        record = service.issue(principal.org, wanted, actor=principal.actor, role=principal.role)
        signed = record.signed_bytes or b"null"
        return issued_body(signed, service.links(principal.org, [record], holder=True)[0])

    return await in_thread(
        lambda: respond(
            registry,
            session,
            principal,
            key,
            lambda: idempotency.fingerprint(path, media, body),
            produce,
            location,
        )
    )


@post(
    "/api/v1/credentials/batch",
    status_code=201,
    request_max_body_size=BATCH_MAX_BODY_BYTES,
    tags=["credentials"],
    security=BEARER,
    responses=problems(400, 401, 403, 413, 415, 422, 503),
    operation_class=request_body(
        "A cohort: JSON items (each as POST /api/v1/credentials), a CSV file (header "
        "required: achievement, outcome, complexity, recipient_email, recipient_name, "
        "recipient_did, assessor_name, assessor_email, lang, valid_until) or a multipart upload "
        "of that file (field file).",
        {
            "application/json": {
                "type": "object",
                "properties": {"items": {"type": "array", "items": _CREDENTIAL_IN_SCHEMA}},
                "required": ["items"],
            },
            "text/csv": {"type": "string"},
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
                "required": ["file"],
            },
        },
    ),
)
async def issue_batch(
    request: Request[Any, Any, Any],
    registry: RegistryDep,
    session: SessionDep,
    principal: PrincipalDep,
) -> Response[bytes]:
    """Issue a cohort, all or nothing (assessor role or above): JSON items or a CSV file."""
    require(principal, "assessor")
    media = media_type(request)
    key = idempotency_key(request)
    body = await request.body()
    if media == _MULTIPART:
        body, media = await upload(request), "text/csv"  # the file is the request
    elif media not in _JSON | _CSV:
        raise unsupported(media, "application/json, text/csv or a multipart/form-data upload")
    path = request.url.path
    limit = registry.settings.max_batch_items

    def produce() -> bytes:
        if media in _CSV:
            rows: list[BatchRow] = parse_csv(body, max_items=limit)
        else:
            try:
                rows = decode_json_batch(body, max_items=limit)
            except msgspec.DecodeError as exc:
                raise ValidationException(detail=str(exc)) from None
        service = IssuanceService(registry, session)
        items = service.issue_batch(principal.org, rows, actor=principal.actor, role=principal.role)
        links = service.issued_links(principal.org, items, holder=True)
        issued = [
            BatchItemIssued(row=item.row, id=item.credential_id, links=link)
            for item, link in zip(items, links, strict=True)
        ]
        return msgspec.json.encode(BatchIssued(count=len(issued), items=issued))

    try:
        return await in_thread(
            lambda: respond(
                registry,
                session,
                principal,
                key,
                lambda: idempotency.fingerprint(path, media, body),
                produce,
                lambda _body: {},
            )
        )
    except BatchInvalidError as exc:
        raise batch_problem(exc) from None


@get(
    "/api/v1/credentials/{credential_id:uuid}",
    tags=["credentials"],
    security=BEARER,
    responses=problems(400, 401, 403, 404),
)
async def get_credential(
    registry: RegistryDep,
    session: SessionDep,
    principal: PrincipalDep,
    credential_id: FromPath[UUID],
) -> Response[bytes]:
    """One credential of the caller's organisation: its record and signed bytes (viewer+)."""
    require(principal, "viewer")

    def work() -> bytes:
        service = IssuanceService(registry, session)
        record = service.get(principal.org, str(credential_id))
        links = service.links(
            principal.org, [record], holder=role_allows(principal.role, "assessor")
        )[0]
        return record_body(record, links, registry.clock())

    body = await in_thread(work)
    return Response(body, media_type="application/json", headers=NO_STORE)


QUERY_REFUSED: Final = frozenset({"recipient"})
"""Search filters refused in the query string: an e-mail address in a URL reaches access logs
and ``Link`` headers (issue 12, item 34); ``POST /api/v1/credentials/search`` takes it."""


@get(
    "/api/v1/credentials",
    tags=["credentials"],
    security=BEARER,
    responses=problems(400, 401, 403, 422),
)
async def search_credentials(
    request: Request[Any, Any, Any],
    registry: RegistryDep,
    session: SessionDep,
    principal: PrincipalDep,
    achievement: Annotated[str | None, QueryParameter(max_length=64)] = None,
    status: Annotated[str | None, QueryParameter(max_length=16)] = None,
    issued_from: Annotated[str | None, QueryParameter(name="issuedFrom", max_length=40)] = None,
    issued_until: Annotated[str | None, QueryParameter(name="issuedUntil", max_length=40)] = None,
    valid: FromQuery[bool | None] = None,
    limit: Annotated[int, QueryParameter(ge=1, le=MAX_LIMIT)] = 20,
    offset: Annotated[int, QueryParameter(ge=0, le=2**31 - 1)] = 0,
) -> Response[bytes]:
    """A page of the organisation's credentials, newest first (viewer+).

    ``recipient`` is refused here (400): send it in the body of ``POST
    /api/v1/credentials/search``, so the address never appears in a URL.
    """
    require(principal, "viewer")
    refused = QUERY_REFUSED & {name for name, _ in request.query_params.multi_items()}
    if refused:
        raise ValidationException(
            detail="the recipient's address is refused in the query string (URLs reach logs): "
            "send it in the body of POST /api/v1/credentials/search"
        )
    filters = SearchFilters(
        achievement=achievement,
        status=status,
        issued_from=None if issued_from is None else parse_when(issued_from, end_of_day=False),
        issued_until=None if issued_until is None else parse_when(issued_until, end_of_day=True),
        valid=valid,
    )

    def work() -> tuple[bytes, int]:
        service = IssuanceService(registry, session)
        records, total = service.search(principal.org, filters, limit=limit, offset=offset)
        now = registry.clock()
        links = service.links(
            principal.org, records, holder=role_allows(principal.role, "assessor")
        )
        items = [summary(r, link, now) for r, link in zip(records, links, strict=True)]
        page = {"items": items, "total": total, "limit": limit, "offset": offset}
        return msgspec.json.encode(page), total

    body, total = await in_thread(work)
    params = {
        name: value
        for name, value in (
            ("achievement", achievement),
            ("status", status),
            ("issuedFrom", issued_from),
            ("issuedUntil", issued_until),
            ("valid", None if valid is None else str(valid).lower()),
        )
        if value is not None
    }
    url = f"{registry.base_url}/api/v1/credentials"
    headers = {
        **NO_STORE,
        "X-Total-Count": str(total),
        "Link": page_links(url, params, total=total, limit=limit, offset=offset),
    }
    return Response(body, media_type="application/json", headers=headers)


@post(
    "/api/v1/credentials/search",
    status_code=200,
    tags=["credentials"],
    security=BEARER,
    responses=problems(400, 401, 403, 415, 422),
)
async def search_credentials_by_body(
    registry: RegistryDep,
    session: SessionDep,
    principal: PrincipalDep,
    data: JSONBody[SearchBody],
) -> Response[bytes]:
    """The search of ``GET /api/v1/credentials`` with the filters in a JSON body (viewer+).

    The preferred form when filtering by ``recipient``: the address stays out of URLs and access
    logs. Answers the same page (``items``, ``total``, ``limit``, ``offset``) and
    ``X-Total-Count``; the next page is another POST with a new ``offset``.
    """
    require(principal, "viewer")
    filters = SearchFilters(
        achievement=data.achievement,
        status=data.status,
        recipient_email=data.recipient,
        issued_from=None
        if data.issued_from is None
        else parse_when(data.issued_from, end_of_day=False),
        issued_until=None
        if data.issued_until is None
        else parse_when(data.issued_until, end_of_day=True),
        valid=data.valid,
    )

    def work() -> tuple[bytes, int]:
        service = IssuanceService(registry, session)
        records, total = service.search(
            principal.org, filters, limit=data.limit, offset=data.offset
        )
        now = registry.clock()
        links = service.links(
            principal.org, records, holder=role_allows(principal.role, "assessor")
        )
        items = [summary(r, link, now) for r, link in zip(records, links, strict=True)]
        page = {"items": items, "total": total, "limit": data.limit, "offset": data.offset}
        return msgspec.json.encode(page), total

    body, total = await in_thread(work)
    headers = {**NO_STORE, "X-Total-Count": str(total)}
    return Response(body, media_type="application/json", headers=headers)


ROUTES: Final[list[Any]] = [
    issue_credential,
    issue_batch,
    get_credential,
    search_credentials,
    search_credentials_by_body,
]
"""The route handlers of this module (mounted before :data:`app.api.lifecycle.ROUTES`, whose
``sync_to_thread`` DELETE shares the path of :func:`get_credential`; see
:mod:`app.http_support`)."""
