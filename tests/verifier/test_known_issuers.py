"""Known issuers and the ASCII issuer host (issue 4 "known-issuer list"; catalogue E13)."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
from verifier_support import T1_DID, WEB_DID, make_verifier

from common.jsonld import JsonLdProcessor
from verifier import KnownIssuers, Verifier
from verifier.known_issuers import issuer_host


def _verifier(jsonld: JsonLdProcessor, known: Any, **kwargs: Any) -> Verifier:
    base = make_verifier(jsonld, **kwargs)
    return Verifier(
        jsonld,
        base._resolver,
        clock=base._clock,
        known_issuers=known,
    )


def test_trusted_did_is_known(jsonld: JsonLdProcessor, signed: dict[str, Any]) -> None:
    report = _verifier(jsonld, KnownIssuers([T1_DID])).verify(signed)
    assert report.verified
    assert report.issuer_known is True
    assert b'"issuerKnown":true' in msgspec.json.encode(report)


def test_other_issuer_is_unknown_but_still_verified(
    jsonld: JsonLdProcessor, signed: dict[str, Any]
) -> None:
    report = _verifier(jsonld, KnownIssuers(["did:web:other.example"])).verify(signed)
    assert report.verified
    assert report.issuer_known is False


def test_predicate_marks_our_organisations(
    jsonld: JsonLdProcessor, web_signed: dict[str, Any], web_documents: dict[str, Any]
) -> None:
    known = KnownIssuers((), lambda did: did.startswith("did:web:issuer.example"))
    report = _verifier(jsonld, known, did_documents=web_documents).verify(web_signed)
    assert report.verified
    assert report.issuer_known is True


def test_unverified_issuer_is_never_marked_known(
    jsonld: JsonLdProcessor, signed: dict[str, Any]
) -> None:
    """A tampered credential names a trusted issuer: not verified, and not "known" either."""
    signed["name"] = "Tampered"
    report = _verifier(jsonld, KnownIssuers([T1_DID])).verify(signed)
    assert report.verified is False
    assert report.issuer_known is None


def test_without_a_list_known_is_not_determined(
    jsonld: JsonLdProcessor, signed: dict[str, Any]
) -> None:
    report = make_verifier(jsonld).verify(signed)
    assert report.issuer_known is None


@pytest.mark.parametrize(
    ("issuer", "host"),
    [
        pytest.param(WEB_DID, "issuer.example", id="did-web"),
        pytest.param("did:web:issuer.example%3A8443:orgs:x", "issuer.example", id="did-web-port"),
        pytest.param("https://Issuer.Example/profile", "issuer.example", id="url"),
        pytest.param("https://hárvard.edu/", "xn--hrvard-pta.edu", id="e13-idn-url"),
        pytest.param("did:web:xn--hrvard-pta.edu", "xn--hrvard-pta.edu", id="e13-punycode-did"),
        pytest.param(T1_DID, None, id="did-key"),
    ],
)
def test_e13_issuer_host_is_ascii(issuer: str, host: str | None) -> None:
    assert issuer_host(issuer) == host


def test_e13_summary_carries_the_ascii_host(
    jsonld: JsonLdProcessor, web_signed: dict[str, Any], web_documents: dict[str, Any]
) -> None:
    report = make_verifier(jsonld, did_documents=web_documents).verify(web_signed)
    assert report.credential is not None
    assert report.credential.issuer_host == "issuer.example"
    assert b'"issuerHost":"issuer.example"' in msgspec.json.encode(report)
