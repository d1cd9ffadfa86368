"""The verification report: named checks, each passed, failed, errored or skipped.

A report is data, never an exception: :class:`VerificationReport` lists one :class:`Check` per
step of the verification (see :data:`CHECK_IDS` for the ids and their order). The verdict is
fail-closed:

- ``verified`` is true only if every check ``passed``, except ``status``, which may be
  ``skipped`` when the credential carries no status information;
- :attr:`VerificationReport.outcome` is ``"invalid"`` when any check ``failed`` (the credential
  is bad), ``"indeterminate"`` when none failed but one could not be completed (``error``: e.g.
  a key that cannot be resolved here), ``"valid"`` when ``verified``.

On the wire (msgspec JSON) the member names are camelCase: ``validFrom``, ``issuerId`` ...
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, Literal

import msgspec

__all__ = [
    "CHECK_IDS",
    "Check",
    "CheckId",
    "CheckStatus",
    "CredentialSummary",
    "Outcome",
    "Problem",
    "VerificationReport",
]

CheckId = Literal[
    "parse",
    "context",
    "type",
    "schema",
    "proof",
    "issuer",
    "not_before",
    "expiration",
    "status",
]
"""The stable id of a check."""

CHECK_IDS: Final[tuple[CheckId, ...]] = (
    "parse",
    "context",
    "type",
    "schema",
    "proof",
    "issuer",
    "not_before",
    "expiration",
    "status",
)
"""Every check a report holds, in the order they run (ob3-requirements §4)."""

CheckStatus = Literal["passed", "failed", "error", "skipped"]
"""``failed``: the credential is bad; ``error``: the check could not be completed."""

Outcome = Literal["valid", "invalid", "indeterminate"]

_OPTIONAL_CHECKS: Final = frozenset({"status"})
"""Checks that may be ``skipped`` in a verified report (no status information to check)."""


class Problem(msgspec.Struct, frozen=True, kw_only=True):
    """An RFC 9457-style problem explaining a failed or errored check.

    Attributes:
        type: A W3C error URL where one applies (e.g.
            ``https://www.w3.org/TR/vc-data-model#PARSING_ERROR``), else a stable
            ``urn:leverup:problem:<slug>``.
        title: A short, fixed title for the type.
        detail: What exactly went wrong (never a traceback).
    """

    type: str
    title: str
    detail: str


class Check(msgspec.Struct, frozen=True, kw_only=True):
    """The result of one verification step.

    Attributes:
        id: The stable check id (one of :data:`CHECK_IDS`).
        status: ``passed``, ``failed``, ``error`` or ``skipped``.
        message: A human-readable sentence about the result.
        problem: Why the check failed or errored; ``None`` when it passed or was skipped.
    """

    id: str
    status: CheckStatus
    message: str
    problem: Problem | None = None


class CredentialSummary(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """What the credential claims, for display; trustworthy only when the report is verified.

    Every member is the credential's own string value, or ``None`` when absent or not a string.
    """

    id: str | None = None
    name: str | None = None
    issuer_id: str | None = None
    issuer_name: str | None = None
    achievement_id: str | None = None
    achievement_name: str | None = None
    valid_from: str | None = None
    valid_until: str | None = None
    awarded_date: str | None = None
    issuer_host: str | None = None
    """The issuer's host in ASCII (IDN labels in punycode, ``xn--…``) for did:web and URL
    issuers, so that a look-alike name shows as what it is (catalogue E13); set by the verifier,
    not read from the credential."""


class VerificationReport(msgspec.Struct, frozen=True, kw_only=True):
    """The result of verifying one credential.

    Build it with :meth:`from_checks`, which computes ``verified`` fail-closed.

    Attributes:
        verified: True only if every check passed (``status`` may be skipped).
        checks: One :class:`Check` per id of :data:`CHECK_IDS`, in that order.
        credential: The credential's claims, when it could be parsed.
        issuer_known: (wire name ``issuerKnown``) whether the issuer is known: one of this
            registry's organisations, the local issuer, or a configured trusted DID. ``None``
            when no known-issuer list is configured or the issuer's key was not verified.
    """

    verified: bool
    checks: list[Check]
    credential: CredentialSummary | None = None
    issuer_known: bool | None = msgspec.field(default=None, name="issuerKnown")

    @classmethod
    def from_checks(
        cls,
        checks: Sequence[Check],
        credential: CredentialSummary | None = None,
        *,
        issuer_known: bool | None = None,
    ) -> VerificationReport:
        """Build a report whose ``verified`` follows the fail-closed rule.

        A report that lacks any of :data:`CHECK_IDS` is not verified.

        Args:
            checks: The checks, in order.
            credential: The summary of the credential, if it could be parsed.
            issuer_known: Whether the issuer is a known one (``None``: not determined).

        Returns:
            The report.
        """
        present = {check.id for check in checks}
        verified = present.issuperset(CHECK_IDS) and all(
            check.status == "passed" or (check.status == "skipped" and check.id in _OPTIONAL_CHECKS)
            for check in checks
        )
        return cls(
            verified=verified,
            checks=list(checks),
            credential=credential,
            issuer_known=issuer_known,
        )

    @property
    def outcome(self) -> Outcome:
        """``invalid`` if a check failed, ``valid`` if verified, else ``indeterminate``."""
        if any(check.status == "failed" for check in self.checks):
            return "invalid"
        return "valid" if self.verified else "indeterminate"

    def check(self, check_id: str) -> Check | None:
        """The check with id ``check_id``, or ``None`` if the report has none."""
        return next((check for check in self.checks if check.id == check_id), None)
