"""Compact JWT input: credentials secured as a JWS (VC-JOSE-COSE, VC-JWT; ob3-requirements §2.4).

Two steps, reported under the usual check ids:

``parse`` (:func:`check_jwt_parse`): at most :data:`MAX_JWT_BYTES`, exactly three canonical
base64url segments (no padding, no ``+``/``/``, no whitespace inside, no stray trailing bits;
five segments are a JWE), a header
and a payload that are JSON objects under every rule of the JSON ``parse`` check (duplicate
keys refused ...). The payload is either the credential itself (VC-JOSE-COSE; the registered
JWT claims ``iss``, ``sub``, ``aud``, ``exp``, ``nbf``, ``iat``, ``jti`` beside it are not part
of it) or holds it in a ``vc`` claim (VC-JWT 1.1); both at once is ambiguous and refused
(catalogue D7), and so is a ``vp`` claim (a presentation).

``proof`` (:func:`check_jwt_proof`), in order:

1. Header: ``alg`` allowlisted (``EdDSA``, ``RS256``, ``ES256``; ``none`` and HMAC are refused as
   cryptographic errors, D1/D2); ``jku``, ``x5u``, ``x5c`` (remote or embedded key pointers, D4),
   ``crit`` and ``b64`` (D8) refused, and any member other than ``alg``, ``kid``, ``typ``,
   ``cty``, ``jwk``; ``typ`` if present is ``JWT``, ``vc+jwt`` or ``vc+ld+json+jwt`` (not
   ``vp+jwt``, D10), ``cty`` if present ``vc`` or ``vc+ld+json``.
2. Claims (D6, D11): ``nbf``, ``exp``, ``iat`` are integers (NumericDate) within year 9999;
   ``iss`` = ``issuer.id``, ``jti`` = ``id``, ``sub`` = ``credentialSubject.id``, ``nbf`` =
   ``validFrom`` (VC 1.1: ``issuanceDate``), ``exp`` = ``validUntil`` (``expirationDate``) when
   present; ``iat`` not in the future. (``nbf``/``exp`` equal the credential's dates, so the
   ``not_before``/``expiration`` checks judge them.)
3. Key (D3, D5): a ``kid`` is a DID URL whose DID is ``issuer.id``; it is resolved by the
   verifier's :class:`~verifier.resolver.KeyResolver` only, and a ``jwk`` beside it must be
   public (no ``d``) and equal the resolved key. Without a ``kid`` (what openbadgeslib writes;
   OB 3.0 allows ``kid`` or ``jwk``) the ``jwk`` is accepted only if it is one of the
   ``assertionMethod`` keys of the issuer's DID, resolved as a ``kid`` would be (item 19): a bare
   ``jwk`` is never trusted on its own. Neither is a failure. The key type
   fixes the algorithm: Ed25519 → ``EdDSA``, RSA (≥ 2048 bits) → ``RS256``, P-256 → ``ES256``.
4. Signature: verified by ``joserfc`` with only that algorithm allowed.

An embedded ``proof`` in the credential is verified as well (:mod:`verifier._proof`): every
proof must hold.
"""

from __future__ import annotations

import binascii
import calendar
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final, Literal

from joserfc import jws
from joserfc.errors import BadSignatureError, JoseError, UnsupportedAlgorithmError
from joserfc.jwa import JWSAlgModel
from joserfc.jwk import ECKey, OKPKey, RSAKey

from common.encoding import b64url_decode, b64url_encode
from common.jsonld import JsonLdProcessor
from common.timeutil import parse_datetime_stamp
from keys.did import MAX_VERIFICATION_METHODS, VerificationMethod, did_method, public_jwk
from keys.errors import InvalidDidError, UnsupportedDidMethodError
from verifier._envelope import date_members
from verifier._parse import MAX_INPUT_BYTES, JsonInputError, parse_object
from verifier._proof import KeyFailure, ProofResult, check_proof, resolve_key
from verifier._util import errored, failed, passed, quote, stated_issuer_id
from verifier.problems import (
    CRYPTOGRAPHIC_SECURITY_ERROR,
    INVALID_DID_URL,
    INVALID_VERIFICATION_METHOD,
    MALFORMED_VALUE_ERROR,
    PARSING_ERROR,
    PROOF_VERIFICATION_ERROR,
    UNRESOLVABLE_VERIFICATION_METHOD,
    UNSUPPORTED_VERIFICATION_METHOD,
)
from verifier.report import Check
from verifier.resolver import AssertionMethodLister, KeyResolver, ResolutionError

__all__ = [
    "ALGORITHMS",
    "MAX_JWT_BYTES",
    "Jwt",
    "check_jwt_parse",
    "check_jwt_proof",
    "looks_like_jwt",
]

MAX_JWT_BYTES: Final = MAX_INPUT_BYTES
"""Largest compact JWT accepted, in bytes (checked before anything is decoded; D13)."""
MAX_HEADER_BYTES: Final = 8192
"""Largest encoded JOSE header: room for the longest ``kid`` accepted (2,048 characters) and a
``jwk`` of every key type OB 3.0 allows (RSA up to the 2,048-character modulus
:func:`keys.did.public_jwk` admits, i.e. 12,288 bits; P-256; Ed25519)."""
MAX_SIGNATURE_BYTES: Final = 2048
"""Largest encoded signature: an RSA signature is as long as its modulus (12,288 bits at most)."""
ALGORITHMS: Final = {"EdDSA": "Ed25519", "RS256": "RSA", "ES256": "P-256"}
"""The accepted JWS algorithms and the one key type each may be used with."""
JWT_TYPES: Final = frozenset({"jwt", "vc+jwt", "vc+ld+json+jwt"})
"""Accepted ``typ`` values (compared case-insensitively, ``application/`` optional)."""
CONTENT_TYPES: Final = frozenset({"vc", "vc+ld+json"})
"""Accepted ``cty`` values."""
CLAIMS: Final = ("iss", "sub", "aud", "exp", "nbf", "iat", "jti")
"""The registered JWT claims (RFC 7519 §4.1): never part of the credential."""

_HEADER_MEMBERS: Final = frozenset({"alg", "kid", "typ", "cty", "jwk"})
_REFUSED_MEMBERS: Final = {
    "jku": "a remote key set (jku) is never fetched; the key comes from the issuer's DID",
    "x5u": "a remote certificate (x5u) is never fetched; the key comes from the issuer's DID",
    "x5c": "certificate chains (x5c) are not accepted; the key comes from the issuer's DID",
    "b64": "unencoded payloads (b64) are not supported",
    "crit": "critical header extensions (crit) are not supported",
}
_SEGMENT: Final = re.compile(r"[A-Za-z0-9_-]*")
_SNIFF: Final = 4096
_WHITESPACE: Final = " \t\r\n"
_MAX_NUMERIC_DATE: Final = 253_402_300_799  # 9999-12-31T23:59:59Z
_MAX_KID: Final = 2048


@dataclass(frozen=True)
class Jwt:
    """A decoded compact JWT (signature not yet verified).

    Attributes:
        token: The compact serialization, without surrounding whitespace.
        header: The JOSE header.
        claims: The registered JWT claims found in the payload.
        credential: The credential (the payload without claims, or the ``vc`` claim).
        form: ``"vc-jose-cose"`` (the payload is the credential) or ``"vc-jwt"`` (``vc`` claim).
    """

    token: str
    header: dict[str, Any]
    claims: dict[str, Any]
    credential: dict[str, Any]
    form: Literal["vc-jose-cose", "vc-jwt"]


class _Registry(jws.JWSRegistry):
    """joserfc's JWS registry, held to the algorithms it is given.

    ``EdDSA`` is the name OB 3.0 and VC-JOSE-COSE use; joserfc warns that RFC 9864 deprecates
    the name in favour of ``Ed25519``. The key is checked to be Ed25519 before verification,
    so the polymorphic name is harmless here and the warning is not raised.

    joserfc's own size limits (512 bytes of header, 1,024 of signature, 128,000 of payload)
    refuse a header that embeds an RSA ``jwk`` (a 2048-bit modulus alone is 342 characters)
    and credentials the ``parse`` check admits; they are raised to this verifier's bounds
    (issue 12, item 20): :data:`MAX_HEADER_BYTES`, :data:`MAX_SIGNATURE_BYTES` and
    :data:`MAX_JWT_BYTES`.
    """

    max_header_length = MAX_HEADER_BYTES
    max_payload_length = MAX_JWT_BYTES
    max_signature_length = MAX_SIGNATURE_BYTES

    def get_alg(self, name: str) -> JWSAlgModel:
        if not self.allowed or name not in self.allowed or name not in self.algorithms:
            raise UnsupportedAlgorithmError(f"Algorithm of {name!r} is not allowed")
        return self.algorithms[name]


_REGISTRIES: Final = {alg: _Registry(algorithms=[alg]) for alg in ALGORITHMS}
"""One registry per accepted algorithm, built once (each allows exactly its algorithm)."""


class _RefusedError(Exception):
    """The token is refused; carries the check outcome."""

    def __init__(self, problem_type: str, message: str, *, error: bool = False) -> None:
        super().__init__(message)
        self.problem_type = problem_type
        self.message = message
        self.error = error


def looks_like_jwt(data: object) -> bool:
    """Whether ``data`` should be read as a compact JWT rather than JSON.

    A JWT starts (after optional whitespace) with a letter (a JSON header always encodes to
    ``e…``); a JSON object or array never does (``true``, ``false`` and ``null`` are no
    credentials either way). Anything else goes to the JSON ``parse`` check.
    """
    if isinstance(data, bytes | bytearray):
        head = bytes(data[:_SNIFF]).decode("latin-1")
    elif isinstance(data, str):
        head = data[:_SNIFF]
    else:
        return False
    stripped = head.lstrip(_WHITESPACE)
    return bool(stripped) and stripped[0].isascii() and stripped[0].isalpha()


def _b64decode(segment: str, what: str) -> bytes:
    if len(segment) % 4 == 1:
        raise _RefusedError(PARSING_ERROR, f"the JWT {what} is not valid base64url")
    try:
        decoded = b64url_decode(segment)
    except (binascii.Error, ValueError):
        raise _RefusedError(PARSING_ERROR, f"the JWT {what} is not valid base64url") from None
    if b64url_encode(decoded) != segment:
        # Unused trailing bits set: another spelling of the same bytes (RFC 4648 §3.5).
        raise _RefusedError(PARSING_ERROR, f"the JWT {what} is not canonical base64url")
    return decoded


def _text(data: object) -> str:
    if isinstance(data, bytes | bytearray):
        if len(data) > MAX_JWT_BYTES:
            raise _RefusedError(PARSING_ERROR, f"JWT larger than {MAX_JWT_BYTES} bytes")
        try:
            return bytes(data).decode("ascii")
        except UnicodeDecodeError:
            raise _RefusedError(PARSING_ERROR, "a compact JWT is ASCII text") from None
    if not isinstance(data, str):
        raise _RefusedError(PARSING_ERROR, f"unsupported input type {type(data).__name__}")
    if len(data) > MAX_JWT_BYTES:
        raise _RefusedError(PARSING_ERROR, f"JWT larger than {MAX_JWT_BYTES} bytes")
    if not data.isascii():
        raise _RefusedError(PARSING_ERROR, "a compact JWT is ASCII text")
    return data


def _decode(data: object) -> Jwt:
    token = _text(data).strip(_WHITESPACE)
    segments = token.split(".")
    if len(segments) == 5:
        raise _RefusedError(PARSING_ERROR, "an encrypted JWT (JWE, five segments) is not accepted")
    if len(segments) != 3:
        raise _RefusedError(PARSING_ERROR, f"a compact JWS has three segments, not {len(segments)}")
    for name, segment in zip(("header", "payload", "signature"), segments, strict=True):
        if not _SEGMENT.fullmatch(segment):
            raise _RefusedError(
                PARSING_ERROR,
                f"the JWT {name} holds characters outside unpadded base64url",
            )
        if not segment and name != "signature":
            raise _RefusedError(PARSING_ERROR, f"the JWT {name} is empty")
    try:
        header = parse_object(_b64decode(segments[0], "header"))
    except JsonInputError as exc:
        raise _RefusedError(PARSING_ERROR, f"the JWT header: {exc}") from None
    try:
        payload = parse_object(_b64decode(segments[1], "payload"))
    except JsonInputError as exc:
        raise _RefusedError(PARSING_ERROR, f"the JWT payload: {exc}") from None
    _b64decode(segments[2], "signature")
    claims: dict[str, Any] = {name: payload[name] for name in CLAIMS if name in payload}
    if "vp" in payload:
        raise _RefusedError(
            PARSING_ERROR, "the JWT holds a presentation (vp claim), not a credential"
        )
    top_level = any(name in payload for name in ("@context", "type", "credentialSubject"))
    if "vc" in payload:
        if top_level:
            raise _RefusedError(
                PARSING_ERROR,
                "ambiguous JWT payload: it is a credential and also holds a vc claim",
            )
        extra = sorted(set(payload) - set(CLAIMS) - {"vc"})
        if extra:
            raise _RefusedError(
                PARSING_ERROR, f"the JWT payload has members beside the vc claim: {extra[:5]}"
            )
        credential = payload["vc"]
        if not isinstance(credential, dict):
            raise _RefusedError(PARSING_ERROR, "the vc claim is not a JSON object")
        return Jwt(token, header, claims, credential, "vc-jwt")
    if not top_level:
        raise _RefusedError(PARSING_ERROR, "the JWT payload is not a credential (no @context)")
    credential = {key: value for key, value in payload.items() if key not in CLAIMS}
    return Jwt(token, header, claims, credential, "vc-jose-cose")


def check_jwt_parse(data: object) -> tuple[Check, Jwt | None]:
    """Run the ``parse`` check on a compact JWT.

    Returns:
        The check and, when it passed, the decoded token.
    """
    try:
        jwt = _decode(data)
    except _RefusedError as exc:
        return failed("parse", exc.problem_type, exc.message), None
    form = "the payload is the credential" if jwt.form == "vc-jose-cose" else "vc claim"
    return passed("parse", f"JWT decoded (compact JWS; {form})"), jwt


def _check_header(header: dict[str, Any]) -> str:
    alg = header.get("alg")
    if not isinstance(alg, str):
        raise _RefusedError(CRYPTOGRAPHIC_SECURITY_ERROR, "the JWT header has no alg")
    if alg.lower() == "none":
        raise _RefusedError(
            CRYPTOGRAPHIC_SECURITY_ERROR, "an unsecured JWT (alg none) is never accepted"
        )
    if alg not in ALGORITHMS:
        raise _RefusedError(
            CRYPTOGRAPHIC_SECURITY_ERROR,
            f"JWT algorithm {quote(alg, 40)} is not accepted (only {', '.join(ALGORITHMS)})",
        )
    for member, reason in _REFUSED_MEMBERS.items():
        if member in header:
            raise _RefusedError(PROOF_VERIFICATION_ERROR, reason)
    unknown = sorted(set(header) - _HEADER_MEMBERS)
    if unknown:
        raise _RefusedError(
            PROOF_VERIFICATION_ERROR,
            f"unsupported JOSE header member(s) {quote(unknown)}",
        )
    if "typ" in header and _media_type(header["typ"]) not in JWT_TYPES:
        raise _RefusedError(
            PROOF_VERIFICATION_ERROR,
            f"JWT typ {quote(header['typ'], 40)} is not a credential (JWT, vc+jwt or "
            "vc+ld+json+jwt)",
        )
    if "cty" in header and _media_type(header["cty"]) not in CONTENT_TYPES:
        raise _RefusedError(
            PROOF_VERIFICATION_ERROR, f"JWT cty {quote(header['cty'], 40)} is not accepted"
        )
    return alg


def _media_type(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    lowered = value.lower()
    return lowered.removeprefix("application/")


def _numeric_date(claims: dict[str, Any], name: str) -> int | None:
    if name not in claims:
        return None
    value = claims[name]
    if type(value) is not int or not 0 <= value <= _MAX_NUMERIC_DATE:
        raise _RefusedError(
            MALFORMED_VALUE_ERROR,
            f"the JWT claim {name} {quote(value, 40)} is not a NumericDate (an integer number "
            "of seconds)",
        )
    return value


def _seconds(value: object) -> int | None:
    if not isinstance(value, str):
        return None
    try:
        return calendar.timegm(parse_datetime_stamp(value).utctimetuple())
    except (ValueError, OverflowError):
        return None


def _check_claims(jwt: Jwt, now: datetime, skew: timedelta) -> None:
    document = jwt.credential
    claims = jwt.claims
    dates = {name: _numeric_date(claims, name) for name in ("nbf", "exp", "iat")}
    subject = document.get("credentialSubject")
    subject_id = subject.get("id") if isinstance(subject, dict) else None
    start, end = date_members(document)
    expected: dict[str, tuple[object, str]] = {
        "iss": (stated_issuer_id(document) or "", "issuer.id"),
        "jti": (document.get("id"), "id"),
        "sub": (subject_id, "credentialSubject.id"),
        "nbf": (_seconds(document.get(start)), start),
        "exp": (_seconds(document.get(end)), end),
    }
    for name, (value, member) in expected.items():
        if name not in claims:
            continue
        claim = dates.get(name, claims[name])
        if claim != value or value is None:
            raise _RefusedError(
                MALFORMED_VALUE_ERROR,
                f"the JWT claim {name} {quote(claims[name], 60)} does not match the "
                f"credential's {member}",
            )
    iat = dates["iat"]
    if iat is not None and iat > (now + skew).timestamp():
        raise _RefusedError(MALFORMED_VALUE_ERROR, "the JWT was issued in the future (iat)")


def _check_kid(header: dict[str, Any], issuer_id: str) -> str:
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise _RefusedError(
            PROOF_VERIFICATION_ERROR, "the JWT header has no kid (the issuer's DID URL) and no jwk"
        )
    if len(kid) > _MAX_KID:
        raise _RefusedError(INVALID_DID_URL, f"the JWT kid is too long ({len(kid)} characters)")
    try:
        did_method(kid)
    except (InvalidDidError, UnsupportedDidMethodError) as exc:
        raise _RefusedError(
            INVALID_DID_URL, f"the JWT kid {quote(kid, 60)} is not a supported DID URL: {exc}"
        ) from None
    did, has_fragment, fragment = kid.partition("#")
    if not has_fragment or not fragment:
        raise _RefusedError(
            INVALID_DID_URL, f"the JWT kid {quote(kid, 60)} names no key (#fragment)"
        )
    if did != issuer_id:
        raise _RefusedError(
            PROOF_VERIFICATION_ERROR,
            f"the JWT kid {quote(kid, 80)} is not a key of the issuer {quote(issuer_id, 80)}",
        )
    return kid


def _method_jwk(method: VerificationMethod) -> dict[str, Any]:
    if method.public_key_jwk is not None:
        return dict(method.public_key_jwk)
    if method.is_ed25519:
        x = b64url_encode(method.public_key)
        return {"kty": "OKP", "crv": "Ed25519", "x": x}
    raise _RefusedError(INVALID_VERIFICATION_METHOD, f"verification method {method.id} has no key")


def _key_type(jwk: dict[str, Any]) -> str:
    return "RSA" if jwk.get("kty") == "RSA" else str(jwk.get("crv"))


def _check_jwk_header(header: dict[str, Any], jwk: dict[str, Any]) -> None:
    if "jwk" not in header:
        return
    try:
        embedded = public_jwk(header["jwk"])
    except InvalidDidError as exc:
        raise _RefusedError(PROOF_VERIFICATION_ERROR, f"the JWT jwk header: {exc}") from None
    if embedded != jwk:
        raise _RefusedError(
            PROOF_VERIFICATION_ERROR,
            "the JWT jwk header is not the issuer's key (a key must come from the issuer's DID)",
        )


def _issuer_key_for_jwk(
    header_jwk: object, resolver: KeyResolver, issuer_id: str
) -> VerificationMethod:
    """The issuer's verification method whose key is the ``jwk`` header (no ``kid``; item 19).

    OB 3.0 lets the JOSE header convey the key by ``kid`` or by ``jwk``. A bare ``jwk`` is
    never trusted: the issuer's DID is resolved, and the header key is used only if it is one
    of the DID's ``assertionMethod`` keys (each resolved and checked as a ``kid`` would be).
    """
    try:
        embedded = public_jwk(header_jwk)
    except InvalidDidError as exc:
        raise _RefusedError(PROOF_VERIFICATION_ERROR, f"the JWT jwk header: {exc}") from None
    try:
        did_method(issuer_id)
    except (InvalidDidError, UnsupportedDidMethodError):
        raise _RefusedError(
            PROOF_VERIFICATION_ERROR,
            f"the JWT names its key by jwk only and the issuer {quote(issuer_id, 80)} is not a "
            "DID: the key cannot be bound to the issuer",
        ) from None
    if "#" in issuer_id:
        raise _RefusedError(
            PROOF_VERIFICATION_ERROR, f"the issuer {quote(issuer_id, 80)} is not a DID"
        )
    if not isinstance(resolver, AssertionMethodLister):
        raise _RefusedError(
            UNRESOLVABLE_VERIFICATION_METHOD,
            f"the keys of the issuer {quote(issuer_id, 80)} cannot be listed here",
            error=True,
        )
    try:
        ids = resolver.assertion_methods(issuer_id)
    except UnsupportedDidMethodError:
        raise _RefusedError(
            UNSUPPORTED_VERIFICATION_METHOD,
            f"the issuer's DID method is not supported: {quote(issuer_id, 80)}",
        ) from None
    except InvalidDidError as exc:
        raise _RefusedError(
            INVALID_VERIFICATION_METHOD, f"the issuer's DID document is invalid: {exc}"
        ) from None
    except ResolutionError as exc:
        raise _RefusedError(
            UNRESOLVABLE_VERIFICATION_METHOD,
            f"the issuer's DID cannot be resolved: {exc}",
            error=True,
        ) from None
    unresolved: KeyFailure | None = None
    for vm_id in ids[:MAX_VERIFICATION_METHODS]:
        found = resolve_key(resolver, vm_id, issuer_id=issuer_id)
        if isinstance(found, KeyFailure):
            unresolved = unresolved or (found if found.status == "error" else None)
            continue
        if found.controller == issuer_id and _jwk_or_none(found) == embedded:
            return found
    if unresolved is not None:
        raise _RefusedError(unresolved.problem_type, unresolved.message, error=True)
    raise _RefusedError(
        PROOF_VERIFICATION_ERROR,
        "the JWT jwk header is not one of the issuer's assertion keys (a key must come from "
        "the issuer's DID)",
    )


def _jwk_or_none(method: VerificationMethod) -> dict[str, Any] | None:
    try:
        return _method_jwk(method)
    except _RefusedError:
        return None


def _verify_signature(token: str, alg: str, jwk: dict[str, Any]) -> None:
    key: OKPKey | RSAKey | ECKey
    if jwk["kty"] == "OKP":
        key = OKPKey.import_key(jwk)
    elif jwk["kty"] == "RSA":
        key = RSAKey.import_key(jwk)
    else:
        key = ECKey.import_key(jwk)
    try:
        jws.deserialize_compact(token, key, registry=_REGISTRIES[alg])
    except BadSignatureError:
        raise _RefusedError(
            CRYPTOGRAPHIC_SECURITY_ERROR, f"the JWT ({alg}) signature does not verify"
        ) from None
    except (JoseError, ValueError) as exc:
        raise _RefusedError(
            PROOF_VERIFICATION_ERROR, f"the JWT could not be verified: {str(exc)[:200]}"
        ) from None


def _verify(jwt: Jwt, resolver: KeyResolver, now: datetime, skew: timedelta) -> VerificationMethod:
    alg = _check_header(jwt.header)
    issuer_id = stated_issuer_id(jwt.credential) or ""
    _check_claims(jwt, now, skew)
    if "kid" not in jwt.header and "jwk" in jwt.header:
        resolved = _issuer_key_for_jwk(jwt.header["jwk"], resolver, issuer_id)
    else:
        kid = _check_kid(jwt.header, issuer_id)
        found = resolve_key(resolver, kid, issuer_id=issuer_id)
        if isinstance(found, KeyFailure):
            raise _RefusedError(found.problem_type, found.message, error=found.status == "error")
        resolved = found
    jwk = _method_jwk(resolved)
    if ALGORITHMS[alg] != _key_type(jwk):
        raise _RefusedError(
            CRYPTOGRAPHIC_SECURITY_ERROR,
            f"JWT algorithm {alg} does not fit the issuer's {_key_type(jwk)} key",
        )
    _check_jwk_header(jwt.header, jwk)
    _verify_signature(jwt.token, alg, jwk)
    return resolved


def check_jwt_proof(
    jwt: Jwt,
    processor: JsonLdProcessor,
    resolver: KeyResolver,
    *,
    now: datetime,
    skew: timedelta,
) -> ProofResult:
    """Run the ``proof`` check of a JWT-secured credential (see the module docstring).

    Args:
        jwt: The decoded token (its ``credential`` is the document the other checks see).
        processor: The JSON-LD processor (for an embedded proof).
        resolver: Resolves the ``kid`` (and embedded proofs' verification methods).
        now: The verification time.
        skew: Clock tolerance.

    Returns:
        The check and the verification methods used (for the ``issuer`` check).
    """
    try:
        method = _verify(jwt, resolver, now, skew)
    except _RefusedError as exc:
        make = errored if exc.error else failed
        return ProofResult(make("proof", exc.problem_type, exc.message), ())
    alg = jwt.header["alg"]
    if "proof" not in jwt.credential:
        return ProofResult(
            passed("proof", f"JWT ({alg}) signature verified with {method.id}"), (method,)
        )
    embedded = check_proof(jwt.credential, processor, resolver, now=now)
    methods = (method, *embedded.methods)
    if embedded.check.status != "passed":
        return ProofResult(embedded.check, methods)
    return ProofResult(
        passed(
            "proof",
            f"JWT ({alg}) signature verified with {method.id}; {embedded.check.message}",
        ),
        methods,
    )
