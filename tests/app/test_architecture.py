"""The dependency rule of docs/architecture.md, checked on every module's imports."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("app", "registry", "issuer", "verifier", "badge_classes", "keys", "common")
FORBIDDEN = {
    "common": {"app", "registry", "issuer", "verifier", "badge_classes", "keys"},
    "keys": {"app", "registry", "issuer", "verifier", "badge_classes"},
    "badge_classes": {"app", "registry", "issuer", "verifier", "keys"},
    "issuer": {"app", "registry", "verifier"},
    "verifier": {"app", "registry", "issuer"},
    "registry": {"app"},
}


def _imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found & set(PACKAGES)


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_dependencies_flow_one_way(package: str) -> None:
    """No module of ``package`` imports a package above it."""
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imported_packages(path) & FORBIDDEN[package])
        for path in (ROOT / package).rglob("*.py")
        if _imported_packages(path) & FORBIDDEN[package]
    }
    assert offenders == {}
