"""Issue 12 item 11: a practitioner role is earned by completing the training; its evidence says
so (never the competence assessment's portfolio and interview)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from badge_classes import Catalogue
from issuer import IssueRequest, IssuerProfile, Recipient, build_credential

BASE = "https://badges.example.org"
LANGS = ("en", "it", "nl", "fr", "es", "pl", "da")


def _evidence(catalogue: Catalogue, profile: IssuerProfile, **fields: Any) -> list[dict[str, Any]]:
    request = IssueRequest(recipient=Recipient(email="pat@example.org"), **fields)
    document = build_credential(
        catalogue,
        request,
        profile=profile,
        base_url=BASE,
        issued_at=datetime(2026, 5, 4, tzinfo=UTC),
    )
    evidence: list[dict[str, Any]] = document["evidence"]
    return evidence


@pytest.mark.parametrize("role", ["tutor", "assessor", "trainer"])
def test_i12_11_role_credentials_carry_the_training_as_evidence(
    catalogue: Catalogue, profile: IssuerProfile, role: str
) -> None:
    """Tutor, Assessor, Trainer: one evidence, the completed training course, no portfolio or
    assessment interview."""
    evidence = _evidence(catalogue, profile, achievement=role)
    assert [e["genre"] for e in evidence] == ["Training"]
    assert "training" in evidence[0]["name"].lower()
    assert "Portfolio" not in str(evidence) and "interview" not in str(evidence).lower()


@pytest.mark.parametrize("lang", LANGS)
def test_i12_11_role_evidence_is_in_every_language(
    catalogue: Catalogue, profile: IssuerProfile, lang: str
) -> None:
    """The training evidence is written in the credential's language (not English fallback)."""
    evidence = _evidence(catalogue, profile, achievement="tutor", lang=lang)
    english = _evidence(catalogue, profile, achievement="tutor", lang="en")
    assert evidence[0]["description"]
    assert lang == "en" or evidence[0]["description"] != english[0]["description"]


def test_i12_11_competences_keep_portfolio_and_interview(
    catalogue: Catalogue, profile: IssuerProfile
) -> None:
    """A competence credential still carries the assessment's evidence."""
    evidence = _evidence(
        catalogue, profile, achievement="teamwork", outcome="basic", complexity="low"
    )
    assert [e["genre"] for e in evidence] == ["Portfolio", "Interview"]
