"""Strict lookup of an assertion key in a DID document (the verifier's side of did:web)."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any, Final, cast

from keys.did._jwk import jwk_verification_method
from keys.did._key import resolve_did_key
from keys.did._method import VerificationMethod, VerificationMethodType, did_method, show
from keys.did._web import did_web_parts
from keys.errors import InvalidDidError, InvalidMultikeyError
from keys.multikey import decode_public_key

__all__ = ["MAX_VERIFICATION_METHODS", "resolve_in_document"]

MAX_VERIFICATION_METHODS: Final = 64
"""Most entries accepted in ``verificationMethod`` and in each verification relationship, and
most verification methods a document may define in all."""

_log = logging.getLogger(__name__)

_ABSOLUTE: Final = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_RELATIONSHIPS: Final = (
    "authentication",
    "assertionMethod",
    "keyAgreement",
    "capabilityInvocation",
    "capabilityDelegation",
)
_MULTIBASE_TYPES: Final = ("Multikey", "Ed25519VerificationKey2020")
"""Types whose key is an Ed25519 ``publicKeyMultibase`` (``z6Mk…``)."""
_JWK_TYPES: Final = ("JsonWebKey", "JsonWebKey2020")
"""Types whose key is a ``publicKeyJwk`` (for JWT-secured credentials)."""
_SECRET_MEMBERS: Final = (
    "secretKeyMultibase",
    "privateKeyMultibase",
    "privateKeyJwk",
    "privateKeyBase58",
    "privateKeyHex",
    "privateKeyPem",
)


def resolve_in_document(
    document: Mapping[str, Any], vm_id: str, *, expected_did: str
) -> VerificationMethod:
    """Find an assertion key in a DID document, applying every check a verifier needs.

    The document's ``id`` must be ``expected_did``; ``vm_id`` must be an absolute id under that
    DID, defined once (in ``verificationMethod`` or embedded in a relationship), controlled by
    that DID, of type Multikey (or the legacy ``Ed25519VerificationKey2020``, same encoding) with
    a strict Ed25519 ``publicKeyMultibase``, or of type ``JsonWebKey``/``JsonWebKey2020`` with a
    public ``publicKeyJwk`` (Ed25519, RSA of at least 2048 bits, or P-256: for JWT-secured
    credentials), and listed in ``assertionMethod``. Relative ids, duplicate ids, more than
    :data:`MAX_VERIFICATION_METHODS` entries, and any published secret key refuse the whole
    document (a published secret is also logged as a security warning).

    Args:
        document: The decoded DID document.
        vm_id: The proof's ``verificationMethod``.
        expected_did: The DID that was resolved (for credentials: the issuer id).

    Returns:
        The verification method.

    Raises:
        InvalidDidError: With a message naming the failed check.
        UnsupportedDidMethodError: If ``expected_did`` uses a method other than key and web.
    """
    _check_did(expected_did)
    if not isinstance(document, Mapping):
        raise InvalidDidError("the DID document is not a JSON object")
    if document.get("id") != expected_did:
        raise InvalidDidError(
            f"DID document id {show(document.get('id'))} does not match {expected_did}"
        )
    _check_vm_id(vm_id, expected_did)
    method = _methods_by_id(document).get(vm_id)
    if method is None:
        raise InvalidDidError(f"verification method {vm_id} is not in the DID document")
    _check_assertion_method(document, vm_id)
    method_type = method.get("type")
    if method_type not in _MULTIBASE_TYPES and method_type not in _JWK_TYPES:
        raise InvalidDidError(
            f"verification method {vm_id} has type {show(method_type)}; "
            "only Multikey is supported (and Ed25519VerificationKey2020 or JsonWebKey)"
        )
    if method.get("controller") != expected_did:
        raise InvalidDidError(
            f"verification method {vm_id} is controlled by {show(method.get('controller'))}, "
            f"not by {expected_did}"
        )
    if method_type in _JWK_TYPES:
        return jwk_verification_method(method, vm_id, expected_did)
    multibase = method.get("publicKeyMultibase")
    if not isinstance(multibase, str):
        raise InvalidDidError(f"verification method {vm_id} has no publicKeyMultibase string")
    try:
        public_key = decode_public_key(multibase)
    except InvalidMultikeyError as exc:
        raise InvalidDidError(f"verification method {vm_id}: {exc}") from exc
    return VerificationMethod(
        id=vm_id,
        controller=expected_did,
        public_key_multibase=multibase,
        public_key=public_key,
        type=cast(VerificationMethodType, method_type),
    )


def _check_did(did: str) -> None:
    if did_method(did) == "web":
        did_web_parts(did)
    elif "#" in did:
        raise InvalidDidError("expected_did must be a DID, not a DID URL")
    else:
        resolve_did_key(did)


def _check_vm_id(vm_id: str, did: str) -> None:
    if not isinstance(vm_id, str) or not _ABSOLUTE.match(vm_id):
        raise InvalidDidError(f"verification method id {show(vm_id)} must be an absolute DID URL")
    owner, _, fragment = vm_id.partition("#")
    if owner != did or not fragment:
        raise InvalidDidError(f"verification method {show(vm_id)} is not a key of {did}")


def _methods_by_id(document: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """Collect every verification method the document defines, refusing ambiguous documents."""
    _refuse_secrets(document, document)
    entries = _array(document, "verificationMethod")
    if not all(isinstance(entry, Mapping) for entry in entries):
        raise InvalidDidError("verificationMethod entries must be objects")
    for relationship in _RELATIONSHIPS:
        for entry in _array(document, relationship):
            if isinstance(entry, Mapping):
                entries.append(entry)
            elif not isinstance(entry, str):
                raise InvalidDidError(f"{relationship} entries must be strings or objects")
            elif not _ABSOLUTE.match(entry):
                raise InvalidDidError(
                    f"{relationship} lists the relative id {show(entry)}; ids must be absolute"
                )
    if len(entries) > MAX_VERIFICATION_METHODS:
        raise InvalidDidError(
            f"the DID document defines {len(entries)} verification methods; "
            f"the limit is {MAX_VERIFICATION_METHODS}"
        )
    methods: dict[str, Mapping[str, Any]] = {}
    for entry in entries:
        _refuse_secrets(document, entry)
        method_id = entry.get("id")
        if not isinstance(method_id, str) or not _ABSOLUTE.match(method_id):
            raise InvalidDidError(
                f"verification method id {show(method_id)} must be an absolute DID URL"
            )
        if method_id in methods:
            raise InvalidDidError(f"verification method {method_id} is defined more than once")
        methods[method_id] = entry
    return methods


def _array(document: Mapping[str, Any], member: str) -> list[Any]:
    """Return a copy of an array member (absent means empty), bounded in length."""
    value = document.get(member, [])
    if not isinstance(value, list):
        raise InvalidDidError(f"{member} must be an array")
    if len(value) > MAX_VERIFICATION_METHODS:
        raise InvalidDidError(f"{member} has more than {MAX_VERIFICATION_METHODS} entries")
    return list(value)


def _check_assertion_method(document: Mapping[str, Any], vm_id: str) -> None:
    for entry in _array(document, "assertionMethod"):
        listed = entry.get("id") if isinstance(entry, Mapping) else entry
        if listed == vm_id:
            return
    raise InvalidDidError(
        f"verification method {vm_id} is not listed in assertionMethod; it may not sign credentials"
    )


def _refuse_secrets(document: Mapping[str, Any], entry: Mapping[str, Any]) -> None:
    found = [member for member in _SECRET_MEMBERS if member in entry]
    jwk = entry.get("publicKeyJwk")
    if isinstance(jwk, Mapping) and "d" in jwk:
        found.append("publicKeyJwk.d")
    if found:
        _log.warning(
            "security: DID document %r publishes secret key material (%s)",
            document.get("id"),
            ", ".join(found),
        )
        raise InvalidDidError(
            f"the DID document publishes secret key material ({', '.join(found)}); refusing it"
        )
