"""docs/problems.md lists every problem type the code can produce."""

from __future__ import annotations

import re
from pathlib import Path

import app.problems as problems
import common.jsonld  # noqa: F401 - registers the JSON-LD errors as DomainError subclasses
import registry.errors  # noqa: F401 - and the registry's
from common.errors import DomainError

DOC = Path(__file__).resolve().parents[2] / "docs" / "problems.md"


def _documented() -> set[str]:
    text = DOC.read_text(encoding="utf-8")
    return set(re.findall(r"^\| `([a-z-]+)` \|", text, re.MULTILINE))


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


def test_every_verifier_slug_is_documented() -> None:
    """Each urn:leverup:problem slug the verifier can put in a report has a row too."""
    import verifier.problems as verifier_problems

    ours = {
        value.removeprefix(verifier_problems.PROBLEM_PREFIX)
        for value in vars(verifier_problems).values()
        if isinstance(value, str)
        and value.startswith(verifier_problems.PROBLEM_PREFIX)
        and value != verifier_problems.PROBLEM_PREFIX
    }
    assert ours
    assert ours - _documented() == set()
