"""did:key and did:web: identifiers, DID documents, and the checks a verifier needs.

Only two methods are supported; :func:`did_method` raises
:class:`~keys.errors.UnsupportedDidMethodError` for any other identifier. Nothing here touches
the network: fetching a did:web document (and the SSRF policy that goes with it) belongs to the
caller, which passes the decoded JSON to :func:`resolve_in_document`.
"""

from __future__ import annotations

from keys.did._document import MAX_VERIFICATION_METHODS, resolve_in_document
from keys.did._key import did_key, did_key_verification_method, resolve_did_key
from keys.did._method import VerificationMethod, did_method
from keys.did._web import did_web, did_web_document, did_web_url

__all__ = [
    "MAX_VERIFICATION_METHODS",
    "VerificationMethod",
    "did_key",
    "did_key_verification_method",
    "did_method",
    "did_web",
    "did_web_document",
    "did_web_url",
    "resolve_did_key",
    "resolve_in_document",
]
