"""The employer's recipient check on the public page (``POST /credentials/{uuid}``; catalogue H19).

The visitor types the e-mail address they know; the same page comes back with a box saying
whether the credential was issued to it (:func:`verifier.check_recipient`). The address is
never written into the page, never logged and never kept; the answer is only given for a
credential that verified, and each client address gets ``LEVERUP_RECIPIENT_CHECKS_PER_MINUTE``
checks per minute (429 with ``Retry-After`` beyond it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Literal

import anyio.to_thread
from litestar import Request, Response, post
from litestar.params import FromPath, FromQuery

from app.public._render import SiteDep, credential_context, not_found_page, page_language, render
from app.public.i18n import Messages, messages
from app.public.limits import RecipientCheckLimitError
from app.public.site import PublicSite
from registry.errors import CredentialNotFoundError
from verifier import RecipientCheck, check_recipient, credential_document

__all__ = ["MAX_EMAIL_LENGTH", "RecipientResult", "client_address", "recipient_check_page"]

MAX_EMAIL_LENGTH: Final = 320
"""Longest address accepted (RFC 3696 erratum: 64 + 1 + 255)."""

ResultKind = Literal["matched", "not_matched", "no_identifier", "unverified", "limited", "empty"]


@dataclass(frozen=True)
class RecipientResult:
    """The result box: its kind (a CSS class and ``data-result``), its text, a weak-hash note."""

    kind: ResultKind
    text: str
    weak_note: str | None = None


def client_address(request: Request[Any, Any, Any]) -> str:
    """The key the recipient check limit counts by: the client's address."""
    return request.client.host if request.client is not None else "unknown"


def candidate_email(value: object) -> str | None:
    """The typed address if it is a usable candidate (a string, not blank, not too long)."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value if 0 < len(value) <= MAX_EMAIL_LENGTH else None


def _result(t: Messages, check: RecipientCheck) -> RecipientResult:
    kind: ResultKind = check.outcome
    weak = t.recipient_weak if check.weak_hash else None
    return RecipientResult(kind=kind, text=t[f"recipient_{kind}"], weak_note=weak)


def _check(
    site: PublicSite, ref: str, language: str, email: str | None, client: str
) -> tuple[dict[str, Any], RecipientResult, int, dict[str, str]]:
    """``(page context, result box, status, extra headers)``; runs in a worker thread."""
    t = messages(language)
    loaded = site.load(ref)
    context = credential_context(site, loaded, language)
    if email is None:
        return context, RecipientResult("empty", t.recipient_empty), 422, {}
    if context["verdict"].verdict != "valid":
        return context, RecipientResult("unverified", t.recipient_unverified), 200, {}
    try:
        site.recipient_limiter.hit(client)
    except RecipientCheckLimitError as exc:
        limited = RecipientResult("limited", t.recipient_limited)
        return context, limited, 429, {"Retry-After": str(exc.retry_after)}
    document = credential_document(loaded.signed)
    if document is None:  # pragma: no cover - a verified credential always parses
        return context, RecipientResult("unverified", t.recipient_unverified), 200, {}
    return context, _result(t, check_recipient(document, email)), 200, {}


@post(
    "/credentials/{credential_ref:str}",
    tags=["pages"],
    include_in_schema=False,
    status_code=200,
    request_max_body_size=4096,
)
async def recipient_check_page(
    request: Request[Any, Any, Any],
    site: SiteDep,
    credential_ref: FromPath[str],
    lang: FromQuery[str | None] = None,
) -> Response[bytes]:
    """The credential page again, with whether it was issued to the form's ``email``."""
    language = page_language(request, lang)
    form = await request.form()
    email = candidate_email(form.get("email"))
    client = client_address(request)
    try:
        context, result, status, headers = await anyio.to_thread.run_sync(
            lambda: _check(site, credential_ref, language, email, client)
        )
    except CredentialNotFoundError:
        return not_found_page(request, site, language)
    response = render(
        request,
        site,
        "credential.html",
        language,
        status=status,
        recipient_result=result,
        **context,
    )
    response.headers.update({**headers, "Cache-Control": "no-store"})
    return response
