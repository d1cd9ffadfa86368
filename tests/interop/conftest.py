"""Fixtures for the interoperability tests.

``reference`` is one ``node ref.mjs serve`` process for the whole session. It
skips the tests that use it when node or ``interop/js/node_modules`` is
missing, unless ``LEVERUP_REQUIRE_NODE=1`` (set by CI): then they fail.
The shared vectors come from the suite-wide ``vectors_dir`` fixture
(``tests/conftest.py``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from .reference import ReferenceImplementation, find_reference


@pytest.fixture(scope="session")
def reference() -> Iterator[ReferenceImplementation]:
    """The reference JavaScript implementation, started once per session."""
    setup = find_reference()
    if not setup.available:
        if os.environ.get("LEVERUP_REQUIRE_NODE") == "1":
            pytest.fail(
                "LEVERUP_REQUIRE_NODE=1 but the reference JavaScript implementation "
                f"cannot run: {setup.missing}",
                pytrace=False,
            )
        pytest.skip(f"reference JavaScript implementation unavailable: {setup.missing}")
    with ReferenceImplementation(setup) as ref:
        ref.ping()
        yield ref
