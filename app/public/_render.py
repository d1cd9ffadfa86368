"""Rendering the public pages: headers, the template context, the language, the 404 page."""

from __future__ import annotations

import json
from typing import Any, Final

from litestar import Request, Response
from litestar.di import NamedDependency
from litestar.response.base import ASGIResponse

from app.public.i18n import language_names, messages, negotiate
from app.public.site import Loaded, PublicSite
from app.public.views import (
    ClaimsView,
    Verdict,
    claims_of_record,
    issuer_confirmed,
    verdict_of,
    verdict_view,
)
from badge_classes.artwork import image_url
from sharing.linkedin import linkedin_url
from verifier import VerificationReport

__all__ = [
    "CSP",
    "SiteDep",
    "cached_page_response",
    "credential_context",
    "html_response",
    "loaded_claims",
    "loaded_linkedin",
    "not_found_page",
    "page_image",
    "page_language",
    "render",
    "render_html",
]

SiteDep = NamedDependency[PublicSite]

CSP: Final = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'none'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
"""The pages' Content-Security-Policy: nothing but our own images and stylesheet, no script."""

_PAGE_HEADERS: Final = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-cache",
    "Vary": "Accept, Accept-Language",
}
_HTML: Final = "text/html"
"""Litestar adds ``; charset=utf-8`` to ``text/*`` types."""


# --------------------------------------------------------------------------------------------
# rendering


def render_html(
    request: Request[Any, Any, Any],
    site: PublicSite,
    template: str,
    lang: str,
    *,
    lang_query: str = "",
    **context: Any,
) -> bytes:
    """Render a template of the app's TemplateConfig (Jinja2, autoescaped) to UTF-8 bytes."""
    engine = request.app.template_engine
    if engine is None:  # pragma: no cover - create_app always configures templates
        raise RuntimeError("the public pages need the app's template config")
    html: str = engine.get_template(template).render(
        t=messages(lang),
        lang=lang,
        languages=list(language_names().items()),
        host=site.host,
        base_url=site.base_url,
        lang_query=lang_query,
        **{
            "error": None,
            "verdict": None,
            "claims": None,
            "recipient_result": None,
            "typed_text": "",
            "typed_url": "",
            **context,
        },
    )
    return html.encode("utf-8")


def html_response(body: bytes, status: int = 200) -> Response[bytes]:
    """An HTML answer with the pages' headers (CSP, nosniff, no referrer, no framing)."""
    return Response(body, status_code=status, media_type=_HTML, headers=_PAGE_HEADERS)


def cached_page_response(body: bytes) -> ASGIResponse:
    """A rendered page served again: the same bytes and headers as :func:`html_response`, as
    a ready ASGI response (the hot path of the public page skips the Response conversion)."""
    return ASGIResponse(body=body, media_type=_HTML, headers=_PAGE_HEADERS)


def render(
    request: Request[Any, Any, Any],
    site: PublicSite,
    template: str,
    lang: str,
    *,
    status: int = 200,
    lang_query: str = "",
    **context: Any,
) -> Response[bytes]:
    """Render a template into an HTML response with the pages' headers."""
    body = render_html(request, site, template, lang, lang_query=lang_query, **context)
    return html_response(body, status)


def page_language(request: Request[Any, Any, Any], query: str | None) -> str:
    return negotiate(query, request.headers.get("accept-language"))


def not_found_page(request: Request[Any, Any, Any], site: PublicSite, lang: str) -> Response[bytes]:
    return render(request, site, "not_found.html", lang, status=404)


SHARED: Final[frozenset[Verdict]] = frozenset({"valid", "expired"})
"""The verdicts under which a page offers the holder's LinkedIn link and the baked badges: a
revoked, suspended or failing credential is not offered for sharing (item 9)."""


def page_image(site: PublicSite, loaded: Loaded, lang: str) -> str:
    """The badge artwork of a credential in the page's language (item 13), as a path on this
    service; the baked download keeps the signed one, in the credential's language."""
    record = loaded.record
    url = image_url(site.base_url, record.achievement, record.outcome, lang=lang)
    return url.removeprefix(site.base_url)


def loaded_claims(
    site: PublicSite, loaded: Loaded, lang: str, *, image: str, confirmed: bool = True
) -> ClaimsView:
    """What one of our credentials states, from its registry record, in ``lang``."""
    record = loaded.record
    return claims_of_record(
        site.registry.catalogue,
        messages(lang),
        lang,
        achievement=record.achievement,
        outcome=record.outcome,
        complexity=record.complexity,
        recipient=record.recipient_name,
        issuer_name=loaded.org_name,
        issuer_id=loaded.org_did,
        signed_issuer_name=signed_issuer_name(loaded.signed),
        assessor=record.assessor_name,
        issued=record.issued_at,
        valid_from=record.valid_from,
        valid_until=record.valid_until,
        image=image,
        confirmed=confirmed,
    )


def signed_issuer_name(signed: bytes) -> str | None:
    """The issuer's ``name`` as the credential signed it (read, never re-serialised), or None."""
    try:
        issuer = json.loads(signed).get("issuer")
    except (ValueError, AttributeError):
        return None
    name = issuer.get("name") if isinstance(issuer, dict) else None
    return name if isinstance(name, str) else None


def loaded_linkedin(site: PublicSite, loaded: Loaded, name: str) -> str:
    """LinkedIn's "Add to profile" link of one of our credentials (its page as ``certUrl``)."""
    record = loaded.record
    return linkedin_url(
        name=name,
        organization_name=loaded.org_name,
        issued=record.issued_at,
        expires=record.valid_until,
        cert_url=f"{site.base_url}/credentials/{record.id}",
        cert_id=record.id,
    )


def credential_context(
    site: PublicSite, loaded: Loaded, lang: str, report: VerificationReport | None = None
) -> dict[str, Any]:
    """The context of a credential page (verification included; runs in a worker thread).

    Args:
        report: The report of the copy the viewer gave (the verify page: an upload or a paste
            of this very credential); the stored copy's report when omitted.
    """
    record = loaded.record
    report = report if report is not None else site.report(loaded)
    verdict = verdict_of(report, record.status)
    t = messages(lang)
    url = f"{site.base_url}/credentials/{record.id}"
    claims = loaded_claims(
        site, loaded, lang, image=page_image(site, loaded, lang), confirmed=issuer_confirmed(report)
    )
    shared = verdict in SHARED
    view = verdict_view(
        report,
        verdict,
        t,
        lang,
        host=site.host,
        at=site.now(),
        status_changed=record.status_changed_at,
    )
    return {
        "uuid": record.id,
        "url": url,
        "claims": claims,
        "verdict": view,
        "shared": shared,
        "linkedin": loaded_linkedin(site, loaded, claims.name) if shared else None,
        "og_description": f"{claims.kind}: {claims.name} · {t.issuer}: {claims.issuer_name}",
    }
