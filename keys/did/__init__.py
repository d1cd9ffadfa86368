"""did:key and did:web: identifiers, DID documents, and the checks a verifier needs.

Verification methods are Multikey (or the legacy Ed25519VerificationKey2020) Ed25519 keys, or
public JSON Web Keys (for JWT-secured credentials). Only two DID methods are supported;
:func:`did_method` raises :class:`~keys.errors.UnsupportedDidMethodError` for any other
identifier. Nothing here touches
the network: fetching a did:web document (and the SSRF policy that goes with it) belongs to the
caller, which passes the decoded JSON to :func:`resolve_in_document`.
"""

from __future__ import annotations

from keys.did._document import MAX_VERIFICATION_METHODS, resolve_in_document
from keys.did._jwk import MIN_RSA_BITS, public_jwk
from keys.did._key import did_key, did_key_verification_method, resolve_did_key
from keys.did._method import VerificationMethod, VerificationMethodType, did_method
from keys.did._web import did_web, did_web_document, did_web_url

__all__ = [
    "MAX_VERIFICATION_METHODS",
    "MIN_RSA_BITS",
    "VerificationMethod",
    "VerificationMethodType",
    "did_key",
    "did_key_verification_method",
    "did_method",
    "did_web",
    "did_web_document",
    "did_web_url",
    "public_jwk",
    "resolve_did_key",
    "resolve_in_document",
]
