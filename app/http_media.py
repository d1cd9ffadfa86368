"""Badge images, baked badges and QR codes over HTTP (public, read-only).

- ``GET /achievements/{slug}/image.png|.svg``: the artwork of a competence or role;
  ``GET /achievements/{slug}/{outcome}/image.png|.svg``: a competence at an outcome level.
  ``?lang=`` picks the label language (English by default), ``?size=`` the PNG size (one of
  :data:`PNG_SIZES`, 512 by default). These URLs are the ``image`` ids of the achievements and
  credentials. Cached for a day.
- ``GET /credentials/{uuid}/badge.png|.svg``: the credential's artwork baked (OB 3.0 §5) with
  its signed bytes exactly as stored; a download (``Content-Disposition: attachment``).
- ``GET /credentials/{uuid}/qr.png|.svg``: a QR code of the credential's public URL
  ``{BASE}/credentials/{uuid}`` and of nothing else: no parameter of the request reaches the
  code (security catalogue I13, I15). Error correction Q (25 % of the code may be lost, e.g. a
  fold or a stain on paper), a quiet zone of 4 modules, 10 px per module in the PNG.

A credential that is unknown, erased or hidden by its holder is ``404 credential-not-found``,
exactly like its JSON (I14); credential resources revalidate (``no-cache`` + ``ETag``) so a
hidden credential disappears at once. Every SVG carries
``Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'`` and every response
``X-Content-Type-Options: nosniff`` (I8).
"""

from __future__ import annotations

import functools
import io
from typing import Any, Final

import qrcode
import qrcode.constants
import qrcode.image.svg
from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery
from sqlmodel import Session

from app.http_support import in_thread, matches_etag
from app.openapi import problems
from badge_classes import Catalogue
from badge_classes.artwork import DEFAULT_SIZE, Artwork, ImageSizeError
from common.baking import bake_png, bake_svg
from issuer import credential_url
from registry.context import Registry
from registry.credentials.issuance import IssuanceService
from registry.models import CredentialRecord
from registry.status import etag_of

__all__ = [
    "PNG_SIZES",
    "QR_BORDER",
    "QR_BOX_SIZE",
    "QR_ERROR_CORRECTION",
    "ROUTES",
    "qr_png",
    "qr_svg",
]

PNG_SIZES: Final = (64, 128, 256, 512, 1024)
"""The PNG sizes served (a fixed set bounds the work and the cache)."""
QR_ERROR_CORRECTION: Final = qrcode.constants.ERROR_CORRECT_Q
QR_BORDER: Final = 4
"""Quiet zone in modules (ISO/IEC 18004 asks for 4)."""
QR_BOX_SIZE: Final = 10
"""Pixels per module of the PNG QR code."""

SVG_HEADERS: Final = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
    "X-Content-Type-Options": "nosniff",
}
_PNG: Final = "image/png"
_SVG: Final = "image/svg+xml"
_ARTWORK_CACHE: Final = "public, max-age=86400"
_CREDENTIAL_CACHE: Final = "no-cache"

RegistryDep = NamedDependency[Registry]
SessionDep = NamedDependency[Session]


@functools.lru_cache(maxsize=4)
def _artwork(catalogue: Catalogue) -> Artwork:
    """The (memoising) artwork renderer of a catalogue."""
    return Artwork(catalogue)


def _qr(url: str) -> Any:
    code = qrcode.QRCode(
        error_correction=QR_ERROR_CORRECTION, box_size=QR_BOX_SIZE, border=QR_BORDER
    )
    code.add_data(url)
    code.make(fit=True)
    return code


@functools.lru_cache(maxsize=1024)
def qr_png(url: str) -> bytes:
    """A PNG QR code of ``url`` (black on white, 1 bit per pixel)."""
    buffer = io.BytesIO()
    _qr(url).make_image().save(buffer)
    return buffer.getvalue()


@functools.lru_cache(maxsize=1024)
def qr_svg(url: str) -> bytes:
    """An SVG QR code of ``url``: one path on a white background, sized in millimetres."""
    image = _qr(url).make_image(image_factory=qrcode.image.svg.SvgPathFillImage)
    data: bytes = image.to_string(encoding="utf-8")
    return data


def _answer(
    request: Request[Any, Any, Any],
    body: bytes,
    media: str,
    *,
    cache: str,
    filename: str | None = None,
    attachment: bool = False,
) -> Response[bytes]:
    etag = etag_of(body)
    headers = {
        "ETag": etag,
        "Cache-Control": cache,
        "X-Content-Type-Options": "nosniff",
        "Access-Control-Allow-Origin": "*",
    }
    if media == _SVG:
        headers.update(SVG_HEADERS)
    if filename is not None:
        kind = "attachment" if attachment else "inline"
        headers["Content-Disposition"] = f'{kind}; filename="{filename}"'
    if matches_etag(request.headers.get("if-none-match"), etag):
        return Response(b"", status_code=304, headers=headers)
    return Response(body, media_type=media, headers=headers)


def _png_size(size: int) -> int:
    if size not in PNG_SIZES:
        sizes = ", ".join(str(s) for s in PNG_SIZES)
        msg = f"size must be one of {sizes} pixels, not {size}"
        raise ImageSizeError(msg)
    return size


# --------------------------------------------------------------------------------------------
# Achievement artwork


async def _achievement_png(
    request: Request[Any, Any, Any],
    registry: Registry,
    slug: str,
    outcome: str | None,
    lang: str,
    size: int,
) -> Response[bytes]:
    artwork = _artwork(registry.catalogue)
    wanted = _png_size(size)
    body = await in_thread(lambda: artwork.png(slug, outcome, lang=lang, size=wanted))
    return _answer(request, body, _PNG, cache=_ARTWORK_CACHE)


async def _achievement_svg(
    request: Request[Any, Any, Any], registry: Registry, slug: str, outcome: str | None, lang: str
) -> Response[bytes]:
    artwork = _artwork(registry.catalogue)
    body = await in_thread(lambda: artwork.svg(slug, outcome, lang=lang))
    return _answer(request, body, _SVG, cache=_ARTWORK_CACHE)


@get(
    ["/achievements/{slug:str}/image.png", "/achievements/{slug:str}/{outcome:str}/image.png"],
    tags=["catalogue"],
    responses=problems(400, 404, 422),
)
async def achievement_png(
    request: Request[Any, Any, Any],
    registry: RegistryDep,
    slug: FromPath[str],
    outcome: FromPath[str | None] = None,
    lang: FromQuery[str] = "en",
    size: FromQuery[int] = DEFAULT_SIZE,
) -> Response[bytes]:
    """The badge artwork of a competence or role (or of a competence at an outcome level), as
    PNG."""
    return await _achievement_png(request, registry, slug, outcome, lang, size)


@get(
    ["/achievements/{slug:str}/image.svg", "/achievements/{slug:str}/{outcome:str}/image.svg"],
    tags=["catalogue"],
    responses=problems(400, 404, 422),
)
async def achievement_svg(
    request: Request[Any, Any, Any],
    registry: RegistryDep,
    slug: FromPath[str],
    outcome: FromPath[str | None] = None,
    lang: FromQuery[str] = "en",
) -> Response[bytes]:
    """The badge artwork of a competence or role (or of a competence at an outcome level), as
    SVG."""
    return await _achievement_svg(request, registry, slug, outcome, lang)


# --------------------------------------------------------------------------------------------
# Credential badges and QR codes


async def _public(registry: Registry, session: Session, reference: str) -> CredentialRecord:
    """The public credential (404 ``credential-not-found`` when unknown, erased or hidden)."""
    return await in_thread(lambda: IssuanceService(registry, session).public(reference))


async def _baked(
    request: Request[Any, Any, Any], registry: Registry, session: Session, reference: str, ext: str
) -> Response[bytes]:
    record = await _public(registry, session, reference)
    signed = record.signed_bytes or b""
    artwork = _artwork(registry.catalogue)
    outcome = record.outcome

    def bake() -> bytes:
        if ext == "png":
            return bake_png(artwork.png(record.achievement, outcome, lang=record.lang), signed)
        return bake_svg(artwork.svg(record.achievement, outcome, lang=record.lang), signed)

    body = await in_thread(bake)
    media = _PNG if ext == "png" else _SVG
    return _answer(
        request,
        body,
        media,
        cache=_CREDENTIAL_CACHE,
        filename=f"leverup-{record.achievement}-{record.id}.{ext}",
        attachment=True,
    )


async def _qr_answer(
    request: Request[Any, Any, Any], registry: Registry, session: Session, reference: str, ext: str
) -> Response[bytes]:
    record = await _public(registry, session, reference)
    # Only the stored id reaches the code: never the request's path text or query (I13).
    url = credential_url(registry.base_url, record.id)
    body = await in_thread(lambda: qr_png(url) if ext == "png" else qr_svg(url))
    media = _PNG if ext == "png" else _SVG
    return _answer(
        request, body, media, cache=_CREDENTIAL_CACHE, filename=f"leverup-{record.id}-qr.{ext}"
    )


def _extension(request: Request[Any, Any, Any]) -> str:
    """``png`` or ``svg``: the extension of the path the handler was mounted on."""
    return "png" if request.url.path.endswith(".png") else "svg"


@get(
    [
        "/credentials/{credential_ref:str}/badge.png",
        "/credentials/{credential_ref:str}/badge.svg",
    ],
    tags=["credentials"],
    responses=problems(400, 404),
)
async def badge(
    request: Request[Any, Any, Any],
    registry: RegistryDep,
    session: SessionDep,
    credential_ref: FromPath[str],
) -> Response[bytes]:
    """The credential baked into its badge: a PNG (an ``iTXt`` chunk ``openbadgecredential``)
    or an SVG (an ``<openbadges:credential>`` element)."""
    return await _baked(request, registry, session, credential_ref, _extension(request))


@get(
    ["/credentials/{credential_ref:str}/qr.png", "/credentials/{credential_ref:str}/qr.svg"],
    tags=["credentials"],
    responses=problems(400, 404),
)
async def credential_qr(
    request: Request[Any, Any, Any],
    registry: RegistryDep,
    session: SessionDep,
    credential_ref: FromPath[str],
) -> Response[bytes]:
    """A QR code (PNG or SVG) of the credential's public URL."""
    return await _qr_answer(request, registry, session, credential_ref, _extension(request))


ROUTES: Final[list[Any]] = [
    achievement_png,
    achievement_svg,
    badge,
    credential_qr,
]
"""The route handlers ``app/asgi.py`` mounts (after :data:`app.api.ROUTES`)."""
