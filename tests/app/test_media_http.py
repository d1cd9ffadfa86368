"""Badge images, baked badges and QR codes served by the application (security group I)."""

from __future__ import annotations

import io
import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import qrcode
from litestar.testing import TestClient
from PIL import Image

from app.asgi import create_app
from app.context import LocalServices
from app.http_media import QR_BORDER, QR_BOX_SIZE, QR_ERROR_CORRECTION
from badge_classes.artwork import Artwork
from common.baking import unbake_png, unbake_svg
from common.settings import load_settings
from registry.db import session_scope
from registry.models import CredentialRecord
from registry.orgs.service import OrganisationService
from registry.orgs.tokens import TokenService

BASE = "http://127.0.0.1:8000"
PROBLEM = "urn:leverup:problem:"
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'"


@pytest.fixture
def services(env: dict[str, str]) -> LocalServices:
    """The services of a fresh data directory."""
    return LocalServices(load_settings(env))


@pytest.fixture
def client(services: LocalServices) -> Iterator[TestClient[Any]]:
    """A client of the whole application."""
    with TestClient(app=create_app(services=services)) as test_client:
        yield test_client


@pytest.fixture
def token(services: LocalServices) -> str:
    """An admin token of a registered organisation (it issues a Tutor badge too, which only an
    admin may since issue 12 item 29)."""
    registry = services.registry
    with session_scope(registry.engine) as session:
        org = OrganisationService(registry, session).create(
            slug="centre-media", name="Centre Media", actor="tests"
        )
    with session_scope(registry.engine) as session:
        secret, _record = TokenService(registry, session).create(org, "admin", actor="tests")
    return secret


def _issue(client: TestClient[Any], token: str, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "achievement": "teamwork",
        "outcome": "expert",
        "complexity": "mid-low",
        "recipient": {"email": "volunteer@example.org", "name": "Ada Volunteer"},
        "lang": "pl",
    }
    body.update(changes)
    response = client.post(
        "/api/v1/credentials", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 201, response.text
    credential: dict[str, Any] = response.json()["credential"]
    return credential


@pytest.fixture
def credential(client: TestClient[Any], token: str) -> dict[str, Any]:
    """An issued competence credential (teamwork, expert, in Polish)."""
    return _issue(client, token)


def _uuid(credential: dict[str, Any]) -> str:
    return str(credential["id"]).rsplit("/", 1)[1]


def _path(url: str) -> str:
    assert url.startswith(BASE)
    return url.removeprefix(BASE)


def _stored(services: LocalServices, credential_uuid: str) -> CredentialRecord:
    with session_scope(services.registry.engine) as session:
        record = session.get(CredentialRecord, credential_uuid)
        assert record is not None
        session.expunge(record)
        return record


def _set_record(services: LocalServices, credential_uuid: str, **values: Any) -> None:
    with session_scope(services.registry.engine) as session:
        record = session.get(CredentialRecord, credential_uuid)
        assert record is not None
        for name, value in values.items():
            setattr(record, name, value)
        session.add(record)


def _expected_matrix(url: str) -> list[list[bool]]:
    code = qrcode.QRCode(error_correction=QR_ERROR_CORRECTION, border=QR_BORDER)
    code.add_data(url)
    code.make(fit=True)
    matrix: list[list[bool]] = code.get_matrix()  # the quiet zone included
    return matrix


def _png_matrix(png: bytes) -> tuple[list[list[bool]], int]:
    """The modules of a QR PNG, read at each module's centre; and the pixels per module."""
    image = Image.open(io.BytesIO(png)).convert("L")
    width, height = image.size
    assert width == height

    def dark(x: int, y: int) -> bool:
        value = image.getpixel((x, y))
        assert isinstance(value, (int, float))
        return value < 128

    # Finder pattern: the first dark pixel on the diagonal is the code's top-left corner.
    corner = next(i for i in range(width) if dark(i, i))
    box = corner // QR_BORDER
    assert corner % QR_BORDER == 0
    count = width // box
    matrix = [
        [dark(x * box + box // 2, y * box + box // 2) for x in range(count)] for y in range(count)
    ]
    return matrix, box


def _svg_matrix(svg: bytes) -> list[list[bool]]:
    """The modules of a QR SVG path (``M x,y H x2 V y2 H x z`` rectangles, 1 unit a module)."""
    view = re.search(rb'viewBox="0 0 (\d+) (\d+)"', svg)
    assert view is not None
    size = int(view.group(1))
    matrix = [[False] * size for _ in range(size)]
    path = re.search(rb' d="([^"]*)"', svg)
    assert path is not None
    for x, y, x2, y2 in re.findall(rb"M(\d+),(\d+)H(\d+)V(\d+)H\d+z", path.group(1)):
        for row in range(int(y), int(y2)):
            for col in range(int(x), int(x2)):
                matrix[row][col] = True
    return matrix


def _problem(response: Any, status: int, slug: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["type"] == PROBLEM + slug


class TestAchievementImages:
    """The catalogue's artwork, at the URLs the Image objects name."""

    def test_achievement_image_resolves(self, client: TestClient[Any]) -> None:
        """The achievement's ``image.id`` serves a 512 px PNG, cached publicly."""
        achievement = client.get("/achievements/empathy", params={"lang": "da"}).json()
        image = achievement["image"]
        assert image["type"] == "Image"
        assert image["caption"]
        response = client.get(_path(image["id"]))
        assert response.status_code == 200
        assert response.headers["content-type"] == "image/png"
        assert response.headers["cache-control"] == "public, max-age=86400"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert Image.open(io.BytesIO(response.content)).size == (512, 512)

    def test_outcome_image_is_the_rendered_artwork(
        self, client: TestClient[Any], services: LocalServices
    ) -> None:
        """``/achievements/{slug}/{outcome}/image.png`` is the artwork of that level."""
        response = client.get("/achievements/teamwork/basic/image.png", params={"lang": "fr"})
        assert response.status_code == 200
        artwork = Artwork(services.catalogue)
        assert response.content == artwork.png("teamwork", "basic", lang="fr")

    def test_svg_image(self, client: TestClient[Any]) -> None:
        """The SVG twin of an image."""
        response = client.get("/achievements/tutor/image.svg")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("image/svg+xml")
        assert response.content.startswith(b"<svg")

    def test_png_size_parameter(self, client: TestClient[Any]) -> None:
        """``?size=`` picks one of the served sizes."""
        response = client.get("/achievements/teamwork/expert/image.png", params={"size": 128})
        assert Image.open(io.BytesIO(response.content)).size == (128, 128)

    def test_png_size_outside_the_served_sizes_is_refused(self, client: TestClient[Any]) -> None:
        """Arbitrary sizes would multiply renders: 422."""
        response = client.get("/achievements/teamwork/image.png", params={"size": 333})
        _problem(response, 422, "invalid-input")

    def test_png_size_too_large_is_refused(self, client: TestClient[Any]) -> None:
        """No 20,000 px render (a pixel bomb of our own making)."""
        response = client.get("/achievements/teamwork/image.png", params={"size": 20000})
        _problem(response, 422, "invalid-input")

    def test_unknown_language_is_refused(self, client: TestClient[Any]) -> None:
        """Only catalogue languages."""
        response = client.get("/achievements/teamwork/image.png", params={"lang": "xx"})
        _problem(response, 422, "invalid-input")

    def test_unknown_achievement_is_not_found(self, client: TestClient[Any]) -> None:
        """No image of a slug outside the catalogue."""
        _problem(client.get("/achievements/juggling/image.png"), 404, "not-found")

    def test_unknown_outcome_is_not_found(self, client: TestClient[Any]) -> None:
        """No image of a level the outcome scale does not have."""
        _problem(client.get("/achievements/teamwork/master/image.svg"), 404, "not-found")

    def test_outcome_of_a_role_is_not_found(self, client: TestClient[Any]) -> None:
        """Roles have no outcome images."""
        _problem(client.get("/achievements/trainer/expert/image.png"), 404, "not-found")

    def test_conditional_request(self, client: TestClient[Any]) -> None:
        """A matching ``If-None-Match`` gets 304 without a body."""
        first = client.get("/achievements/teamwork/image.png")
        again = client.get(
            "/achievements/teamwork/image.png", headers={"If-None-Match": first.headers["etag"]}
        )
        assert again.status_code == 304
        assert again.content == b""

    def test_the_achievement_document_still_serves(self, client: TestClient[Any]) -> None:
        """The image routes do not shadow the achievement's JSON-LD at its id."""
        response = client.get("/achievements/teamwork")
        assert response.status_code == 200
        assert response.json()["id"] == f"{BASE}/achievements/teamwork"


class TestCredentialImage:
    """An issued credential names its artwork, which resolves."""

    def test_credential_image_resolves_to_its_outcome_artwork(
        self, client: TestClient[Any], credential: dict[str, Any], services: LocalServices
    ) -> None:
        """``image`` is the Polish teamwork badge at the expert level."""
        image = credential["image"]
        assert image["id"] == f"{BASE}/achievements/teamwork/expert/image.png?lang=pl"
        response = client.get(_path(image["id"]))
        assert response.status_code == 200
        assert response.headers["content-type"] == "image/png"
        artwork = Artwork(services.catalogue)
        assert response.content == artwork.png("teamwork", "expert", lang="pl")
        assert image["caption"] == artwork.alt_text("teamwork", "expert", lang="pl")

    def test_subject_achievement_image_resolves(
        self, client: TestClient[Any], credential: dict[str, Any]
    ) -> None:
        """The embedded Achievement's image resolves too."""
        url = credential["credentialSubject"]["achievement"]["image"]["id"]
        assert client.get(_path(url)).status_code == 200

    def test_role_credential_image_is_the_role_artwork(
        self, client: TestClient[Any], token: str
    ) -> None:
        """A role has no level: its credential shows the role's badge."""
        credential = _issue(
            client, token, achievement="tutor", outcome=None, complexity=None, lang="en"
        )
        assert credential["image"]["id"] == f"{BASE}/achievements/tutor/image.png"
        assert client.get(_path(credential["image"]["id"])).status_code == 200

    def test_credential_with_image_verifies(
        self, credential: dict[str, Any], services: LocalServices
    ) -> None:
        """The image is inside the signed graph: the credential verifies."""
        signed = _stored(services, _uuid(credential)).signed_bytes
        assert signed is not None
        report = services.verifier.verify(signed)
        assert report.verified, report


class TestBakedBadges:
    """``badge.png`` and ``badge.svg`` carry the stored signed bytes exactly."""

    @pytest.mark.parametrize("ext", ["png", "svg"])
    def test_baked_badge_unbakes_to_the_stored_bytes_which_verify(
        self,
        client: TestClient[Any],
        credential: dict[str, Any],
        services: LocalServices,
        ext: str,
    ) -> None:
        """Unbaking gives the stored bytes byte for byte, and those bytes verify."""
        credential_uuid = _uuid(credential)
        response = client.get(f"/credentials/{credential_uuid}/badge.{ext}")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(f"image/{ext}")
        disposition = response.headers["content-disposition"]
        assert disposition == f'attachment; filename="leverup-teamwork-{credential_uuid}.{ext}"'
        assert response.headers["etag"]
        unbake = unbake_png if ext == "png" else unbake_svg
        baked = unbake(response.content)
        stored = _stored(services, credential_uuid).signed_bytes
        assert baked == stored
        report = services.verifier.verify(baked)
        assert report.verified, report

    def test_baked_png_is_the_credential_artwork(
        self, client: TestClient[Any], credential: dict[str, Any], services: LocalServices
    ) -> None:
        """The baked PNG shows the credential's own image (same pixels)."""
        response = client.get(f"/credentials/{_uuid(credential)}/badge.png")
        baked = Image.open(io.BytesIO(response.content))
        plain = Image.open(io.BytesIO(client.get(_path(credential["image"]["id"])).content))
        assert baked.tobytes() == plain.tobytes()

    def test_badge_follows_a_renewal(
        self, client: TestClient[Any], credential: dict[str, Any], services: LocalServices
    ) -> None:
        """The badge bakes whatever bytes are stored now (never a re-serialised copy)."""
        credential_uuid = _uuid(credential)
        stored = _stored(services, credential_uuid).signed_bytes
        assert stored is not None
        changed = stored.replace(b'"Ada Volunteer"', b'"Ada  Volunteer"')
        assert changed != stored
        _set_record(services, credential_uuid, signed_bytes=changed)
        response = client.get(f"/credentials/{credential_uuid}/badge.svg")
        assert unbake_svg(response.content) == changed


class TestQrCodes:
    """QR codes of the credential's public URL."""

    def test_qr_png_encodes_the_public_url(
        self, client: TestClient[Any], credential: dict[str, Any]
    ) -> None:
        """The module matrix is that of ``{BASE}/credentials/{uuid}``, 4 quiet modules."""
        response = client.get(f"/credentials/{_uuid(credential)}/qr.png")
        assert response.status_code == 200
        assert response.headers["content-type"] == "image/png"
        matrix, box = _png_matrix(response.content)
        assert box == QR_BOX_SIZE
        assert box >= 2
        expected = _expected_matrix(credential["id"])
        assert matrix == expected
        assert not any(matrix[0]) and not any(row[0] for row in matrix)

    def test_qr_svg_encodes_the_public_url(
        self, client: TestClient[Any], credential: dict[str, Any]
    ) -> None:
        """The SVG path draws the same modules, on a white background."""
        response = client.get(f"/credentials/{_uuid(credential)}/qr.svg")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("image/svg+xml")
        assert b'fill="white"' in response.content
        assert _svg_matrix(response.content) == _expected_matrix(credential["id"])

    def test_qr_matrix_check_can_fail(self, credential: dict[str, Any]) -> None:
        """The comparison tells URLs apart (another uuid gives another matrix)."""
        other = f"{BASE}/credentials/{uuid.uuid4()}"
        assert _expected_matrix(other) != _expected_matrix(credential["id"])

    def test_qr_of_uppercase_uuid_is_not_found(
        self, client: TestClient[Any], credential: dict[str, Any]
    ) -> None:
        """A credential answers at its canonical uuid only (issue 12, item 38): the upper-case
        spelling is 404, the canonical one carries the stored id."""
        response = client.get(f"/credentials/{_uuid(credential).upper()}/qr.png")
        assert response.status_code == 404
        response = client.get(f"/credentials/{_uuid(credential)}/qr.png")
        assert response.status_code == 200
        assert _png_matrix(response.content)[0] == _expected_matrix(credential["id"])


class TestNegativeCatalogueI:
    """Named cases of the security catalogue, group I."""

    @pytest.mark.parametrize("ext", ["png", "svg"])
    def test_i8_svg_responses_carry_csp_and_nosniff(
        self, client: TestClient[Any], credential: dict[str, Any], ext: str
    ) -> None:
        """Every SVG we serve (artwork, baked badge, QR) is inert in a browser."""
        credential_uuid = _uuid(credential)
        paths = [
            "/achievements/teamwork/image.svg",
            "/achievements/teamwork/expert/image.svg",
            f"/credentials/{credential_uuid}/badge.svg",
            f"/credentials/{credential_uuid}/qr.svg",
        ]
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, path
            assert response.headers["content-security-policy"] == SVG_CSP, path
            assert response.headers["x-content-type-options"] == "nosniff", path
            assert b"<script" not in response.content.lower()
        png = client.get(f"/credentials/{credential_uuid}/qr.{ext}")
        assert png.headers["x-content-type-options"] == "nosniff"

    @pytest.mark.parametrize("parameter", ["data", "url", "text", "next"])
    def test_i13_qr_ignores_caller_supplied_data(
        self, client: TestClient[Any], credential: dict[str, Any], parameter: str
    ) -> None:
        """``?data=``/``?url=`` cannot change the code: it still encodes the canonical URL."""
        credential_uuid = _uuid(credential)
        plain = client.get(f"/credentials/{credential_uuid}/qr.png")
        forged = client.get(
            f"/credentials/{credential_uuid}/qr.png",
            params={parameter: "https://evil.example/verify/x"},
        )
        assert forged.status_code == 200
        assert forged.content == plain.content
        assert _png_matrix(forged.content)[0] == _expected_matrix(credential["id"])
        svg = client.get(
            f"/credentials/{credential_uuid}/qr.svg", params={parameter: "https://evil.example"}
        )
        assert _svg_matrix(svg.content) == _expected_matrix(credential["id"])

    def test_i13_qr_of_a_foreign_url_is_not_served(self, client: TestClient[Any]) -> None:
        """A URL in place of the id names no credential: 404, and no redirect anywhere."""
        response = client.get(
            "/credentials/https%3A%2F%2Fevil.example%2Fverify/qr.png", follow_redirects=False
        )
        assert response.status_code == 404
        assert "location" not in response.headers

    def test_i13_no_open_redirect_from_credential_media(
        self, client: TestClient[Any], credential: dict[str, Any]
    ) -> None:
        """``?next=`` on a badge or QR is ignored: 200, never a redirect."""
        for kind in ("badge.png", "qr.svg"):
            response = client.get(
                f"/credentials/{_uuid(credential)}/{kind}",
                params={"next": "https://evil.example"},
                follow_redirects=False,
            )
            assert response.status_code == 200
            assert "location" not in response.headers

    @pytest.mark.parametrize("kind", ["badge.png", "badge.svg", "qr.png", "qr.svg"])
    def test_i14_unknown_uuid_is_not_found(self, client: TestClient[Any], kind: str) -> None:
        """A well-formed uuid that names no credential: 404 credential-not-found."""
        response = client.get(f"/credentials/{uuid.uuid4()}/{kind}")
        _problem(response, 404, "credential-not-found")

    @pytest.mark.parametrize("kind", ["badge.png", "qr.png", "qr.svg"])
    def test_i14_non_uuid_is_not_found(self, client: TestClient[Any], kind: str) -> None:
        """Sequential or guessed ids are not ids: 404 credential-not-found."""
        for ref in ("1", "00001", "..%2F..%2Fetc%2Fpasswd"):
            response = client.get(f"/credentials/{ref}/{kind}")
            assert response.status_code == 404, ref

    @pytest.mark.parametrize("kind", ["badge.png", "badge.svg", "qr.png", "qr.svg"])
    def test_i14_hidden_credential_is_not_found(
        self,
        client: TestClient[Any],
        credential: dict[str, Any],
        services: LocalServices,
        kind: str,
    ) -> None:
        """Once the holder hides the public page, badge and QR are 404 like the JSON."""
        credential_uuid = _uuid(credential)
        assert client.get(f"/credentials/{credential_uuid}/{kind}").status_code == 200
        _set_record(services, credential_uuid, hidden=True)
        response = client.get(f"/credentials/{credential_uuid}/{kind}")
        _problem(response, 404, "credential-not-found")
        assert client.get(f"/credentials/{credential_uuid}.json").status_code == 404

    def test_i14_erased_credential_is_not_found(
        self, client: TestClient[Any], credential: dict[str, Any], services: LocalServices
    ) -> None:
        """An erased credential has no badge to bake."""
        credential_uuid = _uuid(credential)
        _set_record(services, credential_uuid, signed_bytes=None)
        _problem(
            client.get(f"/credentials/{credential_uuid}/badge.png"), 404, "credential-not-found"
        )

    def test_i15_qr_carries_the_url_not_the_credential(
        self, client: TestClient[Any], credential: dict[str, Any], services: LocalServices
    ) -> None:
        """The code is as small as the URL needs; the whole credential could not even fit."""
        response = client.get(f"/credentials/{_uuid(credential)}/qr.png")
        matrix, _box = _png_matrix(response.content)
        modules = len(matrix) - 2 * QR_BORDER
        assert modules <= 57  # version 10 or less; the URL needs about version 7 at level Q
        signed = _stored(services, _uuid(credential)).signed_bytes
        assert signed is not None
        code = qrcode.QRCode(error_correction=QR_ERROR_CORRECTION)
        code.add_data(signed)
        # qrcode reports "needs a version above 40" as DataOverflowError or ValueError.
        with pytest.raises((qrcode.exceptions.DataOverflowError, ValueError)):
            code.make(fit=True)
