"""OB 3.0 extensible enumerations used by the catalogue, as validation patterns.

The values come from the OB 3.0 data model (``AchievementType``, ``ResultType``,
``AlignmentTargetType``). Each enumeration is extensible with values of the form ``ext:Name``.
"""

from __future__ import annotations

import re

from common.ob3 import ACHIEVEMENT_TYPES, ALIGNMENT_TARGET_TYPES, RESULT_TYPES

_EXT = r"ext:[A-Za-z0-9._-]+"


def enum_pattern(values: tuple[str, ...]) -> str:
    """Return an anchored regex matching one of ``values`` or an ``ext:`` extension.

    Args:
        values: The standard values of the enumeration.

    Returns:
        The regular expression source.
    """
    return "^(?:" + "|".join(re.escape(value) for value in values) + "|" + _EXT + ")$"


ACHIEVEMENT_TYPE_PATTERN = enum_pattern(ACHIEVEMENT_TYPES)
RESULT_TYPE_PATTERN = enum_pattern(RESULT_TYPES)
ALIGNMENT_TARGET_TYPE_PATTERN = enum_pattern(ALIGNMENT_TARGET_TYPES)

HTTP_URL_PATTERN = r"^https?://[^\s/?#]+[^\s]*$"
"""An absolute ``http``/``https`` URL without whitespace."""

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
"""Lower-case ASCII words joined by single hyphens: safe as a URL path segment."""
