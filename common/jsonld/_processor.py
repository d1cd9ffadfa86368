"""Safe JSON-LD processing: expansion that loses nothing, and canonical N-Quads.

This is the only module that calls pyld. pyld expands and builds the node map; our own
:mod:`common.jsonld._rdfc` canonicalizes and serialises.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from pyld import jsonld
from pyld.identifier_issuer import IdentifierIssuer

from common.jsonld._errors import (
    ContextNotAllowedError,
    DataLossError,
    JsonLdError,
    JsonLdSyntaxError,
    ResourceLimitError,
)
from common.jsonld._guard import check_expanded, check_input
from common.jsonld._loader import ContextLoader
from common.jsonld._rdfc import Quad, canonicalize, dataset_to_quads

__all__ = ["JsonLdProcessor"]

_TO_RDF_OPTIONS = {"produceGeneralizedRdf": False, "processingMode": "json-ld-1.1", "rdfDirection": None}


def _translate(exc: BaseException) -> JsonLdError:
    """Map a pyld failure to our error tree, keeping the most specific cause."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, JsonLdError):
            return cause
        cause = cause.__cause__ or cause.__context__
    if isinstance(exc, RecursionError):
        return ResourceLimitError("document nested too deeply")
    detail = getattr(exc, "code", None) or getattr(exc, "message", None) or str(exc)
    return JsonLdSyntaxError(f"invalid JSON-LD: {detail}")


class JsonLdProcessor:
    """Expansion and canonicalization over a fixed, pinned set of contexts.

    Args:
        loader: the pinned context loader; no other document is ever loaded.
        max_depth: deepest JSON nesting accepted (an OB 3.0 credential needs about 10).
        max_nodes: most JSON values accepted in one document.
        max_blank_nodes: most blank nodes accepted for canonicalization.
    """

    def __init__(
        self,
        loader: ContextLoader,
        *,
        max_depth: int = 32,
        max_nodes: int = 20_000,
        max_blank_nodes: int = 2_000,
    ) -> None:
        self.loader = loader
        self.max_depth = max_depth
        self.max_nodes = max_nodes
        self.max_blank_nodes = max_blank_nodes
        self._allowed = loader.urls.__contains__

    def check(self, document: Any) -> None:
        """Run the pre-expansion checks alone (size, depth, contexts, keywords, nulls)."""
        check_input(
            document,
            allowed_context=self._allowed,
            max_depth=self.max_depth,
            max_nodes=self.max_nodes,
        )

    def expand(self, document: Any) -> list[Any]:
        """Expand ``document``, refusing anything that would not be signed.

        Raises:
            ContextNotAllowedError: a context that is not pinned.
            DataLossError: an undefined term, relative IRI, null or forbidden keyword.
            JsonLdSyntaxError: invalid JSON-LD (colliding keywords, bad values ...).
            ResourceLimitError: too big or too deep.
        """
        self.check(document)
        dropped: list[str | None] = []
        processor = jsonld.JsonLdProcessor(on_property_dropped=dropped.append)
        try:
            expanded = processor.expand(
                document, {"documentLoader": self.loader, "base": None, "safe": True}
            )
        except (jsonld.JsonLdError, RecursionError, ContextNotAllowedError) as exc:
            raise _translate(exc) from exc
        if dropped:
            raise DataLossError(
                f"term {dropped[0]!r} is not defined by the @context: it would not be signed"
            )
        check_expanded(expanded)
        result: list[Any] = expanded
        return result

    def quads(self, document: Any) -> list[Quad]:
        """The RDF dataset of ``document`` as N-Quads term tuples (not canonical)."""
        return self.expanded_to_quads(self.expand(document))

    @staticmethod
    def expanded_to_quads(expanded: Sequence[Any]) -> list[Quad]:
        """Node map and RDF conversion of an already expanded (and checked) document."""
        processor = jsonld.JsonLdProcessor()
        issuer = IdentifierIssuer("_:b")
        node_map: dict[str, dict[str, Any]] = {"@default": {}}
        try:
            processor._create_node_map(copy.deepcopy(list(expanded)), node_map, "@default", issuer)
            dataset = {
                name: processor._graph_to_rdf(graph, issuer, _TO_RDF_OPTIONS)
                for name, graph in sorted(node_map.items())
                if name == "@default" or jsonld._is_absolute_iri(name)
            }
        except (jsonld.JsonLdError, RecursionError) as exc:
            raise _translate(exc) from exc
        return dataset_to_quads(dataset)

    def canonize(self, document: Any) -> str:
        """RDFC-1.0 canonical N-Quads of ``document`` (UTF-8 text, sorted lines)."""
        return canonicalize(self.quads(document), max_blank_nodes=self.max_blank_nodes)

    def canonize_quads(self, quads: Sequence[Quad]) -> str:
        """RDFC-1.0 canonical N-Quads of an RDF dataset given as term tuples."""
        return canonicalize(quads, max_blank_nodes=self.max_blank_nodes)

