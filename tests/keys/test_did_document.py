"""Strict verification-method lookup in DID documents (keys.resolve_in_document)."""

from __future__ import annotations

import logging
from typing import Any

import base58
import pytest

from keys import (
    MAX_VERIFICATION_METHODS,
    Ed25519KeyPair,
    InvalidDidError,
    UnsupportedDidMethodError,
    did_web_document,
    encode_public_key,
    encode_secret_key,
    resolve_in_document,
)

DID = "did:web:issuer.example"
VM = f"{DID}#key-1"
SEED = bytes(31) + b"\x07"
KEY = Ed25519KeyPair.from_seed(SEED).public_key
OTHER_KEY = Ed25519KeyPair.from_seed(bytes(31) + b"\x08").public_key


def document(**changes: Any) -> dict[str, Any]:
    """A valid one-key did:web document with top-level members replaced."""
    base = did_web_document(DID, [("key-1", KEY)])
    base.update(changes)
    return base


def method(**changes: Any) -> dict[str, Any]:
    """The valid verification method of :func:`document` with members replaced."""
    base: dict[str, Any] = {
        "id": VM,
        "type": "Multikey",
        "controller": DID,
        "publicKeyMultibase": encode_public_key(KEY),
    }
    base.update(changes)
    return base


def z58(raw: bytes) -> str:
    return "z" + base58.b58encode(raw).decode()


class TestResolveInDocumentAccepts:
    def test_a_listed_key(self) -> None:
        """The key of a valid document resolves with its id, controller and bytes."""
        resolved = resolve_in_document(document(), VM, expected_did=DID)
        assert (resolved.id, resolved.controller, resolved.type) == (VM, DID, "Multikey")
        assert resolved.public_key == KEY
        assert resolved.public_key_multibase == encode_public_key(KEY)

    def test_a_key_embedded_in_assertion_method(self) -> None:
        """A VM embedded in assertionMethod (and nowhere else) resolves."""
        doc = document(verificationMethod=[], assertionMethod=[method()])
        assert resolve_in_document(doc, VM, expected_did=DID).public_key == KEY

    def test_a_second_key_after_rotation(self) -> None:
        """Each key of a rotated document resolves to its own bytes."""
        doc = did_web_document(DID, [("key-1", KEY), ("key-2", OTHER_KEY)])
        assert resolve_in_document(doc, f"{DID}#key-2", expected_did=DID).public_key == OTHER_KEY

    def test_exactly_the_cap(self) -> None:
        """A document with MAX_VERIFICATION_METHODS methods is still accepted."""
        keys = [(f"key-{i}", KEY if i == 1 else OTHER_KEY) for i in range(1, 65)]
        doc = did_web_document(DID, keys)
        assert len(doc["verificationMethod"]) == MAX_VERIFICATION_METHODS
        assert resolve_in_document(doc, VM, expected_did=DID).public_key == KEY


class TestResolveInDocumentRefuses:
    def test_a_document_id_mismatch(self) -> None:
        """E5: the served document names another DID."""
        with pytest.raises(InvalidDidError, match="does not match"):
            resolve_in_document(document(id="did:web:other.example"), VM, expected_did=DID)

    def test_a_document_without_id(self) -> None:
        """A document with no id is refused."""
        doc = document()
        del doc["id"]
        with pytest.raises(InvalidDidError, match="does not match"):
            resolve_in_document(doc, VM, expected_did=DID)

    def test_a_controller_mismatch(self) -> None:
        """E6: the VM is controlled by another DID."""
        doc = document(verificationMethod=[method(controller="did:web:evil.example")])
        with pytest.raises(InvalidDidError, match=r"controlled by 'did:web:evil\.example'"):
            resolve_in_document(doc, VM, expected_did=DID)

    def test_a_missing_controller(self) -> None:
        """A VM without controller is refused."""
        vm = method()
        del vm["controller"]
        with pytest.raises(InvalidDidError, match="controlled by None"):
            resolve_in_document(document(verificationMethod=[vm]), VM, expected_did=DID)

    def test_a_key_listed_only_under_authentication(self) -> None:
        """E7: a key authorised for authentication only may not sign credentials."""
        doc = document(assertionMethod=[], authentication=[VM])
        with pytest.raises(InvalidDidError, match="not listed in assertionMethod"):
            resolve_in_document(doc, VM, expected_did=DID)

    def test_a_key_listed_only_under_key_agreement(self) -> None:
        """E7: a keyAgreement key may not sign credentials."""
        doc = document(assertionMethod=[], keyAgreement=[VM])
        with pytest.raises(InvalidDidError, match="not listed in assertionMethod"):
            resolve_in_document(doc, VM, expected_did=DID)

    def test_a_document_without_assertion_method(self) -> None:
        """E7: no assertionMethod at all."""
        doc = document()
        del doc["assertionMethod"]
        with pytest.raises(InvalidDidError, match="not listed in assertionMethod"):
            resolve_in_document(doc, VM, expected_did=DID)

    def test_assertion_method_as_a_string(self) -> None:
        """assertionMethod must be an array, not a single string."""
        with pytest.raises(InvalidDidError, match="assertionMethod must be an array"):
            resolve_in_document(document(assertionMethod=VM), VM, expected_did=DID)

    def test_a_relative_id_in_assertion_method(self) -> None:
        """assertionMethod: ["#key-1"] is refused (1EdTech validator: full ids only)."""
        with pytest.raises(InvalidDidError, match="relative id '#key-1'"):
            resolve_in_document(document(assertionMethod=["#key-1"]), VM, expected_did=DID)

    def test_a_relative_verification_method_id(self) -> None:
        """A VM whose id is '#key-1' is refused, not absolutised."""
        doc = document(verificationMethod=[method(id="#key-1")])
        with pytest.raises(InvalidDidError, match="must be an absolute"):
            resolve_in_document(doc, VM, expected_did=DID)

    def test_a_relative_vm_id_argument(self) -> None:
        """The proof's verificationMethod must itself be absolute."""
        with pytest.raises(InvalidDidError, match="must be an absolute"):
            resolve_in_document(document(), "#key-1", expected_did=DID)

    def test_a_vm_id_of_another_did(self) -> None:
        """A VM id under another DID is not a key of the expected DID."""
        with pytest.raises(InvalidDidError, match="is not a key of"):
            resolve_in_document(document(), "did:web:evil.example#key-1", expected_did=DID)

    def test_a_vm_id_without_fragment(self) -> None:
        """The bare DID is not a verification method id."""
        with pytest.raises(InvalidDidError, match="is not a key of"):
            resolve_in_document(document(), DID, expected_did=DID)

    def test_an_unknown_vm(self) -> None:
        """A VM id the document does not define is refused."""
        with pytest.raises(InvalidDidError, match="not in the DID document"):
            resolve_in_document(document(), f"{DID}#key-9", expected_did=DID)

    def test_duplicate_vm_ids(self) -> None:
        """E11: two VMs sharing an id with different keys are ambiguous."""
        second = method(publicKeyMultibase=encode_public_key(OTHER_KEY))
        doc = document(verificationMethod=[method(), second])
        with pytest.raises(InvalidDidError, match="defined more than once"):
            resolve_in_document(doc, VM, expected_did=DID)

    def test_a_duplicate_embedded_in_a_relationship(self) -> None:
        """E11: an embedded VM in authentication reusing the id is ambiguous too."""
        embedded = method(publicKeyMultibase=encode_public_key(OTHER_KEY))
        with pytest.raises(InvalidDidError, match="defined more than once"):
            resolve_in_document(document(authentication=[embedded]), VM, expected_did=DID)

    def test_a_multibase_without_z(self) -> None:
        """E8: publicKeyMultibase without the 'z' prefix."""
        doc = document(verificationMethod=[method(publicKeyMultibase=encode_public_key(KEY)[1:])])
        with pytest.raises(InvalidDidError, match="base58btc"):
            resolve_in_document(doc, VM, expected_did=DID)

    def test_an_x25519_multikey(self) -> None:
        """E8: prefix 0xec01 (X25519) is refused."""
        doc = document(verificationMethod=[method(publicKeyMultibase=z58(b"\xec\x01" + KEY))])
        with pytest.raises(InvalidDidError, match="x25519"):
            resolve_in_document(doc, VM, expected_did=DID)

    def test_a_31_byte_key(self) -> None:
        """E8: a 31-byte Ed25519 key is refused."""
        doc = document(verificationMethod=[method(publicKeyMultibase=z58(b"\xed\x01" + KEY[:31]))])
        with pytest.raises(InvalidDidError, match="31-byte"):
            resolve_in_document(doc, VM, expected_did=DID)

    def test_a_33_byte_key(self) -> None:
        """E8: a 33-byte Ed25519 key is refused."""
        multibase = z58(b"\xed\x01" + KEY + b"\x00")
        doc = document(verificationMethod=[method(publicKeyMultibase=multibase)])
        with pytest.raises(InvalidDidError, match="33-byte"):
            resolve_in_document(doc, VM, expected_did=DID)

    def test_a_missing_public_key(self) -> None:
        """A Multikey VM without publicKeyMultibase is refused."""
        vm = method()
        del vm["publicKeyMultibase"]
        with pytest.raises(InvalidDidError, match="no publicKeyMultibase"):
            resolve_in_document(document(verificationMethod=[vm]), VM, expected_did=DID)

    def test_another_vm_type(self) -> None:
        """Only Multikey (and Ed25519VerificationKey2020 or JsonWebKey) is accepted."""
        doc = document(verificationMethod=[method(type="EcdsaSecp256k1VerificationKey2019")])
        with pytest.raises(InvalidDidError, match="only Multikey"):
            resolve_in_document(doc, VM, expected_did=DID)

    def test_a_published_secret_key_multibase(self, caplog: pytest.LogCaptureFixture) -> None:
        """E8: a secretKeyMultibase in the document is refused and logged as a warning."""
        vm = method(secretKeyMultibase=encode_secret_key(SEED))
        with (
            caplog.at_level(logging.WARNING, logger="keys"),
            pytest.raises(InvalidDidError, match="secretKeyMultibase"),
        ):
            resolve_in_document(document(verificationMethod=[vm]), VM, expected_did=DID)
        assert "publishes secret key material" in caplog.text
        assert encode_secret_key(SEED) not in caplog.text

    def test_a_published_private_key_multibase(self) -> None:
        """E8: a privateKeyMultibase in the document is refused."""
        vm = method(privateKeyMultibase=encode_secret_key(SEED))
        with pytest.raises(InvalidDidError, match="privateKeyMultibase"):
            resolve_in_document(document(verificationMethod=[vm]), VM, expected_did=DID)

    def test_a_published_jwk_d(self) -> None:
        """E8: publicKeyJwk with a 'd' member is refused."""
        jwk = {"kty": "OKP", "crv": "Ed25519", "x": "AAAA", "d": "AAAA"}
        vm = method(publicKeyJwk=jwk)
        with pytest.raises(InvalidDidError, match=r"publicKeyJwk\.d"):
            resolve_in_document(document(verificationMethod=[vm]), VM, expected_did=DID)

    def test_a_secret_on_another_vm(self) -> None:
        """A secret published on any VM refuses the whole document."""
        other = method(id=f"{DID}#key-2", privateKeyJwk={"d": "AAAA"})
        doc = document(verificationMethod=[method(), other])
        with pytest.raises(InvalidDidError, match="privateKeyJwk"):
            resolve_in_document(doc, VM, expected_did=DID)

    def test_more_vms_than_the_cap(self) -> None:
        """E4: more than MAX_VERIFICATION_METHODS entries are refused before any decoding."""
        vms = [method(id=f"{DID}#key-{i}") for i in range(1, MAX_VERIFICATION_METHODS + 2)]
        with pytest.raises(InvalidDidError, match="more than 64"):
            resolve_in_document(document(verificationMethod=vms), VM, expected_did=DID)

    def test_more_embedded_vms_than_the_cap(self) -> None:
        """The cap counts VMs embedded in relationships too."""
        listed = [method(id=f"{DID}#a-{i}") for i in range(40)]
        embedded = [method(id=f"{DID}#b-{i}") for i in range(40)]
        doc = document(verificationMethod=listed, authentication=embedded)
        with pytest.raises(InvalidDidError, match="the limit is 64"):
            resolve_in_document(doc, f"{DID}#a-1", expected_did=DID)

    def test_verification_method_as_an_object(self) -> None:
        """verificationMethod must be an array."""
        with pytest.raises(InvalidDidError, match="verificationMethod must be an array"):
            resolve_in_document(document(verificationMethod=method()), VM, expected_did=DID)

    def test_a_non_object_vm(self) -> None:
        """verificationMethod entries must be objects."""
        with pytest.raises(InvalidDidError, match="entries must be objects"):
            resolve_in_document(document(verificationMethod=[VM]), VM, expected_did=DID)

    def test_a_document_that_is_not_an_object(self) -> None:
        """A JSON array is not a DID document."""
        with pytest.raises(InvalidDidError, match="not a JSON object"):
            resolve_in_document([document()], VM, expected_did=DID)  # type: ignore[arg-type]

    def test_an_unsupported_expected_did(self) -> None:
        """E10: did:ethr is unsupported."""
        with pytest.raises(UnsupportedDidMethodError):
            resolve_in_document(document(), VM, expected_did="did:ethr:0x1")

    def test_an_https_expected_did(self) -> None:
        """E10: an https issuer is not a DID."""
        with pytest.raises(UnsupportedDidMethodError):
            resolve_in_document(document(), VM, expected_did="https://issuer.example")

    def test_an_expected_did_with_a_fragment(self) -> None:
        """expected_did must be a DID, not a DID URL."""
        with pytest.raises(InvalidDidError, match="fragment"):
            resolve_in_document(document(), VM, expected_did=VM)

    def test_messages_escape_untrusted_values(self) -> None:
        """Hostile values are quoted (escaped) in messages, never passed through raw."""
        with pytest.raises(InvalidDidError) as caught:
            resolve_in_document(document(id="did:web:x\r\nSet-Cookie: a=b"), VM, expected_did=DID)
        assert "\r\n" not in str(caught.value)
