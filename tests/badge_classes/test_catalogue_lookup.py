"""Lookups and the errors raised for unknown slugs, scales, levels, languages and base URLs."""

from __future__ import annotations

import pytest

from badge_classes import (
    Catalogue,
    CatalogueError,
    InvalidBaseUrlError,
    UnknownAchievementError,
    UnknownClusterError,
    UnknownLevelError,
    UnknownScaleError,
    UnsupportedLanguageError,
)


class TestUnknownAchievement:
    def test_get_unknown_slug(self, catalogue: Catalogue) -> None:
        """get() raises UnknownAchievementError, a LookupError, for an unknown slug."""
        with pytest.raises(UnknownAchievementError, match="unknown achievement 'kindness'"):
            catalogue.get("kindness")

    def test_unknown_achievement_error_is_lookup_error(self) -> None:
        """UnknownAchievementError is both a LookupError and a CatalogueError."""
        assert issubclass(UnknownAchievementError, LookupError)
        assert issubclass(UnknownAchievementError, CatalogueError)

    def test_achievement_unknown_slug(self, catalogue: Catalogue, base_url: str) -> None:
        """achievement() raises UnknownAchievementError for an unknown slug."""
        with pytest.raises(UnknownAchievementError):
            catalogue.achievement("kindness", base_url=base_url)

    def test_level_id_unknown_slug(self, catalogue: Catalogue, base_url: str) -> None:
        """level_id() raises UnknownAchievementError for an unknown slug."""
        with pytest.raises(UnknownAchievementError):
            catalogue.level_id("kindness", "outcome", "basic", base_url=base_url)

    def test_slug_lookup_is_exact(self, catalogue: Catalogue) -> None:
        """Slugs are matched exactly: a differently cased slug is unknown."""
        with pytest.raises(UnknownAchievementError):
            catalogue.get("Empathy")


class TestUnknownLevelAndScale:
    def test_unknown_level(self, catalogue: Catalogue, base_url: str) -> None:
        """level_id() raises UnknownLevelError for a level the scale does not have."""
        with pytest.raises(UnknownLevelError, match="'master'"):
            catalogue.level_id("empathy", "outcome", "master", base_url=base_url)

    def test_level_of_the_other_scale(self, catalogue: Catalogue, base_url: str) -> None:
        """A complexity level is not an outcome level."""
        with pytest.raises(UnknownLevelError):
            catalogue.level_id("empathy", "outcome", "high", base_url=base_url)

    def test_scale_level_lookup(self, catalogue: Catalogue) -> None:
        """Scale.level() raises UnknownLevelError, a LookupError, for an unknown level."""
        with pytest.raises(UnknownLevelError):
            catalogue.scale("complexity").level("medium")
        assert issubclass(UnknownLevelError, LookupError)

    def test_unknown_scale(self, catalogue: Catalogue, base_url: str) -> None:
        """result_description_id() raises UnknownScaleError for a scale that does not exist."""
        with pytest.raises(UnknownScaleError):
            catalogue.result_description_id("empathy", "grade", base_url=base_url)  # type: ignore[arg-type]

    def test_scale_lookup_unknown(self, catalogue: Catalogue) -> None:
        """scale() raises UnknownScaleError for a scale that does not exist."""
        with pytest.raises(UnknownScaleError):
            catalogue.scale("grade")  # type: ignore[arg-type]

    def test_role_has_no_result_description(self, catalogue: Catalogue, base_url: str) -> None:
        """Roles have no result descriptions: asking for one raises UnknownScaleError."""
        with pytest.raises(UnknownScaleError, match="role"):
            catalogue.result_description_id("assessor", "outcome", base_url=base_url)

    def test_role_has_no_levels(self, catalogue: Catalogue, base_url: str) -> None:
        """Roles have no levels: level_id() for a role raises UnknownScaleError."""
        with pytest.raises(UnknownScaleError):
            catalogue.level_id("tutor", "outcome", "basic", base_url=base_url)

    def test_unknown_cluster(self, catalogue: Catalogue) -> None:
        """cluster() raises UnknownClusterError for a cluster that does not exist."""
        with pytest.raises(UnknownClusterError):
            catalogue.cluster("emotional")


class TestUnsupportedLanguage:
    def test_achievement_in_unsupported_language(self, catalogue: Catalogue, base_url: str) -> None:
        """achievement() raises UnsupportedLanguageError, a ValueError, for German."""
        with pytest.raises(UnsupportedLanguageError, match="'de'"):
            catalogue.achievement("empathy", base_url=base_url, lang="de")
        assert issubclass(UnsupportedLanguageError, ValueError)

    def test_language_tag_with_region_is_unsupported(
        self, catalogue: Catalogue, base_url: str
    ) -> None:
        """Only the bare catalogue codes are accepted: "en-GB" is unsupported."""
        with pytest.raises(UnsupportedLanguageError):
            catalogue.achievement("empathy", base_url=base_url, lang="en-GB")

    def test_definition_text_in_unsupported_language(self, catalogue: Catalogue) -> None:
        """AchievementDefinition.name() raises UnsupportedLanguageError for an unknown code."""
        with pytest.raises(UnsupportedLanguageError):
            catalogue.get("empathy").name("xx")

    def test_cluster_text_in_unsupported_language(self, catalogue: Catalogue) -> None:
        """Cluster.name() raises UnsupportedLanguageError for an unknown code."""
        with pytest.raises(UnsupportedLanguageError):
            catalogue.cluster("personal").name("de")


class TestInvalidBaseUrl:
    def test_relative_base_url(self, catalogue: Catalogue) -> None:
        """A base URL without scheme and host is refused."""
        with pytest.raises(InvalidBaseUrlError):
            catalogue.achievement("empathy", base_url="badges.example.org")

    def test_non_http_scheme(self, catalogue: Catalogue) -> None:
        """A base URL with a scheme other than http/https is refused."""
        with pytest.raises(InvalidBaseUrlError):
            catalogue.achievement_id("empathy", base_url="ftp://badges.example.org")

    def test_base_url_with_query(self, catalogue: Catalogue) -> None:
        """A base URL with a query string is refused."""
        with pytest.raises(InvalidBaseUrlError):
            catalogue.level_id("empathy", "outcome", "basic", base_url="https://a.example/?x=1")

    def test_base_url_with_fragment(self, catalogue: Catalogue) -> None:
        """A base URL with a fragment is refused."""
        with pytest.raises(InvalidBaseUrlError):
            catalogue.result_description_id("empathy", "outcome", base_url="https://a.example#x")

    def test_base_url_with_credentials(self, catalogue: Catalogue) -> None:
        """A base URL carrying user credentials is refused."""
        with pytest.raises(InvalidBaseUrlError):
            catalogue.achievement("empathy", base_url="https://user:secret@a.example")

    def test_invalid_base_url_is_value_error(self) -> None:
        """InvalidBaseUrlError is a ValueError."""
        assert issubclass(InvalidBaseUrlError, ValueError)
