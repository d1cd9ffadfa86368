"""Fixtures shared by the whole suite."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from common.jsonld import ContextLoader, JsonLdProcessor

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_VECTORS_DIR = REPO_ROOT.parent / "shared" / "vectors"
"""Official vectors and schemas beside the repository (read at test time, never copied)."""


def require_shared_vectors() -> Path:
    """The shared vectors folder; skip when absent, fail when CI requires it."""
    if SHARED_VECTORS_DIR.is_dir():
        return SHARED_VECTORS_DIR
    if os.environ.get("LEVERUP_REQUIRE_VECTORS") == "1":
        pytest.fail("LEVERUP_REQUIRE_VECTORS=1 but <repo>/../shared/vectors is missing")
    pytest.skip("official vectors not found beside the repository (<repo>/../shared/vectors)")


@pytest.fixture(scope="session")
def vectors_dir() -> Path:
    """``<repo>/../shared/vectors`` (skips the test when absent)."""
    return require_shared_vectors()


@pytest.fixture(scope="session")
def processor() -> JsonLdProcessor:
    """A JSON-LD processor over the shipped, pinned contexts."""
    return JsonLdProcessor(ContextLoader.from_directory())
