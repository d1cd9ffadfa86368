"""Each processor sees only its own loader's documents (pyld's cache is process-wide)."""

from __future__ import annotations

from typing import Any

import pytest

from common.jsonld import ContextLoader, JsonLdProcessor

URL = "https://contexts.example/isolation/v1"


def _loader(iri: str) -> ContextLoader:
    return ContextLoader({URL: {"@context": {"name": iri}}})


def _document() -> dict[str, Any]:
    return {"@context": [URL], "@id": "urn:x:1", "name": "Alex"}


@pytest.mark.parametrize("fast", [False, True], ids=["plain", "fast"])
def test_two_loaders_same_url(fast: bool) -> None:
    """Two loaders serving different bytes for one URL never share a processed context."""
    first = JsonLdProcessor(_loader("https://one.example/name"), fast=fast)
    second = JsonLdProcessor(_loader("https://two.example/name"), fast=fast)
    assert "<https://one.example/name>" in first.canonize(_document())
    assert "<https://two.example/name>" in second.canonize(_document())
