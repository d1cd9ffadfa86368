"""The checkout's own data directory, which no test may read or write (issue 12, item 3)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["CHECKOUT_VAR", "snapshot_tree"]

CHECKOUT_VAR = Path(__file__).resolve().parent.parent / "var"
"""The checkout's own data directory (``make run``'s): no test may read or write it."""


def snapshot_tree(folder: Path) -> dict[str, tuple[int, int]]:
    """Every entry under ``folder`` (relative path -> size and modification time, in ns)."""
    if not folder.exists():
        return {}
    found: dict[str, tuple[int, int]] = {}
    for path in sorted(folder.rglob("*")):
        stat = path.lstat()
        found[path.relative_to(folder).as_posix()] = (stat.st_size, stat.st_mtime_ns)
    return found
