"""Resolving a proof's ``verificationMethod`` to an Ed25519 public key, locally.

The resolvers here make no network request: :class:`DidKeyResolver` reads the key out of a
``did:key``, :class:`LocalDidWebResolver` looks ``did:web`` DIDs up in the documents of our own
issuers. The app chains a network ``did:web`` resolver after them
(:class:`verifier.web_did.FallbackResolver` with :class:`verifier.web_did.WebDidResolver`), so
a did:web the local resolver does not know is fetched (within the fetch policy); without that
chain (e.g. the registry's own status-list checks) it stays unresolved.

A :class:`KeyResolver` either returns a :class:`~keys.did.VerificationMethod` or raises:

- :class:`~keys.errors.UnsupportedDidMethodError`: this method (``did:ethr``, an ``https:``
  URL ...) is not supported; the proof check *fails* ("unsupported verification method");
- :class:`~keys.errors.InvalidDidError` / :class:`~keys.errors.InvalidMultikeyError`: the DID,
  DID URL, DID document or key is malformed or fails a check; the proof check *fails*;
- :class:`ResolutionError`: it cannot be resolved here (e.g. a did:web that is not one of our
  issuers: a chained network resolver may then try it; if none does, or its document cannot
  be fetched, the proof check reports an *error*: the credential may be fine, but it cannot be
  verified).

A resolver may also be an :class:`AssertionMethodLister`: it then lists the ids of a DID's
``assertionMethod`` keys, so that a JWT whose header names its key by ``jwk`` (no ``kid``) can
be matched against the issuer's own keys (issue 12, item 19); every resolver here is one.

The resolvers check that a key belongs to the DID in the verification method id (and, for
did:web, that it is an ``assertionMethod`` key controlled by that DID); the verifier's
``issuer`` check then compares that controller with the credential's ``issuer.id``. The
``issuer_id`` argument is there for resolvers with an issuer policy; ours do not need it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

from keys.did import (
    MAX_VERIFICATION_METHODS,
    VerificationMethod,
    did_method,
    did_web_url,
    resolve_did_key,
    resolve_in_document,
)
from keys.errors import InvalidDidError, UnsupportedDidMethodError

__all__ = [
    "AssertionMethodLister",
    "CompositeResolver",
    "DidKeyResolver",
    "KeyResolver",
    "LocalDidWebResolver",
    "ResolutionError",
    "assertion_method_ids",
]


class ResolutionError(Exception):
    """A verification method cannot be resolved here (not a verdict on the credential)."""


class KeyResolver(Protocol):
    """Resolves a proof's verification method id to its key."""

    def resolve(self, verification_method: str, *, issuer_id: str) -> VerificationMethod:
        """Resolve ``verification_method``.

        Args:
            verification_method: The proof's ``verificationMethod`` (a DID URL).
            issuer_id: The credential's issuer id (``""`` if it has none).

        Returns:
            The verification method, with its controller and public key.

        Raises:
            UnsupportedDidMethodError: The method is not supported by this resolver.
            InvalidDidError: The DID, DID URL or DID document is invalid.
            InvalidMultikeyError: The key is not a valid Ed25519 Multikey.
            ResolutionError: It cannot be resolved here.
        """
        ...


@runtime_checkable
class AssertionMethodLister(Protocol):
    """Lists a DID's assertion keys (for a JWT that names its key by ``jwk``, not ``kid``)."""

    def assertion_methods(self, did: str) -> tuple[str, ...]:
        """The ids of ``did``'s ``assertionMethod`` keys, in document order.

        Each id still has to be resolved (and so checked) with :meth:`KeyResolver.resolve`.

        Raises:
            UnsupportedDidMethodError: The method is not supported by this resolver.
            InvalidDidError: The DID or its DID document is invalid.
            ResolutionError: It cannot be resolved here.
        """
        ...


def assertion_method_ids(document: Mapping[str, Any], did: str) -> tuple[str, ...]:
    """The ids in ``document``'s ``assertionMethod`` (strings or embedded methods' ``id``).

    Raises:
        InvalidDidError: If the document is not ``did``'s, or ``assertionMethod`` is not an
            array of at most :data:`~keys.did.MAX_VERIFICATION_METHODS` entries.
    """
    if not isinstance(document, Mapping) or document.get("id") != did:
        raise InvalidDidError(f"the DID document is not the document of {did[:100]}")
    entries = document.get("assertionMethod", [])
    if not isinstance(entries, list) or len(entries) > MAX_VERIFICATION_METHODS:
        raise InvalidDidError(
            f"assertionMethod must be an array of at most {MAX_VERIFICATION_METHODS} entries"
        )
    ids: list[str] = []
    for entry in entries:
        value = entry.get("id") if isinstance(entry, Mapping) else entry
        if isinstance(value, str) and value not in ids:
            ids.append(value)
    return tuple(ids)


def _unsupported(verification_method: str) -> UnsupportedDidMethodError:
    text = repr(verification_method[:60])
    return UnsupportedDidMethodError(f"unsupported verification method {text}")


class DidKeyResolver:
    """Resolves ``did:key`` verification methods (pure computation)."""

    def resolve(self, verification_method: str, *, issuer_id: str) -> VerificationMethod:
        """Resolve a ``did:key:z6Mk…#z6Mk…`` (or fragment-less ``did:key:z6Mk…``) id.

        Raises:
            UnsupportedDidMethodError: For anything but did:key.
            InvalidDidError: For a malformed did:key or a key that is not Ed25519.
        """
        if did_method(verification_method) != "key":
            raise _unsupported(verification_method)
        return resolve_did_key(verification_method)

    def assertion_methods(self, did: str) -> tuple[str, ...]:
        """A did:key has one key: ``did:key:z6Mk…#z6Mk…``."""
        if did_method(did) != "key":
            raise _unsupported(did)
        if "#" in did:
            raise InvalidDidError("a DID, not a DID URL, was expected")
        return (resolve_did_key(did).id,)


class LocalDidWebResolver:
    """Resolves ``did:web`` verification methods of the DID documents handed in by the app.

    Args:
        documents: Returns the DID document of one of our own issuers (``did:web:…``), or
            ``None`` if the DID is not one of them. This resolver never makes a network
            request: a DID that is not one of ours is a :class:`ResolutionError`, which the
            app's :class:`verifier.web_did.FallbackResolver` hands to the network resolver.
    """

    def __init__(self, documents: Callable[[str], Mapping[str, Any] | None]) -> None:
        self._documents = documents

    def resolve(self, verification_method: str, *, issuer_id: str) -> VerificationMethod:
        """Resolve a ``did:web:…#fragment`` id in the local issuer's DID document.

        Raises:
            UnsupportedDidMethodError: For anything but did:web.
            InvalidDidError: For a malformed DID URL or a DID document that fails a check
                (id mismatch, key not in ``assertionMethod``, wrong controller, duplicate ids,
                bad Multikey, published secrets ...).
            ResolutionError: If the DID is not a local issuer (a chained network resolver may
                try it).
        """
        if did_method(verification_method) != "web":
            raise _unsupported(verification_method)
        did, _, fragment = verification_method.partition("#")
        if not fragment:
            raise InvalidDidError("a did:web verification method must name a key (#fragment)")
        did_web_url(did)  # validates the DID before it is handed to the application
        document = self._documents(did)
        if document is None:
            raise ResolutionError(
                f"{did[:100]} is not a local issuer (not resolvable without the network)"
            )
        return resolve_in_document(document, verification_method, expected_did=did)

    def assertion_methods(self, did: str) -> tuple[str, ...]:
        """The assertion keys of one of our own issuers' did:web DIDs.

        Raises:
            UnsupportedDidMethodError: For anything but did:web.
            InvalidDidError: For a malformed DID or document.
            ResolutionError: If the DID is not a local issuer.
        """
        if did_method(did) != "web":
            raise _unsupported(did)
        did_web_url(did)
        document = self._documents(did)
        if document is None:
            raise ResolutionError(
                f"{did[:100]} is not a local issuer (not resolvable without the network)"
            )
        return assertion_method_ids(document, did)


class CompositeResolver:
    """Tries resolvers in order; the first one that supports the method answers.

    Args:
        resolvers: The resolvers, e.g. ``[DidKeyResolver(), LocalDidWebResolver(...)]``.
    """

    def __init__(self, resolvers: Sequence[KeyResolver]) -> None:
        self._resolvers = tuple(resolvers)

    def resolve(self, verification_method: str, *, issuer_id: str) -> VerificationMethod:
        """Resolve with the first resolver that does not raise ``UnsupportedDidMethodError``.

        Raises:
            UnsupportedDidMethodError: If no resolver supports the method.
            InvalidDidError, InvalidMultikeyError, ResolutionError: From the answering resolver.
        """
        for resolver in self._resolvers:
            try:
                return resolver.resolve(verification_method, issuer_id=issuer_id)
            except UnsupportedDidMethodError:
                continue
        raise _unsupported(verification_method)

    def assertion_methods(self, did: str) -> tuple[str, ...]:
        """Ask each resolver that lists keys, in order; the first that supports ``did`` answers.

        Raises:
            UnsupportedDidMethodError: If none supports it.
            InvalidDidError, ResolutionError: From the answering resolver.
        """
        for resolver in self._resolvers:
            if not isinstance(resolver, AssertionMethodLister):
                continue
            try:
                return resolver.assertion_methods(did)
            except UnsupportedDidMethodError:
                continue
        raise _unsupported(did)
