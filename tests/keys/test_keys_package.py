"""The public surface of the keys package."""

from __future__ import annotations

import importlib

import keys

MODULES = ["keys.errors", "keys.ed25519", "keys.multikey", "keys.did", "keys.store"]


class TestPublicApi:
    def test_all_is_sorted_and_complete(self) -> None:
        """keys.__all__ is sorted and every name in it exists."""
        assert keys.__all__ == sorted(keys.__all__, key=lambda name: (not name.isupper(), name))
        for name in keys.__all__:
            assert hasattr(keys, name), name

    def test_every_module_exports_what_it_defines(self) -> None:
        """Every name in each module's __all__ exists (so star-imports work)."""
        for module_name in MODULES:
            module = importlib.import_module(module_name)
            for name in module.__all__:
                assert hasattr(module, name), f"{module_name}.{name}"

    def test_errors_share_one_base(self) -> None:
        """Every error of the package is a KeysError, and none shadows the builtin KeyError."""
        errors = [getattr(keys, name) for name in keys.__all__ if name.endswith("Error")]
        assert len(errors) == 8
        for error in errors:
            assert issubclass(error, keys.KeysError)
            assert not issubclass(error, KeyError)
