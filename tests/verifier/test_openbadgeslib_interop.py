"""openbadgeslib's default outputs verify in ours, or read revoked / suspended (issue 12,
item 24; with items 19, 20 and 21 that made them pass).

Credentials are issued by openbadgeslib itself: its library (``OB3Signer`` RS256, ES256 and
EdDSA JWT-VCs; ``OB3LdpSigner`` Data Integrity) and its command-line tools
(``openbadges-init``, ``-keygenerator``, ``-signer``, ``-publish``), with revocation and
suspension lists. Its did:web document and status lists are served by the loopback TLS server
(see :mod:`openbadgeslib_support`); nothing leaves the machine.
"""

from __future__ import annotations

import base64
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import pytest
from network_support import TestServer, make_pki, serve, tls_server_context
from openbadgeslib_support import (
    BADGE,
    HOST,
    RECIPIENT,
    LibraryIssuer,
    checks,
    our_verifier,
    require_cli,
    require_openbadgeslib,
    serve_file,
)

from common.baking import unbake
from common.jsonld import JsonLdProcessor
from verifier import VerificationReport
from verifier.problems import REVOKED

LOOPBACK = True
"""These tests talk to a loopback test server: the verifier-wide network guard is off."""

JWT_KEY_TYPES = [
    pytest.param("RSA", "RS256", id="rs256-default"),
    pytest.param("ECC", "ES256", id="es256"),
    pytest.param("ED25519", "EdDSA", id="eddsa"),
]


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The test CA and the ``issuer.test`` certificate."""
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture
def tls_server(pki: dict[str, Path]) -> Iterator[TestServer]:
    """The loopback HTTPS server openbadgeslib 'publishes' on."""
    with serve(tls_server_context(pki)) as running:
        yield running


@pytest.fixture
def ob3() -> Any:
    """``openbadgeslib.ob3`` (skips, or fails in CI, when missing)."""
    return require_openbadgeslib()


def _verify(jsonld: JsonLdProcessor, pki: dict[str, Path], data: Any) -> VerificationReport:
    return our_verifier(jsonld, pki).verify(data)


def _assert_valid(report: VerificationReport) -> None:
    assert report.verified, checks(report)
    status = report.check("status")
    assert status is not None and status.status == "passed", checks(report)


def _assert_status(report: VerificationReport, state: str) -> None:
    """``state`` ("revoked" or "suspended") read from the list: a failure, never an error."""
    assert report.verified is False
    status = report.check("status")
    assert status is not None, checks(report)
    assert status.status == "failed", checks(report)
    assert status.problem is not None and status.problem.type == REVOKED
    assert status.message.startswith(state), status.message
    for check_id in ("proof", "issuer", "expiration", "not_before"):
        check = report.check(check_id)
        assert check is not None and check.status == "passed", checks(report)


class TestLibrary:
    @pytest.mark.parametrize(("key_type", "alg"), JWT_KEY_TYPES)
    def test_i12_24_jwt_vc_verifies_then_reads_revoked_and_suspended(
        self,
        jsonld: JsonLdProcessor,
        pki: dict[str, Path],
        tls_server: TestServer,
        ob3: Any,
        key_type: str,
        alg: str,
    ) -> None:
        """Item 24: OB3Signer's JWT-VC (jwk header, no kid) verifies; revoked in its JWT
        revocation list it reads "revoked", suspended in its suspension list "suspended"."""
        issuer = LibraryIssuer(ob3, tls_server, key_type)
        kept, revoked, suspended = issuer.issue_jwt(7), issuer.issue_jwt(8), issuer.issue_jwt(9)
        header = json.loads(ob3_b64(kept.split(".")[0]))
        assert header["alg"] == alg and "jwk" in header and "kid" not in header
        for token in (kept, revoked, suspended):
            _assert_valid(_verify(jsonld, pki, token))
        issuer.set_bits["revocation"].add(8)
        issuer.set_bits["suspension"].add(9)
        issuer.publish()
        _assert_valid(_verify(jsonld, pki, kept))
        _assert_status(_verify(jsonld, pki, revoked), "revoked")
        _assert_status(_verify(jsonld, pki, suspended), "suspended")

    def test_i12_24_data_integrity_verifies_then_reads_revoked(
        self, jsonld: JsonLdProcessor, pki: dict[str, Path], tls_server: TestServer, ob3: Any
    ) -> None:
        """Item 24: OB3LdpSigner's eddsa-rdfc-2022 credential (the did:web key published as a
        JsonWebKey2020) verifies, then reads "revoked" (its status list stays a JWT)."""
        issuer = LibraryIssuer(ob3, tls_server, "ED25519")
        document = issuer.issue_data_integrity(11)
        assert json.loads(document)["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
        _assert_valid(_verify(jsonld, pki, document))
        issuer.set_bits["revocation"].add(11)
        issuer.publish()
        _assert_status(_verify(jsonld, pki, document), "revoked")

    def test_i12_24_jwt_vc_by_another_key_fails(
        self, jsonld: JsonLdProcessor, pki: dict[str, Path], tls_server: TestServer, ob3: Any
    ) -> None:
        """Item 24 control: a credential naming the issuer but signed (with its jwk header) by
        a key the issuer's DID does not publish fails; the jwk alone is never trusted."""
        issuer = LibraryIssuer(ob3, tls_server, "ECC")
        impostor = LibraryIssuer(ob3, tls_server, "ECC")
        token = impostor.issue_jwt(3)
        issuer.publish()  # the DID document served is the issuer's again
        report = _verify(jsonld, pki, token)
        assert report.verified is False
        proof = report.check("proof")
        assert proof is not None and proof.status == "failed", checks(report)


def ob3_b64(segment: str) -> bytes:
    """Decode one base64url JWT segment."""
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


SVG: Final = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64">'
    b'<circle cx="32" cy="32" r="30" fill="#336699"/></svg>'
)


class CliIssuer:
    """openbadgeslib's command-line tools, configured as its README's quick start does (the
    generated config.ini, RSA keys by default), with ``did = auto`` (the did:web DID whose
    document ``openbadges-publish -V 3`` writes) and both status lists turned on."""

    def __init__(self, folder: Path, server: TestServer, key_type: str = "RSA") -> None:
        self.folder = folder
        self.server = server
        self.config = folder / "config" / "config.ini"
        self.public = folder / "public"
        self._run("openbadges-init", str(folder / "config"))
        text = self.config.read_text(encoding="utf-8")
        replacements = {
            "publish_url    = https://openbadges.issuer.badge/issuer/": (
                f"publish_url    = https://{HOST}:{server.port}/obl/"
            ),
            ";did            = auto": "did            = auto",
            ";status_lists     = revocation, suspension": (
                "status_lists     = revocation, suspension"
            ),
            "key_type    = RSA": f"key_type    = {key_type}",
        }
        for old, new in replacements.items():
            assert old in text, f"openbadges-init's config.ini changed: {old!r} not found"
            text = text.replace(old, new, 1)
        self.config.write_text(text, encoding="utf-8")
        (folder / "config" / "images" / "image_badge1.svg").write_bytes(SVG)
        self._run("openbadges-keygenerator", "-c", str(self.config), "-g", "1")

    def _run(self, tool: str, *args: str) -> str:
        done = subprocess.run(
            [require_cli(tool), *args],
            cwd=self.folder,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, f"{tool} {args}: {done.stdout}\n{done.stderr}"
        return done.stdout

    def sign(self, recipient: str, *extra: str) -> bytes:
        """``openbadges-signer -b 1 -r RECIPIENT -E``: the baked SVG it writes."""
        out = self.folder / "out"
        self._run(
            "openbadges-signer", "-c", str(self.config), "-b", "1", "-r", recipient,
            "-o", str(out), "-E", *extra,
        )  # fmt: skip
        return (out / f"{BADGE}_{recipient}.svg").read_bytes()

    def publish(self, *operation: str) -> None:
        """``openbadges-publish -V 3`` (with ``--revoke``/``--suspend``/``--unsuspend``), then
        serve what it wrote under ``/obl/``."""
        self._run(
            "openbadges-publish", "-c", str(self.config), "-o", str(self.public), "-V", "3",
            *operation,
        )  # fmt: skip
        for path in self.public.rglob("*"):
            if path.is_file():
                relative = path.relative_to(self.public).as_posix()
                serve_file(self.server, f"/obl/{relative}", path.read_bytes())


class TestCli:
    @pytest.mark.parametrize(
        ("key_type", "proof_format"),
        [
            pytest.param("RSA", (), id="rs256-default"),
            pytest.param("ECC", (), id="es256"),
            pytest.param("ED25519", (), id="eddsa"),
            pytest.param("ED25519", ("-P", "ldp"), id="data-integrity"),
        ],
    )
    def test_i12_24_cli_badges_verify_then_read_revoked_suspended_reinstated(
        self,
        jsonld: JsonLdProcessor,
        pki: dict[str, Path],
        tls_server: TestServer,
        tmp_path: Path,
        key_type: str,
        proof_format: tuple[str, ...],
    ) -> None:
        """Item 24: badges signed by openbadges-signer (its default RS256 JWT-VC, ES256 and
        EdDSA with key_type ECC / ED25519, and -P ldp), baked in SVG and unbaked by ours,
        verify; after openbadges-publish --revoke one reads "revoked", after --suspend another
        "suspended", and after --unsuspend valid again."""
        issuer = CliIssuer(tmp_path, tls_server, key_type)
        first = unbake(issuer.sign(RECIPIENT, *proof_format))
        second = unbake(issuer.sign("second@example.org", *proof_format))
        issuer.publish()
        _assert_valid(_verify(jsonld, pki, first))
        _assert_valid(_verify(jsonld, pki, second))
        issuer.publish("--revoke", RECIPIENT, "--reason", "issued in error")
        _assert_status(_verify(jsonld, pki, first), "revoked")
        issuer.publish("--suspend", "second@example.org")
        _assert_status(_verify(jsonld, pki, second), "suspended")
        issuer.publish("--unsuspend", "second@example.org")
        _assert_valid(_verify(jsonld, pki, second))
        _assert_status(_verify(jsonld, pki, first), "revoked")
