"""openbadgeslib as an issuer for the interoperability tests (issue 12, item 24).

openbadgeslib (a dev dependency) issues OB 3.0 credentials in its default forms: a compact
JWT-VC whose header carries the signing key as ``jwk`` (RS256 for its default RSA-2048 keys,
ES256 for P-256, EdDSA for Ed25519) or an ``eddsa-rdfc-2022`` Data Integrity proof; it
publishes a ``did:web`` document (``JsonWebKey2020`` methods named after the badge section)
and Bitstring Status Lists signed as JWTs (``revocation.jwt``, ``suspension.jwt``) under its
``publish_url``, which must be https. Here they are served by the loopback test server over
TLS (a throw-away CA that only our fetcher trusts), and our verifier reaches them through the
bounded fetcher with the development switch for loopback addresses: never the network.

:func:`require_openbadgeslib` skips a test where openbadgeslib is missing, and fails it when CI
requires it (``LEVERUP_REQUIRE_OPENBADGESLIB=1``).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from types import ModuleType
from typing import Any, Final

import pytest
from network_support import Route, TestServer, loopback_resolver, tls_client_context

from common.jsonld import JsonLdProcessor
from verifier import (
    CompositeResolver,
    DidKeyResolver,
    RemoteStatusChecker,
    VerificationReport,
    Verifier,
    WebDidResolver,
)
from verifier.fetch import FetchPolicy, HttpFetcher

BADGE: Final = "badge_1"
"""openbadgeslib's first badge section (the fragment of its key in the DID document)."""
RECIPIENT: Final = "recipient@example.org"
HOST: Final = "issuer.test"
TLS_LOOPBACK: Final = FetchPolicy(allow_http=False, allow_private=True, timeout=2.0)
"""https only (as openbadgeslib publishes), loopback allowed (the development switch)."""
CLI_TOOLS: Final = ("openbadges-init", "openbadges-keygenerator", "openbadges-signer")


def require_openbadgeslib() -> ModuleType:
    """``openbadgeslib.ob3``; skip when openbadgeslib is missing, fail when CI requires it."""
    try:
        import openbadgeslib.ob3 as ob3
    except ImportError as exc:
        _missing(f"openbadgeslib cannot be imported ({exc})")
    return ob3


def require_cli(tool: str) -> str:
    """The path of one of openbadgeslib's command-line tools (installed beside our Python)."""
    require_openbadgeslib()
    found = shutil.which(tool, path=str(Path(sys.executable).parent)) or shutil.which(tool)
    if found is None:
        _missing(f"openbadgeslib's {tool} is not installed")
    return found


def _missing(reason: str) -> Any:
    if os.environ.get("LEVERUP_REQUIRE_OPENBADGESLIB") == "1":
        pytest.fail(f"LEVERUP_REQUIRE_OPENBADGESLIB=1 but {reason}", pytrace=False)
    pytest.skip(f"{reason}: it is a dev dependency, `make install` brings it")


def our_verifier(jsonld: JsonLdProcessor, pki: dict[str, Path]) -> Verifier:
    """Our verifier as the app composes it for foreign credentials: did:key, did:web over the
    bounded fetcher, foreign status lists (a fresh one per call: nothing cached)."""
    fetcher = HttpFetcher(
        TLS_LOOPBACK, resolve=loopback_resolver(), ssl_context=tls_client_context(pki)
    )
    web = WebDidResolver(fetcher, allow_development_hosts=True)
    resolver = CompositeResolver([DidKeyResolver(), web])
    status = RemoteStatusChecker(fetcher, jsonld, resolver)
    return Verifier(jsonld, resolver, status_checker=status)


def serve_file(server: TestServer, path: str, body: bytes) -> None:
    """Serve ``body`` at ``path`` with the media type a static host gives its extension."""
    media_type = {
        ".json": "application/json",
        ".jwt": "application/vc+jwt",
        ".pem": "application/x-pem-file",
    }.get(Path(path).suffix, "application/octet-stream")
    server.routes[path] = Route(body=body, headers={"Content-Type": media_type})


def checks(report: VerificationReport) -> list[tuple[str, str, str]]:
    """The report's checks, for assertion messages."""
    return [(check.id, check.status, check.message) for check in report.checks]


class LibraryIssuer:
    """An openbadgeslib issuer driven through its library, publishing on ``server``.

    Args:
        ob3: ``openbadgeslib.ob3``.
        server: The loopback TLS server.
        key_type: ``"RSA"`` (openbadgeslib's default), ``"ECC"`` or ``"ED25519"``.
    """

    def __init__(self, ob3: ModuleType, server: TestServer, key_type: str) -> None:
        from openbadgeslib import keys

        self.ob3 = ob3
        self.server = server
        kind = keys.KeyType[key_type]
        self.private_pem, public_pem = keys.KeyFactory(kind).generate_keypair()
        self.algorithm = keys.alg_for_key_type(kind)
        self.publish_url = f"https://{HOST}:{server.port}/obl/"
        self.did = ob3.did_web_from_url(self.publish_url)
        self.public_jwk = keys.public_jwk_from_pem(public_pem)
        self.list_urls = {
            purpose: f"{self.publish_url}{BADGE}/{purpose}.jwt"
            for purpose in ("revocation", "suspension")
        }
        self.set_bits: dict[str, set[int]] = {"revocation": set(), "suspension": set()}
        self.publish()

    def publish(self) -> None:
        """(Re)publish the DID document and both status lists, signed as openbadgeslib does."""
        document = self.ob3.build_did_document(self.did, [(BADGE, self.public_jwk)])
        serve_file(self.server, "/obl/did.json", json.dumps(document).encode())
        for purpose, url in self.list_urls.items():
            vc = self.ob3.build_status_list_credential(
                self.did, url, purpose, sorted(self.set_bits[purpose])
            )
            token = self.ob3.sign_status_list_credential(vc, self.private_pem, self.algorithm)
            serve_file(self.server, f"/obl/{BADGE}/{purpose}.jwt", token.encode("ascii"))

    def credential(self, index: int) -> Any:
        """An OpenBadgeCredential with a revocation and a suspension entry at ``index``."""
        ob3 = self.ob3
        return ob3.OpenBadgeCredential(
            issuer=ob3.Issuer(id=self.did, name="openbadgeslib test issuer"),
            recipient_id=f"mailto:{RECIPIENT}",
            achievement=ob3.Achievement(
                id=f"{self.publish_url}{BADGE}/badge.json",
                name="Interoperability",
                description="Issued by openbadgeslib, verified by LEVER UP Badges.",
                criteria_narrative="Be issued by openbadgeslib.",
            ),
            credential_status=[
                ob3.status_entry(url, purpose, index) for purpose, url in self.list_urls.items()
            ],
        )

    def issue_jwt(self, index: int) -> str:
        """A compact JWT-VC, signed by ``OB3Signer`` in its default form (``jwk`` header)."""
        signer = self.ob3.OB3Signer(privkey_pem=self.private_pem, algorithm=self.algorithm)
        token: str = signer.sign(self.credential(index))
        return token

    def issue_data_integrity(self, index: int) -> bytes:
        """The credential with an ``eddsa-rdfc-2022`` proof by the published key (Ed25519)."""
        signer = self.ob3.OB3LdpSigner(self.private_pem, verification_method=f"{self.did}#{BADGE}")
        document = signer.sign_to_json(self.credential(index))
        return document.encode("utf-8") if isinstance(document, str) else bytes(document)
