"""The ``status`` check is delegated: a :class:`StatusChecker` looks up revocation/suspension.

The verifier calls it only for a credential that has a ``credentialStatus`` and whose proof and
issuer checks passed (an unverified credential never triggers a status-list lookup). Without a
checker, a credential with status information gets an ``error`` ("status could not be
checked"): fail closed, never "valid" by default.
"""

from __future__ import annotations

from typing import Any, Protocol

from verifier.report import Check

__all__ = ["StatusChecker"]


class StatusChecker(Protocol):
    """Checks the ``credentialStatus`` of a verified credential."""

    def check(self, credential: dict[str, Any]) -> Check:
        """Return the ``status`` check for ``credential``.

        Use ``passed`` (not revoked), ``failed`` (revoked or suspended; problem types of
        :mod:`verifier.problems`, e.g. a status-list code) or ``error`` (the list could not be
        retrieved or verified). Exceptions are caught by the verifier and reported as ``error``.

        Args:
            credential: The parsed credential (do not modify it).

        Returns:
            The check; its id is forced to ``"status"``.
        """
        ...
