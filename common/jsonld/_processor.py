"""Safe JSON-LD processing: expansion that loses nothing, and canonical N-Quads.

This module and the fast path it drives (:mod:`common.jsonld._fast`,
:mod:`common.jsonld._fast_rdf`) are the only code that calls pyld. pyld expands and builds the
node map; our own :mod:`common.jsonld._rdfc` canonicalizes and serialises.

Two paths produce the same bytes:

- the *plain* path (``fast=False``): pyld's ``expand``, pyld's node map and RDF conversion,
  exactly as first written;
- the *fast* path (``fast=True``, the default): the same guards, a memoised pyld expansion
  (:class:`common.jsonld._fast.FastEngine`), a direct node map to N-Quads terms
  (:func:`common.jsonld._fast_rdf.node_map_quads`) and a cached proof configuration
  (:meth:`JsonLdProcessor.canonize_proof_config`). Whenever the fast path cannot handle a
  document, or fails in any way, the plain path runs instead and decides: the fast path never
  refuses a document the plain path accepts, and raises the plain path's error otherwise.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from typing import Any, Final

from cachetools import LRUCache
from pyld import jsonld
from pyld.context_resolver import ContextResolver
from pyld.identifier_issuer import IdentifierIssuer

from common.jsonld._errors import (
    ContextNotAllowedError,
    DataLossError,
    JsonLdError,
    JsonLdSyntaxError,
    ResourceLimitError,
)
from common.jsonld._fast import FastEngine, is_exact_json
from common.jsonld._fast_guard import scan
from common.jsonld._fast_rdf import node_map_quads
from common.jsonld._guard import check_expanded, check_input
from common.jsonld._loader import ContextLoader
from common.jsonld._memo import BoundedMemo, FlatMemo
from common.jsonld._rdfc import Quad, canonicalize, dataset_to_quads

__all__ = ["JsonLdProcessor"]

_TO_RDF_OPTIONS = {
    "produceGeneralizedRdf": False,
    "processingMode": "json-ld-1.1",
    "rdfDirection": None,
}


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


# A proof's `created` whose canonical literal can be substituted into a cached template: an
# XML Schema dateTimeStamp-like string made of characters that need no N-Quads escape.
_TIMESTAMP: Final = re.compile(
    r"[0-9]{4,}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:Z|[+-][0-9]{2}:[0-9]{2})"
)
_PROBES: Final = ("2000-01-01T00:00:00Z", "2011-11-11T11:11:11.111+11:11")


class _Template:
    """The canonical form of a proof configuration with a slot for its ``created`` literal."""

    __slots__ = ("head", "tail")

    def __init__(self, head: str, tail: str) -> None:
        self.head = head
        self.tail = tail


_NO_TEMPLATE: Final = _Template("", "")


class JsonLdProcessor:
    """Expansion and canonicalization over a fixed, pinned set of contexts.

    Args:
        loader: the pinned context loader; no other document is ever loaded.
        fast: use the memoised fast path (the default); ``False`` runs the plain path only.
        max_depth: deepest JSON nesting accepted (an OB 3.0 credential needs about 10).
        max_nodes: most JSON values accepted in one document.
        max_blank_nodes: most blank nodes accepted for canonicalization.
    """

    def __init__(
        self,
        loader: ContextLoader,
        *,
        fast: bool = True,
        max_depth: int = 32,
        max_nodes: int = 20_000,
        max_blank_nodes: int = 2_000,
    ) -> None:
        self.loader = loader
        self.fast = fast
        self.max_depth = max_depth
        self.max_nodes = max_nodes
        self.max_blank_nodes = max_blank_nodes
        self._allowed = loader.urls.__contains__
        self._engine: FastEngine | None = FastEngine(loader) if fast else None
        self._terms = FlatMemo(16384, 4 << 20)
        self._templates: BoundedMemo[_Template] = BoundedMemo(1024, 4 << 20)
        # Tests switch this off to prove the fast path right on its own.
        self._plain_on_fast_failure = True
        # pyld's default resolved-context cache is process-wide and keyed by URL only: two
        # loaders serving different bytes for one URL would share whichever came first. The
        # plain path gets a cache of its own, so it only ever sees this loader's documents.
        self._plain_contexts: LRUCache[str, Any] = LRUCache(maxsize=256)

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
        if self._engine is None:
            return self._plain_expand(document)
        try:
            expanded = self._fast_expand(document, self._engine)
            check_expanded(expanded)
        except Exception:
            if not self._plain_on_fast_failure:
                raise
            return self._plain_expand(document)
        # The fast result shares memoised objects: hand out a private copy.
        result: list[Any] = _copy_json(expanded)
        return result

    def _plain_expand(self, document: Any) -> list[Any]:
        """Today's expansion: the guard, pyld's ``expand``, the dropped-term and IRI checks."""
        self.check(document)
        dropped: list[str | None] = []
        processor = jsonld.JsonLdProcessor(on_property_dropped=dropped.append)
        try:
            expanded = processor.expand(
                document,
                {
                    "documentLoader": self.loader,
                    "base": None,
                    "contextResolver": ContextResolver(self._plain_contexts, self.loader),
                },
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

    def _fast_expand(self, document: Any, engine: FastEngine) -> list[Any]:
        """The fast expansion: same guard, memoised pyld; not yet ``check_expanded``.

        The result may share objects with the engine's memo tables and must not be mutated.
        """
        exact = scan(
            document,
            allowed_context=self._allowed,
            max_depth=self.max_depth,
            max_nodes=self.max_nodes,
        )
        if exact is None:
            self.check(document)  # raises the plain path's error
            exact = False
        dropped: list[str | None] = []
        try:
            expanded = engine.expand(
                document, base=None, on_property_dropped=dropped.append, exact=exact
            )
        except (jsonld.JsonLdError, RecursionError, ContextNotAllowedError) as exc:
            raise _translate(exc) from exc
        if dropped:
            raise DataLossError(
                f"term {dropped[0]!r} is not defined by the @context: it would not be signed"
            )
        return expanded

    def quads(self, document: Any) -> list[Quad]:
        """The RDF dataset of ``document`` as N-Quads term tuples (not canonical)."""
        engine = self._engine
        if engine is None:
            return self.expanded_to_quads(self._plain_expand(document))
        try:
            expanded = self._fast_expand(document, engine)
            with engine.lock:
                converted = node_map_quads(expanded, self._terms, engine.shared)
            if converted is None:
                check_expanded(expanded)
                return self.expanded_to_quads(expanded)
            quads, suspicious = converted
            if suspicious:
                check_expanded(expanded)  # raises the plain path's error
            return quads
        except Exception:
            if not self._plain_on_fast_failure:
                raise
            return self.expanded_to_quads(self._plain_expand(document))

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
        return self.canonize_quads(self.quads(document))

    def canonize_quads(self, quads: Sequence[Quad]) -> str:
        """RDFC-1.0 canonical N-Quads of an RDF dataset given as term tuples."""
        if self._engine is None:
            return canonicalize(quads, max_blank_nodes=self.max_blank_nodes)
        return canonicalize(quads, max_blank_nodes=self.max_blank_nodes)

    def canonize_proof_config(self, config: Mapping[str, Any]) -> str:
        """:meth:`canonize` of a Data Integrity proof configuration, cached per template.

        Proof configurations of one issuer differ only in ``created``. On the fast path the
        canonical form is computed once per configuration without ``created`` (keyed by the
        exact JSON of everything else), and the new literal is put in its slot. That is the
        same text :meth:`canonize` gives, because (checked when the template is built, with
        two different probe timestamps):

        - ``created`` is a typed or plain literal: the expansion of a string value under a term
          that is not ``@id``/``@vocab``-typed does not depend on the string (JSON-LD 1.1 API
          §5.3.2 Value Expansion), so the two probes give the same dataset but for that literal;
        - the canonical text holds at most one blank node, whose label is then ``_:c14n0``
          whatever its hash (RDFC-1.0 §4.4 step 5), and the probe occurs exactly once;
        - no other line starts like the ``created`` line up to its opening quote, so the
          line's sort position cannot depend on the value;
        - the value matches ``_TIMESTAMP``: digits and ``-:.TZ+`` need no N-Quads escape.

        Anything else (plain path, unusual ``created``, a template that fails a check) is a
        plain :meth:`canonize`.

        Raises:
            JsonLdError: as :meth:`canonize`.
        """
        created = config.get("created")
        if (
            self._engine is None
            or type(created) is not str
            or _TIMESTAMP.fullmatch(created) is None
            or type(config) is not dict
        ):
            return self.canonize(config)
        rest = {key: value for key, value in config.items() if key != "created"}
        try:
            key = self._engine.encoder.encode(rest)
        except (TypeError, ValueError, OverflowError):
            return self.canonize(config)
        if not is_exact_json(rest):
            return self.canonize(config)
        with self._engine.lock:
            template = self._templates.get(key)
        if template is None:
            template = self._build_template(config)
            with self._engine.lock:
                self._templates.put(
                    key, template, 2 * len(key) + len(template.head) + len(template.tail)
                )
        if template is _NO_TEMPLATE:
            return self.canonize(config)
        return template.head + created + template.tail

    def _build_template(self, config: Mapping[str, Any]) -> _Template:
        first, second = _PROBES
        try:
            text = self.canonize({**config, "created": first})
            other = self.canonize({**config, "created": second})
        except JsonLdError:
            return _NO_TEMPLATE
        if text.count(first) != 1 or "_:c14n1" in text or text.replace(first, second) != other:
            return _NO_TEMPLATE
        start = text.index(first)
        line_start = text.rfind("\n", 0, start) + 1
        prefix = text[line_start:start]
        if not prefix.endswith('"'):
            return _NO_TEMPLATE
        if sum(1 for line in text.splitlines() if line.startswith(prefix)) != 1:
            return _NO_TEMPLATE
        return _Template(text[:start], text[start + len(first) :])


def _copy_json(value: Any) -> Any:
    """A deep copy of an expanded document (dicts and lists; scalars are immutable)."""
    if isinstance(value, dict):
        return {key: _copy_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy_json(item) for item in value]
    return value
