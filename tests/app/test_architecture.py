"""The dependency rule of docs/architecture.md, checked on every module's imports.

Every ``import`` and ``from … import`` statement counts, wherever it stands (top level, inside a
function, under ``TYPE_CHECKING``): a deferred import is still a dependency.
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Collection, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MAY_IMPORT: dict[str, frozenset[str]] = {
    "app": frozenset(
        {"moodle", "registry", "sharing", "issuer", "verifier", "badge_classes", "keys", "common"}
    ),
    "moodle": frozenset(
        {"registry", "sharing", "issuer", "verifier", "badge_classes", "keys", "common"}
    ),
    "registry": frozenset({"sharing", "issuer", "verifier", "badge_classes", "keys", "common"}),
    "sharing": frozenset({"issuer", "verifier", "badge_classes", "keys", "common"}),
    "issuer": frozenset({"badge_classes", "keys", "common"}),
    "verifier": frozenset({"badge_classes", "keys", "common"}),
    "badge_classes": frozenset({"common"}),
    "keys": frozenset({"common"}),
    "common": frozenset(),
}
"""What each package of ours may import (docs/architecture.md): the rule read downwards,
``app -> moodle -> registry -> sharing -> issuer, verifier -> badge_classes, keys -> common``."""
PACKAGES = tuple(MAY_IMPORT)
FORBIDDEN = {
    package: frozenset(PACKAGES) - allowed - {package} for package, allowed in MAY_IMPORT.items()
}
DOMAIN = ("moodle", "registry", "sharing", "issuer", "verifier", "badge_classes", "keys", "common")
"""The packages below the doors: no web framework, no command line, no templates."""
DOOR_LIBRARIES = {"litestar", "click", "rich_click", "jinja2", "uvicorn"}


def _modules(package: str) -> Iterator[tuple[str, Path]]:
    """``(dotted name, path)`` of every module of ``package``, sub-packages included."""
    for path in sorted((ROOT / package).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        yield name, path


def _imports(name: str, path: Path) -> Iterator[tuple[str, tuple[str, ...]]]:
    """Every import statement of ``path`` as ``(module, names)``, relative imports resolved:
    ``import X`` is ``(X, ())``, ``from X import y, z`` is ``(X, (y, z))``."""
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from ((alias.name, ()) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".")
                keep = len(base) - node.level + (1 if is_package else 0)
                module = ".".join(base[:keep] + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            yield module, tuple(alias.name for alias in node.names)


def _targets(name: str, path: Path, modules: Collection[str]) -> set[str]:
    """The modules an import statement of ``path`` names: ``from pkg import mod`` names
    ``pkg.mod`` where that is a module, and ``pkg`` (its ``__init__``) for any other name."""
    found: set[str] = set()
    for module, names in _imports(name, path):
        submodules = {f"{module}.{n}" for n in names} & set(modules)
        found |= submodules
        if not names or len(submodules) < len(names):
            found.add(module)
    return found


def _top_level(path: Path, name: str) -> set[str]:
    return {module.split(".")[0] for module, _ in _imports(name, path)}


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_dependencies_flow_one_way(package: str) -> None:
    """No module of ``package`` imports a package above it."""
    offenders = {
        name: sorted(_top_level(path, name) & FORBIDDEN[package])
        for name, path in _modules(package)
        if _top_level(path, name) & FORBIDDEN[package]
    }
    assert offenders == {}


@pytest.mark.parametrize("package", DOMAIN)
def test_domain_imports_no_door_library(package: str) -> None:
    """The domain knows no web framework, command line or template engine: those are doors."""
    offenders = {
        name: sorted(_top_level(path, name) & DOOR_LIBRARIES)
        for name, path in _modules(package)
        if _top_level(path, name) & DOOR_LIBRARIES
    }
    assert offenders == {}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), and self-loops."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = itertools.count()

    def visit(node: str) -> None:
        index[node] = low[node] = next(counter)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph[node]:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def import_graph(package: str) -> dict[str, set[str]]:
    """Module → the modules of the same package it imports (an import of a package is an edge to
    its ``__init__``; ``from pkg import mod`` is an edge to ``pkg.mod`` where that is a module)."""
    modules = dict(_modules(package))
    return {
        name: (_targets(name, path, modules) & set(modules)) - {name}
        for name, path in modules.items()
    }


@pytest.mark.parametrize("package", PACKAGES)
def test_no_import_cycle_within_a_package(package: str) -> None:
    """No two modules of one package import each other, directly or through others."""
    assert _cycles(import_graph(package)) == []


class TestTheCheckItself:
    """The checks above fail where they should (on made-up import graphs and modules)."""

    def test_a_cycle_of_three_is_found(self) -> None:
        graph = {"p.a": {"p.b"}, "p.b": {"p.c"}, "p.c": {"p.a"}, "p.d": {"p.a"}}
        assert _cycles(graph) == [["p.a", "p.b", "p.c"]]

    def test_a_tree_has_no_cycle(self) -> None:
        assert _cycles({"p": {"p.a", "p.b"}, "p.a": {"p.b"}, "p.b": set()}) == []

    def test_a_deferred_import_counts(self, tmp_path: Path) -> None:
        module = tmp_path / "m.py"
        module.write_text(
            "from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n    from litestar import Request\n"
            "def f():\n    import click\n    from . import sibling\n",
            encoding="utf-8",
        )
        assert _targets("pkg.m", module, {"pkg", "pkg.m", "pkg.sibling"}) >= {"pkg.sibling"}
        assert {"litestar", "click"} <= _top_level(module, "pkg.m")

    def test_from_a_package_import_a_module_is_an_edge_to_the_module(self, tmp_path: Path) -> None:
        module = tmp_path / "m.py"
        module.write_text("from pkg import sibling\nfrom pkg import CONSTANT\n", encoding="utf-8")
        assert _targets("pkg.m", module, {"pkg", "pkg.m", "pkg.sibling"}) == {"pkg", "pkg.sibling"}
        module.write_text("from pkg import sibling\n", encoding="utf-8")
        assert _targets("pkg.m", module, {"pkg", "pkg.m", "pkg.sibling"}) == {"pkg.sibling"}

    def test_an_upward_import_is_forbidden(self, tmp_path: Path) -> None:
        module = tmp_path / "m.py"
        module.write_text("def f():\n    from app.api import ROUTES\n", encoding="utf-8")
        assert _top_level(module, "registry.m") & FORBIDDEN["registry"] == {"app"}
        assert _top_level(module, "moodle.m") & FORBIDDEN["moodle"] == {"app"}
