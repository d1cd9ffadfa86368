"""Fixtures shared by the whole suite."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from checkout_support import CHECKOUT_VAR, snapshot_tree

from common.jsonld import ContextLoader, JsonLdProcessor

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_VECTORS_DIR = REPO_ROOT.parent / "shared" / "vectors"
"""Official vectors and schemas beside the repository (read at test time, never copied)."""


@pytest.fixture(scope="session", autouse=True)
def isolated_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Issue 12, item 3: the whole session runs with ``LEVERUP_DATA_DIR`` in a temporary
    directory, so a test that builds settings from the environment never falls back to the
    checkout's ``var/``; and the session fails if the checkout's ``var/`` changed under it."""
    folder = tmp_path_factory.mktemp("leverup-data")
    before = snapshot_tree(CHECKOUT_VAR)
    saved = os.environ.get("LEVERUP_DATA_DIR")
    os.environ["LEVERUP_DATA_DIR"] = str(folder)
    try:
        yield folder
    finally:
        if saved is None:
            os.environ.pop("LEVERUP_DATA_DIR", None)
        else:
            os.environ["LEVERUP_DATA_DIR"] = saved
    after = snapshot_tree(CHECKOUT_VAR)
    if after != before:
        changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
        pytest.fail(
            f"a test wrote to the checkout's var/ (tests must use tmp_path): {changed}",
            pytrace=False,
        )


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
