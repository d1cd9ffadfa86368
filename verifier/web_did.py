"""Network did:web resolution, for issuers that are not ours (catalogue E1-E5, E11, E12).

:class:`WebDidResolver` maps a did:web DID to its document URL (:func:`keys.did.did_web_url`
checks the DID: no ``..`` or empty segments, no encoded ``/``, ``@``, ``?``, ``#``), applies the
host policy ``keys`` leaves to the caller (no IP-literal hosts, in any spelling; no
``localhost``; port 443 only; all relaxed only by the development switches), fetches the
document with a bounded :class:`~verifier.fetch.Fetcher`, and looks the key up with
:func:`keys.did.resolve_in_document` (id match, ``assertionMethod``, controller, Multikey,
duplicate ids, published secrets, at most 64 verification methods).

A document that cannot be fetched is a :class:`~verifier.resolver.ResolutionError` (the proof
check reports an *error*: could not be checked, never valid); a DID or a document that breaks
a rule is an :class:`~keys.errors.InvalidDidError` (the proof check fails). Fetched documents
are cached by exact DID for their ``Cache-Control`` lifetime (at most 300 s); a failure is never
cached. DIDs of our own host are never fetched: they are ours to resolve locally.

:class:`FallbackResolver` chains the local resolver and this one: a DID the local resolver
does not know (``ResolutionError``) is tried on the network.
"""

from __future__ import annotations

import socket
from collections.abc import Collection, Mapping
from typing import Any, Final

from keys.did import VerificationMethod, did_method, did_web_url, resolve_in_document
from keys.errors import InvalidDidError, UnsupportedDidMethodError
from verifier._cache import DocumentCache
from verifier.fetch import DID_DOCUMENT_MAX_BYTES, Fetcher, FetchError
from verifier.resolver import (
    AssertionMethodLister,
    KeyResolver,
    ResolutionError,
    assertion_method_ids,
)

__all__ = ["DID_ACCEPT", "FallbackResolver", "WebDidResolver", "did_web_host"]

DID_ACCEPT: Final = "application/did+json, application/did+ld+json;q=0.9, application/json;q=0.8"


def did_web_host(did: str) -> tuple[str, int | None]:
    """The host name and port (``None``: default) of a did:web DID, after the DID checks.

    Raises:
        InvalidDidError: If the DID is not a valid did:web DID.
        UnsupportedDidMethodError: If it uses another method.
    """
    url = did_web_url(did)
    authority = url[len("https://") :].split("/", 1)[0]
    host, _, port = authority.partition(":")
    return host.lower(), int(port) if port else None


def _is_ip_literal(host: str) -> bool:
    """True for any spelling of an IP address (``127.0.0.1``, ``2130706433``, ``0x7f000001``,
    ``127.1``): what ``inet_aton`` accepts, or a name whose last label is numeric."""
    try:
        socket.inet_aton(host)
    except OSError:
        pass
    else:
        return True
    return host.rsplit(".", 1)[-1].isdigit()


class WebDidResolver:
    """Resolves did:web verification methods by fetching the DID document (see the module).

    Args:
        fetcher: The bounded fetcher.
        own_hosts: Host names (with ``:port`` if any, lower case) of this service: DIDs under
            them are never fetched (``ResolutionError``).
        allow_development_hosts: Accept IP-literal and ``localhost`` hosts and ports other than
            443 (the ``fetch_allow_private`` development switch).
        http: Fetch ``http://`` instead of ``https://`` (the ``fetch_allow_http`` switch, for
            local setups).
        cache: The document cache (default: 256 documents, at most 300 s each).
    """

    def __init__(
        self,
        fetcher: Fetcher,
        *,
        own_hosts: Collection[str] = (),
        allow_development_hosts: bool = False,
        http: bool = False,
        cache: DocumentCache[Mapping[str, Any]] | None = None,
    ) -> None:
        self._fetcher = fetcher
        self._own = frozenset(host.lower() for host in own_hosts)
        self._development = allow_development_hosts
        self._http = http
        self._cache: DocumentCache[Mapping[str, Any]] = cache or DocumentCache()

    def resolve(self, verification_method: str, *, issuer_id: str) -> VerificationMethod:
        """Resolve a ``did:web:…#fragment`` id over the network.

        Raises:
            UnsupportedDidMethodError: For anything but did:web.
            InvalidDidError: For a DID the policy refuses, or a document that fails a check.
            InvalidMultikeyError: For a bad key in the document.
            ResolutionError: If the document cannot be fetched.
        """
        if did_method(verification_method) != "web":
            raise UnsupportedDidMethodError(
                f"unsupported verification method {verification_method[:60]!r}"
            )
        did, _, fragment = verification_method.partition("#")
        if not fragment:
            raise InvalidDidError("a did:web verification method must name a key (#fragment)")
        document = self.document(did)
        return resolve_in_document(document, verification_method, expected_did=did)

    def assertion_methods(self, did: str) -> tuple[str, ...]:
        """The assertion keys of ``did``, from its fetched (cached) document.

        Raises:
            UnsupportedDidMethodError: For anything but did:web.
            InvalidDidError: For a DID the policy refuses, or a bad document.
            ResolutionError: If the document cannot be fetched.
        """
        if did_method(did) != "web":
            raise UnsupportedDidMethodError(f"unsupported DID {did[:60]!r}")
        if "#" in did:
            raise InvalidDidError("a DID, not a DID URL, was expected")
        return assertion_method_ids(self.document(did), did)

    def document(self, did: str) -> Mapping[str, Any]:
        """The DID document of ``did`` (cached by exact DID).

        Raises:
            InvalidDidError: For a DID the policy refuses or a document whose id is not ``did``.
            ResolutionError: If it cannot be fetched.
        """
        cached = self._cache.get(did)  # only DIDs that passed the policy are ever cached
        if cached is not None:
            return cached
        url = self._url(did)
        try:
            fetched = self._fetcher.fetch_json(
                url, max_bytes=DID_DOCUMENT_MAX_BYTES, accept=DID_ACCEPT
            )
        except FetchError as exc:
            raise ResolutionError(
                f"the DID document of {did[:100]} cannot be fetched: {exc}"
            ) from None
        document = fetched.data
        if not isinstance(document, dict):
            raise InvalidDidError("the DID document is not a JSON object")
        if document.get("id") != did:
            raise InvalidDidError(
                f"the DID document at {url[:120]} has id {str(document.get('id'))[:100]!r}, "
                f"not {did[:100]}"
            )
        self._cache.put(did, document, fetched.max_age)
        return document

    def _url(self, did: str) -> str:
        host, port = did_web_host(did)
        authority = host if port is None else f"{host}:{port}"
        if authority in self._own or host in self._own:
            raise ResolutionError(
                f"{did[:100]} is on this service's host but not one of its issuers"
            )
        if not self._development:
            if _is_ip_literal(host):
                raise InvalidDidError("did:web host not allowed: an IP address")
            if host == "localhost" or host.endswith(".localhost"):
                raise InvalidDidError("did:web host not allowed: localhost")
            if port is not None and port != 443:
                raise InvalidDidError(f"did:web host not allowed: port {port} (only 443)")
        url = did_web_url(did)
        return "http://" + url[len("https://") :] if self._http else url


class FallbackResolver:
    """Asks ``first``; when it cannot resolve a method here (``ResolutionError``), asks ``then``.

    Used as ``FallbackResolver(LocalDidWebResolver(...), WebDidResolver(...))``: our own
    issuers are resolved from the database, any other did:web over the network.
    """

    def __init__(self, first: KeyResolver, then: KeyResolver) -> None:
        self._first = first
        self._then = then

    def resolve(self, verification_method: str, *, issuer_id: str) -> VerificationMethod:
        """Resolve with ``first``, falling back to ``then`` on ``ResolutionError``."""
        try:
            return self._first.resolve(verification_method, issuer_id=issuer_id)
        except ResolutionError:
            return self._then.resolve(verification_method, issuer_id=issuer_id)

    def assertion_methods(self, did: str) -> tuple[str, ...]:
        """List with ``first``, falling back to ``then`` on ``ResolutionError``.

        Raises:
            UnsupportedDidMethodError: If neither resolver lists keys for ``did``.
        """
        first = self._first if isinstance(self._first, AssertionMethodLister) else None
        then = self._then if isinstance(self._then, AssertionMethodLister) else None
        if first is not None:
            try:
                return first.assertion_methods(did)
            except ResolutionError:
                if then is None:
                    raise
        if then is None:
            raise UnsupportedDidMethodError(f"unsupported DID {did[:60]!r}")
        return then.assertion_methods(did)
