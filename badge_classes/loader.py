"""Read and validate the catalogue data files.

Layout of a data directory (see ``data/README.md``)::

    catalogue.toml          order of competences and roles, achievement types, criteria frame
    clusters.toml           the competence clusters
    levels.toml             the two scales and their levels
    alignments.toml         alignment targets (ESCO, EU key competences, EQF) by key
    competences/<slug>.toml one file per competence
    roles/<slug>.toml       one file per practitioner role

Every problem raises :class:`~badge_classes.errors.CatalogueDataError` naming the file.
"""

from __future__ import annotations

import pathlib
import re
import tomllib
from collections.abc import Iterable
from typing import Any, TypeVar

import msgspec

from badge_classes import _files
from badge_classes.errors import CatalogueDataError
from badge_classes.model import (
    LANGUAGES,
    AchievementDefinition,
    AchievementText,
    Alignment,
    Cluster,
    CriteriaFrame,
    Kind,
    Level,
    Scale,
    ScaleName,
    Text,
    Translations,
)
from badge_classes.vocab import SLUG_PATTERN

T = TypeVar("T")

DEFAULT_DATA_DIR = pathlib.Path(__file__).resolve().parent / "data"
"""The catalogue shipped with the package."""


class CatalogueData(msgspec.Struct, frozen=True):
    """Everything read from a data directory, validated and cross-referenced.

    Attributes:
        tags: Keywords put in the ``tag`` of every achievement.
        competence_criteria: Criteria frame of competences, per language.
        role_criteria: Criteria frame of roles, per language.
        clusters: The clusters, in display order.
        scales: The outcome scale, then the complexity scale.
        definitions: The competences, then the roles, in catalogue order.
    """

    tags: tuple[str, ...]
    competence_criteria: Translations[CriteriaFrame]
    role_criteria: Translations[CriteriaFrame]
    clusters: tuple[Cluster, ...]
    scales: tuple[Scale, ...]
    definitions: tuple[AchievementDefinition, ...]


def load_catalogue_data(data_dir: pathlib.Path | None = None) -> CatalogueData:
    """Read, decode and cross-check every file of a data directory.

    Args:
        data_dir: The data directory; the package data when ``None``.

    Returns:
        The validated catalogue data.

    Raises:
        CatalogueDataError: If a file is missing, is not valid TOML, does not match its schema,
            or refers to something that does not exist.
    """
    root = DEFAULT_DATA_DIR if data_dir is None else pathlib.Path(data_dir)
    if not root.is_dir():
        msg = f"catalogue data directory not found: {root}"
        raise CatalogueDataError(msg)
    reader = _Reader(root)
    catalogue = reader.decode("catalogue.toml", _files.CatalogueFile)
    clusters_file = reader.decode("clusters.toml", _files.ClustersFile)
    alignments = reader.decode("alignments.toml", _files.AlignmentsFile)
    levels_file = reader.decode("levels.toml", _files.LevelsFile)

    clusters = tuple(Cluster(slug=slug, text=text) for slug, text in clusters_file.items())
    scales = (
        _scale("outcome", levels_file.outcome, alignments),
        _scale("complexity", levels_file.complexity, alignments),
    )
    _check_disjoint(catalogue.competence.slugs, catalogue.role.slugs)
    competences = [
        _competence(reader, slug, catalogue.competence, alignments, clusters_file)
        for slug in _listed(reader, "competences", catalogue.competence.slugs)
    ]
    roles = [
        _role(reader, slug, catalogue.role, alignments)
        for slug in _listed(reader, "roles", catalogue.role.slugs)
    ]
    return CatalogueData(
        tags=catalogue.tags,
        competence_criteria=_frames(catalogue.competence),
        role_criteria=_frames(catalogue.role),
        clusters=clusters,
        scales=scales,
        definitions=(*competences, *roles),
    )


class _Reader:
    """Reads TOML files of one data directory and decodes them, naming the file on error."""

    def __init__(self, root: pathlib.Path) -> None:
        self.root = root

    def decode(self, relative: str, type_: Any) -> Any:
        """Read ``relative`` and convert it to ``type_``, forbidding unknown fields."""
        raw = self._read(relative)
        try:
            return msgspec.convert(raw, type_, strict=True)
        except msgspec.ValidationError as exc:
            msg = f"{relative}: {exc}"
            raise CatalogueDataError(msg) from exc

    def toml_stems(self, folder: str) -> list[str]:
        """Return the stems of the ``*.toml`` files in ``folder``, sorted."""
        directory = self.root / folder
        if not directory.is_dir():
            msg = f"{folder}/: directory not found"
            raise CatalogueDataError(msg)
        return sorted(path.stem for path in directory.glob("*.toml") if path.is_file())

    def _read(self, relative: str) -> dict[str, Any]:
        path = self.root / relative
        try:
            with path.open("rb") as handle:
                return tomllib.load(handle)
        except FileNotFoundError as exc:
            msg = f"{relative}: file not found"
            raise CatalogueDataError(msg) from exc
        except tomllib.TOMLDecodeError as exc:
            msg = f"{relative}: invalid TOML: {exc}"
            raise CatalogueDataError(msg) from exc


def _listed(reader: _Reader, folder: str, slugs: Iterable[str]) -> list[str]:
    """Check that ``folder`` holds exactly one file per listed slug; return the slugs."""
    listed = list(slugs)
    duplicates = sorted({slug for slug in listed if listed.count(slug) > 1})
    if duplicates:
        msg = f"catalogue.toml: {folder} listed more than once: {', '.join(duplicates)}"
        raise CatalogueDataError(msg)
    present = reader.toml_stems(folder)
    bad_names = [stem for stem in present if not re.fullmatch(SLUG_PATTERN, stem)]
    if bad_names:
        msg = f"{folder}/: file names are not valid slugs: {', '.join(bad_names)}"
        raise CatalogueDataError(msg)
    missing = [slug for slug in listed if slug not in present]
    if missing:
        msg = f"{folder}/: no file for {', '.join(missing)} (listed in catalogue.toml)"
        raise CatalogueDataError(msg)
    unlisted = [stem for stem in present if stem not in listed]
    if unlisted:
        msg = f"{folder}/: {', '.join(unlisted)} not listed in catalogue.toml"
        raise CatalogueDataError(msg)
    return listed


def _check_disjoint(competences: Iterable[str], roles: Iterable[str]) -> None:
    both = sorted(set(competences) & set(roles))
    if both:
        msg = f"catalogue.toml: slugs used both as competence and role: {', '.join(both)}"
        raise CatalogueDataError(msg)


def _resolve(
    where: str, keys: tuple[str, ...], alignments: dict[str, Alignment]
) -> tuple[Alignment, ...]:
    """Resolve alignment keys, refusing unknown and repeated keys."""
    unknown = [key for key in keys if key not in alignments]
    if unknown:
        msg = f"{where}: unknown alignments (not in alignments.toml): {', '.join(unknown)}"
        raise CatalogueDataError(msg)
    if len(set(keys)) != len(keys):
        msg = f"{where}: an alignment is listed more than once"
        raise CatalogueDataError(msg)
    return tuple(alignments[key] for key in keys)


def _texts(source: Translations[T]) -> Translations[T]:
    """Copy the language fields of a file struct into a plain :class:`Translations`."""
    return Translations(**{lang: getattr(source, lang) for lang in LANGUAGES})


def _frames(kind: _files.KindFile) -> Translations[CriteriaFrame]:
    return _texts(kind)


def _scale(slug: ScaleName, scale: _files.ScaleFile, alignments: dict[str, Alignment]) -> Scale:
    levels = tuple(
        Level(
            slug=level_slug,
            text=_texts(level),
            alignments=_resolve(
                f"levels.toml [{slug}.levels.{level_slug}]", level.alignments, alignments
            ),
        )
        for level_slug, level in scale.levels.items()
    )
    text: Translations[Text] = _texts(scale)
    return Scale(slug=slug, result_type=scale.result_type, text=text, levels=levels)


def _check_indicator_counts(where: str, text: Translations[AchievementText]) -> None:
    """Every language must list as many indicators as English (translations stay aligned)."""
    expected = len(text.en.indicators)
    uneven = [lang for lang in LANGUAGES if len(text.get(lang).indicators) != expected]
    if uneven:
        msg = (
            f"{where}: {', '.join(uneven)} must list {expected} indicators, like en "
            "(one translation per English indicator)"
        )
        raise CatalogueDataError(msg)


def _definition(
    where: str,
    slug: str,
    kind: Kind,
    settings: _files.KindFile,
    source: _files.CompetenceFile | _files.RoleFile,
    cluster: str | None,
    alignments: dict[str, Alignment],
) -> AchievementDefinition:
    text: Translations[AchievementText] = _texts(source)
    _check_indicator_counts(where, text)
    return AchievementDefinition(
        slug=slug,
        kind=kind,
        achievement_type=settings.achievement_type,
        cluster=cluster,
        default_valid_years=source.default_valid_years,
        alignments=_resolve(where, source.alignments, alignments),
        text=text,
    )


def _competence(
    reader: _Reader,
    slug: str,
    settings: _files.KindFile,
    alignments: dict[str, Alignment],
    clusters: dict[str, Translations[Text]],
) -> AchievementDefinition:
    where = f"competences/{slug}.toml"
    source: _files.CompetenceFile = reader.decode(where, _files.CompetenceFile)
    if source.cluster not in clusters:
        msg = f"{where}: unknown cluster {source.cluster!r} (not in clusters.toml)"
        raise CatalogueDataError(msg)
    return _definition(where, slug, "competence", settings, source, source.cluster, alignments)


def _role(
    reader: _Reader,
    slug: str,
    settings: _files.KindFile,
    alignments: dict[str, Alignment],
) -> AchievementDefinition:
    where = f"roles/{slug}.toml"
    source: _files.RoleFile = reader.decode(where, _files.RoleFile)
    return _definition(where, slug, "role", settings, source, None, alignments)
