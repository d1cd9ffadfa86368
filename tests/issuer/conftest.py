"""Fixtures for the issuer tests: a catalogue, an issuer and a did:key signer."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from badge_classes import Catalogue
from common.jsonld import JsonLdProcessor
from issuer import CredentialIssuer, IssuerProfile, Signer
from keys.did import did_key, did_key_verification_method
from keys.ed25519 import Ed25519KeyPair

BASE = "https://badges.example.org"
SEED = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
ISSUED_AT = datetime(2026, 5, 4, 10, 30, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return Catalogue.load()


@pytest.fixture(scope="session")
def key_pair() -> Ed25519KeyPair:
    return Ed25519KeyPair.from_seed(SEED)


@pytest.fixture(scope="session")
def signer(key_pair: Ed25519KeyPair) -> Signer:
    return Signer(key_pair, did_key_verification_method(key_pair.public_key))


@pytest.fixture(scope="session")
def profile(key_pair: Ed25519KeyPair) -> IssuerProfile:
    return IssuerProfile(
        id=did_key(key_pair.public_key),
        name="Centro Volontariato Demo",
        url="https://cv.example.org",
    )


@pytest.fixture(scope="session")
def credential_issuer(processor: JsonLdProcessor, catalogue: Catalogue) -> CredentialIssuer:
    return CredentialIssuer(processor, catalogue, base_url=BASE)
