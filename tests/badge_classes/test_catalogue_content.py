"""The content of the shipped LEVER catalogue: slugs, clusters, languages, scales, alignments."""

from __future__ import annotations

import re
from typing import Any

import pytest

from badge_classes import LANGUAGES, Catalogue

COMPETENCES = [
    "responsibility",
    "empathy",
    "initiative",
    "flexibility-adaptability",
    "engagement",
    "leadership",
    "communication",
    "teamwork",
    "intercultural-diversity-management",
    "result-orientation",
    "organisation-planning",
    "digital-thinking",
    "problem-solving",
    "learning-to-learn",
    "innovation-creativity",
]
ROLES = ["tutor", "assessor", "trainer"]
CLUSTER_OF = {
    **dict.fromkeys(COMPETENCES[0:5], "personal"),
    **dict.fromkeys(COMPETENCES[5:9], "social"),
    **dict.fromkeys(COMPETENCES[9:12], "organisational"),
    **dict.fromkeys(COMPETENCES[12:15], "methodological"),
}
KEY_COMPETENCE_CODES = {
    "literacy",
    "multilingual",
    "mathematics-science-technology-engineering",
    "digital",
    "personal-social-learning-to-learn",
    "citizenship",
    "entrepreneurship",
    "cultural-awareness-expression",
}
KEY_COMPETENCES_FRAMEWORK = "EU Key Competences for Lifelong Learning (2018)"


class TestSlugs:
    def test_competences_then_roles_in_catalogue_order(self, catalogue: Catalogue) -> None:
        """slugs() lists the 15 competences, then the 3 roles, in catalogue order."""
        assert catalogue.slugs() == COMPETENCES + ROLES

    def test_competences_are_competencies(self, catalogue: Catalogue) -> None:
        """Every competence is kind "competence" with achievementType Competency."""
        for slug in COMPETENCES:
            definition = catalogue.get(slug)
            assert definition.kind == "competence"
            assert definition.achievement_type == "Competency"

    def test_roles_are_certifications_without_cluster(self, catalogue: Catalogue) -> None:
        """Every role is kind "role", a Certification, and belongs to no cluster."""
        for slug in ROLES:
            definition = catalogue.get(slug)
            assert definition.kind == "role"
            assert definition.achievement_type == "Certification"
            assert definition.cluster is None

    def test_default_validity(self, catalogue: Catalogue) -> None:
        """Roles default to 3 years of validity; competences have no default expiry."""
        assert [catalogue.get(slug).default_valid_years for slug in ROLES] == [3, 3, 3]
        assert {catalogue.get(slug).default_valid_years for slug in COMPETENCES} == {None}


class TestClusters:
    def test_four_clusters_in_order(self, catalogue: Catalogue) -> None:
        """The clusters are personal, social, organisational, methodological, in that order."""
        assert [cluster.slug for cluster in catalogue.clusters] == [
            "personal",
            "social",
            "organisational",
            "methodological",
        ]

    def test_competence_cluster_assignment(self, catalogue: Catalogue) -> None:
        """Each competence sits in the cluster suggested by the LEVER UP list order."""
        assert {slug: catalogue.get(slug).cluster for slug in COMPETENCES} == CLUSTER_OF

    def test_cluster_lookup(self, catalogue: Catalogue) -> None:
        """cluster(slug) returns the cluster with its translated name."""
        assert catalogue.cluster("social").name("pl") == "Kompetencje społeczne"


class TestLanguages:
    def test_the_seven_languages(self, catalogue: Catalogue) -> None:
        """The catalogue languages are en, it, nl, fr, es, pl, da, English first."""
        assert catalogue.languages == ("en", "it", "nl", "fr", "es", "pl", "da")
        assert catalogue.languages == LANGUAGES

    def test_every_achievement_is_translated(self, catalogue: Catalogue) -> None:
        """Every competence and role has a name, a description and indicators in 7 languages."""
        for definition in catalogue.definitions():
            for lang in LANGUAGES:
                assert definition.name(lang).strip()
                assert definition.description(lang).strip()
                assert all(line.strip() for line in definition.indicators(lang))

    def test_every_cluster_is_translated(self, catalogue: Catalogue) -> None:
        """Every cluster has a name and a description in 7 languages."""
        for cluster in catalogue.clusters:
            for lang in LANGUAGES:
                assert cluster.name(lang).strip()
                assert cluster.description(lang).strip()

    def test_every_scale_and_level_is_translated(self, catalogue: Catalogue) -> None:
        """Both scales and all their levels have a name and a description in 7 languages."""
        for scale in catalogue.scales:
            for lang in LANGUAGES:
                assert scale.name(lang).strip()
                assert scale.description(lang).strip()
                for level in scale.levels:
                    assert level.name(lang).strip()
                    assert level.description(lang).strip()

    def test_descriptions_are_not_untranslated_copies(self, catalogue: Catalogue) -> None:
        """No non-English description is a copy of the English one."""
        texts: list[Any] = [*catalogue.definitions(), *catalogue.clusters, *catalogue.scales]
        texts += [level for scale in catalogue.scales for level in scale.levels]
        for item in texts:
            english = item.description("en")
            for lang in LANGUAGES[1:]:
                assert item.description(lang) != english, (item, lang)

    def test_names_and_descriptions_mappings(self, catalogue: Catalogue) -> None:
        """names and descriptions map every language to its text."""
        definition = catalogue.get("teamwork")
        assert list(definition.names) == list(LANGUAGES)
        assert definition.names["es"] == "Trabajo en equipo"
        assert definition.descriptions["en"] == definition.description("en")

    def test_indicators_align_across_languages(self, catalogue: Catalogue) -> None:
        """Every language lists as many indicators as English."""
        for definition in catalogue.definitions():
            counts = {len(definition.indicators(lang)) for lang in LANGUAGES}
            assert len(counts) == 1, definition.slug


class TestScales:
    def test_outcome_levels_low_to_high(self, catalogue: Catalogue) -> None:
        """The outcome scale is basic < accomplished < expert."""
        assert catalogue.scale("outcome").level_slugs() == ["basic", "accomplished", "expert"]

    def test_complexity_levels_low_to_high(self, catalogue: Catalogue) -> None:
        """The complexity scale is low < mid-low < mid-high < high."""
        assert catalogue.scale("complexity").level_slugs() == [
            "low",
            "mid-low",
            "mid-high",
            "high",
        ]

    def test_scales_are_rubric_criterion_levels(self, catalogue: Catalogue) -> None:
        """Both scales are ResultDescriptions of type RubricCriterionLevel."""
        assert [scale.result_type for scale in catalogue.scales] == ["RubricCriterionLevel"] * 2

    def test_complexity_levels_have_indicative_eqf_alignment(self, catalogue: Catalogue) -> None:
        """Each complexity level has one indicative EQF alignment, EQF 2 to 5 from low to high."""
        eqf_levels = []
        for level in catalogue.scale("complexity").levels:
            (alignment,) = [a for a in level.alignments if a.target_type == "ext:EQFLevel"]
            code = alignment.target_code
            assert code is not None
            assert alignment.target_url == f"http://data.europa.eu/snb/eqf/{code}"
            assert alignment.target_name == f"EQF level {code} (indicative)"
            assert alignment.target_framework == "European Qualifications Framework"
            eqf_levels.append(int(code))
        assert eqf_levels == [2, 3, 4, 5]

    def test_complexity_descriptions_say_indicative(self, catalogue: Catalogue) -> None:
        """Each complexity level says the EQF correspondence is indicative, not official."""
        for level in catalogue.scale("complexity").levels:
            english = level.description("en")
            assert "Indicative correspondence" in english
            assert "not an official EQF level" in english
            for lang in LANGUAGES:
                assert "EQF" in level.description(lang), (level.slug, lang)

    def test_outcome_levels_have_no_alignment(self, catalogue: Catalogue) -> None:
        """Outcome levels carry no EQF (or other) alignment."""
        assert all(not level.alignments for level in catalogue.scale("outcome").levels)


class TestAlignments:
    @pytest.mark.parametrize("slug", COMPETENCES)
    def test_competence_aligned_to_esco(self, catalogue: Catalogue, slug: str) -> None:
        """Each competence is aligned to at least one ESCO transversal skill URI."""
        esco = [a for a in catalogue.get(slug).alignments if a.target_framework == "ESCO"]
        assert esco
        for alignment in esco:
            assert re.fullmatch(
                r"http://data\.europa\.eu/esco/skill/[0-9a-f-]{36}", alignment.target_url
            )
            assert alignment.target_url.endswith(str(alignment.target_code))
            assert str(alignment.target_type).startswith("ext:ESCO")

    @pytest.mark.parametrize("slug", COMPETENCES)
    def test_competence_aligned_to_key_competence(self, catalogue: Catalogue, slug: str) -> None:
        """Each competence is aligned to at least one of the 8 EU key competences (2018)."""
        key = [
            a
            for a in catalogue.get(slug).alignments
            if a.target_framework == KEY_COMPETENCES_FRAMEWORK
        ]
        assert key
        for alignment in key:
            assert alignment.target_code in KEY_COMPETENCE_CODES
            assert alignment.target_url.startswith("https://eur-lex.europa.eu/")
            assert alignment.target_type == "ext:EUKeyCompetence"
