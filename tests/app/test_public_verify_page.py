"""The human verify page and POST /api/v1/verify with uploads: JSON, baked PNG/SVG, JWT text,
our own addresses (resolved locally, never fetched), hostile claims and upload abuse."""
# ruff: noqa: F811 - pytest fixtures imported from public_support are redefined as arguments

from __future__ import annotations

import io
import json
import re
import struct
import zlib
from typing import Any

from litestar.testing import TestClient
from PIL import Image
from public_support import (  # noqa: F401 - fixtures
    BASE_URL,
    client,
    clock,
    engine,
    foreign_signed,
    issue,
    org,
    registry,
    site,
    stored,
    verifier,
)

from common.baking import PNG_KEYWORD, bake_png, bake_svg
from registry.context import Registry
from registry.models import OrganisationRecord

SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b'<rect width="10" height="10"/></svg>'
)
HOSTILE = "<img src=x onerror=alert(1)>"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (20, 90, 160)).save(buffer, "PNG")
    return buffer.getvalue()


def _chunk(chunk_type: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(chunk_type + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + chunk_type + data + struct.pack(">I", crc)


def _itxt(text: bytes, flag: int = 0) -> bytes:
    return _chunk(b"iTXt", PNG_KEYWORD + b"\x00" + bytes([flag, 0]) + b"\x00\x00" + text)


def _signed(registry: Registry, org: OrganisationRecord) -> bytes:
    signed = stored(registry, issue(registry, org).id).signed_bytes
    assert signed is not None
    return signed


def _verdict(html: str) -> str | None:
    match = re.search(r'<section id="verdict" data-verdict="([a-z]+)"', html)
    return None if match is None else match.group(1)


def _upload(client: TestClient[Any], name: str, data: bytes, media: str) -> Any:
    return client.post("/verify", files={"file": (name, data, media)}, data={"text": ""})


class TestForm:
    def test_form_contract(self, client: TestClient[Any]) -> None:
        """The form the browser test drives: multipart POST with file and text fields."""
        response = client.get("/verify")
        assert response.status_code == 200
        html = response.text
        assert '<form id="verify-form" method="post" enctype="multipart/form-data"' in html
        assert re.search(r'<input [^>]*type="file" name="file"', html)
        assert re.search(r'<textarea [^>]*name="text"', html)
        assert response.headers["content-security-policy"].startswith("default-src 'self'")


class TestPage:
    def test_json_file(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        """A JSON credential file is verified: valid, with the issuer known from our registry."""
        response = _upload(client, "c.json", _signed(registry, org), "application/json")
        assert response.status_code == 200
        assert _verdict(response.text) == "valid"
        assert "Centro Volontari Uno" in response.text
        assert "A registered organisation of this service." in response.text

    def test_baked_png(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        """A baked PNG is unbaked and its credential verified."""
        baked = bake_png(_png(), _signed(registry, org))
        assert _verdict(_upload(client, "b.png", baked, "image/png").text) == "valid"

    def test_baked_svg(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        """A baked SVG is unbaked and its credential verified."""
        baked = bake_svg(SVG, _signed(registry, org))
        assert _verdict(_upload(client, "b.svg", baked, "image/svg+xml").text) == "valid"

    def test_pasted_json(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        """Pasted JSON text is verified."""
        text = _signed(registry, org).decode("utf-8")
        response = client.post("/verify", files={"text": (None, text)})
        assert _verdict(response.text) == "valid"

    def test_pasted_jwt_reaches_the_verifier(self, client: TestClient[Any]) -> None:
        """JWT text goes to the verifier as it is; a forged one is never valid. This one's
        payload is no credential at all, so the page says so (issue 12 item 18) instead of a
        verdict, and keeps the text."""
        jwt = "eyJhbGciOiJFZERTQSJ9.eyJ2YyI6e319.c2lnbmF0dXJl"
        response = client.post("/verify", files={"text": (None, jwt)})
        assert response.status_code == 422
        assert _verdict(response.text) is None
        assert "This is not a credential we can read." in response.text
        assert f">{jwt}</textarea>" in response.text

    def test_our_address_is_resolved_locally(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        """The address of one of our credentials is read from the registry and verified."""
        record = issue(registry, org)
        url = f"{BASE_URL}/credentials/{record.id}"
        response = client.post("/verify", files={"url": (None, url)})
        assert _verdict(response.text) == "valid"

    def test_foreign_address_is_refused_not_fetched(self, client: TestClient[Any]) -> None:
        """Any other URL is refused with a message; nothing is fetched."""
        response = client.post(
            "/verify", files={"url": (None, "http://169.254.169.254/credentials/x")}
        )
        assert response.status_code == 422
        assert _verdict(response.text) is None
        assert "only public https addresses are read" in response.text

    def test_nothing_sent_is_a_message(self, client: TestClient[Any]) -> None:
        """An empty form: 400 with a localised message."""
        response = client.post(
            "/verify", files={"text": (None, "")}, headers={"Accept-Language": "it"}
        )
        assert response.status_code == 400
        assert "Carica un file" in response.text

    def test_i17_hostile_claim_text_is_escaped(self, client: TestClient[Any]) -> None:
        """A foreign credential's achievement name with HTML is shown as text, never markup."""
        document = {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {"id": "did:example:attacker", "name": "Harvard University"},
            "credentialSubject": {"achievement": {"name": HOSTILE}},
        }
        response = client.post("/verify", files={"text": (None, json.dumps(document))})
        html = response.text
        assert HOSTILE not in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html
        assert _verdict(html) == "invalid"

    def test_i18_self_asserted_issuer_name_is_marked_unknown(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        """A name the credential gives itself is shown as unknown, never as registered: here a
        validly signed credential of a did:key issuer calling itself Harvard (the I18 case; an
        unsigned one's issuer is not even confirmed, see test_public_first_hour)."""
        signed = foreign_signed(registry, org, issuer_name="Harvard University")
        response = client.post("/verify", files={"text": (None, signed.decode())})
        html = response.text
        assert _verdict(html) == "valid"
        claims = html[html.index('<section id="claims"') :]
        assert "Harvard University" in claims
        assert "Unknown issuer" in claims
        assert "A registered organisation of this service." not in claims

    def test_verdict_chrome_is_apart_from_claims(self, client: TestClient[Any]) -> None:
        """I16/I17: a claim saying "VERIFIED" lands in the claims section, not the verdict."""
        document = {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": "did:example:attacker",
            "credentialSubject": {"achievement": {"name": "✓ VERIFIED BY HARVARD"}},
        }
        html = client.post("/verify", files={"text": (None, json.dumps(document))}).text
        verdict = html[html.index('<section id="verdict"') : html.index("</section>")]
        assert "VERIFIED BY HARVARD" not in verdict
        assert "VERIFIED BY HARVARD" in html[html.index('<section id="claims"') :]


class TestUploadAbuse:
    def test_i5_wrong_type_is_refused(self, client: TestClient[Any]) -> None:
        """A GIF sent as image/png is refused (422), not parsed as a credential."""
        gif = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04"
        response = _upload(client, "x.png", gif, "image/png")
        assert response.status_code == 422
        assert "could not be read as a badge" in response.text

    def test_i1_pixel_bomb_is_refused_without_decoding(self, client: TestClient[Any]) -> None:
        """A 50,000 x 50,000 PNG header carrying no credential: 422, pixels never decoded."""
        ihdr = _chunk(b"IHDR", struct.pack(">IIBBBBB", 50_000, 50_000, 8, 2, 0, 0, 0))
        idat = _chunk(b"IDAT", zlib.compress(b"\x00" * 10_000))
        bomb = b"\x89PNG\r\n\x1a\n" + ihdr + idat + _chunk(b"IEND", b"")
        assert _upload(client, "bomb.png", bomb, "image/png").status_code == 422

    def test_i3_compressed_credential_chunk_is_refused(self, client: TestClient[Any]) -> None:
        """A compressed openbadgecredential chunk is refused, never inflated."""
        png = _png()
        png = png[:-12] + _itxt(zlib.compress(b"{}" * 1000), flag=1) + png[-12:]
        assert _upload(client, "c.png", png, "image/png").status_code == 422

    def test_i4_two_baked_credentials_are_refused(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        """Two credential chunks are ambiguous: refused."""
        signed = _signed(registry, org)
        png = bake_png(_png(), signed)
        png = png[:-12] + _itxt(signed) + png[-12:]
        assert _upload(client, "two.png", png, "image/png").status_code == 422

    def test_i9_svg_entities_are_refused(self, client: TestClient[Any]) -> None:
        """An SVG with a DTD and an external entity: refused."""
        svg = (
            b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<svg xmlns="http://www.w3.org/2000/svg">&x;</svg>'
        )
        assert _upload(client, "x.svg", svg, "image/svg+xml").status_code == 422

    def test_i6_truncated_png_is_refused(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        """A baked PNG cut short: refused."""
        baked = bake_png(_png(), _signed(registry, org))
        assert _upload(client, "cut.png", baked[:-20], "image/png").status_code == 422


class TestApi:
    def test_json_body_unchanged(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        """The JSON body is verified as sent; the reply keeps {verified, checks, credential}."""
        response = client.post(
            "/api/v1/verify",
            content=_signed(registry, org),
            headers={"Content-Type": "application/json"},
        )
        body = response.json()
        assert body["verified"] is True
        assert {"verified", "checks", "credential"} <= set(body)

    def test_png_body(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        """An image/png body is unbaked, then verified."""
        baked = bake_png(_png(), _signed(registry, org))
        response = client.post(
            "/api/v1/verify", content=baked, headers={"Content-Type": "image/png"}
        )
        assert response.json()["verified"] is True

    def test_svg_multipart(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        """A multipart file part holding a baked SVG is unbaked, then verified."""
        baked = bake_svg(SVG, _signed(registry, org))
        response = client.post(
            "/api/v1/verify", files={"file": ("badge.svg", baked, "image/svg+xml")}
        )
        assert response.json()["verified"] is True

    def test_multipart_without_file_is_422(self, client: TestClient[Any]) -> None:
        """A multipart body must carry the credential in the part named file."""
        response = client.post("/api/v1/verify", files={"other": ("x", b"{}", "text/plain")})
        assert response.status_code == 422
        assert response.json()["type"] == "urn:leverup:problem:invalid-input"

    def test_i4_two_credentials_in_a_png_is_a_problem(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        """An ambiguous image: 422 unreadable-badge-image."""
        signed = _signed(registry, org)
        png = bake_png(_png(), signed)
        png = png[:-12] + _itxt(signed) + png[-12:]
        response = client.post("/api/v1/verify", content=png, headers={"Content-Type": "image/png"})
        assert response.status_code == 422
        assert response.json()["type"] == "urn:leverup:problem:unreadable-badge-image"

    def test_i5_json_declared_as_png_is_a_problem(
        self, client: TestClient[Any], registry: Registry, org: OrganisationRecord
    ) -> None:
        """A body declared image/png that is not a PNG: 422."""
        response = client.post(
            "/api/v1/verify",
            content=_signed(registry, org),
            headers={"Content-Type": "image/png"},
        )
        assert response.status_code == 422
        assert response.json()["type"] == "urn:leverup:problem:unreadable-badge-image"
