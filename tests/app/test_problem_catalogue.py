"""docs/problems.md lists every problem type the code can produce."""

from __future__ import annotations

import re
from pathlib import Path

import app.problems as problems
import common.jsonld  # noqa: F401 - registers the JSON-LD errors as DomainError subclasses
from common.errors import DomainError

DOC = Path(__file__).resolve().parents[2] / "docs" / "problems.md"


def _documented() -> set[str]:
    return set(re.findall(r"^\| `([a-z-]+)` \|", DOC.read_text(encoding="utf-8"), re.MULTILINE))


def _subclasses(cls: type[DomainError]) -> set[type[DomainError]]:
    found = set(cls.__subclasses__())
    for sub in list(found):
        found |= _subclasses(sub)
    return found


def test_every_domain_error_slug_is_documented() -> None:
    """Each DomainError subclass's slug has a row in docs/problems.md."""
    slugs = {cls.slug for cls in _subclasses(DomainError)} | {DomainError.slug}
    assert slugs - _documented() == set()


def test_every_http_slug_is_documented() -> None:
    """Each slug the HTTP layer maps a status to has a row too."""
    http = {slug for slug, _ in problems._HTTP_SLUGS.values()}
    http |= {"invalid-request", "http-error", "internal-error"}
    assert http - _documented() == set()
