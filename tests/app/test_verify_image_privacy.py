"""Security catalogue I12 (image metadata privacy) for the verifier's uploads.

I12 asks that GPS EXIF or an ``eXIf`` chunk in an uploaded badge image be stripped on
re-encode. It does not apply to this service as such: an uploaded image is only unbaked
(:mod:`common.baking` walks its chunks and reads the one ``iTXt`` credential chunk; pixels and
metadata are never decoded) and then dropped; it is never stored, re-encoded or served back.
The badge artwork a credential names comes from the catalogue (``badge_classes``), never from
an upload. What remains to check is that nothing of the uploaded image leaks into the answer:
neither the verify API's JSON nor the human page carries its metadata or its bytes.
"""
# ruff: noqa: F811 - pytest fixtures imported from public_support are redefined as arguments

from __future__ import annotations

import base64
import io
import struct
import zlib
from typing import Any

from litestar.testing import TestClient
from PIL import Image
from public_support import (  # noqa: F401 - fixtures
    client,
    clock,
    engine,
    issue,
    org,
    registry,
    site,
    stored,
    verifier,
)

from common.baking import PNG_SIGNATURE, bake_png
from registry.context import Registry
from registry.models import OrganisationRecord

GPS_MARKER = b"GPS 48.858370N 2.294481E leverup-i12-marker"
TEXT_MARKER = b"Camera owner: leverup-i12-author"


def _chunk(chunk_type: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(chunk_type + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + chunk_type + data + struct.pack(">I", crc)


def _png_with_metadata() -> bytes:
    """A small PNG with an ``eXIf`` chunk (a big-endian TIFF header and a GPS-like payload) and a
    ``tEXt`` comment, both right after IHDR."""
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 120, 60)).save(buffer, "PNG")
    png = buffer.getvalue()
    after_ihdr = len(PNG_SIGNATURE) + 8 + 13 + 4
    exif = b"MM\x00\x2a\x00\x00\x00\x08" + GPS_MARKER
    extra = _chunk(b"eXIf", exif) + _chunk(b"tEXt", b"Comment\x00" + TEXT_MARKER)
    return png[:after_ihdr] + extra + png[after_ihdr:]


def _baked(registry: Registry, org: OrganisationRecord) -> bytes:
    signed = stored(registry, issue(registry, org).id).signed_bytes
    assert signed is not None
    return bake_png(_png_with_metadata(), signed)


def _assert_nothing_of(image: bytes, answer: bytes) -> None:
    for marker in (GPS_MARKER, TEXT_MARKER, b"leverup-i12"):
        assert marker not in answer
    assert PNG_SIGNATURE not in answer
    assert base64.b64encode(image[:48]) not in answer  # not echoed as base64 (a data: URI)
    assert b"data:image/png" not in answer


def test_i12_verify_api_answer_never_carries_the_uploaded_image(
    client: TestClient[Any], registry: Registry, org: OrganisationRecord
) -> None:
    """POST /api/v1/verify with the PNG as the body: verified, and no metadata or image bytes
    in the JSON report."""
    image = _baked(registry, org)
    response = client.post("/api/v1/verify", content=image, headers={"Content-Type": "image/png"})
    assert response.status_code == 200, response.text
    assert response.json()["verified"] is True
    _assert_nothing_of(image, response.content)


def test_i12_verify_api_multipart_answer_never_carries_the_uploaded_image(
    client: TestClient[Any], registry: Registry, org: OrganisationRecord
) -> None:
    """The same image as a multipart ``file`` part."""
    image = _baked(registry, org)
    response = client.post("/api/v1/verify", files={"file": ("badge.png", image, "image/png")})
    assert response.status_code == 200, response.text
    assert response.json()["verified"] is True
    _assert_nothing_of(image, response.content)


def test_i12_verify_page_never_carries_the_uploaded_image(
    client: TestClient[Any], registry: Registry, org: OrganisationRecord
) -> None:
    """The human page (POST /verify): the verdict, and nothing of the image's metadata."""
    image = _baked(registry, org)
    response = client.post(
        "/verify", files={"file": ("badge.png", image, "image/png")}, data={"text": ""}
    )
    assert response.status_code == 200, response.text
    assert 'data-verdict="valid"' in response.text
    _assert_nothing_of(image, response.content)
