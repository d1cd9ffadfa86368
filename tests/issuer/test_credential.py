"""Building LEVER credentials: shape, identity hashing, levels, validity and refusals."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec
import pytest

from badge_classes import Catalogue
from common.errors import InvalidInputError
from issuer import IssueRequest, IssuerProfile, Recipient, build_credential, identity_hash

BASE = "https://badges.example.org"
ISSUED_AT = datetime(2026, 5, 4, 10, 30, 0, tzinfo=UTC)


def _request(**overrides: Any) -> IssueRequest:
    fields: dict[str, Any] = {
        "achievement": "teamwork",
        "outcome": "accomplished",
        "complexity": "mid-high",
        "recipient": Recipient(email="Volunteer@Example.org ", name="Alex Example"),
    }
    fields.update(overrides)
    return IssueRequest(**fields)


def _build(catalogue: Catalogue, profile: IssuerProfile, **overrides: Any) -> dict[str, Any]:
    return build_credential(
        catalogue, _request(**overrides), profile=profile, base_url=BASE, issued_at=ISSUED_AT
    )


class TestShape:
    """The credential follows ob3-requirements §1."""

    def test_contexts_in_order(self, catalogue: Catalogue, profile: IssuerProfile) -> None:
        """VC 2.0 first, OB 3.0.3 second, then the extensions context for credentialSchema."""
        doc = _build(catalogue, profile)
        assert doc["@context"] == [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
        ]

    def test_types_and_id(self, catalogue: Catalogue, profile: IssuerProfile) -> None:
        """An OpenBadgeCredential whose id is a credential URL under the base URL."""
        doc = _build(catalogue, profile)
        assert doc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
        assert doc["id"].startswith(f"{BASE}/credentials/")

    def test_issuer_is_profile_with_did(self, catalogue: Catalogue, profile: IssuerProfile) -> None:
        """The issuer is an embedded Profile whose id is the signing DID."""
        issuer = _build(catalogue, profile)["issuer"]
        assert issuer["type"] == ["Profile"] and issuer["id"] == profile.id
        assert issuer["name"] == "Centro Volontariato Demo"

    def test_dates_are_whole_seconds_utc(
        self, catalogue: Catalogue, profile: IssuerProfile
    ) -> None:
        """validFrom and awardedDate are YYYY-MM-DDThh:mm:ssZ."""
        doc = _build(catalogue, profile)
        assert doc["validFrom"] == doc["awardedDate"] == "2026-05-04T10:30:00Z"
        assert "validUntil" not in doc

    def test_results_point_into_the_achievement(
        self, catalogue: Catalogue, profile: IssuerProfile
    ) -> None:
        """Each Result names a ResultDescription of the achievement and one of its levels."""
        subject = _build(catalogue, profile)["credentialSubject"]
        descriptions = {rd["id"]: rd for rd in subject["achievement"]["resultDescription"]}
        achieved = []
        for result in subject["result"]:
            description = descriptions[result["resultDescription"]]
            levels = {level["id"] for level in description["rubricCriterionLevel"]}
            assert result["achievedLevel"] in levels
            achieved.append(result["achievedLevel"])
        assert achieved == [
            f"{BASE}/achievements/teamwork/results/outcome/accomplished",
            f"{BASE}/achievements/teamwork/results/complexity/mid-high",
        ]

    def test_credential_schema(self, catalogue: Catalogue, profile: IssuerProfile) -> None:
        """credentialSchema names the OB 3.0 AchievementCredential schema."""
        schema = _build(catalogue, profile)["credentialSchema"]
        assert schema == [
            {
                "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
                "ob_v3p0_achievementcredential_schema.json",
                "type": "1EdTechJsonSchemaValidator2019",
            }
        ]

    def test_default_evidence_names_assessor(
        self, catalogue: Catalogue, profile: IssuerProfile
    ) -> None:
        """Portfolio and interview evidence; the interview names the assessor when given."""
        evidence = _build(catalogue, profile, assessor="Maria Rossi")["evidence"]
        assert [e["genre"] for e in evidence] == ["Portfolio", "Interview"]
        assert "Maria Rossi" in evidence[1]["narrative"]

    def test_language(self, catalogue: Catalogue, profile: IssuerProfile) -> None:
        """The credential is issued in the requested language."""
        doc = _build(catalogue, profile, lang="pl")
        assert doc["credentialSubject"]["achievement"]["inLanguage"] == "pl"
        assert doc["name"] == catalogue.get("teamwork").name("pl")

    def test_holder_did_becomes_subject_id(
        self, catalogue: Catalogue, profile: IssuerProfile
    ) -> None:
        """A wallet DID is the credentialSubject id."""
        recipient = Recipient(
            email="a@example.org", did="did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
        )
        doc = _build(catalogue, profile, recipient=recipient)
        assert doc["credentialSubject"]["id"] == recipient.did

    def test_role_has_no_results_and_default_validity(
        self, catalogue: Catalogue, profile: IssuerProfile
    ) -> None:
        """A practitioner role carries no levels and expires after its catalogue default."""
        doc = _build(catalogue, profile, achievement="assessor", outcome=None, complexity=None)
        assert "result" not in doc["credentialSubject"]
        years = catalogue.get("assessor").default_valid_years
        assert years
        assert doc["validUntil"] == f"{2026 + years}-05-04T10:30:00Z"


class TestRecipientPrivacy:
    """The recipient's e-mail never appears in clear."""

    def test_identity_hash_vector(self) -> None:
        """OB 3.0 IdentityHash vector: a@example.com salted with Kosher."""
        assert identity_hash("a@example.com", "Kosher") == (
            "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399"
        )

    def test_email_hashed_normalised_and_salted(
        self, catalogue: Catalogue, profile: IssuerProfile
    ) -> None:
        """The hash is over the trimmed, lower-cased address plus a per-credential salt."""
        identity = _build(catalogue, profile)["credentialSubject"]["identifier"][0]
        assert identity["hashed"] is True and identity["identityType"] == "emailAddress"
        assert identity["identityHash"] == identity_hash("volunteer@example.org", identity["salt"])

    def test_email_absent_from_document(self, catalogue: Catalogue, profile: IssuerProfile) -> None:
        """No form of the address is in the serialised credential."""
        text = json.dumps(_build(catalogue, profile)).lower()
        assert "volunteer@example.org" not in text

    def test_salt_differs_per_credential(
        self, catalogue: Catalogue, profile: IssuerProfile
    ) -> None:
        """Two credentials for one person cannot be linked by their hash."""
        a = _build(catalogue, profile)["credentialSubject"]["identifier"][0]
        b = _build(catalogue, profile)["credentialSubject"]["identifier"][0]
        assert a["salt"] != b["salt"] and a["identityHash"] != b["identityHash"]


class TestRefusals:
    """Each bad request is refused with a clear InvalidInputError."""

    def test_unknown_achievement(self, catalogue: Catalogue, profile: IssuerProfile) -> None:
        with pytest.raises(InvalidInputError, match="unknown achievement"):
            _build(catalogue, profile, achievement="juggling")

    def test_unknown_outcome_level(self, catalogue: Catalogue, profile: IssuerProfile) -> None:
        with pytest.raises(InvalidInputError, match="unknown outcome level"):
            _build(catalogue, profile, outcome="superb")

    def test_unknown_complexity_level(self, catalogue: Catalogue, profile: IssuerProfile) -> None:
        with pytest.raises(InvalidInputError, match="unknown complexity level"):
            _build(catalogue, profile, complexity="extreme")

    def test_competence_without_levels(self, catalogue: Catalogue, profile: IssuerProfile) -> None:
        with pytest.raises(InvalidInputError, match="both an outcome and a complexity"):
            _build(catalogue, profile, complexity=None)

    def test_role_with_levels(self, catalogue: Catalogue, profile: IssuerProfile) -> None:
        with pytest.raises(InvalidInputError, match="practitioner role"):
            _build(catalogue, profile, achievement="tutor")

    def test_unsupported_language(self, catalogue: Catalogue, profile: IssuerProfile) -> None:
        with pytest.raises(InvalidInputError, match="unsupported language"):
            _build(catalogue, profile, lang="de")

    def test_valid_until_not_after_issue(
        self, catalogue: Catalogue, profile: IssuerProfile
    ) -> None:
        with pytest.raises(InvalidInputError, match="later than the issue date"):
            _build(catalogue, profile, valid_until=ISSUED_AT - timedelta(days=1))

    def test_naive_valid_until(self) -> None:
        with pytest.raises(InvalidInputError, match="time zone"):
            _request(valid_until=datetime(2030, 1, 1))

    def test_bad_email(self) -> None:
        with pytest.raises(InvalidInputError, match="not an e-mail"):
            _request(recipient=Recipient(email="not-an-address"))

    def test_bad_holder_did(self) -> None:
        with pytest.raises(InvalidInputError, match="not a DID"):
            _request(recipient=Recipient(email="a@example.org", did="https://example.org/me"))

    def test_unknown_request_field(self) -> None:
        """Request bodies are closed: a typo is an error, not silently ignored."""
        with pytest.raises(msgspec.ValidationError, match="unknown field"):
            msgspec.convert(
                {"achievement": "teamwork", "recipient": {"email": "a@example.org"}, "outcom": "x"},
                IssueRequest,
            )

    def test_blank_name(self) -> None:
        with pytest.raises(InvalidInputError, match="blank"):
            _request(recipient=Recipient(email="a@example.org", name="  "))


class TestValidUntil:
    """An explicit expiry wins over the catalogue default."""

    def test_explicit_valid_until(self, catalogue: Catalogue, profile: IssuerProfile) -> None:
        until = datetime(2031, 1, 1, 23, 59, 59, tzinfo=UTC)
        assert _build(catalogue, profile, valid_until=until)["validUntil"] == "2031-01-01T23:59:59Z"
