"""Compose a verifier: did:key always, our own issuers' did:web documents resolved locally."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from common.jsonld import JsonLdProcessor
from verifier import (
    DEFAULT_CLOCK_SKEW,
    CompositeResolver,
    DidKeyResolver,
    KeyResolver,
    LocalDidWebResolver,
    StatusChecker,
    Verifier,
)

__all__ = ["make_verifier"]


def make_verifier(
    processor: JsonLdProcessor,
    *,
    local_documents: Callable[[str], Mapping[str, Any] | None] | None = None,
    status_checker: StatusChecker | None = None,
    clock_skew: timedelta = DEFAULT_CLOCK_SKEW,
) -> Verifier:
    """A verifier that resolves did:key, and did:web for the DIDs ``local_documents`` knows.

    No network resolution: any other did:web makes the proof check report "could not be
    checked" (an error, never valid).
    """
    resolvers: list[KeyResolver] = [DidKeyResolver()]
    if local_documents is not None:
        resolvers.append(LocalDidWebResolver(local_documents))
    return Verifier(
        processor,
        CompositeResolver(resolvers),
        status_checker=status_checker,
        clock_skew=clock_skew,
    )
