"""Fixtures shared by the whole suite."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

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


OB_CREDENTIAL_SCHEMA = (
    "purl.imsglobal.org_spec_ob_v3p0_schema_json-ld_ob_v3p0_achievementcredential_schema.json"
)


@pytest.fixture(scope="session")
def ob_credential_validator(vectors_dir: Path) -> Any:
    """The official OB 3.0 AchievementCredential JSON Schema (draft 2019-09), as a validator."""
    from jsonschema import Draft201909Validator

    schema = json.loads((vectors_dir / "schemas" / OB_CREDENTIAL_SCHEMA).read_text("utf-8"))
    Draft201909Validator.check_schema(schema)
    return Draft201909Validator(schema)
