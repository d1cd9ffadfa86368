"""JSON-LD for signing and verifying: pinned contexts, lossless expansion, RDFC-1.0.

- :class:`ContextLoader` serves only the context documents shipped in ``contexts/``.
- :class:`JsonLdProcessor` expands a document refusing anything that would go unsigned, and
  produces RDFC-1.0 canonical N-Quads with the same escapes and work limits as the reference
  JavaScript implementation. By default it memoises what credentials of one badge class share
  (``_fast``, ``_fast_rdf``), byte-identical to ``JsonLdProcessor(loader,
  fast=False)``, which runs pyld alone.
"""

from common.jsonld._errors import (
    ContextNotAllowedError,
    DataLossError,
    JsonLdError,
    JsonLdSyntaxError,
    ResourceLimitError,
)
from common.jsonld._loader import CONTEXTS_DIR, ContextLoader
from common.jsonld._processor import JsonLdProcessor
from common.jsonld._rdfc import Quad, canonicalize, escape_literal

__all__ = [
    "CONTEXTS_DIR",
    "ContextLoader",
    "ContextNotAllowedError",
    "DataLossError",
    "JsonLdError",
    "JsonLdProcessor",
    "JsonLdSyntaxError",
    "Quad",
    "ResourceLimitError",
    "canonicalize",
    "escape_literal",
]
