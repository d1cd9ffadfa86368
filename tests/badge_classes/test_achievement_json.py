"""The OB 3.0 Achievement JSON: schema validity, signed-graph terms, shape, determinism."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import msgspec
import pytest
from jsonschema import Draft201909Validator

from badge_classes import LANGUAGES, Catalogue, render

ALL_SLUGS = Catalogue.load().slugs()


def _walk(value: object, path: str = "$") -> Iterator[tuple[str, object]]:
    """Yield (path, value) for every value of a JSON document."""
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}[{index}]")


def _objects(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield (class name, object) for the Achievement and every nested typed object."""
    yield "Achievement", document
    yield "Criteria", document["criteria"]
    yield "Image", document["image"]
    for alignment in document.get("alignment", []):
        yield "Alignment", alignment
    for description in document.get("resultDescription", []):
        yield "ResultDescription", description
        for level in description["rubricCriterionLevel"]:
            yield "RubricCriterionLevel", level
            for alignment in level.get("alignment", []):
                yield "Alignment", alignment


class TestSchema:
    @pytest.mark.parametrize("slug", ALL_SLUGS)
    @pytest.mark.parametrize("lang", LANGUAGES)
    def test_validates_against_ob3_schema(
        self,
        catalogue: Catalogue,
        achievement_validator: Draft201909Validator,
        base_url: str,
        slug: str,
        lang: str,
    ) -> None:
        """Every achievement, in every language, validates against the OB 3.0 Achievement schema."""
        document = catalogue.achievement(slug, base_url=base_url, lang=lang)
        errors = [error.message for error in achievement_validator.iter_errors(document)]
        assert errors == []

    def test_validator_rejects_type_as_string(
        self, catalogue: Catalogue, achievement_validator: Draft201909Validator, base_url: str
    ) -> None:
        """The schema check is not vacuous: `type` as a plain string is rejected."""
        document = catalogue.achievement("empathy", base_url=base_url)
        document["type"] = "Achievement"
        assert not achievement_validator.is_valid(document)

    def test_keys_are_schema_properties(
        self, catalogue: Catalogue, ob_schema_defs: dict[str, Any], base_url: str
    ) -> None:
        """Every key of every object is a property of its class in the OB 3.0 schema."""
        for slug in catalogue.slugs():
            document = catalogue.achievement(slug, base_url=base_url)
            for class_name, obj in _objects(document):
                allowed = set(ob_schema_defs[class_name]["properties"])
                assert set(obj) <= allowed, (slug, class_name, set(obj) - allowed)

    def test_keys_are_terms_of_the_ob_context(
        self, catalogue: Catalogue, ob_context: dict[str, Any], base_url: str
    ) -> None:
        """Every key is a term of the OB 3.0.3 context, so nothing would go unsigned."""
        top_level = {key for key in ob_context if not key.startswith("@")}
        for slug in catalogue.slugs():
            document = catalogue.achievement(slug, base_url=base_url)
            for class_name, obj in _objects(document):
                scoped = ob_context[class_name].get("@context", {})
                allowed = top_level | {key for key in scoped if not key.startswith("@")}
                assert set(obj) <= allowed, (slug, class_name, set(obj) - allowed)

    def test_enumerations_use_ext_prefix(self, catalogue: Catalogue, base_url: str) -> None:
        """Non-standard targetType values carry the `ext:` prefix."""
        document = catalogue.achievement("communication", base_url=base_url)
        target_types = {
            obj["targetType"] for name, obj in _objects(document) if name == "Alignment"
        }
        assert target_types == {
            "ext:ESCOSkill",
            "ext:ESCOSkillGroup",
            "ext:EQFLevel",
            "ext:EUKeyCompetence",
        }


class TestShape:
    def test_competence_document(self, catalogue: Catalogue, base_url: str) -> None:
        """A competence has the OB keys in a fixed order, in the requested language."""
        document = catalogue.achievement("empathy", base_url=base_url, lang="fr")
        assert list(document) == [
            "id",
            "type",
            "achievementType",
            "name",
            "description",
            "criteria",
            "image",
            "alignment",
            "resultDescription",
            "tag",
            "inLanguage",
        ]
        assert document["type"] == ["Achievement"]
        assert document["achievementType"] == "Competency"
        assert document["name"] == "Empathie"
        assert document["inLanguage"] == "fr"
        assert document["tag"] == ["LEVER UP", "Compétences personnelles"]

    def test_role_document_has_no_result_description(
        self, catalogue: Catalogue, base_url: str
    ) -> None:
        """A role is a Certification without resultDescription and without cluster tag."""
        document = catalogue.achievement("assessor", base_url=base_url, lang="nl")
        assert document["achievementType"] == "Certification"
        assert "resultDescription" not in document
        assert "alignment" not in document
        assert document["tag"] == ["LEVER UP"]
        assert document["name"] == "LEVER UP-assessor"

    @pytest.mark.parametrize("slug", ALL_SLUGS)
    def test_no_nulls_no_empty_arrays_and_array_types(
        self, catalogue: Catalogue, base_url: str, slug: str
    ) -> None:
        """No value is null or an empty array, and every `type` is a non-empty array.

        Except the Image's `type`: the OB 3.0 schema makes it the string "Image" (§1.9).
        """
        document = catalogue.achievement(slug, base_url=base_url, lang="es")
        for path, value in _walk(document):
            assert value is not None, path
            assert value != [], path
            assert value != "", path
            if path == "$.image.type":
                assert value == "Image"
            elif path.endswith(".type"):
                assert isinstance(value, list), path

    def test_criteria_narrative_lists_the_indicators(
        self, catalogue: Catalogue, base_url: str
    ) -> None:
        """The criteria narrative is Markdown with one list item per indicator."""
        document = catalogue.achievement("teamwork", base_url=base_url, lang="pl")
        criteria = document["criteria"]
        assert isinstance(criteria, dict)
        narrative = criteria["narrative"]
        for indicator in catalogue.get("teamwork").indicators("pl"):
            assert f"\n- {indicator}\n" in f"{narrative}\n"
        assert narrative.startswith("Odznaka jest przyznawana")

    def test_result_descriptions_are_ordered_rubrics(
        self, catalogue: Catalogue, base_url: str
    ) -> None:
        """Outcome then complexity, each a RubricCriterionLevel rubric with levels low to high."""
        document = catalogue.achievement("leadership", base_url=base_url, lang="en")
        descriptions = document["resultDescription"]
        assert isinstance(descriptions, list)
        assert [d["name"] for d in descriptions] == ["Outcome level", "Environment complexity"]
        assert {d["resultType"] for d in descriptions} == {"RubricCriterionLevel"}
        assert [level["name"] for level in descriptions[0]["rubricCriterionLevel"]] == [
            "Basic",
            "Accomplished",
            "Expert",
        ]
        assert [level["name"] for level in descriptions[1]["rubricCriterionLevel"]] == [
            "Low",
            "Mid-low",
            "Mid-high",
            "High",
        ]

    def test_complexity_levels_carry_eqf_alignment_in_json(
        self, catalogue: Catalogue, base_url: str
    ) -> None:
        """Each complexity level in the JSON carries its indicative EQF alignment."""
        document = catalogue.achievement("engagement", base_url=base_url)
        descriptions = document["resultDescription"]
        assert isinstance(descriptions, list)
        urls = [
            level["alignment"][0]["targetUrl"] for level in descriptions[1]["rubricCriterionLevel"]
        ]
        assert urls == [f"http://data.europa.eu/snb/eqf/{n}" for n in (2, 3, 4, 5)]
        assert all("alignment" not in level for level in descriptions[0]["rubricCriterionLevel"])


class TestDeterminismAndCaching:
    def test_same_input_same_bytes(self, catalogue: Catalogue, base_url: str) -> None:
        """Two catalogues loaded separately give byte-identical JSON for the same input."""
        other = Catalogue.load()
        for slug in catalogue.slugs():
            first = msgspec.json.encode(catalogue.achievement(slug, base_url=base_url, lang="it"))
            second = msgspec.json.encode(other.achievement(slug, base_url=base_url, lang="it"))
            assert first == second

    def test_result_is_a_fresh_copy(self, catalogue: Catalogue, base_url: str) -> None:
        """Mutating a returned document does not affect later calls."""
        first = catalogue.achievement("initiative", base_url=base_url)
        first["name"] = "changed"
        alignments = first["alignment"]
        assert isinstance(alignments, list)
        alignments.clear()
        second = catalogue.achievement("initiative", base_url=base_url)
        assert second["name"] == "Initiative"
        assert second["alignment"]

    def test_rendered_once_per_key(self, base_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
        """The document is rendered once per (slug, base_url, lang), then served from memory."""
        calls: list[tuple[str, str]] = []
        original = render.achievement_json

        def counting(*args: Any) -> dict[str, object]:
            calls.append((args[1].slug, args[3]))
            return original(*args)

        monkeypatch.setattr(render, "achievement_json", counting)
        catalogue = Catalogue.load()
        for _ in range(3):
            catalogue.achievement("empathy", base_url=base_url, lang="en")
            catalogue.achievement("empathy", base_url=base_url, lang="da")
        assert calls == [("empathy", "en"), ("empathy", "da")]
