"""The LEVER catalogue as data, and its mapping to OB 3.0 Achievement objects.

The catalogue (15 competences in 4 clusters, the outcome and environment-complexity scales,
the Tutor, Assessor and Trainer roles, in 7 languages) lives in TOML files under ``data/``;
this package validates it and renders OB 3.0 ``Achievement`` JSON::

    catalogue = Catalogue.load()
    achievement = catalogue.achievement("empathy", base_url="https://badges.example.org")
"""

from __future__ import annotations

from badge_classes.catalogue import Catalogue
from badge_classes.errors import (
    CatalogueDataError,
    CatalogueError,
    InvalidBaseUrlError,
    UnknownAchievementError,
    UnknownClusterError,
    UnknownLevelError,
    UnknownScaleError,
    UnsupportedLanguageError,
)
from badge_classes.loader import DEFAULT_DATA_DIR
from badge_classes.model import (
    LANGUAGES,
    AchievementDefinition,
    AchievementText,
    Alignment,
    Cluster,
    Kind,
    Level,
    Scale,
    ScaleName,
    Text,
    Translations,
)

__all__ = [
    "DEFAULT_DATA_DIR",
    "LANGUAGES",
    "AchievementDefinition",
    "AchievementText",
    "Alignment",
    "Catalogue",
    "CatalogueDataError",
    "CatalogueError",
    "Cluster",
    "InvalidBaseUrlError",
    "Kind",
    "Level",
    "Scale",
    "ScaleName",
    "Text",
    "Translations",
    "UnknownAchievementError",
    "UnknownClusterError",
    "UnknownLevelError",
    "UnknownScaleError",
    "UnsupportedLanguageError",
]
