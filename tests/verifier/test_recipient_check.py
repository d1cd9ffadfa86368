"""The recipient check (ob3-requirements ID-04; catalogue H18, H19): hashed, salted, plaintext,
uppercase hex, MD5 only with a weak-hash flag, and the issuer's normalisation rule."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
from jwt_support import eddsa_jwt, vc_payload
from verifier_support import build_credential

from common.identity import normalise_email
from issuer import hashed_email_identifier
from issuer import normalise_email as issuer_normalise_email
from verifier import RecipientCheck, check_recipient, credential_document

EMAIL = "alice@example.com"
SALT = "4f1c0a9be2d84c7f9d5b3a6e8c2f1d07"


def _sha256(value: str) -> str:
    return "sha256$" + hashlib.sha256(value.encode("utf-8")).hexdigest()


def _md5(value: str) -> str:
    return "md5$" + hashlib.md5(value.encode("utf-8")).hexdigest()


def _credential(*identifiers: dict[str, Any], subject: Any = None) -> dict[str, Any]:
    return {
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "credentialSubject": subject
        if subject is not None
        else {"type": ["AchievementSubject"], "identifier": list(identifiers)},
    }


def _email(identity_hash: str, *, hashed: bool = True, salt: str | None = None) -> dict[str, Any]:
    identifier: dict[str, Any] = {
        "type": "IdentityObject",
        "identityType": "emailAddress",
        "identityHash": identity_hash,
        "hashed": hashed,
    }
    if salt is not None:
        identifier["salt"] = salt
    return identifier


# -- positive cases


def test_salted_sha256_identifier_matches() -> None:
    credential = _credential(_email(_sha256(EMAIL + SALT), salt=SALT))

    result = check_recipient(credential, EMAIL)

    assert result == RecipientCheck(outcome="matched")
    assert result.to_wire() == {"checked": True, "matched": True, "weakHash": False}


def test_h18_issuer_identifier_matches_with_the_same_normalisation() -> None:
    """The issuer hashes ``Alice@Example.com`` normalised; the check normalises the same way."""
    credential = _credential(hashed_email_identifier("Alice@Example.com"))

    assert check_recipient(credential, "  ALICE@example.COM ").matched
    assert issuer_normalise_email is normalise_email  # one rule, re-exported by the issuer


def test_h19_uppercase_hex_matches() -> None:
    digest = _sha256(EMAIL + SALT).removeprefix("sha256$").upper()

    result = check_recipient(_credential(_email("sha256$" + digest, salt=SALT)), EMAIL)

    assert result.matched
    assert not result.weak_hash


def test_salt_absent_hashes_the_address_alone() -> None:
    result = check_recipient(_credential(_email(_sha256(EMAIL))), EMAIL)

    assert result.matched


def test_plaintext_identifier_matches_after_normalisation() -> None:
    credential = _credential(_email("Alice@Example.com", hashed=False))

    assert check_recipient(credential, "alice@EXAMPLE.com").matched


def test_h19_md5_matches_only_with_the_weak_hash_flag() -> None:
    result = check_recipient(_credential(_email(_md5(EMAIL + SALT), salt=SALT)), EMAIL)

    assert result == RecipientCheck(outcome="matched", weak_hash=True)
    assert result.to_wire() == {"checked": True, "matched": True, "weakHash": True}


def test_strong_match_wins_over_a_weak_one() -> None:
    credential = _credential(_email(_md5(EMAIL)), _email(_sha256(EMAIL + SALT), salt=SALT))

    assert check_recipient(credential, EMAIL) == RecipientCheck(outcome="matched")


def test_any_of_several_identifiers_and_subjects_may_match() -> None:
    other = _credential(_email(_sha256("bob@example.com")))["credentialSubject"]
    mine = _credential(_email(_sha256(EMAIL + SALT), salt=SALT))["credentialSubject"]

    assert check_recipient(_credential(subject=[other, mine]), EMAIL).matched


# -- negative cases


def test_wrong_email_does_not_match() -> None:
    result = check_recipient(_credential(_email(_sha256(EMAIL + SALT), salt=SALT)), "eve@x.org")

    assert result == RecipientCheck(outcome="not_matched")
    assert result.to_wire() == {"checked": True, "matched": False, "weakHash": False}


def test_wrong_salt_does_not_match() -> None:
    credential = _credential(_email(_sha256(EMAIL + SALT), salt=SALT[::-1]))

    assert check_recipient(credential, EMAIL).outcome == "not_matched"


def test_salt_is_not_ignored_when_the_hash_was_made_without_it() -> None:
    credential = _credential(_email(_sha256(EMAIL), salt=SALT))

    assert not check_recipient(credential, EMAIL).matched


def test_plaintext_identifier_of_someone_else_does_not_match() -> None:
    credential = _credential(_email("bob@example.com", hashed=False))

    assert check_recipient(credential, EMAIL).outcome == "not_matched"


def test_plaintext_hash_string_is_not_compared_as_a_hash() -> None:
    """``hashed: false`` means the value is the address itself, whatever it looks like."""
    credential = _credential(_email(_sha256(EMAIL), hashed=False))

    assert check_recipient(credential, EMAIL).outcome == "not_matched"


def test_h19_unknown_hash_algorithm_does_not_match() -> None:
    sha1 = "sha1$" + hashlib.sha1((EMAIL + SALT).encode()).hexdigest()

    assert check_recipient(_credential(_email(sha1, salt=SALT)), EMAIL).outcome == "not_matched"


def test_hash_without_algorithm_prefix_does_not_match() -> None:
    bare = _sha256(EMAIL + SALT).removeprefix("sha256$")

    assert check_recipient(_credential(_email(bare, salt=SALT)), EMAIL).outcome == "not_matched"


def test_no_identifier_is_reported_as_not_checked() -> None:
    result = check_recipient(_credential(), EMAIL)

    assert result == RecipientCheck(outcome="no_identifier")
    assert result.to_wire() == {"checked": False, "matched": False, "weakHash": False}


def test_name_identifier_is_not_an_email_identifier() -> None:
    name = {
        "type": "IdentityObject",
        "identityType": "name",
        "identityHash": EMAIL,
        "hashed": False,
    }

    assert check_recipient(_credential(name), EMAIL).outcome == "no_identifier"


@pytest.mark.parametrize(
    "subject",
    [None, "did:example:123", [], {"identifier": "sha256$00"}, {"identifier": [{"hashed": True}]}],
    ids=["missing", "string", "empty-list", "identifier-string", "identifier-incomplete"],
)
def test_malformed_subjects_have_no_identifier(subject: Any) -> None:
    credential: dict[str, Any] = {"type": ["VerifiableCredential"]}
    if subject is not None:
        credential["credentialSubject"] = subject

    assert check_recipient(credential, EMAIL).outcome == "no_identifier"


def test_hashed_flag_must_be_a_boolean() -> None:
    identifier = _email(_sha256(EMAIL))
    identifier["hashed"] = "true"

    assert check_recipient(_credential(identifier), EMAIL).outcome == "no_identifier"


# -- reading the credential


def test_credential_document_reads_json() -> None:
    credential = _credential(_email(_sha256(EMAIL)))

    assert credential_document(json.dumps(credential).encode()) == credential


def test_credential_document_refuses_what_the_parse_check_refuses() -> None:
    assert credential_document(b"[1, 2]") is None
    assert credential_document(b'{"a": 1, "a": 2}') is None
    assert credential_document("not.a.jwt") is None


def test_credential_document_reads_a_compact_jwt() -> None:
    credential = build_credential()
    credential["credentialSubject"]["identifier"] = [_email(_sha256(EMAIL + SALT), salt=SALT)]
    token = eddsa_jwt(vc_payload(credential))

    document = credential_document(token.encode("ascii"))

    assert document is not None
    assert check_recipient(document, EMAIL).matched
