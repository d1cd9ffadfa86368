"""The ``schema`` check: the OB 3.0 shape plus the OB and VC rules the JSON Schema leaves out.

In order, the first failure wins:

1. VC 1.1 members (``issuanceDate``, ``expirationDate``) are refused in a VC 2.0 credential:
   there they are undefined terms, and a verifier that mapped them would trust unsigned dates.
   Symmetrically, ``validFrom``/``validUntil`` are refused in a VC 1.1 credential (the VC 1.1
   context does not define them).
2. The AchievementCredential shape of the credential's VC version (:mod:`verifier._ob3_shape`).
3. Identifiers that must be URLs are absolute (credential ``id``, ``issuer.id``,
   ``credentialSubject.id``, ``achievement.id``): with the null base URL of Data Integrity a
   relative id drops its node out of the signed graph (catalogue A6, A7, B8).
4. ``credentialSubject`` has an ``id`` or at least one ``identifier`` (OB verification step 1).
5. ``achievement.criteria`` has an ``id`` or a ``narrative`` (1EdTech validator rule).
6. ``validUntil`` is not earlier than ``validFrom`` (VC DM 2.0 §4.9); in VC 1.1,
   ``expirationDate`` is not earlier than ``issuanceDate``.
"""

from __future__ import annotations

import re
from typing import Any, Final

from common.timeutil import parse_datetime_stamp
from verifier._envelope import date_members, is_vc_v1
from verifier._ob3_shape import check_shape
from verifier._util import failed, passed, quote
from verifier.problems import MALFORMED_VALUE_ERROR
from verifier.report import Check

__all__ = ["check_schema"]

_LEGACY: Final = {"issuanceDate": "validFrom", "expirationDate": "validUntil"}
_CURRENT: Final = {current: legacy for legacy, current in _LEGACY.items()}
_URL: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:\S+")


def _get(document: dict[str, Any], *path: str) -> Any:
    value: Any = document
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def check_schema(document: dict[str, Any]) -> Check:
    """Run the ``schema`` check on a parsed credential."""
    v1 = is_vc_v1(document)
    if v1:
        for current, legacy in _CURRENT.items():
            if current in document:
                return failed(
                    "schema",
                    MALFORMED_VALUE_ERROR,
                    f"{current} is a VC 2.0 property; a VC 1.1 credential states {legacy} instead",
                )
    else:
        for legacy, current in _LEGACY.items():
            if legacy in document:
                return failed(
                    "schema",
                    MALFORMED_VALUE_ERROR,
                    f"{legacy} is a VC 1.1 property; a VC 2.0 credential states {current} instead",
                )
    error = check_shape(document)
    version = "VC 1.1 " if v1 else ""
    if error is not None:
        return failed(
            "schema",
            MALFORMED_VALUE_ERROR,
            f"not an OB 3.0 {version}AchievementCredential: {error}",
        )
    for path in (
        ("id",),
        ("issuer", "id"),
        ("credentialSubject", "id"),
        ("credentialSubject", "achievement", "id"),
    ):
        value = _get(document, *path)
        if value is not None and not _URL.fullmatch(value):
            return failed(
                "schema",
                MALFORMED_VALUE_ERROR,
                f"{'.'.join(path)} {quote(value)} is not an absolute URL",
            )
    subject = document["credentialSubject"]
    if "id" not in subject and not subject.get("identifier"):
        return failed(
            "schema",
            MALFORMED_VALUE_ERROR,
            "credentialSubject has neither an id nor an identifier: the recipient is unknown",
        )
    criteria = subject["achievement"]["criteria"]
    if "id" not in criteria and "narrative" not in criteria:
        return failed(
            "schema",
            MALFORMED_VALUE_ERROR,
            "credentialSubject.achievement.criteria has neither an id nor a narrative",
        )
    start, end = date_members(document)
    if end in document and parse_datetime_stamp(document[end]) < parse_datetime_stamp(
        document[start]
    ):
        return failed("schema", MALFORMED_VALUE_ERROR, f"{end} is earlier than {start}")
    return passed(
        "schema", f"the credential has the shape of an OB 3.0 {version}AchievementCredential"
    )
