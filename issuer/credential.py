"""Build an unsigned OpenBadgeCredential for a LEVER certification (ob3-requirements §1).

Pure functions: no keys, no I/O. The result is a JSON-ready ``dict`` whose every key is defined
by the VC 2.0, OB 3.0.3 and OB extensions contexts, so all of it is signed.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Final

import msgspec

from badge_classes import Catalogue, ScaleName, UnknownAchievementError, UnknownLevelError
from badge_classes import UnsupportedLanguageError as CatalogueLanguageError
from common.errors import InvalidInputError
from common.timeutil import format_datetime
from issuer import texts
from issuer.identity import hashed_email_identifier, plain_name_identifier
from issuer.request import IssueRequest

__all__ = [
    "ACHIEVEMENT_CREDENTIAL_SCHEMA",
    "CREDENTIAL_CONTEXT",
    "IssuerProfile",
    "build_credential",
    "credential_url",
]

CREDENTIAL_CONTEXT: Final = (
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    # Defines 1EdTechJsonSchemaValidator2019 (credentialSchema type); without it the reference
    # implementation refuses to sign and pyld would sign a relative IRI (pitfall DM-02).
    "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
)
ACHIEVEMENT_CREDENTIAL_SCHEMA: Final = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)


class IssuerProfile(msgspec.Struct, frozen=True, kw_only=True):
    """The issuing organisation as an OB 3.0 ``Profile``; ``id`` is the DID that signs."""

    id: str
    name: str
    url: str | None = None
    email: str | None = None
    description: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The ``issuer`` object of a credential (no nulls)."""
        profile: dict[str, Any] = {"id": self.id, "type": ["Profile"], "name": self.name}
        for key in ("url", "email", "description"):
            value = getattr(self, key)
            if value is not None:
                profile[key] = value
        return profile


def credential_url(base_url: str, credential_uuid: uuid.UUID | str) -> str:
    """The public id of a credential: ``{base}/credentials/{uuid}``."""
    return f"{base_url}/credentials/{credential_uuid}"


def _evidence(request: IssueRequest, lang: str, kind: str) -> list[dict[str, Any]]:
    """The request's evidence, or the default one: for a competence, the portfolio and the
    assessment interview; for a practitioner role, the completed training course (a role is
    earned by the training, not by a competence assessment)."""
    items: list[dict[str, Any]] = []
    if request.evidence is not None:
        for item in request.evidence:
            entry: dict[str, Any] = {"type": ["Evidence"]}
            if item.id is not None:
                entry["id"] = item.id
            entry["name"] = item.name
            for key in ("narrative", "description", "genre"):
                value = getattr(item, key)
                if value is not None:
                    entry[key] = value
            items.append(entry)
        return items
    if kind != "competence":
        name, description = texts.text(texts.TRAINING, lang)
        return [
            {"type": ["Evidence"], "name": name, "description": description, "genre": "Training"}
        ]
    name, description = texts.text(texts.PORTFOLIO, lang)
    items.append(
        {"type": ["Evidence"], "name": name, "description": description, "genre": "Portfolio"}
    )
    name, description = texts.text(texts.INTERVIEW, lang)
    interview: dict[str, Any] = {"type": ["Evidence"], "name": name, "description": description}
    if request.assessor is not None:
        interview["narrative"] = texts.ASSESSED_BY.get(lang, texts.ASSESSED_BY["en"]).format(
            name=request.assessor
        )
    interview["genre"] = "Interview"
    items.append(interview)
    return items


def build_credential(
    catalogue: Catalogue,
    request: IssueRequest,
    *,
    profile: IssuerProfile,
    base_url: str,
    issued_at: datetime,
    default_lang: str = "en",
    credential_id: str | None = None,
    salt: str | None = None,
    credential_status: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The unsigned credential certifying ``request`` (all validation happens here).

    Raises:
        InvalidInputError: unknown achievement or level, levels missing for a competence or
            given for a role, unsupported language, ``validUntil`` not after ``validFrom``.
    """
    lang = request.lang or default_lang
    try:
        definition = catalogue.get(request.achievement)
        achievement = catalogue.achievement(request.achievement, base_url=base_url, lang=lang)
    except UnknownAchievementError as exc:
        raise InvalidInputError(f"unknown achievement {request.achievement!r}") from exc
    except CatalogueLanguageError as exc:
        raise InvalidInputError(f"unsupported language {lang!r}") from exc

    results: list[dict[str, Any]] = []
    description: str | None = None
    if definition.kind == "competence":
        if request.outcome is None or request.complexity is None:
            raise InvalidInputError("a competence needs both an outcome and a complexity level")
        parts = []
        pairs: tuple[tuple[ScaleName, str], ...] = (
            ("outcome", request.outcome),
            ("complexity", request.complexity),
        )
        for scale, level in pairs:
            try:
                level_id = catalogue.level_id(request.achievement, scale, level, base_url=base_url)
            except UnknownLevelError as exc:
                allowed = ", ".join(catalogue.scale(scale).level_slugs())
                raise InvalidInputError(
                    f"unknown {scale} level {level!r} (one of: {allowed})"
                ) from exc
            results.append(
                {
                    "type": ["Result"],
                    "resultDescription": catalogue.result_description_id(
                        request.achievement, scale, base_url=base_url
                    ),
                    "achievedLevel": level_id,
                }
            )
            scale_def = catalogue.scale(scale)
            parts.append(f"{scale_def.name(lang)}: {scale_def.level(level).name(lang)}")
        description = " · ".join(parts)
    elif request.outcome is not None or request.complexity is not None:
        raise InvalidInputError(f"{request.achievement!r} is a practitioner role: it has no levels")

    valid_from = issued_at
    valid_until = request.valid_until
    if valid_until is None and definition.default_valid_years:
        valid_until = _add_years(valid_from, definition.default_valid_years)
    if valid_until is not None and valid_until <= valid_from:
        raise InvalidInputError("validUntil must be later than the issue date")

    identifiers = [hashed_email_identifier(request.recipient.email, salt)]
    if request.recipient.name is not None:
        identifiers.append(plain_name_identifier(request.recipient.name.strip()))
    subject: dict[str, Any] = {}
    if request.recipient.did is not None:
        subject["id"] = request.recipient.did
    subject["type"] = ["AchievementSubject"]
    subject["identifier"] = identifiers
    subject["achievement"] = achievement
    if results:
        subject["result"] = results

    credential: dict[str, Any] = {
        "@context": list(CREDENTIAL_CONTEXT),
        "id": credential_id or credential_url(base_url, uuid.uuid4()),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": definition.name(lang),
    }
    if description is not None:
        credential["description"] = description
    # The badge artwork of this certification (for a competence, at its outcome level), which
    # wallets show; the application serves it at this URL (ob3-requirements §1.2, §1.9).
    credential["image"] = catalogue.image(
        request.achievement, base_url=base_url, lang=lang, outcome=request.outcome
    )
    credential["issuer"] = profile.to_json()
    credential["validFrom"] = format_datetime(valid_from)
    if valid_until is not None:
        credential["validUntil"] = format_datetime(valid_until)
    credential["awardedDate"] = format_datetime(issued_at)
    credential["credentialSubject"] = subject
    credential["evidence"] = _evidence(request, lang, definition.kind)
    credential["credentialSchema"] = [
        {"id": ACHIEVEMENT_CREDENTIAL_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}
    ]
    if credential_status is not None:
        credential["credentialStatus"] = credential_status
    return credential


def _add_years(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + years, day=28)
