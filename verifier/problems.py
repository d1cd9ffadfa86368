"""Problem types used in verification reports.

W3C error URLs are used where a specification names one; everything else is a stable URN of
ours, ``urn:leverup:problem:<slug>`` (the same prefix the HTTP layer uses).

- VC Data Model 2.0 §7.2: ``https://www.w3.org/TR/vc-data-model#<CODE>``.
- VC Data Integrity / Controlled Identifiers: ``https://w3id.org/security#<CODE>``.
- Bitstring Status List: ``https://www.w3.org/ns/credentials/status-list#<CODE>``.
- DID Resolution: ``https://www.w3.org/ns/did#<CODE>``.
"""

from __future__ import annotations

from typing import Final

from verifier.report import Problem

__all__ = [
    "CRYPTOGRAPHIC_SECURITY_ERROR",
    "DATA_LOSS_DETECTION_ERROR",
    "EXPIRED",
    "INTERNAL_ERROR",
    "INVALID_DID",
    "INVALID_DID_URL",
    "INVALID_VERIFICATION_METHOD",
    "MALFORMED_VALUE_ERROR",
    "NOT_YET_VALID",
    "PARSING_ERROR",
    "PROBLEM_PREFIX",
    "PROOF_EXPIRED",
    "PROOF_TRANSFORMATION_ERROR",
    "PROOF_VERIFICATION_ERROR",
    "RANGE_ERROR",
    "REVOKED",
    "STATUS_LIST_LENGTH_ERROR",
    "STATUS_NOT_CHECKED",
    "STATUS_RETRIEVAL_ERROR",
    "STATUS_VERIFICATION_ERROR",
    "UNRESOLVABLE_VERIFICATION_METHOD",
    "UNSUPPORTED_VERIFICATION_METHOD",
    "make_problem",
    "ours",
]

PROBLEM_PREFIX: Final = "urn:leverup:problem:"

_VCDM: Final = "https://www.w3.org/TR/vc-data-model#"
_SECURITY: Final = "https://w3id.org/security#"
_STATUS: Final = "https://www.w3.org/ns/credentials/status-list#"
_DID: Final = "https://www.w3.org/ns/did#"


def ours(slug: str) -> str:
    """The problem type URN for one of our own ``slug``s."""
    return PROBLEM_PREFIX + slug


PARSING_ERROR: Final = _VCDM + "PARSING_ERROR"
CRYPTOGRAPHIC_SECURITY_ERROR: Final = _VCDM + "CRYPTOGRAPHIC_SECURITY_ERROR"
MALFORMED_VALUE_ERROR: Final = _VCDM + "MALFORMED_VALUE_ERROR"
RANGE_ERROR: Final = _VCDM + "RANGE_ERROR"
PROOF_VERIFICATION_ERROR: Final = _SECURITY + "PROOF_VERIFICATION_ERROR"
PROOF_TRANSFORMATION_ERROR: Final = _SECURITY + "PROOF_TRANSFORMATION_ERROR"
DATA_LOSS_DETECTION_ERROR: Final = _SECURITY + "DATA_LOSS_DETECTION_ERROR"
INVALID_VERIFICATION_METHOD: Final = _SECURITY + "INVALID_VERIFICATION_METHOD"
STATUS_RETRIEVAL_ERROR: Final = _STATUS + "STATUS_RETRIEVAL_ERROR"
STATUS_VERIFICATION_ERROR: Final = _STATUS + "STATUS_VERIFICATION_ERROR"
STATUS_LIST_LENGTH_ERROR: Final = _STATUS + "STATUS_LIST_LENGTH_ERROR"
INVALID_DID: Final = _DID + "INVALID_DID"
INVALID_DID_URL: Final = _DID + "INVALID_DID_URL"

UNSUPPORTED_VERIFICATION_METHOD: Final = ours("unsupported-verification-method")
UNRESOLVABLE_VERIFICATION_METHOD: Final = ours("unresolvable-verification-method")
PROOF_EXPIRED: Final = ours("proof-expired")
NOT_YET_VALID: Final = ours("not-yet-valid")
EXPIRED: Final = ours("expired")
STATUS_NOT_CHECKED: Final = ours("status-not-checked")
REVOKED: Final = ours("revoked")
INTERNAL_ERROR: Final = ours("internal-error")

_TITLES: Final[dict[str, str]] = {
    PARSING_ERROR: "Parsing error",
    CRYPTOGRAPHIC_SECURITY_ERROR: "Cryptographic security error",
    MALFORMED_VALUE_ERROR: "Malformed value",
    RANGE_ERROR: "Value out of range",
    PROOF_VERIFICATION_ERROR: "Proof verification error",
    PROOF_TRANSFORMATION_ERROR: "Proof transformation error",
    DATA_LOSS_DETECTION_ERROR: "Data outside the signed graph",
    INVALID_VERIFICATION_METHOD: "Invalid verification method",
    STATUS_RETRIEVAL_ERROR: "Status list could not be retrieved",
    STATUS_VERIFICATION_ERROR: "Status list could not be verified",
    STATUS_LIST_LENGTH_ERROR: "Status list too short",
    INVALID_DID: "Invalid DID",
    INVALID_DID_URL: "Invalid DID URL",
    UNSUPPORTED_VERIFICATION_METHOD: "Unsupported verification method",
    UNRESOLVABLE_VERIFICATION_METHOD: "Verification method cannot be resolved",
    PROOF_EXPIRED: "Proof expired",
    NOT_YET_VALID: "Credential not yet valid",
    EXPIRED: "Credential expired",
    STATUS_NOT_CHECKED: "Status not checked",
    REVOKED: "Credential revoked",
    INTERNAL_ERROR: "Internal error",
}

_MAX_DETAIL: Final = 400


def make_problem(problem_type: str, detail: str) -> Problem:
    """Build a :class:`Problem` with the fixed title of ``problem_type``.

    Args:
        problem_type: One of the constants of this module (or another stable URL/URN).
        detail: What went wrong; cut to 400 characters.

    Returns:
        The problem.
    """
    if len(detail) > _MAX_DETAIL:
        detail = detail[: _MAX_DETAIL - 3] + "..."
    return Problem(
        type=problem_type, title=_TITLES.get(problem_type, "Verification problem"), detail=detail
    )
