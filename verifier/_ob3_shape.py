"""The Open Badges 3.0 AchievementCredential shape, as msgspec Structs.

This mirrors the 1EdTech JSON Schema ``ob_v3p0_achievementcredential_schema.json`` (and, for
VC 1.1 credentials, the VC 1.1 branch of ``ob_v3p0_anyachievementcredential_schema.json``:
``issuanceDate`` required, ``expirationDate``, a closed AchievementSubject) (draft
2019-09, spec build 1.0.14; the schema files themselves are not shipped: they are not published in
any package). What it mirrors:

- required members, and arrays versus single objects as the schema has them
  (``credentialStatus``, ``issuer``, ``image`` single objects), with two deliberate exceptions:
  ``proof`` may be a single object. OB 3.0 serialization ("Compacted document form") tells
  verifiers to accept the JSON-LD compacted single value, and the reference implementation and
  most wallets emit exactly that (ob3-requirements DM-05); our issuer always emits an array.
  And ``credentialStatus`` may be an array of 1 to 8 status entries (VC DM 2.0 §4.10 allows
  several; an issuer with a revocation and a suspension list, as openbadgeslib, gives each
  credential one entry in each: issue 12, item 24); the status check reads every one;
- ``Image``, ``IdentityObject`` and ``IdentifierEntry`` are closed (unknown members refused);
  every other class is open (unknown members are left to the JSON-LD checks);
- ``type`` arrays with their required value (``contains``), enumerations extensible with
  ``ext:`` (the schema's pattern is unanchored, so it is searched, not matched), patterns;
- ``format: date-time`` on ``validFrom``, ``validUntil``, ``awardedDate`` and ``proof.created``
  is checked as ``xsd:dateTimeStamp`` with :func:`common.timeutil.parse_datetime_stamp`
  (OB's DateTimeZ; a little stricter than RFC 3339 at the edges: no lower-case ``t``/``z``, no
  leap second, offsets within ±14:00); ``format: date`` on ``dateOfBirth`` as ``YYYY-MM-DD``.

Not mirrored on purpose: ``activityStartDate``/``activityEndDate`` are OB ``DateTime`` values
(time zone optional), so only their type (string) is checked.

OB rules that the schema does not express (``credentialSubject`` needs ``id`` or
``identifier``, criteria need ``id`` or ``narrative``, ids are URLs) live in
:mod:`verifier._ob3_rules`.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, ClassVar, Final, Literal

import msgspec
from msgspec import UNSET, Meta, UnsetType

from common.ob3 import ACHIEVEMENT_TYPES, ALIGNMENT_TARGET_TYPES, IDENTIFIER_TYPES, RESULT_TYPES
from common.timeutil import parse_datetime_stamp
from verifier._status_entry import MAX_ENTRIES

__all__ = ["AchievementCredential", "AchievementCredentialV1", "ShapeError", "check_shape"]

VC_V2_CONTEXT: Final = "https://www.w3.org/ns/credentials/v2"
VC_V1_CONTEXT: Final = "https://www.w3.org/2018/credentials/v1"
_OB_CONTEXT: Final = re.compile(
    r"https://purl\.imsglobal\.org/spec/ob/v3p0/context(-3\.\d\.\d)*\.json"
)
_EXT: Final = re.compile(r"(ext:)[a-z|A-Z|0-9|.|-|_]+")
_LANGUAGE: Final = r"^[a-z]{2,4}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$"
_JWS: Final = r"^[a-zA-Z0-9_-]+\.[a-zA-Z0-9_-]*\.[a-zA-Z0-9_-]+$"
_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

_IDENTIFIER_TYPES: Final = frozenset(IDENTIFIER_TYPES)
_ACHIEVEMENT_TYPES: Final = frozenset(ACHIEVEMENT_TYPES)
_ALIGNMENT_TARGET_TYPES: Final = frozenset(ALIGNMENT_TARGET_TYPES)
_RESULT_TYPES: Final = frozenset(RESULT_TYPES)

TypeList = Annotated[list[str], Meta(min_length=1)]
Language = Annotated[str, Meta(pattern=_LANGUAGE)]
Jws = Annotated[str, Meta(pattern=_JWS)]
Context = str | dict[str, Any]


def _invalid(member: str, problem: str) -> ValueError:
    # The leading `member` is moved into the reported path by check_shape.
    return ValueError(f"`{member}` {problem}")


def _contains(member: str, values: list[str], *required: str) -> None:
    if not any(value in values for value in required):
        raise _invalid(member, "must contain " + " or ".join(repr(r) for r in required))


def _datetime_stamp(member: str, value: str | UnsetType) -> None:
    if isinstance(value, str):
        try:
            parse_datetime_stamp(value)
        except ValueError:
            raise _invalid(member, "is not an xsd:dateTimeStamp (with time zone)") from None


def _enum_or_ext(member: str, value: str | UnsetType, allowed: frozenset[str]) -> None:
    if isinstance(value, str) and value not in allowed and not _EXT.search(value):
        raise _invalid(member, f"{value[:60]!r} is neither a defined value nor an ext: value")


def _contexts(contexts: list[Context], base: str = VC_V2_CONTEXT) -> None:
    if len(contexts) < 2:
        raise _invalid("@context", "must hold at least 2 entries")
    if contexts[0] != base:
        raise _invalid("@context", f"entry 0 must be {base}")
    second = contexts[1]
    if not isinstance(second, str) or not _OB_CONTEXT.fullmatch(second):
        raise _invalid("@context", "entry 1 must be an Open Badges 3.0 context URL")


class _Open(msgspec.Struct, kw_only=True, rename="camel"):
    """A class whose unknown members are allowed (``additionalProperties: true``)."""


class _Closed(msgspec.Struct, kw_only=True, rename="camel", forbid_unknown_fields=True):
    """A class whose unknown members are refused (``additionalProperties: false``)."""


class Image(_Closed):
    """An image: ``id`` (URL or data URI), ``type`` "Image", optional ``caption``; closed."""

    id: str
    type: Literal["Image"]
    caption: str | UnsetType = UNSET


class IdentityObject(_Closed):
    """A recipient identifier, plain or hashed (``identityHash``); closed."""

    type: Literal["IdentityObject"]
    hashed: bool
    identity_hash: str
    identity_type: str
    salt: str | UnsetType = UNSET

    def __post_init__(self) -> None:
        _enum_or_ext("identityType", self.identity_type, _IDENTIFIER_TYPES)


class IdentifierEntry(_Closed):
    """Another identifier of a profile or achievement; closed."""

    type: Literal["IdentifierEntry"]
    identifier: str
    identifier_type: str

    def __post_init__(self) -> None:
        _enum_or_ext("identifierType", self.identifier_type, _IDENTIFIER_TYPES)


class GeoCoordinates(_Open):
    """Latitude and longitude of an address."""

    type: Literal["GeoCoordinates"]
    latitude: float
    longitude: float


class Address(_Open):
    """A postal address."""

    type: TypeList
    address_country: str | UnsetType = UNSET
    address_country_code: str | UnsetType = UNSET
    address_region: str | UnsetType = UNSET
    address_locality: str | UnsetType = UNSET
    street_address: str | UnsetType = UNSET
    post_office_box_number: str | UnsetType = UNSET
    postal_code: str | UnsetType = UNSET
    geo: GeoCoordinates | UnsetType = UNSET

    def __post_init__(self) -> None:
        _contains("type", self.type, "Address")


class Profile(_Open):
    """An issuer, creator, source or endorser; only ``id`` and ``type`` are required."""

    id: str
    type: TypeList
    name: str | UnsetType = UNSET
    url: str | UnsetType = UNSET
    phone: str | UnsetType = UNSET
    description: str | UnsetType = UNSET
    endorsement: list[EndorsementCredential] | UnsetType = UNSET
    endorsement_jwt: list[Jws] | UnsetType = UNSET
    image: Image | UnsetType = UNSET
    email: str | UnsetType = UNSET
    address: Address | UnsetType = UNSET
    other_identifier: list[IdentifierEntry] | UnsetType = UNSET
    official: str | UnsetType = UNSET
    parent_org: Profile | UnsetType = UNSET
    family_name: str | UnsetType = UNSET
    given_name: str | UnsetType = UNSET
    additional_name: str | UnsetType = UNSET
    patronymic_name: str | UnsetType = UNSET
    honorific_prefix: str | UnsetType = UNSET
    honorific_suffix: str | UnsetType = UNSET
    family_name_prefix: str | UnsetType = UNSET
    date_of_birth: str | UnsetType = UNSET

    def __post_init__(self) -> None:
        _contains("type", self.type, "Profile")
        if isinstance(self.date_of_birth, str):
            try:
                if not _DATE.fullmatch(self.date_of_birth):
                    raise ValueError
                date.fromisoformat(self.date_of_birth)
            except ValueError:
                raise _invalid("dateOfBirth", "is not a date (YYYY-MM-DD)") from None


class Alignment(_Open):
    """An alignment to a framework item (``targetName`` and ``targetUrl`` required)."""

    type: TypeList
    target_name: str
    target_url: str
    target_code: str | UnsetType = UNSET
    target_description: str | UnsetType = UNSET
    target_framework: str | UnsetType = UNSET
    target_type: str | UnsetType = UNSET

    def __post_init__(self) -> None:
        _contains("type", self.type, "Alignment")
        _enum_or_ext("targetType", self.target_type, _ALIGNMENT_TARGET_TYPES)


class Criteria(_Open):
    """How the achievement is earned (``id`` or ``narrative``: see the OB rules)."""

    id: str | UnsetType = UNSET
    narrative: str | UnsetType = UNSET


class Related(_Open):
    """A related achievement (e.g. another language or version)."""

    id: str
    type: TypeList
    in_language: Language | UnsetType = UNSET
    version: str | UnsetType = UNSET

    def __post_init__(self) -> None:
        _contains("type", self.type, "Related")


class RubricCriterionLevel(_Open):
    """One level of a rubric criterion."""

    id: str
    type: TypeList
    name: str
    alignment: list[Alignment] | UnsetType = UNSET
    description: str | UnsetType = UNSET
    level: str | UnsetType = UNSET
    points: str | UnsetType = UNSET

    def __post_init__(self) -> None:
        _contains("type", self.type, "RubricCriterionLevel")


class ResultDescription(_Open):
    """A kind of result the achievement can carry (``resultType`` required)."""

    id: str
    type: TypeList
    name: str
    result_type: str
    alignment: list[Alignment] | UnsetType = UNSET
    allowed_value: list[str] | UnsetType = UNSET
    required_level: str | UnsetType = UNSET
    required_value: str | UnsetType = UNSET
    rubric_criterion_level: list[RubricCriterionLevel] | UnsetType = UNSET
    value_max: str | UnsetType = UNSET
    value_min: str | UnsetType = UNSET

    def __post_init__(self) -> None:
        _contains("type", self.type, "ResultDescription")
        _enum_or_ext("resultType", self.result_type, _RESULT_TYPES)


class Achievement(_Open):
    """The achievement: ``id``, ``type``, ``name``, ``description``, ``criteria``."""

    id: str
    type: TypeList
    criteria: Criteria
    description: str
    name: str
    alignment: list[Alignment] | UnsetType = UNSET
    achievement_type: str | UnsetType = UNSET
    creator: Profile | UnsetType = UNSET
    credits_available: float | UnsetType = UNSET
    endorsement: list[EndorsementCredential] | UnsetType = UNSET
    endorsement_jwt: list[Jws] | UnsetType = UNSET
    field_of_study: str | UnsetType = UNSET
    human_code: str | UnsetType = UNSET
    image: Image | UnsetType = UNSET
    in_language: Language | UnsetType = UNSET
    other_identifier: list[IdentifierEntry] | UnsetType = UNSET
    related: list[Related] | UnsetType = UNSET
    result_description: list[ResultDescription] | UnsetType = UNSET
    specialization: str | UnsetType = UNSET
    tag: list[str] | UnsetType = UNSET
    version: str | UnsetType = UNSET

    def __post_init__(self) -> None:
        _contains("type", self.type, "Achievement")
        _enum_or_ext("achievementType", self.achievement_type, _ACHIEVEMENT_TYPES)


class Result(_Open):
    """A result of the recipient, pointing into a ResultDescription."""

    type: TypeList
    achieved_level: str | UnsetType = UNSET
    alignment: list[Alignment] | UnsetType = UNSET
    result_description: str | UnsetType = UNSET
    status: (
        Literal[
            "Completed", "Enrolled", "Failed", "InProgress", "OnHold", "Provisional", "Withdrew"
        ]
        | UnsetType
    ) = UNSET
    value: str | UnsetType = UNSET

    def __post_init__(self) -> None:
        _contains("type", self.type, "Result")


class AchievementSubject(_Open):
    """The recipient and the one achievement they earned."""

    type: TypeList
    achievement: Achievement
    id: str | UnsetType = UNSET
    activity_end_date: str | UnsetType = UNSET
    activity_start_date: str | UnsetType = UNSET
    credits_earned: float | UnsetType = UNSET
    identifier: list[IdentityObject] | UnsetType = UNSET
    image: Image | UnsetType = UNSET
    license_number: str | UnsetType = UNSET
    narrative: str | UnsetType = UNSET
    result: list[Result] | UnsetType = UNSET
    role: str | UnsetType = UNSET
    source: Profile | UnsetType = UNSET
    term: str | UnsetType = UNSET

    def __post_init__(self) -> None:
        _contains("type", self.type, "AchievementSubject")


class Evidence(_Open):
    """Evidence of the achievement."""

    type: TypeList
    id: str | UnsetType = UNSET
    narrative: str | UnsetType = UNSET
    name: str | UnsetType = UNSET
    description: str | UnsetType = UNSET
    genre: str | UnsetType = UNSET
    audience: str | UnsetType = UNSET

    def __post_init__(self) -> None:
        _contains("type", self.type, "Evidence")


class Proof(_Open):
    """An embedded proof (only ``type`` required here; the proof check does the rest)."""

    type: str
    created: str | UnsetType = UNSET
    cryptosuite: str | UnsetType = UNSET
    challenge: str | UnsetType = UNSET
    domain: str | UnsetType = UNSET
    nonce: str | UnsetType = UNSET
    proof_purpose: str | UnsetType = UNSET
    proof_value: str | UnsetType = UNSET
    verification_method: str | UnsetType = UNSET

    def __post_init__(self) -> None:
        _datetime_stamp("created", self.created)


class CredentialSchema(_Open):
    """A schema the credential declares."""

    id: str
    type: str


class CredentialStatus(_Open):
    """A status entry (``id`` and ``type`` required)."""

    id: str
    type: str


class RefreshService(_Open):
    """A refresh service."""

    id: str
    type: str


class TermsOfUse(_Open):
    """Terms of use."""

    type: str
    id: str | UnsetType = UNSET


class EndorsementSubject(_Open):
    """What an endorsement endorses."""

    id: str
    type: TypeList
    endorsement_comment: str | UnsetType = UNSET

    def __post_init__(self) -> None:
        _contains("type", self.type, "EndorsementSubject")


_VC2_DATES: Final = {"validFrom": "valid_from", "validUntil": "valid_until"}
_VC1_DATES: Final = {"issuanceDate": "issuance_date", "expirationDate": "expiration_date"}


class _Credential(_Open):
    """What every credential shape shares (VC 1.1 and 2.0; achievements and endorsements).

    A subclass adds its subject, issuer and the date members of its VC version, and names in
    class variables the first ``@context`` entry it requires (``_BASE``), the types of which it
    needs one (``_KINDS``) and its date members (``_DATES``: JSON name to attribute).
    """

    _BASE: ClassVar[str] = VC_V2_CONTEXT
    _KINDS: ClassVar[tuple[str, ...]] = ()
    _DATES: ClassVar[dict[str, str]] = _VC2_DATES

    context: Annotated[list[Context], Meta(min_length=2)] = msgspec.field(name="@context")
    id: str
    type: TypeList
    name: str
    description: str | UnsetType = UNSET
    awarded_date: str | UnsetType = UNSET
    proof: list[Proof] | Proof | UnsetType = UNSET
    credential_schema: list[CredentialSchema] | UnsetType = UNSET
    credential_status: (
        Annotated[list[CredentialStatus], Meta(min_length=1, max_length=MAX_ENTRIES)]
        | CredentialStatus
        | UnsetType
    ) = UNSET
    refresh_service: RefreshService | UnsetType = UNSET
    terms_of_use: list[TermsOfUse] | UnsetType = UNSET

    def __post_init__(self) -> None:
        _contexts(self.context, self._BASE)
        _contains("type", self.type, "VerifiableCredential")
        _contains("type", self.type, *self._KINDS)
        _datetime_stamp("awardedDate", self.awarded_date)
        for member, attribute in self._DATES.items():
            _datetime_stamp(member, getattr(self, attribute))


class EndorsementCredential(_Credential, kw_only=True):
    """An embedded endorsement (its shape only; endorsements are not verified)."""

    _KINDS = ("EndorsementCredential",)

    credential_subject: EndorsementSubject
    issuer: Profile
    valid_from: str
    valid_until: str | UnsetType = UNSET


class AchievementCredential(_Credential, kw_only=True):
    """An OB 3.0 AchievementCredential / OpenBadgeCredential (VC 2.0)."""

    _KINDS = ("AchievementCredential", "OpenBadgeCredential")

    credential_subject: AchievementSubject
    issuer: Profile
    valid_from: str
    image: Image | UnsetType = UNSET
    endorsement: list[EndorsementCredential] | UnsetType = UNSET
    endorsement_jwt: list[Jws] | UnsetType = UNSET
    evidence: list[Evidence] | UnsetType = UNSET
    valid_until: str | UnsetType = UNSET


class EndorsementCredentialV1(_Credential, kw_only=True):
    """An embedded VC 1.1 endorsement (``EndorsementCredentialv1p1``; its shape only)."""

    _BASE = VC_V1_CONTEXT
    _KINDS = ("EndorsementCredential",)
    _DATES = _VC1_DATES

    credential_subject: EndorsementSubject
    issuer: ProfileV1
    issuance_date: str
    expiration_date: str | UnsetType = UNSET


class ProfileV1(Profile):
    """A Profile in a VC 1.1 credential (``Profilev1p1``: its endorsements are VC 1.1)."""

    # msgspec replaces the inherited field; only the endorsement class differs.
    endorsement: list[EndorsementCredentialV1] | UnsetType = UNSET  # type: ignore[assignment]


class AchievementV1(Achievement):
    """An Achievement in a VC 1.1 credential (``Achievementv1p1``)."""

    creator: ProfileV1 | UnsetType = UNSET
    endorsement: list[EndorsementCredentialV1] | UnsetType = UNSET  # type: ignore[assignment]


class AchievementSubjectV1(AchievementSubject, forbid_unknown_fields=True):
    """The subject of a VC 1.1 credential (``AchievementSubjectv1p1``: closed in the schema)."""

    achievement: AchievementV1
    source: ProfileV1 | UnsetType = UNSET


class AchievementCredentialV1(_Credential, kw_only=True):
    """An OB 3.0 AchievementCredential secured as a VC 1.1 credential (``issuanceDate``).

    Mirrors the VC 1.1 branch of ``ob_v3p0_anyachievementcredential_schema.json``.
    """

    _BASE = VC_V1_CONTEXT
    _KINDS = ("AchievementCredential", "OpenBadgeCredential")
    _DATES = _VC1_DATES

    credential_subject: AchievementSubjectV1
    issuer: ProfileV1
    issuance_date: str
    image: Image | UnsetType = UNSET
    endorsement: list[EndorsementCredentialV1] | UnsetType = UNSET
    endorsement_jwt: list[Jws] | UnsetType = UNSET
    evidence: list[Evidence] | UnsetType = UNSET
    expiration_date: str | UnsetType = UNSET


class ShapeError(msgspec.Struct, frozen=True):
    """The first place where a document departs from the shape.

    Attributes:
        path: A JSONPath-like location, e.g. ``$.credentialSubject.achievement.criteria``.
        message: What is wrong there.
    """

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.message} at {self.path}"


_AT: Final = re.compile(r"^(?P<message>.*?)(?: - at `(?P<path>[^`]*)`)?$", re.DOTALL)
_MEMBER: Final = re.compile(r"^`(?P<member>[^`]+)` (?P<rest>.*)$", re.DOTALL)


def _shape_error(exc: msgspec.ValidationError) -> ShapeError:
    match = _AT.match(str(exc))
    message = match["message"] if match else str(exc)
    path = (match["path"] if match else None) or "$"
    member = _MEMBER.match(message)
    if member:
        path, message = f"{path}.{member['member']}", member["rest"]
    return ShapeError(path=path, message=message)


def check_shape(document: Any) -> ShapeError | None:
    """Check ``document`` against the AchievementCredential shape of its VC version.

    A document whose first ``@context`` entry is the VC 1.1 context is checked against the VC
    1.1 shape (:class:`AchievementCredentialV1`), anything else against the VC 2.0 one.

    Args:
        document: A decoded JSON value.

    Returns:
        ``None`` if it conforms, else the first error found.
    """
    contexts = document.get("@context") if isinstance(document, dict) else None
    v1 = isinstance(contexts, list) and bool(contexts) and contexts[0] == VC_V1_CONTEXT
    shape: type[_Open] = AchievementCredentialV1 if v1 else AchievementCredential
    try:
        msgspec.convert(document, shape)
    except msgspec.ValidationError as exc:
        return _shape_error(exc)
    return None
