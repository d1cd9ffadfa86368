"""Errors of the JSON-LD layer (all of them mean: this document cannot be signed or trusted)."""

from __future__ import annotations

from common.errors import UnsignableDocumentError

__all__ = [
    "ContextNotAllowedError",
    "DataLossError",
    "JsonLdError",
    "JsonLdSyntaxError",
    "ResourceLimitError",
]


class JsonLdError(UnsignableDocumentError):
    """Base of the JSON-LD layer's errors."""

    slug = "jsonld-error"
    title = "JSON-LD processing failed"


class ContextNotAllowedError(JsonLdError):
    """A ``@context`` entry is not one of the pinned documents (nothing is ever fetched)."""

    slug = "context-not-allowed"
    title = "JSON-LD context not allowed"


class DataLossError(JsonLdError):
    """A key or value would fall outside the signed graph (undefined term, relative IRI)."""

    slug = "data-loss"
    title = "Data outside the signed graph"


class JsonLdSyntaxError(JsonLdError):
    """The document is not valid JSON-LD."""

    slug = "jsonld-syntax"
    title = "Invalid JSON-LD"


class ResourceLimitError(JsonLdError):
    """The document exceeds a processing limit (depth, size, canonicalization work)."""

    slug = "resource-limit"
    title = "Document too complex to process"
