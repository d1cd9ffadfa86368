"""did:key identifiers and resolution (keys.did), against the shared did:key vectors.

Source (read at test time from ``<repo>/../shared/vectors``): ``did-key-ed25519.json``, the
w3c-ccg/did-method-key Ed25519 vectors and their Multikey form. The figures the other tests
need are restated here, so only the full-vector tests skip without the shared folder.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import base58
import pytest
from hypothesis import given
from hypothesis import strategies as st

from keys import (
    Ed25519KeyPair,
    InvalidDidError,
    UnsupportedDidMethodError,
    did_key,
    did_key_verification_method,
    did_method,
    resolve_did_key,
)

# Restated from the vectors so these tests run without the shared folder.
ZERO_SEED = bytes(32)
ZERO_SEED_DID = "did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"
ZERO_SEED_MB = ZERO_SEED_DID.removeprefix("did:key:")
W3C_SEED = bytes.fromhex("c96ef9ea10c5e414c471723aff9de72c35fa5b70fae97e8832ecac7d2e2b8ed6")
W3C_DID = "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
X25519_MB = "z6LShs9GGnqk85isEBzzshkuVWrVKsRp24GnDuHk8QWkARMW"  # keyAgreement key of seed 00…00


@pytest.fixture(scope="module")
def vectors(vectors_dir: Path) -> dict[str, Any]:
    """The shared did:key vectors (the ``vectors_dir`` fixture skips when they are absent)."""
    data: dict[str, Any] = json.loads(
        (vectors_dir / "did-key-ed25519.json").read_text(encoding="utf-8")
    )
    return data


class TestDidKeyVectors:
    def test_zero_seed(self) -> None:
        """Seed 00…00 gives did:key:z6MkiTBz…oWp and its VM id repeats the key."""
        public_key = Ed25519KeyPair.from_seed(ZERO_SEED).public_key
        assert did_key(public_key) == ZERO_SEED_DID
        assert did_key_verification_method(public_key) == f"{ZERO_SEED_DID}#{ZERO_SEED_MB}"

    def test_w3c_vc_di_eddsa_key(self) -> None:
        """The W3C eddsa-rdfc-2022 test key gives its published did:key."""
        assert did_key(Ed25519KeyPair.from_seed(W3C_SEED).public_key) == W3C_DID

    def test_derived_vectors(self, vectors: dict[str, Any]) -> None:
        """Every derived vector: seed → public key → did:key → resolved Multikey VM."""
        derived = vectors["derived"]
        assert len(derived) == 5
        for vector in derived:
            public_key = Ed25519KeyPair.from_seed(bytes.fromhex(vector["seedHex"])).public_key
            assert public_key.hex() == vector["publicKeyHex"]
            assert did_key(public_key) == vector["did"]
            expected = vector["multikeyVerificationMethod"]
            assert did_key_verification_method(public_key) == expected["id"]
            method = resolve_did_key(vector["did"])
            assert (method.id, method.type, method.controller, method.public_key_multibase) == (
                expected["id"],
                expected["type"],
                expected["controller"],
                expected["publicKeyMultibase"],
            )
            assert method.public_key == public_key

    def test_upstream_vectors(self, vectors: dict[str, Any]) -> None:
        """Every upstream CCG DID names the key its seed derives (publicKeyBase58 / JWK x)."""
        upstream = vectors["upstream"]
        assert len(upstream) == 5
        for did, vector in upstream.items():
            public_key = Ed25519KeyPair.from_seed(bytes.fromhex(vector["seed"])).public_key
            assert did_key(public_key) == did
            published = vector["verificationKeyPair"].get("publicKeyBase58")
            if published is not None:
                assert base58.b58decode(published) == public_key
            assert resolve_did_key(vector["didDocument"]["assertionMethod"][0]).public_key == (
                public_key
            )


class TestResolveDidKey:
    def test_resolves_a_did_without_fragment(self) -> None:
        """A bare did:key resolves to its single key, VM id = did + '#' + multibase."""
        method = resolve_did_key(ZERO_SEED_DID)
        assert method.id == f"{ZERO_SEED_DID}#{ZERO_SEED_MB}"
        assert method.controller == ZERO_SEED_DID
        assert method.public_key == Ed25519KeyPair.from_seed(ZERO_SEED).public_key

    def test_resolves_a_did_url_with_its_own_fragment(self) -> None:
        """did:key:zX#zX resolves to the same method as did:key:zX."""
        assert resolve_did_key(f"{ZERO_SEED_DID}#{ZERO_SEED_MB}") == resolve_did_key(ZERO_SEED_DID)

    @given(st.binary(min_size=32, max_size=32))
    def test_round_trips(self, public_key: bytes) -> None:
        """resolve_did_key(did_key_verification_method(k)).public_key == k."""
        assert resolve_did_key(did_key_verification_method(public_key)).public_key == public_key

    def test_rejects_a_missing_z(self) -> None:
        """E9: did:key:6Mk… (no multibase 'z') is invalid."""
        with pytest.raises(InvalidDidError, match="'z"):
            resolve_did_key("did:key:" + ZERO_SEED_MB[1:])

    def test_rejects_a_base58_error(self) -> None:
        """E9: a character outside base58 ('0') makes the DID invalid."""
        with pytest.raises(InvalidDidError, match="base58"):
            resolve_did_key(ZERO_SEED_DID[:-1] + "0")

    def test_rejects_a_fragment_naming_another_key(self) -> None:
        """E9: did:key:zA#zB is refused; the fragment must repeat the key."""
        other = did_key(Ed25519KeyPair.from_seed(W3C_SEED).public_key).removeprefix("did:key:")
        with pytest.raises(InvalidDidError, match="fragment"):
            resolve_did_key(f"{ZERO_SEED_DID}#{other}")

    def test_rejects_an_empty_fragment(self) -> None:
        """did:key:zX# is refused."""
        with pytest.raises(InvalidDidError, match="fragment"):
            resolve_did_key(ZERO_SEED_DID + "#")

    def test_rejects_a_key_agreement_fragment(self) -> None:
        """did:key:zX#z6LS… (the derived X25519 key) is not the signing key."""
        with pytest.raises(InvalidDidError, match="fragment"):
            resolve_did_key(f"{ZERO_SEED_DID}#{X25519_MB}")

    def test_rejects_service_parameter(self) -> None:
        """E9: did:key:zX;service=x is refused."""
        with pytest.raises(InvalidDidError, match="parameters"):
            resolve_did_key(ZERO_SEED_DID + ";service=x")

    def test_rejects_a_query(self) -> None:
        """did:key:zX?versionId=1 is refused."""
        with pytest.raises(InvalidDidError, match="query"):
            resolve_did_key(ZERO_SEED_DID + "?versionId=1")

    def test_rejects_a_path(self) -> None:
        """did:key:zX/path is refused."""
        with pytest.raises(InvalidDidError, match="path"):
            resolve_did_key(ZERO_SEED_DID + "/path")

    def test_rejects_the_version_form(self) -> None:
        """did:key:1:zX (the old versioned form) is refused."""
        with pytest.raises(InvalidDidError, match="version"):
            resolve_did_key("did:key:1:" + ZERO_SEED_MB)

    def test_rejects_upper_case_scheme_and_method(self) -> None:
        """E9: DID:KEY:zX is refused."""
        with pytest.raises(InvalidDidError, match="lower-case"):
            resolve_did_key(ZERO_SEED_DID.replace("did:key:", "DID:KEY:"))

    def test_rejects_upper_case_method(self) -> None:
        """did:KEY:zX is refused."""
        with pytest.raises(InvalidDidError, match="lower-case"):
            resolve_did_key(ZERO_SEED_DID.replace("did:key:", "did:KEY:"))

    def test_rejects_an_x25519_key(self) -> None:
        """did:key:z6LS… is an X25519 key, not Ed25519."""
        with pytest.raises(InvalidDidError, match="x25519"):
            resolve_did_key("did:key:" + X25519_MB)

    def test_rejects_a_31_byte_key(self) -> None:
        """A did:key holding 0xed01 + 31 bytes is refused (invalidPublicKeyLength)."""
        short = "z" + base58.b58encode(b"\xed\x01" + bytes(range(31))).decode()
        with pytest.raises(InvalidDidError, match="31-byte"):
            resolve_did_key("did:key:" + short)

    def test_rejects_a_did_web(self) -> None:
        """A did:web is not a did:key."""
        with pytest.raises(InvalidDidError, match="not a did:key"):
            resolve_did_key("did:web:example.com")

    def test_rejects_did_ethr_as_unsupported(self) -> None:
        """E10: did:ethr is an unsupported method."""
        with pytest.raises(UnsupportedDidMethodError, match="did:ethr"):
            resolve_did_key("did:ethr:0xb9c5714089478a327f09197987f16f9e5d936e8a")


class TestDidMethod:
    def test_recognises_did_key(self) -> None:
        """did:key URLs are method 'key'."""
        assert did_method(f"{ZERO_SEED_DID}#{ZERO_SEED_MB}") == "key"

    def test_recognises_did_web(self) -> None:
        """did:web DIDs are method 'web'."""
        assert did_method("did:web:example.com:issuers:1#key-1") == "web"

    def test_rejects_did_ethr(self) -> None:
        """E10: did:ethr is unsupported."""
        with pytest.raises(UnsupportedDidMethodError, match="not supported"):
            did_method("did:ethr:0xb9c5714089478a327f09197987f16f9e5d936e8a")

    def test_rejects_did_peer(self) -> None:
        """E10: did:peer is unsupported."""
        with pytest.raises(UnsupportedDidMethodError):
            did_method("did:peer:0z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp")

    def test_rejects_did_webvh(self) -> None:
        """E10: did:webvh is not did:web."""
        with pytest.raises(UnsupportedDidMethodError):
            did_method("did:webvh:QmHash:example.com")

    def test_rejects_an_https_issuer(self) -> None:
        """E10: an https: issuer URL is not a DID."""
        with pytest.raises(UnsupportedDidMethodError, match="not a DID"):
            did_method(
                "https://issuer.example/issuers/1#z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"
            )

    def test_rejects_a_urn(self) -> None:
        """A urn:uuid is not a DID."""
        with pytest.raises(UnsupportedDidMethodError):
            did_method("urn:uuid:2b3c1a6e-9d0a-4d3e-8f6b-1c2d3e4f5a6b")

    def test_rejects_a_did_without_method(self) -> None:
        """'did:' alone is malformed."""
        with pytest.raises(InvalidDidError, match="well-formed"):
            did_method("did:")

    def test_rejects_a_did_without_identifier(self) -> None:
        """'did:key' with no method-specific id is malformed."""
        with pytest.raises(InvalidDidError, match="well-formed"):
            did_method("did:key")

    def test_rejects_an_upper_case_unsupported_method(self) -> None:
        """did:ETHR is malformed (method names are lower-case), not merely unsupported."""
        with pytest.raises(InvalidDidError, match="lower-case"):
            did_method("did:ETHR:0x1")

    def test_rejects_a_malformed_method_name(self) -> None:
        """A method name with characters outside [a-z0-9] is malformed, not unsupported."""
        with pytest.raises(InvalidDidError, match="well-formed"):
            did_method("did:e_thr:0x1")

    def test_rejects_an_overlong_did(self) -> None:
        """A DID of megabytes is refused by length."""
        with pytest.raises(InvalidDidError, match="too long"):
            did_method("did:web:" + "a" * 1_000_000)
