"""Agreement of our OB 3.0 shape (verifier._ob3_shape) with the official 1EdTech JSON Schema.

Each case of the corpus is a mutation of the signed base credential; our msgspec shape and
``jsonschema``'s Draft 2019-09 validator (over the schema file read from the shared vectors,
never copied into the repository) must reach the same verdict, and the verdict the case expects.

The schema declares ``format: date-time`` / ``date``; a Draft 2019-09 validator only asserts
formats when given a format checker, and jsonschema's own date-time checker needs an optional
package, so this test supplies RFC 3339 checkers of its own (independent of common.timeutil).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft201909Validator, FormatChecker
from legacy_support import OB_301, build_v1_credential, sign_ed25519_2020

from common.jsonld import JsonLdProcessor
from verifier._ob3_shape import check_shape

SCHEMA_FILE = (
    "purl.imsglobal.org_spec_ob_v3p0_schema_json-ld_ob_v3p0_achievementcredential_schema.json"
)

_RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$"
)
_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

FORMATS = FormatChecker(formats=())


@FORMATS.checks("date-time")
def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    match = _RFC3339.match(value)
    if match is None:
        return False
    year, month, day, hour, minute, second = (int(part) for part in match.groups()[:6])
    try:
        datetime(year, month, day, hour, minute, min(second, 59))
    except ValueError:
        return False
    return True


@FORMATS.checks("date")
def _is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _FULL_DATE.match(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


Mutation = Callable[[dict[str, Any]], None]


def _set(path: str, value: Any) -> Mutation:
    """Set the member at a dotted path (list indexes as numbers)."""

    def apply(document: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = document
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        if isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value

    return apply


def _delete(path: str) -> Mutation:
    """Delete the member at a dotted path."""

    def apply(document: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = document
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        del target[last]

    return apply


def _unchanged(document: dict[str, Any]) -> None:
    """The base credential as signed."""


def _proof_as_object(document: dict[str, Any]) -> None:
    document["proof"] = document["proof"][0]


IDENTITY = "credentialSubject.identifier.0"
ACHIEVEMENT = "credentialSubject.achievement"
STATUS = {
    "id": "https://registry.example/status/1#7",
    "type": "BitstringStatusListEntry",
    "statusPurpose": "revocation",
    "statusListIndex": "7",
    "statusListCredential": "https://registry.example/status/1",
}

CORPUS: list[tuple[str, Mutation, bool]] = [
    ("base credential", _unchanged, True),
    ("issuer as a string", _set("issuer", "did:key:z6MkexampleIssuer"), False),
    ("type as a string", _set("type", "OpenBadgeCredential"), False),
    ("type without VerifiableCredential", _set("type", ["OpenBadgeCredential"]), False),
    ("image as a URL string", _set(ACHIEVEMENT + ".image", "https://x.example/b.png"), False),
    (
        "image as an Image object",
        _set(ACHIEVEMENT + ".image", {"id": "https://x.example/b.png", "type": "Image"}),
        True,
    ),
    (
        "Image with an extra key",
        _set("image", {"id": "https://x.example/b.png", "type": "Image", "alt": "x"}),
        False,
    ),
    ("missing name", _delete("name"), False),
    ("credentialStatus as an object", _set("credentialStatus", STATUS), True),
    (
        "credentialStatus without id",
        _set("credentialStatus", {"type": "BitstringStatusListEntry"}),
        False,
    ),
    ("proof without type", _delete("proof.0.type"), False),
    ("proof created without time zone", _set("proof.0.created", "2026-01-01T09:30:00"), False),
    ("IdentityObject with an extra key", _set(IDENTITY + ".extra", "x"), False),
    ("IdentityObject type as an array", _set(IDENTITY + ".type", ["IdentityObject"]), False),
    ("IdentityObject without identityHash", _delete(IDENTITY + ".identityHash"), False),
    ("IdentityObject hashed as a string", _set(IDENTITY + ".hashed", "true"), False),
    ("identityType ext: value", _set(IDENTITY + ".identityType", "ext:LeverUpId"), True),
    ("identityType undefined", _set(IDENTITY + ".identityType", "email"), False),
    ("criteria missing", _delete(ACHIEVEMENT + ".criteria"), False),
    ("achievement missing description", _delete(ACHIEVEMENT + ".description"), False),
    ("achievement missing id", _delete(ACHIEVEMENT + ".id"), False),
    ("achievementType undefined", _set(ACHIEVEMENT + ".achievementType", "Skill"), False),
    (
        "achievementType ext: value",
        _set(ACHIEVEMENT + ".achievementType", "ext:PractitionerRole"),
        True,
    ),
    ("inLanguage BCP 47", _set(ACHIEVEMENT + ".inLanguage", "fr-BE"), True),
    ("inLanguage free text", _set(ACHIEVEMENT + ".inLanguage", "French"), False),
    ("validFrom without time zone", _set("validFrom", "2026-01-01T09:30:00"), False),
    ("validFrom as a date", _set("validFrom", "2026-01-01"), False),
    ("validFrom with an offset", _set("validFrom", "2026-01-01T10:30:00+01:00"), True),
    ("validUntil with fractional seconds", _set("validUntil", "2029-01-01T00:00:00.5Z"), True),
    ("missing validFrom", _delete("validFrom"), False),
    ("@context with one entry", _set("@context", ["https://www.w3.org/ns/credentials/v2"]), False),
    (
        "@context with OB 3.0.2",
        _set("@context.1", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json"),
        True,
    ),
    ("@context second entry not OB", _set("@context.1", "https://example.org/ctx"), False),
    ("@context as a string", _set("@context", "https://www.w3.org/ns/credentials/v2"), False),
    ("subject type not AchievementSubject", _set("credentialSubject.type", ["Person"]), False),
    ("subject missing achievement", _delete(ACHIEVEMENT), False),
    (
        "subject without id or identifier (an OB rule, not a schema rule)",
        _delete("credentialSubject.identifier"),
        True,
    ),
    ("creditsEarned as a number", _set("credentialSubject.creditsEarned", 3), True),
    ("creditsEarned as a string", _set("credentialSubject.creditsEarned", "3"), False),
    ("result status defined", _set("credentialSubject.result.0.status", "Completed"), True),
    ("result status undefined", _set("credentialSubject.result.0.status", "Done"), False),
    (
        "rubric level without name",
        _delete(ACHIEVEMENT + ".resultDescription.0.rubricCriterionLevel.0.name"),
        False,
    ),
    ("resultType undefined", _set(ACHIEVEMENT + ".resultDescription.0.resultType", "Grade"), False),
    (
        "alignment without targetUrl",
        _set(ACHIEVEMENT + ".alignment", [{"type": ["Alignment"], "targetName": "LEVER UP"}]),
        False,
    ),
    ("evidence as a single object", _set("evidence", {"type": ["Evidence"]}), False),
    ("unknown top-level member (open class)", _set("renderMethod", [{"type": "X"}]), True),
    (
        "IdentifierEntry with an extra key",
        _set(
            "issuer.otherIdentifier",
            [
                {
                    "type": "IdentifierEntry",
                    "identifier": "BE0123",
                    "identifierType": "sourcedId",
                    "note": "x",
                }
            ],
        ),
        False,
    ),
    ("dateOfBirth valid", _set("issuer.dateOfBirth", "2000-01-31"), True),
    ("dateOfBirth invalid month", _set("issuer.dateOfBirth", "2000-13-01"), False),
    ("endorsementJwt not a JWS", _set("endorsementJwt", ["not a jws"]), False),
    ("credentialSchema as an object", _set("credentialSchema", {"id": "x", "type": "y"}), False),
    ("termsOfUse without type", _set("termsOfUse", [{"id": "urn:x"}]), False),
    (
        "GeoCoordinates latitude as a string",
        _set(
            "issuer.address",
            {
                "type": ["Address"],
                "geo": {"type": "GeoCoordinates", "latitude": "50", "longitude": 4},
            },
        ),
        False,
    ),
]


@pytest.fixture(scope="module")
def official_schema(vectors_dir: Path) -> Draft201909Validator:
    """The official AchievementCredential schema (skips when the shared copy is absent)."""
    path = vectors_dir / "schemas" / SCHEMA_FILE
    if not path.is_file():
        pytest.skip(f"official schema not found in the shared vectors ({SCHEMA_FILE})")
    schema = json.loads(path.read_text("utf-8"))
    Draft201909Validator.check_schema(schema)
    return Draft201909Validator(schema, format_checker=FORMATS)


class TestCorpus:
    def test_corpus_is_large_and_mixed(self) -> None:
        """The corpus has at least 25 cases, with valid and invalid ones, uniquely named."""
        names = [name for name, _, _ in CORPUS]
        assert len(CORPUS) >= 25
        assert len(set(names)) == len(names)
        assert {valid for _, _, valid in CORPUS} == {True, False}


class TestAgreement:
    @pytest.mark.parametrize(
        ("mutation", "expected"),
        [pytest.param(mutation, valid, id=name) for name, mutation, valid in CORPUS],
    )
    def test_shape_and_official_schema_agree(
        self,
        official_schema: Draft201909Validator,
        signed: dict[str, Any],
        mutation: Mutation,
        expected: bool,
    ) -> None:
        """Our shape and the official JSON Schema give the same, expected verdict."""
        document = copy.deepcopy(signed)
        mutation(document)
        ours = check_shape(document)
        theirs = list(official_schema.iter_errors(document))
        assert (ours is None) is expected, f"shape: {ours}"
        assert (not theirs) is expected, f"schema: {[error.message for error in theirs]}"


class TestDocumentedDivergence:
    def test_single_proof_object_accepted(
        self, official_schema: Draft201909Validator, signed: dict[str, Any]
    ) -> None:
        """A single proof object: the 1.0.14 schema rejects it, we accept it (DM-05).

        OB 3.0 serialization asks verifiers to accept compacted single values, and the reference
        implementation signs with ``proof`` as one object; refusing it would fail every such
        credential on shape alone.
        """
        document = copy.deepcopy(signed)
        _proof_as_object(document)
        assert check_shape(document) is None
        assert list(official_schema.iter_errors(document))


class TestStatusArrayItem24:
    """Item 24: a credentialStatus array is accepted (the second documented divergence: the
    1.0.14 schema wants one object; VC DM 2.0 allows several, and openbadgeslib gives a
    credential a revocation and a suspension entry). This row used to be in the corpus as
    invalid for both."""

    def test_i12_24_credential_status_array_accepted(
        self, official_schema: Draft201909Validator, signed: dict[str, Any]
    ) -> None:
        suspension = {**STATUS, "id": STATUS["id"] + "s", "statusPurpose": "suspension"}
        document = copy.deepcopy(signed)
        document["credentialStatus"] = [STATUS, suspension]
        assert check_shape(document) is None
        assert list(official_schema.iter_errors(document))

    @pytest.mark.parametrize(
        "entries",
        [[], [{"type": "BitstringStatusListEntry"}], [STATUS] * 9, [STATUS, "x"]],
        ids=["empty", "entry-without-id", "nine-entries", "not-an-object"],
    )
    def test_i12_24_bad_credential_status_arrays_refused(
        self, signed: dict[str, Any], entries: list[Any]
    ) -> None:
        document = copy.deepcopy(signed)
        document["credentialStatus"] = entries
        assert check_shape(document) is not None


class TestErrorPaths:
    def test_path_of_a_nested_error(self, signed: dict[str, Any]) -> None:
        """The first error names its JSON path."""
        del signed["credentialSubject"]["achievement"]["criteria"]
        error = check_shape(signed)
        assert error is not None
        assert error.path == "$.credentialSubject.achievement"
        assert "criteria" in error.message

    def test_path_of_a_date_error(self, signed: dict[str, Any]) -> None:
        """A date error names the member itself."""
        signed["validFrom"] = "2026-01-01T09:30:00"
        error = check_shape(signed)
        assert error is not None
        assert error.path == "$.validFrom"

    def test_path_inside_an_array(self, signed: dict[str, Any]) -> None:
        """An error inside an array names the index."""
        signed["credentialSubject"]["identifier"][0]["extra"] = 1
        error = check_shape(signed)
        assert error is not None
        assert error.path == "$.credentialSubject.identifier[0]"
        assert "extra" in error.message


ANY_SCHEMA_FILE = (
    "purl.imsglobal.org_spec_ob_v3p0_schema_json-ld_ob_v3p0_anyachievementcredential_schema.json"
)

V1_CORPUS: list[tuple[str, Mutation, bool]] = [
    ("VC 1.1 base credential", _unchanged, True),
    ("VC 1.1 with OB context 3.0.1", _set("@context.1", OB_301), True),
    ("VC 1.1 missing issuanceDate", _delete("issuanceDate"), False),
    ("VC 1.1 without expirationDate", _delete("expirationDate"), True),
    ("VC 1.1 issuanceDate without time zone", _set("issuanceDate", "2026-01-01T09:30:00"), False),
    ("VC 1.1 expirationDate as a date", _set("expirationDate", "2029-01-01"), False),
    ("VC 1.1 missing name", _delete("name"), False),
    ("VC 1.1 issuer as a string", _set("issuer", "did:key:z6MkexampleIssuer"), False),
    ("VC 1.1 subject with an extra member (closed class)", _set("credentialSubject.x", 1), False),
    ("VC 1.1 subject with an id", _set("credentialSubject.id", "did:example:learner"), True),
    ("VC 1.1 @context second entry not OB", _set("@context.1", "https://example.org/c"), False),
    ("VC 1.1 achievement missing criteria", _delete(ACHIEVEMENT + ".criteria"), False),
    ("VC 1.1 type without VerifiableCredential", _set("type", ["OpenBadgeCredential"]), False),
    ("VC 1.1 credentialStatus as an object", _set("credentialStatus", STATUS), True),
]
"""VC 1.1 cases, checked against the VC 1.1 branch of the AnyAchievementCredential schema.

The base credential's proof is a one-element array here (the 1.0.14 schema's form)."""


@pytest.fixture(scope="module")
def official_any_schema(vectors_dir: Path) -> Draft201909Validator:
    """The official AnyAchievementCredential schema (VC 1.1 or 2.0)."""
    path = vectors_dir / "schemas" / ANY_SCHEMA_FILE
    if not path.is_file():
        pytest.skip(f"official schema not found in the shared vectors ({ANY_SCHEMA_FILE})")
    schema = json.loads(path.read_text("utf-8"))
    Draft201909Validator.check_schema(schema)
    return Draft201909Validator(schema, format_checker=FORMATS)


@pytest.fixture(scope="module")
def v1_signed(jsonld: JsonLdProcessor) -> dict[str, Any]:
    """A VC 1.1 credential signed with Ed25519Signature2020, proof as an array."""
    signed = sign_ed25519_2020(jsonld, build_v1_credential())
    return {**signed, "proof": [signed["proof"]]}


class TestVc11Agreement:
    def test_v1_corpus_is_mixed(self) -> None:
        """The VC 1.1 corpus has valid and invalid, uniquely named cases."""
        names = [name for name, _, _ in V1_CORPUS]
        assert len(set(names)) == len(names) >= 10
        assert {valid for _, _, valid in V1_CORPUS} == {True, False}

    @pytest.mark.parametrize(
        ("mutation", "expected"),
        [pytest.param(mutation, valid, id=name) for name, mutation, valid in V1_CORPUS],
    )
    def test_v1_shape_and_official_any_schema_agree(
        self,
        official_any_schema: Draft201909Validator,
        v1_signed: dict[str, Any],
        mutation: Mutation,
        expected: bool,
    ) -> None:
        """Our VC 1.1 shape and the official AnyAchievementCredential schema agree."""
        document = copy.deepcopy(v1_signed)
        mutation(document)
        ours = check_shape(document)
        theirs = list(official_any_schema.iter_errors(document))
        assert (ours is None) is expected, f"shape: {ours}"
        assert (not theirs) is expected, f"schema: {[error.message for error in theirs]}"

    def test_v2_corpus_base_also_passes_the_any_schema(
        self, official_any_schema: Draft201909Validator, signed: dict[str, Any]
    ) -> None:
        """The VC 2.0 base credential is valid under the AnyAchievementCredential schema too."""
        assert check_shape(signed) is None
        assert not list(official_any_schema.iter_errors(signed))
