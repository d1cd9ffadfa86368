"""Loading the catalogue: corrupt data fails loudly, operator edits need no code change."""

from __future__ import annotations

import pathlib
from collections.abc import Callable

import pytest

from badge_classes import Catalogue, CatalogueDataError

Edit = Callable[[str, str, str], pathlib.Path]
"""The ``edit_data`` fixture: replace text once in a file of a data copy; return the copy."""

EMPATHY = "competences/empathy.toml"


class TestCorruptData:
    def test_unknown_top_level_field(self, edit_data: Edit) -> None:
        """An unknown key in a competence file fails to load, naming the file and the key."""
        data = edit_data(EMPATHY, 'cluster = "personal"', 'cluster = "personal"\ncolour = "red"')
        with pytest.raises(CatalogueDataError, match=r"competences/empathy\.toml.*`colour`"):
            Catalogue.load(data)

    def test_misspelt_field_in_language_table(self, edit_data: Edit) -> None:
        """A misspelt key inside a language table fails to load."""
        data = edit_data(EMPATHY, "\n[it]\nname =", "\n[it]\nnome =")
        with pytest.raises(CatalogueDataError, match="nome"):
            Catalogue.load(data)

    def test_unknown_field_in_levels(self, edit_data: Edit) -> None:
        """An unknown key in levels.toml fails to load."""
        data = edit_data(
            "levels.toml", "[complexity.levels.low]\n", "[complexity.levels.low]\neqf = 2\n"
        )
        with pytest.raises(CatalogueDataError, match=r"levels\.toml.*`eqf`"):
            Catalogue.load(data)

    def test_missing_language(self, data_copy: pathlib.Path) -> None:
        """A competence without its Danish texts fails to load."""
        path = data_copy / EMPATHY
        text = path.read_text(encoding="utf-8")
        path.write_text(text[: text.index("\n[da]\n")] + "\n", encoding="utf-8")
        with pytest.raises(CatalogueDataError, match=r"empathy\.toml.*`da`"):
            Catalogue.load(data_copy)

    def test_unsupported_language_table(self, edit_data: Edit) -> None:
        """A text in a language outside the catalogue (German) fails to load."""
        data = edit_data(
            "clusters.toml",
            "[social.en]",
            '[social.de]\nname = "Soziale"\ndescription = "x"\n\n[social.en]',
        )
        with pytest.raises(CatalogueDataError, match="`de`"):
            Catalogue.load(data)

    def test_blank_name(self, edit_data: Edit) -> None:
        """A blank name fails to load."""
        data = edit_data(EMPATHY, 'name = "Empatía"', 'name = "  "')
        with pytest.raises(CatalogueDataError, match="name"):
            Catalogue.load(data)

    def test_uneven_indicator_translations(self, edit_data: Edit) -> None:
        """A language with fewer indicators than English fails to load."""
        data = edit_data(
            EMPATHY, '    "Balancerer nærhed til personen med passende personlige grænser.",\n', ""
        )
        with pytest.raises(CatalogueDataError, match=r"empathy\.toml: da must list 5 indicators"):
            Catalogue.load(data)

    def test_unknown_cluster(self, edit_data: Edit) -> None:
        """A competence in a cluster that clusters.toml does not define fails to load."""
        data = edit_data(EMPATHY, 'cluster = "personal"', 'cluster = "emotional"')
        with pytest.raises(CatalogueDataError, match="unknown cluster 'emotional'"):
            Catalogue.load(data)

    def test_unknown_alignment(self, edit_data: Edit) -> None:
        """A reference to an alignment key missing from alignments.toml fails to load."""
        data = edit_data(EMPATHY, '"esco-show-empathy",', '"esco-show-sympathy",')
        with pytest.raises(CatalogueDataError, match="esco-show-sympathy"):
            Catalogue.load(data)

    def test_repeated_alignment(self, edit_data: Edit) -> None:
        """The same alignment listed twice fails to load."""
        data = edit_data(
            EMPATHY, '"esco-show-empathy",', '"esco-show-empathy",\n"esco-show-empathy",'
        )
        with pytest.raises(CatalogueDataError, match="more than once"):
            Catalogue.load(data)

    def test_alignment_target_type_without_ext_prefix(self, edit_data: Edit) -> None:
        """A non-standard targetType without the `ext:` prefix fails to load."""
        data = edit_data(
            "alignments.toml", 'target_type = "ext:ESCOSkill"', 'target_type = "ESCOSkill"'
        )
        with pytest.raises(CatalogueDataError, match=r"alignments\.toml.*target_type"):
            Catalogue.load(data)

    def test_alignment_url_not_absolute(self, edit_data: Edit) -> None:
        """An alignment targetUrl that is not an absolute http(s) URL fails to load."""
        data = edit_data(
            "alignments.toml",
            'target_url = "http://data.europa.eu/snb/eqf/1"',
            'target_url = "eqf/1"',
        )
        with pytest.raises(CatalogueDataError, match="target_url"):
            Catalogue.load(data)

    def test_invalid_achievement_type(self, edit_data: Edit) -> None:
        """An achievementType outside the OB vocabulary and without `ext:` fails to load."""
        data = edit_data("catalogue.toml", '"Certification"', '"PractitionerRole"')
        with pytest.raises(CatalogueDataError, match="achievement_type"):
            Catalogue.load(data)

    def test_role_with_cluster(self, edit_data: Edit) -> None:
        """Roles have no cluster: a `cluster` key in a role file fails to load."""
        data = edit_data(
            "roles/tutor.toml",
            "default_valid_years = 3",
            'default_valid_years = 3\ncluster = "social"',
        )
        with pytest.raises(CatalogueDataError, match=r"roles/tutor\.toml.*`cluster`"):
            Catalogue.load(data)

    def test_zero_validity(self, edit_data: Edit) -> None:
        """A default validity of 0 years fails to load."""
        data = edit_data("roles/tutor.toml", "default_valid_years = 3", "default_valid_years = 0")
        with pytest.raises(CatalogueDataError, match="default_valid_years"):
            Catalogue.load(data)

    def test_unlisted_competence_file(self, data_copy: pathlib.Path) -> None:
        """A competence file not listed in catalogue.toml fails to load."""
        (data_copy / "competences" / "kindness.toml").write_bytes(
            (data_copy / EMPATHY).read_bytes()
        )
        with pytest.raises(CatalogueDataError, match=r"kindness not listed in catalogue\.toml"):
            Catalogue.load(data_copy)

    def test_listed_competence_without_file(self, data_copy: pathlib.Path) -> None:
        """A slug listed in catalogue.toml without its file fails to load."""
        (data_copy / EMPATHY).unlink()
        with pytest.raises(CatalogueDataError, match="no file for empathy"):
            Catalogue.load(data_copy)

    def test_slug_listed_twice(self, edit_data: Edit) -> None:
        """A slug listed twice in catalogue.toml fails to load."""
        data = edit_data("catalogue.toml", '    "empathy",\n', '    "empathy",\n    "empathy",\n')
        with pytest.raises(CatalogueDataError, match="more than once: empathy"):
            Catalogue.load(data)

    def test_invalid_file_name(self, data_copy: pathlib.Path) -> None:
        """A data file whose name is not a valid slug fails to load."""
        (data_copy / EMPATHY).rename(data_copy / "competences" / "Empathy.toml")
        with pytest.raises(CatalogueDataError, match="not valid slugs: Empathy"):
            Catalogue.load(data_copy)

    def test_invalid_toml(self, edit_data: Edit) -> None:
        """A file that is not valid TOML fails to load, naming the file."""
        data = edit_data(EMPATHY, 'cluster = "personal"', 'cluster = "personal')
        with pytest.raises(CatalogueDataError, match=r"competences/empathy\.toml: invalid TOML"):
            Catalogue.load(data)

    def test_missing_file(self, data_copy: pathlib.Path) -> None:
        """A missing levels.toml fails to load."""
        (data_copy / "levels.toml").unlink()
        with pytest.raises(CatalogueDataError, match=r"levels\.toml: file not found"):
            Catalogue.load(data_copy)

    def test_missing_data_directory(self, tmp_path: pathlib.Path) -> None:
        """A data directory that does not exist fails to load."""
        with pytest.raises(CatalogueDataError, match="not found"):
            Catalogue.load(tmp_path / "nowhere")


class TestOperatorEdits:
    def test_unchanged_copy_loads_identically(
        self, catalogue: Catalogue, data_copy: pathlib.Path, base_url: str
    ) -> None:
        """A copy of the data directory loads to the same catalogue as the package data."""
        copy = Catalogue.load(data_copy)
        assert copy.slugs() == catalogue.slugs()
        assert copy.achievement("teamwork", base_url=base_url) == catalogue.achievement(
            "teamwork", base_url=base_url
        )

    def test_move_competence_to_another_cluster(self, edit_data: Edit, base_url: str) -> None:
        """Moving a competence to another cluster in the data is reflected without code change."""
        data = edit_data(EMPATHY, 'cluster = "personal"', 'cluster = "social"')
        moved = Catalogue.load(data)
        assert moved.get("empathy").cluster == "social"
        document = moved.achievement("empathy", base_url=base_url, lang="it")
        assert document["tag"] == ["LEVER UP", "Competenze sociali"]

    def test_give_competence_a_default_validity(self, edit_data: Edit) -> None:
        """Adding default_valid_years to a competence file sets its default validity."""
        data = edit_data(
            EMPATHY, 'cluster = "personal"', 'cluster = "personal"\ndefault_valid_years = 5'
        )
        assert Catalogue.load(data).get("empathy").default_valid_years == 5

    def test_reorder_competences(self, edit_data: Edit) -> None:
        """The order of catalogue.toml is the order of slugs()."""
        data = edit_data(
            "catalogue.toml",
            '    "responsibility",\n    "empathy",\n',
            '    "empathy",\n    "responsibility",\n',
        )
        assert Catalogue.load(data).slugs()[:2] == ["empathy", "responsibility"]
