"""did:web identifiers, URLs and documents (keys.did)."""

from __future__ import annotations

import pytest

from keys import (
    Ed25519KeyPair,
    InvalidDidError,
    UnsupportedDidMethodError,
    did_web,
    did_web_document,
    did_web_url,
    encode_public_key,
    resolve_in_document,
)

KEY_1 = Ed25519KeyPair.from_seed(bytes(31) + b"\x01").public_key
KEY_2 = Ed25519KeyPair.from_seed(bytes(31) + b"\x02").public_key


class TestDidWeb:
    def test_host_only(self) -> None:
        """A bare host becomes did:web:host."""
        assert did_web("example.com") == "did:web:example.com"

    def test_port_colon_is_percent_encoded(self) -> None:
        """host:port becomes host%3Aport."""
        assert did_web("127.0.0.1:8000") == "did:web:127.0.0.1%3A8000"

    def test_path_segments_are_joined_with_colons(self) -> None:
        """Path segments follow the host, separated by ':'."""
        assert did_web("example.com", ["issuers", "t1"]) == "did:web:example.com:issuers:t1"

    def test_host_is_lower_cased(self) -> None:
        """DNS names are case-insensitive; the DID uses lower case."""
        assert did_web("Example.COM") == "did:web:example.com"

    def test_rejects_a_slash_in_the_host(self) -> None:
        """A host holding '/' is refused."""
        with pytest.raises(InvalidDidError, match="'/'"):
            did_web("example.com/evil")

    def test_rejects_userinfo(self) -> None:
        """user@host is refused."""
        with pytest.raises(InvalidDidError, match="'@'"):
            did_web("user@example.com")

    def test_rejects_an_empty_host(self) -> None:
        """An empty host is refused."""
        with pytest.raises(InvalidDidError):
            did_web("")

    def test_rejects_a_non_numeric_port(self) -> None:
        """host:http is refused."""
        with pytest.raises(InvalidDidError):
            did_web("example.com:http")

    def test_rejects_a_port_out_of_range(self) -> None:
        """Port 70000 is refused."""
        with pytest.raises(InvalidDidError, match="out of range"):
            did_web("example.com:70000")

    def test_rejects_a_path_smuggled_in_the_host(self) -> None:
        """host:port:extra would become a path segment; it is refused."""
        with pytest.raises(InvalidDidError, match="host:port"):
            did_web("example.com:8000:extra")

    def test_rejects_an_encoded_port_in_the_host(self) -> None:
        """The caller passes ':' for a port; a pre-encoded %3A is refused."""
        with pytest.raises(InvalidDidError, match="host:port"):
            did_web("example.com%3A8000")

    def test_rejects_a_colon_in_a_segment(self) -> None:
        """A segment holding ':' would split into two; it is refused."""
        with pytest.raises(InvalidDidError):
            did_web("example.com", ["a:b"])

    def test_rejects_a_dot_dot_segment(self) -> None:
        """A '..' path segment is refused."""
        with pytest.raises(InvalidDidError, match=r"'\.\.'"):
            did_web("example.com", ["..", "admin"])

    def test_rejects_an_empty_segment(self) -> None:
        """An empty path segment is refused."""
        with pytest.raises(InvalidDidError, match="empty"):
            did_web("example.com", ["issuers", ""])

    def test_rejects_a_segment_with_a_slash(self) -> None:
        """A segment holding '/' is refused."""
        with pytest.raises(InvalidDidError):
            did_web("example.com", ["a/b"])


class TestDidWebUrl:
    def test_bare_host_uses_well_known(self) -> None:
        """did:web:host → https://host/.well-known/did.json."""
        assert did_web_url("did:web:example.com") == "https://example.com/.well-known/did.json"

    def test_path_maps_to_segments(self) -> None:
        """did:web:host:a:b → https://host/a/b/did.json."""
        assert did_web_url("did:web:example.com:issuers:t1") == (
            "https://example.com/issuers/t1/did.json"
        )

    def test_port_is_decoded(self) -> None:
        """%3A before a port becomes ':' in the URL."""
        assert (
            did_web_url("did:web:127.0.0.1%3A8000") == "https://127.0.0.1:8000/.well-known/did.json"
        )

    def test_lower_case_percent_3a_is_a_port_too(self) -> None:
        """%3a is the same escape as %3A."""
        assert did_web_url("did:web:example.com%3a8443:x") == "https://example.com:8443/x/did.json"

    def test_rejects_dot_dot_segments(self) -> None:
        """E2: did:web:example.com:..:..:admin is refused."""
        with pytest.raises(InvalidDidError, match=r"'\.\.'"):
            did_web_url("did:web:example.com:..:..:admin")

    def test_rejects_an_encoded_slash(self) -> None:
        """E2: did:web:example.com%2F..%2Fadmin is refused."""
        with pytest.raises(InvalidDidError, match="percent-encoded"):
            did_web_url("did:web:example.com%2F..%2Fadmin")

    def test_rejects_an_encoded_slash_in_a_segment(self) -> None:
        """E2: %2F inside a path segment is refused."""
        with pytest.raises(InvalidDidError, match="not allowed"):
            did_web_url("did:web:example.com:a%2F..%2Fadmin")

    def test_rejects_encoded_userinfo(self) -> None:
        """E2: did:web:user%40evil.example is refused."""
        with pytest.raises(InvalidDidError, match="percent-encoded"):
            did_web_url("did:web:user%40evil.example")

    def test_rejects_userinfo(self) -> None:
        """did:web:user@evil.example is refused."""
        with pytest.raises(InvalidDidError, match="'@'"):
            did_web_url("did:web:user@evil.example")

    def test_rejects_a_query(self) -> None:
        """A '?' is refused."""
        with pytest.raises(InvalidDidError, match="query"):
            did_web_url("did:web:example.com?x=1")

    def test_rejects_a_fragment(self) -> None:
        """A DID URL with '#' is refused: pass the DID."""
        with pytest.raises(InvalidDidError, match="fragment"):
            did_web_url("did:web:example.com#key-1")

    def test_rejects_an_empty_segment(self) -> None:
        """did:web:example.com::x is refused."""
        with pytest.raises(InvalidDidError, match="empty"):
            did_web_url("did:web:example.com::x")

    def test_rejects_a_trailing_colon(self) -> None:
        """did:web:example.com: is refused."""
        with pytest.raises(InvalidDidError, match="empty"):
            did_web_url("did:web:example.com:")

    def test_rejects_an_encoded_ipv6_literal(self) -> None:
        """did:web:%5B%3A%3A1%5D ([::1]) is refused."""
        with pytest.raises(InvalidDidError):
            did_web_url("did:web:%5B%3A%3A1%5D")

    def test_rejects_a_label_starting_with_a_hyphen(self) -> None:
        """-evil.example is not a DNS name."""
        with pytest.raises(InvalidDidError, match="DNS name"):
            did_web_url("did:web:-evil.example")

    def test_rejects_an_empty_host(self) -> None:
        """did:web: alone is refused."""
        with pytest.raises(InvalidDidError):
            did_web_url("did:web:")

    def test_rejects_a_did_key(self) -> None:
        """A did:key has no did:web URL."""
        with pytest.raises(InvalidDidError, match="not a did:web"):
            did_web_url("did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp")

    def test_rejects_an_unsupported_method(self) -> None:
        """E10: did:ethr raises UnsupportedDidMethodError."""
        with pytest.raises(UnsupportedDidMethodError):
            did_web_url("did:ethr:0x1")


class TestDidWebDocument:
    def test_lists_every_key_as_an_absolute_assertion_method(self) -> None:
        """The document has both contexts, absolute VM ids, and assertionMethod as strings."""
        did = "did:web:example.com"
        document = did_web_document(did, [("key-1", KEY_1), ("key-2", KEY_2)])
        assert document == {
            "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": did,
            "verificationMethod": [
                {
                    "id": f"{did}#key-1",
                    "type": "Multikey",
                    "controller": did,
                    "publicKeyMultibase": encode_public_key(KEY_1),
                },
                {
                    "id": f"{did}#key-2",
                    "type": "Multikey",
                    "controller": did,
                    "publicKeyMultibase": encode_public_key(KEY_2),
                },
            ],
            "assertionMethod": [f"{did}#key-1", f"{did}#key-2"],
        }

    def test_grants_no_authentication(self) -> None:
        """Issuer keys sign credentials only: no authentication relationship."""
        document = did_web_document("did:web:example.com", [("key-1", KEY_1)])
        assert "authentication" not in document

    def test_every_key_resolves_strictly(self) -> None:
        """A built document passes resolve_in_document for each of its keys."""
        did = "did:web:example.com%3A8443:issuers:t1"
        document = did_web_document(did, [("key-1", KEY_1), ("key-2", KEY_2)])
        for fragment, key in (("key-1", KEY_1), ("key-2", KEY_2)):
            method = resolve_in_document(document, f"{did}#{fragment}", expected_did=did)
            assert method.public_key == key

    def test_rejects_a_repeated_fragment(self) -> None:
        """Two keys with one fragment would be ambiguous."""
        with pytest.raises(InvalidDidError, match="unique"):
            did_web_document("did:web:example.com", [("key-1", KEY_1), ("key-1", KEY_2)])

    def test_rejects_a_fragment_with_a_hash(self) -> None:
        """A fragment holding '#' is refused."""
        with pytest.raises(InvalidDidError, match="fragment"):
            did_web_document("did:web:example.com", [("key#1", KEY_1)])

    def test_rejects_an_invalid_did(self) -> None:
        """The DID itself is checked."""
        with pytest.raises(InvalidDidError):
            did_web_document("did:web:example.com:..", [("key-1", KEY_1)])
