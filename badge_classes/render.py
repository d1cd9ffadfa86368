"""Render catalogue definitions as OB 3.0 JSON objects.

The output follows the OB 3.0 JSON Schema and JSON-LD context: ``type`` is always an array,
every ``[0..*]`` property is an array, empty arrays and ``None`` are omitted, and only terms of
the OB 3.0 context are used (anything else would fall outside the signed graph). Key order is
fixed, so equal input gives byte-identical JSON.
"""

from __future__ import annotations

from badge_classes import artwork, ids
from badge_classes.loader import CatalogueData
from badge_classes.model import (
    AchievementDefinition,
    Alignment,
    CriteriaFrame,
    Level,
    Scale,
)

JsonObject = dict[str, object]


def alignment_json(alignment: Alignment) -> JsonObject:
    """Return an OB 3.0 ``Alignment`` object.

    Args:
        alignment: The alignment target.

    Returns:
        ``{"type": ["Alignment"], "targetName", "targetUrl", ...}`` without ``None`` values.
    """
    fields: list[tuple[str, str | None]] = [
        ("targetName", alignment.target_name),
        ("targetDescription", alignment.target_description),
        ("targetUrl", alignment.target_url),
        ("targetFramework", alignment.target_framework),
        ("targetCode", alignment.target_code),
        ("targetType", alignment.target_type),
    ]
    obj: JsonObject = {"type": ["Alignment"]}
    obj.update((key, value.strip()) for key, value in fields if value is not None)
    return obj


def level_json(base_url: str, slug: str, scale: Scale, level: Level, lang: str) -> JsonObject:
    """Return an OB 3.0 ``RubricCriterionLevel`` object.

    Args:
        base_url: The service base URL.
        slug: The competence slug.
        scale: The scale the level belongs to.
        level: The level.
        lang: The language of the texts.

    Returns:
        ``{"id", "type": ["RubricCriterionLevel"], "name", "description", "alignment"?}``.
    """
    text = level.text.get(lang)
    obj: JsonObject = {
        "id": ids.level_id(base_url, slug, scale.slug, level.slug),
        "type": ["RubricCriterionLevel"],
        "name": text.name.strip(),
        "description": text.description.strip(),
    }
    if level.alignments:
        obj["alignment"] = [alignment_json(alignment) for alignment in level.alignments]
    return obj


def result_description_json(base_url: str, slug: str, scale: Scale, lang: str) -> JsonObject:
    """Return an OB 3.0 ``ResultDescription`` object with its ordered levels.

    ``ResultDescription`` has no ``description`` property in OB 3.0, so the scale description
    is not rendered here; the verifier page reads it from :class:`~badge_classes.model.Scale`.

    Args:
        base_url: The service base URL.
        slug: The competence slug.
        scale: The scale.
        lang: The language of the texts.

    Returns:
        ``{"id", "type": ["ResultDescription"], "name", "resultType", "rubricCriterionLevel"}``.
    """
    return {
        "id": ids.result_description_id(base_url, slug, scale.slug),
        "type": ["ResultDescription"],
        "name": scale.text.get(lang).name.strip(),
        "resultType": scale.result_type,
        "rubricCriterionLevel": [
            level_json(base_url, slug, scale, level, lang) for level in scale.levels
        ],
    }


def criteria_narrative(frame: CriteriaFrame, indicators: tuple[str, ...]) -> str:
    """Return the Markdown criteria: the intro, the indicators as a list, the outro.

    Args:
        frame: The intro and outro of the achievement's kind, in the chosen language.
        indicators: The indicators in the same language.

    Returns:
        The Markdown narrative.
    """
    bullets = "\n".join(f"- {' '.join(indicator.split())}" for indicator in indicators)
    return f"{frame.criteria_intro.strip()}\n\n{bullets}\n\n{frame.criteria_outro.strip()}"


def image_json(
    data: CatalogueData,
    definition: AchievementDefinition,
    base_url: str,
    lang: str,
    outcome: str | None = None,
) -> JsonObject:
    """Return the OB 3.0 ``Image`` of an achievement, or of a competence at an outcome level.

    The image is the badge artwork the application serves (:mod:`badge_classes.artwork`);
    its ``caption`` is the alt text in ``lang``.

    Args:
        data: The catalogue data (clusters and scales name the badge in its caption).
        definition: The competence or role.
        base_url: The service base URL.
        lang: The language of the label and caption.
        outcome: An outcome level slug of a competence, or ``None`` for the achievement.

    Returns:
        ``{"id": ".../image.png", "type": "Image", "caption": ...}``.
    """
    cluster = next((c for c in data.clusters if c.slug == definition.cluster), None)
    scale = next((s for s in data.scales if s.slug == "outcome"), None) if outcome else None
    alt = artwork.caption(definition, lang, cluster=cluster, scale=scale, level=outcome)
    url = artwork.image_url(base_url, definition.slug, outcome, lang=lang)
    return artwork.image_object(url, alt)


def achievement_json(
    data: CatalogueData, definition: AchievementDefinition, base_url: str, lang: str
) -> JsonObject:
    """Return the OB 3.0 ``Achievement`` object of a competence or role.

    Args:
        data: The catalogue data (criteria frames, tags, clusters, scales).
        definition: The competence or role.
        base_url: The service base URL.
        lang: The language of the texts (a catalogue language).

    Returns:
        The JSON-ready Achievement.
    """
    text = definition.text.get(lang)
    frames = data.competence_criteria if definition.kind == "competence" else data.role_criteria
    obj: JsonObject = {
        "id": ids.achievement_id(base_url, definition.slug),
        "type": ["Achievement"],
        "achievementType": definition.achievement_type,
        "name": text.name.strip(),
        "description": text.description.strip(),
        "criteria": {"narrative": criteria_narrative(frames.get(lang), text.indicators)},
        "image": image_json(data, definition, base_url, lang),
    }
    if definition.alignments:
        obj["alignment"] = [alignment_json(alignment) for alignment in definition.alignments]
    if definition.kind == "competence":
        obj["resultDescription"] = [
            result_description_json(base_url, definition.slug, scale, lang) for scale in data.scales
        ]
    tags = [tag.strip() for tag in data.tags]
    for cluster in data.clusters:
        if cluster.slug == definition.cluster:
            tags.append(cluster.name(lang).strip())
    if tags:
        obj["tag"] = tags
    obj["inLanguage"] = lang
    return obj
