"""The shape of the catalogue data files, as msgspec structs.

Every struct forbids unknown fields, so a misspelt key in a data file fails to load. Slugs are
checked against :data:`badge_classes.vocab.SLUG_PATTERN`; OB enumerations against their
patterns. Cross-file rules (references, file names) are checked in :mod:`badge_classes.loader`.
"""

from __future__ import annotations

from typing import Annotated

import msgspec

from badge_classes.model import (
    AchievementText,
    Alignment,
    CriteriaFrame,
    NonBlank,
    Text,
    Translations,
)
from badge_classes.vocab import ACHIEVEMENT_TYPE_PATTERN, RESULT_TYPE_PATTERN, SLUG_PATTERN

Slug = Annotated[str, msgspec.Meta(pattern=SLUG_PATTERN)]
PositiveInt = Annotated[int, msgspec.Meta(ge=1)]


class KindFile(Translations[CriteriaFrame], frozen=True, forbid_unknown_fields=True):
    """``[competence]`` or ``[role]`` in ``catalogue.toml``.

    Attributes:
        achievement_type: OB 3.0 ``achievementType`` of every achievement of this kind.
        slugs: The achievements of this kind, in catalogue order.
    """

    achievement_type: Annotated[str, msgspec.Meta(pattern=ACHIEVEMENT_TYPE_PATTERN)]
    slugs: tuple[Slug, ...]


class CatalogueFile(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """``catalogue.toml``.

    Attributes:
        tags: Keywords put in the ``tag`` of every achievement.
        competence: Settings of the competences.
        role: Settings of the practitioner roles.
    """

    competence: KindFile
    role: KindFile
    tags: tuple[NonBlank, ...] = ()


ClustersFile = dict[Slug, Translations[Text]]
"""``clusters.toml``: one table per cluster, in display order."""

AlignmentsFile = dict[Slug, Alignment]
"""``alignments.toml``: alignment targets by key."""


class LevelFile(Translations[Text], frozen=True, forbid_unknown_fields=True):
    """``[<scale>.levels.<slug>]`` in ``levels.toml``.

    Attributes:
        alignments: Keys of ``alignments.toml`` entries.
    """

    alignments: tuple[Slug, ...] = ()


class ScaleFile(Translations[Text], frozen=True, forbid_unknown_fields=True):
    """``[outcome]`` or ``[complexity]`` in ``levels.toml``.

    Attributes:
        result_type: OB 3.0 ``resultType``.
        levels: The levels by slug, ordered from low to high.
    """

    result_type: Annotated[str, msgspec.Meta(pattern=RESULT_TYPE_PATTERN)]
    levels: Annotated[dict[Slug, LevelFile], msgspec.Meta(min_length=1)]


class LevelsFile(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """``levels.toml``: the two scales.

    Attributes:
        outcome: The outcome-level scale.
        complexity: The environment-complexity scale.
    """

    outcome: ScaleFile
    complexity: ScaleFile


class CompetenceFile(Translations[AchievementText], frozen=True, forbid_unknown_fields=True):
    """``competences/<slug>.toml``.

    Attributes:
        cluster: Slug of a cluster in ``clusters.toml``.
        alignments: Keys of ``alignments.toml`` entries.
        default_valid_years: Default validity in years; absent for no expiry.
    """

    cluster: Slug
    alignments: tuple[Slug, ...] = ()
    default_valid_years: PositiveInt | None = None


class RoleFile(Translations[AchievementText], frozen=True, forbid_unknown_fields=True):
    """``roles/<slug>.toml``.

    Attributes:
        alignments: Keys of ``alignments.toml`` entries.
        default_valid_years: Default validity in years; absent for no expiry.
    """

    alignments: tuple[Slug, ...] = ()
    default_valid_years: PositiveInt | None = None
