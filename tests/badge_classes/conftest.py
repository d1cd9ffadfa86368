"""Fixtures for the ``badge_classes`` tests.

The OB 3.0 schema and context are read from ``<repo>/../shared/vectors`` through the suite's
``vectors_dir`` fixture (``tests/conftest.py``): the test is skipped with a clear reason when
the folder is absent, and fails instead when CI sets ``LEVERUP_REQUIRE_VECTORS=1``.
"""

from __future__ import annotations

import json
import pathlib
import shutil
from collections.abc import Callable
from typing import Any

import pytest
from jsonschema import Draft201909Validator

from badge_classes import DEFAULT_DATA_DIR, Catalogue

SCHEMA_FILE = (
    "purl.imsglobal.org_spec_ob_v3p0_schema_json-ld_ob_v3p0_achievementcredential_schema.json"
)
CONTEXT_FILE = "purl.imsglobal.org_spec_ob_v3p0_context-3.0.3.json"

Edit = Callable[[str, str, str], pathlib.Path]


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    """The catalogue shipped with the package, loaded once."""
    return Catalogue.load()


@pytest.fixture
def base_url() -> str:
    """The service's default base URL."""
    return "http://127.0.0.1:8000"


@pytest.fixture
def data_copy(tmp_path: pathlib.Path) -> pathlib.Path:
    """A writable copy of the package data directory."""
    target = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, target)
    return target


@pytest.fixture
def edit_data(data_copy: pathlib.Path) -> Edit:
    """Return ``edit(relative_path, old, new)``: replace text once in a file of ``data_copy``."""

    def edit(relative: str, old: str, new: str) -> pathlib.Path:
        path = data_copy / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, f"{old!r} not found in {relative}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return data_copy

    return edit


def _read_json(path: pathlib.Path) -> Any:
    if not path.is_file():
        pytest.skip(f"{path.name} not found in the shared vectors folder")
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def achievement_validator(vectors_dir: pathlib.Path) -> Draft201909Validator:
    """A draft 2019-09 validator for the ``Achievement`` definition of the OB 3.0 schema."""
    full: dict[str, Any] = _read_json(vectors_dir / "schemas" / SCHEMA_FILE)
    schema = {"$schema": full["$schema"], "$defs": full["$defs"], "$ref": "#/$defs/Achievement"}
    Draft201909Validator.check_schema(schema)
    return Draft201909Validator(schema)


@pytest.fixture(scope="session")
def ob_schema_defs(vectors_dir: pathlib.Path) -> dict[str, Any]:
    """The ``$defs`` of the OB 3.0 AchievementCredential schema."""
    defs: dict[str, Any] = _read_json(vectors_dir / "schemas" / SCHEMA_FILE)["$defs"]
    return defs


@pytest.fixture(scope="session")
def ob_context(vectors_dir: pathlib.Path) -> dict[str, Any]:
    """The ``@context`` object of the OB 3.0.3 JSON-LD context."""
    context: dict[str, Any] = _read_json(vectors_dir / "contexts" / CONTEXT_FILE)["@context"]
    return context
