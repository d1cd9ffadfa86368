"""Public, immutable model of the LEVER catalogue.

Texts are held in :class:`Translations`, a struct with one field per catalogue language, so a
missing or unknown language is a decoding error rather than a runtime surprise. Every struct
is frozen and every collection is a tuple; the catalogue can be shared freely between threads.
"""

from __future__ import annotations

from typing import Annotated, Generic, Literal, TypeVar

import msgspec

from badge_classes.errors import UnknownLevelError, UnsupportedLanguageError
from badge_classes.vocab import ALIGNMENT_TARGET_TYPE_PATTERN, HTTP_URL_PATTERN

T = TypeVar("T")

Kind = Literal["competence", "role"]
"""What an achievement definition certifies: a competence or a practitioner role."""

ScaleName = Literal["outcome", "complexity"]
"""The two measurement scales of a LEVER UP assessment."""

NonBlank = Annotated[str, msgspec.Meta(pattern=r"\S")]
"""A string with at least one non-whitespace character."""


class Translations(msgspec.Struct, Generic[T], frozen=True, forbid_unknown_fields=True):
    """One value per catalogue language, in catalogue language order.

    Attributes:
        en: English.
        it: Italian.
        nl: Dutch.
        fr: French.
        es: Spanish.
        pl: Polish.
        da: Danish.
    """

    en: T
    it: T
    nl: T
    fr: T
    es: T
    pl: T
    da: T

    def get(self, lang: str) -> T:
        """Return the value for a language.

        Args:
            lang: A language code from :data:`LANGUAGES`.

        Returns:
            The value in that language.

        Raises:
            UnsupportedLanguageError: If ``lang`` is not a catalogue language.
        """
        check_language(lang)
        value: T = getattr(self, lang)
        return value


LANGUAGES: tuple[str, ...] = Translations.__struct_fields__
"""The catalogue languages, English first: ``("en", "it", "nl", "fr", "es", "pl", "da")``."""


def check_language(lang: str) -> None:
    """Raise unless ``lang`` is a catalogue language.

    Args:
        lang: The language code to check.

    Raises:
        UnsupportedLanguageError: If ``lang`` is not in :data:`LANGUAGES`.
    """
    if lang not in LANGUAGES:
        msg = f"unsupported language {lang!r}; expected one of {', '.join(LANGUAGES)}"
        raise UnsupportedLanguageError(msg)


class Text(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A name and a short description in one language.

    Attributes:
        name: The display name.
        description: A one- or two-sentence description.
    """

    name: NonBlank
    description: NonBlank


class AchievementText(Text, frozen=True, forbid_unknown_fields=True):
    """The texts of a competence or role in one language.

    Attributes:
        indicators: The assessment indicators, rendered as a Markdown list in the criteria.
    """

    indicators: Annotated[tuple[NonBlank, ...], msgspec.Meta(min_length=1)]


class CriteriaFrame(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """The Markdown around the indicators of every achievement of one kind, in one language.

    Attributes:
        criteria_intro: Markdown placed before the list of indicators.
        criteria_outro: Markdown placed after the list of indicators.
    """

    criteria_intro: NonBlank
    criteria_outro: NonBlank


class Alignment(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A node of an external framework (ESCO, the EU key competences, the EQF).

    The field names are those of the OB 3.0 ``Alignment`` class in snake case.

    Attributes:
        target_name: Name of the framework node (the framework's own English label).
        target_url: URL of the framework node.
        target_framework: Name of the framework.
        target_code: Identifier of the node inside the framework.
        target_description: Short description of the node.
        target_type: OB 3.0 ``AlignmentTargetType`` value (standard or ``ext:``-prefixed).
    """

    target_name: NonBlank
    target_url: Annotated[str, msgspec.Meta(pattern=HTTP_URL_PATTERN)]
    target_framework: NonBlank | None = None
    target_code: NonBlank | None = None
    target_description: NonBlank | None = None
    target_type: Annotated[str, msgspec.Meta(pattern=ALIGNMENT_TARGET_TYPE_PATTERN)] | None = None


class Cluster(msgspec.Struct, frozen=True):
    """A group of competences (Personal, Social, Organisational, Methodological).

    Attributes:
        slug: Stable identifier, e.g. ``"personal"``.
        text: Name and description in every language.
    """

    slug: str
    text: Translations[Text]

    def name(self, lang: str = "en") -> str:
        """Return the cluster name in ``lang``."""
        return self.text.get(lang).name

    def description(self, lang: str = "en") -> str:
        """Return the cluster description in ``lang``."""
        return self.text.get(lang).description


class Level(msgspec.Struct, frozen=True):
    """One level of a scale (a ``RubricCriterionLevel``).

    Attributes:
        slug: Stable identifier, e.g. ``"accomplished"`` or ``"mid-low"``.
        text: Name and description in every language.
        alignments: Alignments of the level (e.g. the indicative EQF level).
    """

    slug: str
    text: Translations[Text]
    alignments: tuple[Alignment, ...]

    def name(self, lang: str = "en") -> str:
        """Return the level name in ``lang``."""
        return self.text.get(lang).name

    def description(self, lang: str = "en") -> str:
        """Return the level description in ``lang``."""
        return self.text.get(lang).description


class Scale(msgspec.Struct, frozen=True):
    """A measurement scale (a ``ResultDescription``) with its ordered levels.

    Attributes:
        slug: ``"outcome"`` or ``"complexity"``.
        result_type: OB 3.0 ``ResultType`` value, e.g. ``"RubricCriterionLevel"``.
        text: Name and description in every language.
        levels: The levels, ordered from low to high.
    """

    slug: ScaleName
    result_type: str
    text: Translations[Text]
    levels: tuple[Level, ...]

    def name(self, lang: str = "en") -> str:
        """Return the scale name in ``lang``."""
        return self.text.get(lang).name

    def description(self, lang: str = "en") -> str:
        """Return the scale description in ``lang``."""
        return self.text.get(lang).description

    def level_slugs(self) -> list[str]:
        """Return the level slugs, ordered from low to high."""
        return [level.slug for level in self.levels]

    def level(self, slug: str) -> Level:
        """Return the level with the given slug.

        Args:
            slug: A level slug of this scale.

        Returns:
            The level.

        Raises:
            UnknownLevelError: If the scale has no such level.
        """
        for level in self.levels:
            if level.slug == slug:
                return level
        msg = (
            f"scale {self.slug!r} has no level {slug!r}; "
            f"expected one of {', '.join(self.level_slugs())}"
        )
        raise UnknownLevelError(msg)


class AchievementDefinition(msgspec.Struct, frozen=True):
    """A competence or practitioner role of the catalogue.

    Attributes:
        slug: Stable identifier, also the last segment of the achievement id.
        kind: ``"competence"`` or ``"role"``.
        achievement_type: OB 3.0 ``achievementType`` (``"Competency"``, ``"Certification"``).
        cluster: Slug of the competence's cluster; ``None`` for roles.
        default_valid_years: Default validity of an issued credential in years, or ``None``
            for no expiry.
        alignments: Alignments to ESCO, the EU key competences, etc.
        text: Name, description and indicators in every language.
    """

    slug: str
    kind: Kind
    achievement_type: str
    cluster: str | None
    default_valid_years: int | None
    alignments: tuple[Alignment, ...]
    text: Translations[AchievementText]

    def name(self, lang: str = "en") -> str:
        """Return the name in ``lang``."""
        return self.text.get(lang).name

    def description(self, lang: str = "en") -> str:
        """Return the short description in ``lang``."""
        return self.text.get(lang).description

    def indicators(self, lang: str = "en") -> tuple[str, ...]:
        """Return the assessment indicators in ``lang``."""
        return self.text.get(lang).indicators

    @property
    def names(self) -> dict[str, str]:
        """The name in every language, as a new ``{lang: name}`` dict."""
        return {lang: self.text.get(lang).name for lang in LANGUAGES}

    @property
    def descriptions(self) -> dict[str, str]:
        """The short description in every language, as a new ``{lang: description}`` dict."""
        return {lang: self.text.get(lang).description for lang in LANGUAGES}
