"""Key resolvers (verifier.resolver): did:key, local did:web, composition; no network."""

from __future__ import annotations

from typing import Any

import pytest
from verifier_support import ATK_VM, T1, T1_DID, T1_VM, WEB_DID, WEB_VM, web_document

from keys.errors import InvalidDidError, UnsupportedDidMethodError
from verifier import CompositeResolver, DidKeyResolver, LocalDidWebResolver, ResolutionError


class TestDidKeyResolver:
    def test_resolves_a_did_key_url(self) -> None:
        """A did:key URL resolves to its key, controlled by the DID."""
        method = DidKeyResolver().resolve(T1_VM, issuer_id=T1_DID)
        assert method.public_key == T1.public_key
        assert method.controller == T1_DID
        assert method.id == T1_VM

    def test_refuses_did_web(self) -> None:
        """did:web is not this resolver's method."""
        with pytest.raises(UnsupportedDidMethodError):
            DidKeyResolver().resolve(WEB_VM, issuer_id=WEB_DID)

    def test_refuses_https(self) -> None:
        """An https URL is not a DID."""
        with pytest.raises(UnsupportedDidMethodError):
            DidKeyResolver().resolve("https://issuer.example/keys#1", issuer_id="")

    def test_refuses_a_foreign_fragment(self) -> None:
        """A did:key URL whose fragment is another key is invalid."""
        with pytest.raises(InvalidDidError):
            DidKeyResolver().resolve(T1_DID + "#" + ATK_VM.split("#")[1], issuer_id=T1_DID)


class TestLocalDidWebResolver:
    def test_resolves_a_local_issuer(self) -> None:
        """A did:web key of a local issuer resolves from the handed-in document."""
        seen: list[str] = []

        def documents(did: str) -> dict[str, Any] | None:
            seen.append(did)
            return web_document() if did == WEB_DID else None

        method = LocalDidWebResolver(documents).resolve(WEB_VM, issuer_id=WEB_DID)
        assert method.public_key == T1.public_key
        assert method.controller == WEB_DID
        assert seen == [WEB_DID]

    def test_unknown_did_web_cannot_be_resolved(self) -> None:
        """A did:web that is not local raises ResolutionError (not a verdict)."""
        with pytest.raises(ResolutionError, match="not a local issuer"):
            LocalDidWebResolver(lambda did: None).resolve(WEB_VM, issuer_id=WEB_DID)

    def test_refuses_did_key(self) -> None:
        """did:key is not this resolver's method."""
        with pytest.raises(UnsupportedDidMethodError):
            LocalDidWebResolver(lambda did: None).resolve(T1_VM, issuer_id=T1_DID)

    def test_malformed_did_is_refused_before_lookup(self) -> None:
        """A malformed did:web never reaches the application's lookup."""
        seen: list[str] = []

        def documents(did: str) -> None:
            seen.append(did)

        with pytest.raises(InvalidDidError):
            LocalDidWebResolver(documents).resolve("did:web:a%2Fb#key-1", issuer_id="")
        assert seen == []


class TestCompositeResolver:
    def test_dispatches_by_method(self) -> None:
        """did:key and did:web keys are each answered by their resolver."""
        resolver = CompositeResolver(
            [DidKeyResolver(), LocalDidWebResolver({WEB_DID: web_document()}.get)]
        )
        assert resolver.resolve(T1_VM, issuer_id=T1_DID).controller == T1_DID
        assert resolver.resolve(WEB_VM, issuer_id=WEB_DID).controller == WEB_DID

    def test_no_resolver_supports_the_method(self) -> None:
        """A method no resolver supports raises UnsupportedDidMethodError."""
        resolver = CompositeResolver([DidKeyResolver()])
        with pytest.raises(UnsupportedDidMethodError, match="unsupported verification method"):
            resolver.resolve("did:ethr:0xabc#controller", issuer_id="")

    def test_resolution_error_is_not_swallowed(self) -> None:
        """ResolutionError from the answering resolver propagates (it is not 'unsupported')."""
        resolver = CompositeResolver([DidKeyResolver(), LocalDidWebResolver(lambda did: None)])
        with pytest.raises(ResolutionError):
            resolver.resolve(WEB_VM, issuer_id=WEB_DID)
