"""Stable ids of achievements, result descriptions and levels under the base URL."""

from __future__ import annotations

from typing import Any, cast

import pytest

from badge_classes import Catalogue


def _result_descriptions(document: dict[str, object]) -> list[dict[str, Any]]:
    return cast("list[dict[str, Any]]", document["resultDescription"])


class TestIds:
    def test_achievement_ids(self, catalogue: Catalogue, base_url: str) -> None:
        """Every achievement id is {base}/achievements/{slug}."""
        for slug in catalogue.slugs():
            expected = f"{base_url}/achievements/{slug}"
            assert catalogue.achievement_id(slug, base_url=base_url) == expected
            assert catalogue.achievement(slug, base_url=base_url)["id"] == expected

    def test_result_description_ids(self, catalogue: Catalogue, base_url: str) -> None:
        """Result description ids are {base}/achievements/{slug}/results/{scale}."""
        assert (
            catalogue.result_description_id("teamwork", "complexity", base_url=base_url)
            == f"{base_url}/achievements/teamwork/results/complexity"
        )

    def test_level_ids(self, catalogue: Catalogue, base_url: str) -> None:
        """Level ids are {base}/achievements/{slug}/results/{scale}/{level}."""
        assert (
            catalogue.level_id("teamwork", "outcome", "expert", base_url=base_url)
            == f"{base_url}/achievements/teamwork/results/outcome/expert"
        )

    def test_trailing_slash_is_ignored(self, catalogue: Catalogue, base_url: str) -> None:
        """A trailing slash on the base URL gives the same ids."""
        assert catalogue.achievement("empathy", base_url=base_url + "/") == catalogue.achievement(
            "empathy", base_url=base_url
        )

    def test_https_base_url_with_path(self, catalogue: Catalogue) -> None:
        """A base URL with a path prefix keeps the prefix."""
        base = "https://badges.example.org/leverup"
        assert (
            catalogue.level_id("empathy", "complexity", "mid-low", base_url=base)
            == "https://badges.example.org/leverup/achievements/empathy/results/complexity/mid-low"
        )

    @pytest.mark.parametrize("lang", ["en", "pl"])
    def test_ids_in_document_match_id_helpers(
        self, catalogue: Catalogue, base_url: str, lang: str
    ) -> None:
        """The ids in the Achievement JSON equal result_description_id() and level_id()."""
        for slug in catalogue.slugs()[:15]:
            document = catalogue.achievement(slug, base_url=base_url, lang=lang)
            for description, scale in zip(
                _result_descriptions(document), catalogue.scales, strict=True
            ):
                assert description["id"] == catalogue.result_description_id(
                    slug, scale.slug, base_url=base_url
                )
                level_ids = [level["id"] for level in description["rubricCriterionLevel"]]
                assert level_ids == [
                    catalogue.level_id(slug, scale.slug, level, base_url=base_url)
                    for level in scale.level_slugs()
                ]

    def test_ids_do_not_depend_on_language(self, catalogue: Catalogue, base_url: str) -> None:
        """The same achievement has the same ids in every language."""
        english = catalogue.achievement("leadership", base_url=base_url, lang="en")
        danish = catalogue.achievement("leadership", base_url=base_url, lang="da")
        assert english["id"] == danish["id"]
        assert [d["id"] for d in _result_descriptions(english)] == [
            d["id"] for d in _result_descriptions(danish)
        ]

    def test_ids_follow_the_base_url(self, catalogue: Catalogue) -> None:
        """Every id in the document lives under the given base URL."""
        base = "https://badges.example.org"
        document = catalogue.achievement("problem-solving", base_url=base)
        ids = [document["id"]]
        for description in _result_descriptions(document):
            ids.append(description["id"])
            ids.extend(level["id"] for level in description["rubricCriterionLevel"])
        assert len(ids) == 1 + 2 + 3 + 4
        assert all(str(i).startswith(f"{base}/achievements/problem-solving") for i in ids)
