"""The :class:`Catalogue`: lookups and OB 3.0 Achievement objects for the LEVER catalogue."""

from __future__ import annotations

import functools
import pathlib
from collections.abc import Callable

import msgspec

from badge_classes import ids, render
from badge_classes.errors import UnknownAchievementError, UnknownClusterError, UnknownScaleError
from badge_classes.loader import CatalogueData, load_catalogue_data
from badge_classes.model import (
    LANGUAGES,
    AchievementDefinition,
    Cluster,
    Scale,
    ScaleName,
    check_language,
)

_ACHIEVEMENT_CACHE_SIZE = 4096
"""Memoised Achievement documents: 18 achievements x 7 languages = 126 per base URL."""


class Catalogue:
    """The LEVER catalogue: 15 competences in 4 clusters, 2 scales, 3 practitioner roles.

    Load it once with :meth:`load` and share it: it is immutable and thread-safe.

    Attributes:
        languages: The catalogue languages, English first.
        clusters: The competence clusters, in display order.
        scales: The outcome scale, then the environment-complexity scale.
    """

    __slots__ = (
        "_by_slug",
        "_clusters",
        "_data",
        "_encoded",
        "_scales",
        "clusters",
        "languages",
        "scales",
    )

    languages: tuple[str, ...]
    clusters: tuple[Cluster, ...]
    scales: tuple[Scale, ...]

    def __init__(self, data: CatalogueData) -> None:
        """Wrap validated catalogue data; use :meth:`load` to read a data directory."""
        self._data = data
        self.languages = LANGUAGES
        self.clusters = data.clusters
        self.scales = data.scales
        self._by_slug = {definition.slug: definition for definition in data.definitions}
        self._clusters = {cluster.slug: cluster for cluster in data.clusters}
        self._scales: dict[str, Scale] = {scale.slug: scale for scale in data.scales}
        self._encoded: Callable[[str, str, str], bytes] = functools.lru_cache(
            maxsize=_ACHIEVEMENT_CACHE_SIZE
        )(self._encode_achievement)

    @classmethod
    def load(cls, data_dir: pathlib.Path | None = None) -> Catalogue:
        """Read and validate a catalogue data directory.

        Args:
            data_dir: The data directory; the catalogue shipped with the package when ``None``.

        Returns:
            The catalogue.

        Raises:
            CatalogueDataError: If any data file is missing, malformed or inconsistent.
        """
        return cls(load_catalogue_data(data_dir))

    def __repr__(self) -> str:
        """Return a short description of the catalogue."""
        return f"<Catalogue {len(self._by_slug)} achievements, {len(self.languages)} languages>"

    def slugs(self) -> list[str]:
        """Return the slugs of the competences, then of the roles, in catalogue order."""
        return [definition.slug for definition in self._data.definitions]

    def definitions(self) -> tuple[AchievementDefinition, ...]:
        """Return every definition: the competences, then the roles, in catalogue order."""
        return self._data.definitions

    def get(self, slug: str) -> AchievementDefinition:
        """Return the definition of a competence or role.

        Args:
            slug: A competence or role slug.

        Returns:
            The definition.

        Raises:
            UnknownAchievementError: If no competence or role has this slug.
        """
        try:
            return self._by_slug[slug]
        except KeyError:
            msg = f"unknown achievement {slug!r}"
            raise UnknownAchievementError(msg) from None

    def cluster(self, slug: str) -> Cluster:
        """Return a cluster.

        Args:
            slug: A cluster slug, e.g. ``"social"``.

        Returns:
            The cluster.

        Raises:
            UnknownClusterError: If no cluster has this slug.
        """
        try:
            return self._clusters[slug]
        except KeyError:
            msg = f"unknown cluster {slug!r}"
            raise UnknownClusterError(msg) from None

    def scale(self, name: ScaleName) -> Scale:
        """Return a scale with its ordered levels.

        Args:
            name: ``"outcome"`` or ``"complexity"``.

        Returns:
            The scale.

        Raises:
            UnknownScaleError: If there is no such scale.
        """
        try:
            return self._scales[name]
        except KeyError:
            msg = f"unknown scale {name!r}; expected outcome or complexity"
            raise UnknownScaleError(msg) from None

    def achievement_id(self, slug: str, *, base_url: str) -> str:
        """Return the id of an Achievement: ``{base}/achievements/{slug}``.

        Raises:
            UnknownAchievementError: If no competence or role has this slug.
            InvalidBaseUrlError: If ``base_url`` is not a valid base URL.
        """
        return ids.achievement_id(base_url, self.get(slug).slug)

    def result_description_id(self, slug: str, scale: ScaleName, *, base_url: str) -> str:
        """Return the id of a competence's ResultDescription.

        Args:
            slug: A competence slug.
            scale: ``"outcome"`` or ``"complexity"``.
            base_url: The service base URL.

        Returns:
            ``{base}/achievements/{slug}/results/{scale}``.

        Raises:
            UnknownAchievementError: If no competence or role has this slug.
            UnknownScaleError: If the scale does not exist or the achievement is a role
                (roles have no result descriptions).
            InvalidBaseUrlError: If ``base_url`` is not a valid base URL.
        """
        self._scale_of(slug, scale)
        return ids.result_description_id(base_url, slug, scale)

    def level_id(self, slug: str, scale: ScaleName, level: str, *, base_url: str) -> str:
        """Return the id of a level of a competence's ResultDescription.

        Args:
            slug: A competence slug.
            scale: ``"outcome"`` or ``"complexity"``.
            level: A level slug of that scale, e.g. ``"expert"`` or ``"mid-high"``.
            base_url: The service base URL.

        Returns:
            ``{base}/achievements/{slug}/results/{scale}/{level}``.

        Raises:
            UnknownAchievementError: If no competence or role has this slug.
            UnknownScaleError: If the scale does not exist or the achievement is a role.
            UnknownLevelError: If the scale has no such level.
            InvalidBaseUrlError: If ``base_url`` is not a valid base URL.
        """
        found = self._scale_of(slug, scale).level(level)
        return ids.level_id(base_url, slug, scale, found.slug)

    def achievement(self, slug: str, *, base_url: str, lang: str = "en") -> dict[str, object]:
        """Return the OB 3.0 Achievement object of a competence or role.

        The document is rendered once per ``(slug, base_url, lang)`` and memoised as JSON
        bytes; every call decodes those bytes, so the caller always gets a fresh dict it may
        mutate freely without affecting later calls. Key order is deterministic.

        Args:
            slug: A competence or role slug.
            base_url: The service base URL (``LEVERUP_BASE_URL``).
            lang: A catalogue language; sets every text and ``inLanguage``.

        Returns:
            The JSON-ready Achievement object.

        Raises:
            UnknownAchievementError: If no competence or role has this slug.
            UnsupportedLanguageError: If ``lang`` is not a catalogue language.
            InvalidBaseUrlError: If ``base_url`` is not a valid base URL.
        """
        document: dict[str, object] = msgspec.json.decode(self._encoded(slug, base_url, lang))
        return document

    def image(
        self, slug: str, *, base_url: str, lang: str = "en", outcome: str | None = None
    ) -> dict[str, object]:
        """Return the OB 3.0 ``Image`` of an achievement, or of a competence at an outcome level.

        The ``id`` is the URL the application serves the badge artwork at
        (``{base}/achievements/{slug}/image.png``, or ``.../{slug}/{outcome}/image.png``, with
        ``?lang=`` for a language other than English); ``caption`` is its alt text.

        Args:
            slug: A competence or role slug.
            base_url: The service base URL.
            lang: A catalogue language (label and caption).
            outcome: An outcome level slug (competences only), or ``None``.

        Returns:
            ``{"id", "type": "Image", "caption"}``.

        Raises:
            UnknownAchievementError: If no competence or role has this slug.
            UnknownScaleError: If an outcome is given for a role.
            UnknownLevelError: If the outcome scale has no such level.
            UnsupportedLanguageError: If ``lang`` is not a catalogue language.
            InvalidBaseUrlError: If ``base_url`` is not a valid base URL.
        """
        definition = self.get(slug)
        check_language(lang)
        if outcome is not None:
            self._scale_of(slug, "outcome").level(outcome)
        return render.image_json(self._data, definition, base_url, lang, outcome)

    def _encode_achievement(self, slug: str, base_url: str, lang: str) -> bytes:
        definition = self.get(slug)
        check_language(lang)
        ids.normalize_base_url(base_url)
        document = render.achievement_json(self._data, definition, base_url, lang)
        return msgspec.json.encode(document)

    def _scale_of(self, slug: str, scale: str) -> Scale:
        definition = self.get(slug)
        if definition.kind != "competence":
            msg = f"{slug!r} is a {definition.kind}; it has no result descriptions"
            raise UnknownScaleError(msg)
        try:
            return self._scales[scale]
        except KeyError:
            msg = f"unknown scale {scale!r}; expected outcome or complexity"
            raise UnknownScaleError(msg) from None
