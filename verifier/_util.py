"""Small helpers shared by the checks: building check results, quoting untrusted values and
reading a credential's issuer id."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from verifier.problems import make_problem
from verifier.report import Check

__all__ = ["errored", "failed", "passed", "quote", "skipped", "stated_issuer_id"]

_MAX_MESSAGE: Final = 400


def quote(value: object, limit: int = 80) -> str:
    """Quote an untrusted value for a message: ``repr`` escaped, at most ``limit`` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def stated_issuer_id(document: Mapping[str, Any]) -> str | None:
    """The ``issuer`` id a credential states: the ``issuer`` string, or an ``issuer`` object's
    ``id``; None when that is not a string (an empty string is returned as it is)."""
    issuer = document.get("issuer")
    value = issuer.get("id") if isinstance(issuer, dict) else issuer
    return value if isinstance(value, str) else None


def _cut(text: str) -> str:
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 3] + "..."


def passed(check_id: str, message: str) -> Check:
    """A passed check."""
    return Check(id=check_id, status="passed", message=_cut(message))


def skipped(check_id: str, message: str) -> Check:
    """A skipped check (not run, or nothing to check)."""
    return Check(id=check_id, status="skipped", message=_cut(message))


def failed(check_id: str, problem_type: str, message: str) -> Check:
    """A failed check: the credential is bad; ``message`` is also the problem detail."""
    message = _cut(message)
    return Check(
        id=check_id,
        status="failed",
        message=message,
        problem=make_problem(problem_type, message),
    )


def errored(check_id: str, problem_type: str, message: str) -> Check:
    """A check that could not be completed (the verdict is unknown, never "valid")."""
    message = _cut(message)
    return Check(
        id=check_id,
        status="error",
        message=message,
        problem=make_problem(problem_type, message),
    )
