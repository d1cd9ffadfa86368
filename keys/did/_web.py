"""did:web: building DIDs and their documents, and mapping a DID to its document URL."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Final

from keys.did._method import did_method, show
from keys.errors import InvalidDidError
from keys.multikey import encode_public_key

__all__ = ["did_web", "did_web_document", "did_web_parts", "did_web_url"]

_PREFIX: Final = "did:web:"
_CONTEXT: Final = ("https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1")
_LABEL: Final = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)", re.IGNORECASE)
_HOST_PORT: Final = re.compile(r"(?P<host>[^%]+)(?:%3[Aa](?P<port>[1-9][0-9]{0,4}))?")
_SEGMENT: Final = re.compile(r"[A-Za-z0-9._~-]+")


def did_web(host: str, path: Sequence[str] = ()) -> str:
    """Build a did:web DID.

    Args:
        host: A DNS name, optionally with a port (``"127.0.0.1:8000"``); lower-cased.
        path: Path segments, joined with ``:``.

    Returns:
        The DID, e.g. ``did:web:127.0.0.1%3A8000`` or ``did:web:example.com:issuers:t1``.

    Raises:
        InvalidDidError: If the host, port or a path segment is not allowed.
    """
    name, colon, port = host.lower().partition(":")
    did = _PREFIX + name + (f"%3A{port}" if colon else "") + "".join(f":{s}" for s in path)
    if did_web_parts(did) != (name + colon + port, list(path)):
        raise InvalidDidError("a did:web host must be 'host' or 'host:port', and segments plain")
    return did


def did_web_url(did: str) -> str:
    """Return the HTTPS URL of a did:web DID document.

    Args:
        did: A did:web DID (no fragment, query or path).

    Returns:
        ``https://host/.well-known/did.json`` or ``https://host/p/a/t/h/did.json``.

    Raises:
        InvalidDidError: For ``..`` or empty segments, encoded ``/``, ``@``, ``?``, ``#`` and any
            other character a host or segment may not hold.
        UnsupportedDidMethodError: If ``did`` uses a method other than did:key and did:web.
    """
    authority, segments = did_web_parts(did)
    path = "/".join(segments) + "/did.json" if segments else ".well-known/did.json"
    return f"https://{authority}/{path}"


def did_web_document(did: str, keys: Sequence[tuple[str, bytes]]) -> dict[str, Any]:
    """Build the DID document of a did:web issuer.

    Every key is an ``assertionMethod``: retired keys stay so that credentials they signed keep
    verifying. No key is listed under ``authentication``: issuer keys only sign credentials.

    Args:
        did: The did:web DID.
        keys: ``(fragment, public key)`` pairs in rotation order, oldest first.

    Returns:
        The DID document as JSON-ready data, with absolute verification method ids.

    Raises:
        InvalidDidError: If ``did`` is not a valid did:web DID, or a fragment is malformed or
            repeated.
        InvalidMultikeyError: If a public key is not 32 bytes.
    """
    did_web_parts(did)
    methods: list[dict[str, str]] = []
    for fragment, public_key in keys:
        if not _SEGMENT.fullmatch(fragment):
            raise InvalidDidError(f"invalid key fragment {show(fragment)}")
        methods.append(
            {
                "id": f"{did}#{fragment}",
                "type": "Multikey",
                "controller": did,
                "publicKeyMultibase": encode_public_key(public_key),
            }
        )
    ids = [method["id"] for method in methods]
    if len(set(ids)) != len(ids):
        raise InvalidDidError("key fragments must be unique")
    return {
        "@context": list(_CONTEXT),
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": ids,
    }


def did_web_parts(did: str) -> tuple[str, list[str]]:
    """Check a did:web DID and split it into URL authority (``host[:port]``) and path segments.

    Raises:
        InvalidDidError: If the DID is not a valid did:web DID.
        UnsupportedDidMethodError: If it uses a method other than did:key and did:web.
    """
    if did_method(did) != "web":
        raise InvalidDidError(f"{show(did)} is not a did:web")
    body = did[len(_PREFIX) :]
    for char, what in (("#", "a fragment"), ("?", "a query"), ("/", "'/'"), ("@", "'@'")):
        if char in body:
            raise InvalidDidError(f"a did:web DID must not contain {what}")
    host_port, *segments = body.split(":")
    match = _HOST_PORT.fullmatch(host_port)
    if not match:
        raise InvalidDidError(
            "a did:web host may not hold percent-encoded characters except the port colon (%3A)"
        )
    host, port = match["host"], match["port"]
    if len(host) > 253 or not all(_LABEL.fullmatch(label) for label in host.split(".")):
        raise InvalidDidError(f"did:web host {show(host)} is not a valid DNS name")
    if port is not None and int(port) > 65535:
        raise InvalidDidError(f"did:web port {port} is out of range")
    for segment in segments:
        if segment in ("", ".", ".."):
            raise InvalidDidError("did:web path segments must not be empty, '.' or '..'")
        if not _SEGMENT.fullmatch(segment):
            raise InvalidDidError(
                f"did:web path segment {show(segment)} holds a character that is not allowed"
            )
    return (f"{host}:{port}" if port else host), segments
