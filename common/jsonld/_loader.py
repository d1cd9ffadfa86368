"""The pinned document loader: serves shipped context documents, refuses every other URL.

The contexts under ``contexts/`` were taken from the registry packages that publish them
(``scripts/vendor_contexts.py``); ``manifest.json`` maps each context URL to its file, its
SHA-256 and its source. The digests are checked when the loader is built, so a modified file
fails loudly instead of silently changing what gets signed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from common.jsonld._errors import ContextNotAllowedError, JsonLdError

__all__ = ["CONTEXTS_DIR", "ContextLoader"]

CONTEXTS_DIR = Path(__file__).parent / "contexts"


class ContextLoader:
    """A JSON-LD document loader over a fixed set of context documents.

    Instances are callables with pyld's loader signature ``(url, options) -> RemoteDocument``.
    The returned documents are shared and must never be mutated (pyld does not mutate them).
    """

    def __init__(self, documents: Mapping[str, Mapping[str, Any]]) -> None:
        self._documents: Mapping[str, Mapping[str, Any]] = MappingProxyType(dict(documents))
        # One RemoteDocument per URL, built once: pyld keys its caches on the 'static' tag.
        self._remote = {
            url: {"contextUrl": None, "documentUrl": url, "document": doc, "tag": "static"}
            for url, doc in self._documents.items()
        }

    @classmethod
    def from_directory(cls, directory: Path = CONTEXTS_DIR) -> ContextLoader:
        """Load the documents listed in ``directory/manifest.json``, checking each SHA-256.

        Raises:
            JsonLdError: if the manifest is missing or a file does not match its digest.
        """
        try:
            manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise JsonLdError(f"cannot read the context manifest: {exc}") from exc
        documents: dict[str, Mapping[str, Any]] = {}
        for url, entry in manifest.items():
            raw = (directory / entry["file"]).read_bytes()
            if hashlib.sha256(raw).hexdigest() != entry["sha256"]:
                raise JsonLdError(f"context file for {url} does not match its pinned SHA-256")
            documents[url] = json.loads(raw)
        return cls(documents)

    def with_documents(self, extra: Mapping[str, Mapping[str, Any]]) -> ContextLoader:
        """A loader that also serves ``extra`` (tests, or DID documents resolved locally)."""
        return ContextLoader({**self._documents, **extra})

    @property
    def urls(self) -> frozenset[str]:
        """The URLs this loader serves."""
        return frozenset(self._documents)

    def document(self, url: str) -> Mapping[str, Any]:
        """The parsed document for ``url``.

        Raises:
            ContextNotAllowedError: if ``url`` is not pinned.
        """
        try:
            return self._documents[url]
        except KeyError:
            raise ContextNotAllowedError(f"JSON-LD context not allowed: {url!r}") from None

    def __call__(self, url: str, options: object = None) -> dict[str, Any]:
        remote = self._remote.get(url)
        if remote is None:
            raise ContextNotAllowedError(f"JSON-LD context not allowed: {url!r}")
        return remote
