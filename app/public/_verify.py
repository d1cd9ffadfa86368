"""The human verifier (``/verify``) and ``POST /api/v1/verify``.

Both take a credential as an upload, pasted text, or a URL (the form's or the multipart ``url``
part; never a query parameter). A URL on our own host is read from the registry, never over the
network, and only if it names one of our credentials; any other URL is fetched under the
bounded fetcher's policy (:func:`app.public.upload.fetch_credential`, catalogue H16).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

import anyio.to_thread
import msgspec
from litestar import MediaType, Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromQuery

from app.openapi import problems, request_body
from app.public._recipient import (
    MAX_EMAIL_LENGTH,
    RecipientResult,
    candidate_email,
    client_address,
)
from app.public._render import SiteDep, credential_context, page_language, render
from app.public.i18n import Messages, messages
from app.public.limits import RecipientCheckLimitError, UrlFetchLimitError
from app.public.site import Loaded, PublicSite
from app.public.upload import (
    IMAGE_TYPES,
    CredentialUnreachableError,
    UnreadableBadgeImageError,
    UnsupportedCredentialTypeError,
    UrlNotAllowedError,
    checked_url,
    credential_bytes,
    fetch_credential,
)
from app.public.views import (
    ClaimsView,
    VerdictView,
    claims_of_document,
    verdict_of,
    verdict_view,
)
from common.errors import DomainError, InvalidInputError
from registry.errors import CredentialNotFoundError
from verifier import VerificationReport, check_recipient, credential_document
from verifier.fetch import Fetcher

__all__ = ["url_fetcher", "verify_credential", "verify_page", "verify_submit"]


class NotACredentialError(InvalidInputError):
    """What was given is not a credential the verifier can read (item 18): not JSON or a JWT,
    or a JSON value with neither ``@context`` nor ``type``. The page says so in the viewer's
    language (never "not valid") and keeps what was typed."""


_PAGE_ERRORS: dict[type[DomainError], str] = {
    UrlNotAllowedError: "verify_error_url",
    UnsupportedCredentialTypeError: "verify_error_url_type",
    CredentialUnreachableError: "verify_error_unreachable",
    UrlFetchLimitError: "recipient_limited",
    UnreadableBadgeImageError: "verify_error_image",
    NotACredentialError: "verify_error_not_credential",
}
"""The page's localised message for each refusal (the status is the error's)."""


def url_fetcher(site: PublicSite) -> Fetcher:
    """The bounded fetcher that reads other issuers' credential URLs (the site's, built once;
    tests replace this function)."""
    return site.fetcher


def own_reference(site: PublicSite, url: str) -> str | None:
    """The uuid of ``url`` if it is on our host, or None if it is another host's.

    Raises:
        UrlNotAllowedError: A URL the policy refuses before any look-up, or one on our host
            that is not the address of a credential (our own pages are never fetched).
    """
    url = checked_url(url)
    parts = urlsplit(url)
    if (parts.hostname or "").rstrip(".") != (urlsplit(site.base_url).hostname or ""):
        return None
    path = parts.path.removesuffix("/")
    prefix = "/credentials/"
    try:
        if not path.startswith(prefix):
            raise ValueError(path)
        return str(UUID(path[len(prefix) :].removesuffix(".json")))
    except ValueError:
        raise UrlNotAllowedError(
            f"on this service only credential addresses are read: {site.base_url}/credentials/…"
        ) from None


@dataclass(frozen=True)
class _ByUrl:
    """A credential read by URL: ours (``loaded``) or fetched (``body``)."""

    body: bytes
    loaded: Loaded | None = None


def _read_url(site: PublicSite, url: str, client: str) -> _ByUrl:
    """Our credential from the registry, or another issuer's over the network (worker thread).

    Raises:
        CredentialNotFoundError: Ours, but unknown, erased or hidden.
        UrlFetchLimitError: ``client`` used up its verifications of other hosts' URLs.
        DomainError: See :func:`own_reference` and :func:`app.public.upload.fetch_credential`.
    """
    ref = own_reference(site, url)
    if ref is not None:
        loaded = site.load(ref)
        return _ByUrl(body=loaded.signed, loaded=loaded)
    site.url_fetch_limiter.hit(client)  # before any network work
    return _ByUrl(body=fetch_credential(url_fetcher(site), url))


# --------------------------------------------------------------------------------------------
# the human verifier


def _unreadable(report: VerificationReport) -> bool:
    """Whether ``report`` is of something that is not a credential at all (item 18)."""
    failed = {check.id for check in report.checks if check.status == "failed"}
    return "parse" in failed or {"context", "type"} <= failed


def _stored_copy(site: PublicSite, body: bytes) -> Loaded | None:
    """Our registry's record of the credential in ``body`` when ``body`` is a JSON copy of it
    (the same document as the stored signed bytes, whatever the whitespace); else None.

    An uploaded baked badge, a pasted credential or one read by URL then shows the same summary
    (holder, levels, EQF, assessor: item 7). Only a JSON body qualifies (a JWT's payload is
    signed differently); a hidden or erased credential falls back to what the copy states.
    """
    try:
        document = msgspec.json.decode(body)
    except msgspec.DecodeError:
        return None
    if not isinstance(document, dict) or not isinstance(document.get("id"), str):
        return None
    prefix = f"{site.base_url}/credentials/"
    if not document["id"].startswith(prefix):
        return None
    try:
        loaded = site.load(document["id"][len(prefix) :])
    except (CredentialNotFoundError, DomainError, ValueError):
        return None
    return loaded if msgspec.json.decode(loaded.signed) == document else None


def _report_context(site: PublicSite, body: bytes, lang: str) -> dict[str, Any]:
    """The verify page's context for the credential in ``body`` (a worker thread).

    Raises:
        NotACredentialError: ``body`` is not a credential the verifier can read.
    """
    report = site.verifier.verify(body)
    if _unreadable(report):
        raise NotACredentialError("this is not a credential the verifier can read")
    stored = _stored_copy(site, body)
    if stored is not None:
        return credential_context(site, stored, lang, report)
    t = messages(lang)
    summary = report.credential
    known = site.organisation_name(summary.issuer_id if summary is not None else None)
    claims: ClaimsView | None = claims_of_document(
        report,
        credential_document(body),
        site.registry.catalogue,
        t,
        lang,
        base_url=site.base_url,
        known_issuer_name=known,
    )
    verdict: VerdictView = verdict_view(
        report, verdict_of(report), t, lang, host=site.host, at=site.now()
    )
    return {"verdict": verdict, "claims": claims}


@dataclass(frozen=True)
class _Form:
    """What the verify form sent: bytes (and their media type), or a URL; and an e-mail."""

    data: bytes | None
    media: str | None
    url: str
    email: str | None
    email_given: bool
    text: str = ""
    """What was typed in the text field, given back on the page after a refusal (item 18)."""
    file: bool = False
    """Whether ``data`` is an uploaded file (else typed text)."""


async def _form_input(request: Request[Any, Any, Any]) -> _Form:
    """The verify form's fields (any may be empty)."""
    form = await request.form()
    email_field = form.get("email")
    email = candidate_email(email_field)
    email_given = isinstance(email_field, str) and bool(email_field.strip())
    part = form.get("file")
    if isinstance(part, UploadFile):
        data = await part.read()
        content = data if isinstance(data, bytes) else data.encode("utf-8")
        if content.strip():
            return _Form(content, part.content_type, "", email, email_given, file=True)
    text = form.get("text")
    url = form.get("url")
    pasted = text.strip() if isinstance(text, str) else ""
    address = url.strip() if isinstance(url, str) else ""
    typed = text if isinstance(text, str) else ""
    if pasted.startswith(("http://", "https://")) and not address:
        return _Form(None, None, pasted, email, email_given, typed)
    encoded = pasted.encode("utf-8") if pasted else None
    return _Form(encoded, None, address, email, email_given, typed)


def _recipient_box(
    site: PublicSite, t: Messages, verdict: str, body: bytes, email: str | None, client: str
) -> tuple[RecipientResult, int, dict[str, str]]:
    """The recipient result box of the verify page: ``(box, status, headers)`` (catalogue H19:
    the same rules and budget as the credential page's check)."""
    if email is None:
        return RecipientResult("empty", t.recipient_empty), 422, {}
    document = credential_document(body)
    if verdict != "valid" or document is None:
        return RecipientResult("unverified", t.recipient_unverified), 200, {}
    try:
        site.recipient_limiter.hit(client)
    except RecipientCheckLimitError as exc:
        limited = RecipientResult("limited", t.recipient_limited)
        return limited, 429, {"Retry-After": str(exc.retry_after)}
    check = check_recipient(document, email)
    weak = t.recipient_weak if check.weak_hash else None
    return RecipientResult(check.outcome, t[f"recipient_{check.outcome}"], weak), 200, {}


@get("/verify", tags=["pages"], include_in_schema=False)
async def verify_page(
    request: Request[Any, Any, Any], site: SiteDep, lang: FromQuery[str | None] = None
) -> Response[bytes]:
    """The human verifier's form."""
    return render(request, site, "verify.html", page_language(request, lang), verdict=None)


@post("/verify", tags=["pages"], include_in_schema=False, status_code=200)
async def verify_submit(
    request: Request[Any, Any, Any], site: SiteDep, lang: FromQuery[str | None] = None
) -> Response[bytes]:
    """Verify an uploaded file, pasted text or a credential URL; show the report."""
    language = page_language(request, lang)
    t = messages(language)
    form = await _form_input(request)

    def failed(message: str, status: int = 422) -> Response[bytes]:
        # What was typed stays in the form (item 18); the e-mail address never comes back.
        return render(
            request,
            site,
            "verify.html",
            language,
            status=status,
            verdict=None,
            error=message,
            typed_text=form.text,
            typed_url=form.url if form.url != form.text.strip() else "",
        )

    if form.data is None and not form.url:
        return failed(t.verify_error_empty, 400)

    def work() -> tuple[dict[str, Any], bytes]:
        if form.data is None:
            read = _read_url(site, form.url, client_address(request))
            if read.loaded is not None:
                return credential_context(site, read.loaded, language), read.body
            body = read.body
        elif form.file:
            body = credential_bytes(form.data, form.media)
        else:
            try:
                body = credential_bytes(form.data, None)
            except UnreadableBadgeImageError as exc:  # typed text that merely starts with "<"
                raise NotACredentialError(exc.detail) from None
        return _report_context(site, body, language), body

    try:
        context, body = await anyio.to_thread.run_sync(work)
    except CredentialNotFoundError:
        return failed(t.not_found_text, 404)
    except tuple(_PAGE_ERRORS) as exc:
        refused = failed(t[_PAGE_ERRORS[type(exc)]], exc.status)
        refused.headers.update(getattr(exc, "headers", None) or {})  # Retry-After of a limit
        return refused
    status, headers = 200, dict[str, str]()
    if form.email_given:
        verdict = context["verdict"].verdict
        client = client_address(request)
        box, status, headers = await anyio.to_thread.run_sync(
            lambda: _recipient_box(site, t, verdict, body, form.email, client)
        )
        context["recipient_result"] = box
    response = render(
        request,
        site,
        "verify.html",
        language,
        status=status,
        verdict=context["verdict"],
        claims=context["claims"],
        recipient_result=context.get("recipient_result"),
    )
    response.headers.update(headers)
    return response


# --------------------------------------------------------------------------------------------
# the API


async def _multipart_body(
    request: Request[Any, Any, Any], site: PublicSite
) -> tuple[bytes, VerificationReport | None, str | None]:
    """``(credential bytes, report if already made, recipient)`` of a multipart request."""
    form = await request.form()
    part = form.get("file")
    url = form.get("url")
    has_file = isinstance(part, UploadFile)
    has_url = isinstance(url, str) and bool(url.strip())
    if has_file == has_url:
        raise InvalidInputError(
            "send the credential in the multipart form field 'file', or its URL in 'url' (one)"
        )
    recipient: str | None = None
    if "recipient" in form:
        recipient = candidate_email(form.get("recipient"))
        if recipient is None:  # never echo the value: it is someone's e-mail address
            raise InvalidInputError(
                f"'recipient' must be one e-mail address of 1 to {MAX_EMAIL_LENGTH} characters"
            )
        site.recipient_limiter.hit(client_address(request))  # before any work (H19)
    if isinstance(part, UploadFile):
        raw = await part.read()
        content = raw if isinstance(raw, bytes) else raw.encode("utf-8")
        return credential_bytes(content, part.content_type), None, recipient
    assert isinstance(url, str)
    read = await anyio.to_thread.run_sync(_read_url, site, url, client_address(request))
    if read.loaded is None:
        return read.body, None, recipient
    loaded = read.loaded
    return read.body, await anyio.to_thread.run_sync(site.report, loaded), recipient


@post(
    "/api/v1/verify",
    tags=["verifier"],
    status_code=200,
    responses=problems(400, 413, 415, 422, 502),
    operation_class=request_body(
        "The credential: JSON, a compact JWT (text), a baked PNG or SVG badge, or a multipart "
        "upload with a file part, or a url part naming the credential, and an optional "
        "recipient part (an e-mail address to check).",
        {
            "application/json": {"type": "object", "description": "a credential"},
            "text/plain": {"type": "string", "description": "a compact JWT"},
            "image/png": {"type": "string", "format": "binary"},
            "image/svg+xml": {"type": "string", "format": "binary"},
            "multipart/form-data": {
                "type": "object",
                "properties": {
                    "file": {"type": "string", "format": "binary"},
                    "url": {"type": "string", "format": "uri"},
                    "recipient": {"type": "string", "format": "email"},
                },
            },
        },
    ),
)
async def verify_credential(request: Request[Any, Any, Any], site: SiteDep) -> Response[Any]:
    """Verify any Open Badges credential: JSON, a compact JWT, or a baked PNG/SVG, or the one at
    a URL.

    The credential is the request body (``application/json``, ``text/plain``, ``image/png``,
    ``image/svg+xml``) or the ``file`` part of a ``multipart/form-data`` upload. Always answers
    200 with a report for a credential that could be read; an image that carries no readable
    credential is a 422 ``unreadable-badge-image`` problem.

    Instead of ``file``, a multipart ``url`` part (never a query parameter) names the credential:
    one of ours is read from the registry (no network); any other is fetched with the bounded
    fetcher (https, default port, public addresses only, no redirect, 1 MB, the fetch time limit)
    and read by its ``Content-Type``: JSON, JWT text, or a baked PNG/SVG. A refused URL is a 422
    ``url-not-allowed`` problem, a failed fetch a 502 ``credential-unreachable``, any other media
    type a 422 ``unsupported-credential-type``.

    A multipart upload may add a ``recipient`` part: an e-mail address to check against the
    credential's ``emailAddress`` identifiers (never in the query string; never logged or kept).
    The reply then carries ``"recipient": {"checked", "matched", "weakHash"}`` (``matched`` means
    something only when ``verified`` is true); ``LEVERUP_RECIPIENT_CHECKS_PER_MINUTE`` such
    requests per client address per minute, then a 429 ``recipient-check-limit`` problem.
    """
    media = request.content_type[0].lower()
    recipient: str | None = None
    report: VerificationReport | None = None
    if media == "multipart/form-data":
        body, report, recipient = await _multipart_body(request, site)
    else:
        body = await request.body()
        if media in IMAGE_TYPES:
            body = credential_bytes(body, media)
    if report is None:
        # CPU-bound (canonicalization, Ed25519): off the event loop so other requests are served.
        report = await anyio.to_thread.run_sync(site.verifier.verify, body)
    reply = msgspec.to_builtins(report)
    if recipient is not None:
        reply["recipient"] = await anyio.to_thread.run_sync(_recipient_reply, body, recipient)
    return Response(reply, media_type=MediaType.JSON)


def _recipient_reply(body: bytes, email: str) -> dict[str, bool]:
    document = credential_document(body)
    if document is None:
        return {"checked": False, "matched": False, "weakHash": False}
    return check_recipient(document, email).to_wire()
