"""Expanded JSON-LD to N-Quads term tuples, without pyld's deep copy and dict-per-term detour.

:func:`node_map_quads` returns exactly the list ``JsonLdProcessor.expanded_to_quads`` returns
(same quads, same order, same blank node labels), for the expanded documents it supports, and
``None`` for the others (the caller then runs pyld). It follows pyld 3.3.0's
``_create_node_map`` and ``_graph_to_rdf`` (JSON-LD 1.1 API, Node Map Generation §7.2 and
Deserialize JSON-LD to RDF §8.1) step by step:

- blank node labels ``_:b0, _:b1, ...`` are issued in the node-map traversal order (properties
  sorted by expanded IRI), then continued by the list conversion during serialisation, which
  walks subjects and properties in sorted order;
- a value or node reference added to a node property is skipped when an equal one is already
  there (pyld's ``compare_values``: value objects by ``@value`` with bool kept apart from
  numbers, ``@type``, ``@language`` and ``@index``; references by ``@id``), lists never are;
- relative subjects and objects are skipped as pyld skips them.

Supported: node objects with ``@id`` (not a blank node label), ``@type`` and properties that are
absolute IRIs, value objects with a scalar ``@value`` (finite if a number), and ``@list``.
Unsupported, hence left to pyld: ``@graph``, ``@reverse``, ``@included``, ``@index`` on nodes,
``@json`` literals, explicit blank node labels (they interact with the issuer) and anything
unexpected. The node map never mutates its input, so memoised expanded subtrees can be fed to it.

While walking, it also evaluates the :func:`common.jsonld._guard.check_expanded` predicate on
every ``@id``, ``@type`` and datatype it meets; :func:`node_map_quads` reports whether anything
failed it, so the caller can let the original check raise its exact error.

**Fragments.** An expanded subtree that the expansion memo shares between documents (the
issuer profile, the achievement with its rubric ...) is converted once into a
:class:`_Fragment`: its node map built on its own, already serialised per subject. Placing a
fragment in a document's node map gives the same result as walking the subtree because, in
Node Map Generation, a subtree's walk only (a) issues its blank node labels consecutively from
the current counter, in an order that depends on the subtree alone, (b) adds a reference to it
in its parent, and (c) adds values to the subjects of the subtree. (a) is an offset applied to
the fragment's local labels; (b) is done as usual; (c) is the same as the fragment's own node
map provided no other part of the document adds to the same subjects, which is checked: any
such sharing (a node described in two places) abandons the fragments for that document and
walks it whole. Fragments are not built for subtrees holding lists (their labels are issued at
serialisation time), and only the second time a subtree is met (most subtrees of a credential
are met once). A fragment subject without blank nodes keeps its finished quads, shared and
immutable, which are appended as they are.

Literal terms come from pyld's ``_object_to_rdf`` and ``_rdfc._term``, memoised by value object
content; for a string that is plain, typed or language-tagged (not ``@json``, ``xsd:double`` or
``rdf:langString``-typed, which pyld treats specially) the same text is written directly.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any, Final

from pyld import jsonld
from pyld.identifier_issuer import IdentifierIssuer

from common.jsonld._guard import _iri_ok
from common.jsonld._memo import BoundedMemo, FlatMemo
from common.jsonld._rdfc import Quad, _term, escape_iri, escape_literal

__all__ = ["TO_RDF_OPTIONS", "node_map_quads"]

TO_RDF_OPTIONS: Final = {
    "produceGeneralizedRdf": False,
    "processingMode": "json-ld-1.1",
    "rdfDirection": None,
}
_RDF: Final = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_TYPE_TERM: Final = f"<{_RDF}type>"
_FIRST_TERM: Final = f"<{_RDF}first>"
_REST_TERM: Final = f"<{_RDF}rest>"
_NIL_TERM: Final = f"<{_RDF}nil>"

_XSD_STRING: Final = "http://www.w3.org/2001/XMLSchema#string"
# Datatypes _object_to_rdf treats specially for a string value (or that _term reads).
_SPECIAL_DATATYPES: Final = frozenset(
    {"@json", "http://www.w3.org/2001/XMLSchema#double", f"{_RDF}langString"}
)
_VALUE_KEYS: Final = frozenset({"@value", "@type", "@language", "@direction", "@index"})
_LIST_KEYS: Final = frozenset({"@list", "@index"})
_PYLD: Final = jsonld.JsonLdProcessor()


class _UnsupportedError(Exception):
    """The expanded document uses something this module leaves to pyld."""


class _ConflictError(Exception):
    """A subject of a placed fragment is also described elsewhere: walk the document whole."""


class _Fragment:
    """The node map of one shared expanded subtree, serialised per subject.

    Attributes:
        root: the subtree's node id (an IRI) or local blank node index (always 0).
        count: how many blank node labels the subtree issues.
        subjects: ``(subject, [(predicate term, object term or local blank node index)],
            quads)`` for every subject the subtree adds values to, with an empty list for a
            subject that is not serialised (a relative IRI); ``quads`` is the finished quads
            (shared, immutable tuples) when no blank node label appears, else ``None``.
        suspicious: the subtree fails the ``check_expanded`` predicate somewhere.
    """

    __slots__ = ("count", "root", "subjects", "suspicious")

    def __init__(
        self,
        root: str | int,
        count: int,
        subjects: list[tuple[str | int, list[tuple[str, str | int]], tuple[Quad, ...] | None]],
        suspicious: bool,
    ) -> None:
        self.root = root
        self.count = count
        self.subjects = subjects
        self.suspicious = suspicious


class _NotEligible:
    """Marker: this shared subtree has no fragment (lists, or something unsupported)."""

    __slots__ = ()


_NOT_ELIGIBLE: Final = _NotEligible()
_SEEN_ONCE: Final = _NotEligible()


# Per-string results are cached for strings of at most _SHORT characters (16384 of each at
# most), so the caches stay small whatever the documents hold; the hot call sites test the
# length inline (``f_cached(v) if len(v) <= _SHORT else f(v)``) to keep the C-level cache hit.
_SHORT: Final = 2048


def _node_term(node_id: str) -> str | None:
    """pyld's ``_object_to_rdf`` for a node (``None`` for a relative IRI), as an N-Quads term.

    Also the subject term: ``_graph_to_rdf`` skips a subject exactly when this is ``None``
    (pyld's ``_is_absolute_iri`` accepts every ``_:`` label).
    """
    if node_id.startswith("_:"):
        return node_id
    if not jsonld._is_absolute_iri(node_id):
        return None
    return "<" + escape_iri(node_id) + ">"


def _predicate_term(prop: str) -> str | None:
    """A property as ``_graph_to_rdf`` serialises it (``None`` if it skips it)."""
    if prop == "@type":
        return _TYPE_TERM
    if not jsonld._is_absolute_iri(prop):
        return None
    return "<" + escape_iri(prop) + ">"


_node_term_cached = lru_cache(maxsize=16384)(_node_term)
_predicate_term_cached = lru_cache(maxsize=16384)(_predicate_term)
_checked_cached = lru_cache(maxsize=16384)(_iri_ok)


def _checked(value: str) -> bool:
    """The ``check_expanded`` predicate on an ``@id``, ``@type`` or datatype."""
    return _checked_cached(value) if len(value) <= _SHORT else _iri_ok(value)


class _NodeMap:
    __slots__ = ("counter", "graph", "owner", "quads", "seen", "shared", "suspicious", "terms")

    def __init__(self, terms: FlatMemo, shared: BoundedMemo[list[Any]] | None) -> None:
        self.graph: dict[str, dict[str, list[tuple[str, Any]]]] = {}
        self.seen: dict[tuple[str, str], set[Any]] = {}
        self.owner: dict[str, tuple[int, list[tuple[str, str | int]], tuple[Quad, ...] | None]] = {}
        self.counter = 0
        self.suspicious = False
        self.terms = terms
        self.shared = shared
        self.quads: list[Quad] = []

    # -- node map generation (pyld ``_create_node_map``) ------------------------------------

    def _add(self, subject: str, prop: str, item: tuple[str, Any], key: Any) -> None:
        """``add_value(node, prop, item, {'propertyIsArray': True, 'allowDuplicate': False})``."""
        if subject in self.owner:
            raise _ConflictError
        node = self.graph[subject]
        values = node.get(prop)
        if values is None:
            node[prop] = [item]
            self.seen[(subject, prop)] = {key}
            return
        seen = self.seen.setdefault((subject, prop), set())
        if key in seen:
            return
        seen.add(key)
        values.append(item)

    def _value_key(self, element: dict[str, Any]) -> Any:
        """Check a value object; its ``compare_values`` equivalence key.

        pyld's ``compare_values`` deems two value objects equal when ``@value`` (bool kept
        apart from numbers), ``@type``, ``@language`` and ``@index`` are equal.
        """
        if not element.keys() <= _VALUE_KEYS:
            raise _UnsupportedError
        datatype = element.get("@type")
        if datatype is not None:
            if type(datatype) is not str or datatype.startswith("_:") or datatype == "@json":
                raise _UnsupportedError
            if not _checked(datatype):
                self.suspicious = True
        value = element["@value"]
        kind = type(value)
        if kind is float:
            if not math.isfinite(value):
                raise _UnsupportedError
        elif kind is not str and kind is not int and kind is not bool:
            raise _UnsupportedError
        return (datatype, element.get("@language"), element.get("@index"), kind is bool, value)

    def visit(
        self,
        element: Any,
        subject: str | None,
        prop: str | None,
        list_items: list[tuple[str, Any]] | None,
    ) -> None:
        if type(element) is list:
            for item in element:
                self.visit(item, subject, prop, list_items)
            return
        if type(element) is not dict:
            raise _UnsupportedError
        has_subject = subject is not None and subject in self.graph

        if "@value" in element:
            value_key = self._value_key(element)
            if list_items is not None:
                list_items.append(("v", element))
            elif has_subject:
                assert subject is not None
                assert prop is not None
                self._add(subject, prop, ("v", element), value_key)
            return

        if "@list" in element:
            if not element.keys() <= _LIST_KEYS:
                raise _UnsupportedError
            items: list[tuple[str, Any]] = []
            self.visit(element["@list"], subject, prop, items)
            if list_items is not None:
                list_items.append(("l", items))
            elif has_subject:
                assert subject is not None
                assert prop is not None
                if subject in self.owner:
                    raise _ConflictError
                self.graph[subject].setdefault(prop, []).append(("l", items))
            return

        if list_items is None and self.shared is not None:
            entry = self.shared.get(id(element))
            if entry is not None and entry[0] is element:
                fragment = entry[1]
                if fragment is None:
                    # First use: walk it as usual; build its fragment if it comes back.
                    entry[1] = _SEEN_ONCE
                elif fragment is _SEEN_ONCE:
                    fragment = entry[1] = _build_fragment(element, self.terms)
                if isinstance(fragment, _Fragment):
                    self._place(fragment, subject, prop, has_subject)
                    return

        types = element.get("@type")
        if types is not None:
            if type(types) is not list:
                raise _UnsupportedError
            for type_ in types:
                if type(type_) is not str or type_.startswith("_:"):
                    raise _UnsupportedError
                if not _checked(type_):
                    self.suspicious = True
        if "@id" in element:
            node_id = element["@id"]
            if type(node_id) is not str or node_id.startswith("_:"):
                raise _UnsupportedError
            if not _checked(node_id):
                self.suspicious = True
        else:
            node_id = f"_:b{self.counter}"
            self.counter += 1
        if node_id not in self.graph:
            self.graph[node_id] = {}
        if prop:
            if list_items is not None:
                list_items.append(("i", node_id))
            elif has_subject:
                assert subject is not None
                self._add(subject, prop, ("i", node_id), node_id)

        for key in sorted(element):
            if key == "@id":
                continue
            objects = element[key]
            if type(objects) is not list:
                raise _UnsupportedError
            if key == "@type":
                for type_ in objects:
                    self._add(node_id, "@type", ("i", type_), type_)
                continue
            if key.startswith("@") or key.startswith("_:"):
                raise _UnsupportedError
            for item in objects:
                # What visit(item, node_id, key, None) does for a value object, inlined.
                if type(item) is dict and "@value" in item:
                    self._add(node_id, key, ("v", item), self._value_key(item))
                else:
                    self.visit(item, node_id, key, None)

    def _place(
        self, fragment: _Fragment, subject: str | None, prop: str | None, has_subject: bool
    ) -> None:
        """What walking the fragment's subtree here would do (see the module docstring)."""
        offset = self.counter
        self.counter += fragment.count
        root = fragment.root
        node_id = root if isinstance(root, str) else f"_:b{offset + root}"
        if prop and has_subject:
            assert subject is not None
            self._add(subject, prop, ("i", node_id), node_id)
        if fragment.suspicious:
            self.suspicious = True
        owner = self.owner
        graph = self.graph
        for local, entries, fixed in fragment.subjects:
            global_id = local if isinstance(local, str) else f"_:b{offset + local}"
            if global_id in owner or graph.get(global_id):
                raise _ConflictError
            owner[global_id] = (offset, entries, fixed)

    # -- RDF serialisation (pyld ``_graph_to_rdf`` and ``dataset_to_quads``) -----------------

    def _value_term(self, element: dict[str, Any]) -> str:
        value = element["@value"]
        kind = type(value)
        key = None
        if kind is not float:
            key = (
                kind,
                value,
                element.get("@type"),
                element.get("@language"),
                element.get("@direction"),
            )
            cached: str | None = self.terms.get(key)
            if cached is not None:
                return cached
        datatype = element.get("@type")
        language = element.get("@language")
        if kind is str and (datatype is None or datatype not in _SPECIAL_DATATYPES):
            # pyld's _object_to_rdf + dataset_to_quads for a string: a plain, typed or
            # language-tagged literal (a value object cannot have both @type and @language).
            literal = '"' + escape_literal(value) + '"'
            if "@language" in element and datatype is None:
                term = literal + "@" + language if language else literal
            elif "@language" in element:
                term = _term(
                    _PYLD._object_to_rdf(element, IdentifierIssuer("_:b"), [], TO_RDF_OPTIONS)
                )
            elif not datatype or datatype == _XSD_STRING:
                term = literal
            else:
                term = literal + "^^<" + escape_iri(datatype) + ">"
        else:
            component = _PYLD._object_to_rdf(element, IdentifierIssuer("_:b"), [], TO_RDF_OPTIONS)
            term = _term(component)
        if key is not None:
            self.terms.store(key, term, 64 + len(term))
        return term

    def _object_term(self, item: tuple[str, Any]) -> str | None:
        kind, payload = item
        if kind == "i":
            return _node_term_cached(payload) if len(payload) <= _SHORT else _node_term(payload)
        if kind == "v":
            return self._value_term(payload)
        return self._list_term(payload)

    def _list_term(self, items: list[tuple[str, Any]]) -> str:
        """pyld's ``_list_to_rdf``: a linked list of blank nodes, labelled as it goes."""
        quads = self.quads
        if not items:
            return _NIL_TERM
        *rest, last = items
        head = f"_:b{self.counter}"
        self.counter += 1
        node = head
        for item in rest:
            term = self._object_term(item)
            if term is None:
                raise _UnsupportedError  # pyld would emit a triple with no object and then fail
            following = f"_:b{self.counter}"
            self.counter += 1
            quads.append((node, _FIRST_TERM, term, ""))
            quads.append((node, _REST_TERM, following, ""))
            node = following
        term = self._object_term(last)
        if term is None:
            raise _UnsupportedError
        quads.append((node, _FIRST_TERM, term, ""))
        quads.append((node, _REST_TERM, _NIL_TERM, ""))
        return head

    def emit(self) -> list[Quad]:
        quads = self.quads
        append = quads.append
        graph = self.graph
        owner = self.owner
        empty: dict[str, list[tuple[str, Any]]] = {}
        for node_id in sorted(graph.keys() | owner.keys()) if owner else sorted(graph):
            subject = _node_term_cached(node_id) if len(node_id) <= _SHORT else _node_term(node_id)
            if subject is None:
                continue
            owned = owner.get(node_id)
            if owned is not None:
                offset, entries, fixed = owned
                if fixed is not None:
                    quads.extend(fixed)
                    continue
                for predicate, local in entries:
                    append(
                        (
                            subject,
                            predicate,
                            local if isinstance(local, str) else f"_:b{offset + local}",
                            "",
                        )
                    )
                continue
            node = graph.get(node_id, empty)
            for prop in sorted(node):
                maybe_predicate = (
                    _predicate_term_cached(prop) if len(prop) <= _SHORT else _predicate_term(prop)
                )
                if maybe_predicate is None:
                    continue
                predicate = maybe_predicate
                for item in node[prop]:
                    kind, payload = item
                    if kind == "i":
                        term = (
                            _node_term_cached(payload)
                            if len(payload) <= _SHORT
                            else _node_term(payload)
                        )
                    elif kind == "v":
                        term = self._value_term(payload)
                    else:
                        term = self._list_term(payload)
                    if term is not None:
                        append((subject, predicate, term, ""))
        return quads


def _build_fragment(element: dict[str, Any], terms: FlatMemo) -> _Fragment | _NotEligible:
    """The fragment of a shared node-object subtree, built by walking it on its own."""
    if "@value" in element or "@list" in element:
        return _NOT_ELIGIBLE
    local = _NodeMap(terms, None)
    try:
        local.visit(element, None, None, None)
    except _UnsupportedError:
        return _NOT_ELIGIBLE
    root_id = element.get("@id")
    root: str | int = root_id if type(root_id) is str else 0
    subjects: list[tuple[str | int, list[tuple[str, str | int]], tuple[Quad, ...] | None]] = []
    for node_id, props in local.graph.items():
        if not props:
            continue
        key: str | int = int(node_id[3:]) if node_id.startswith("_:") else node_id
        entries: list[tuple[str, str | int]] = []
        subject = _node_term(node_id)
        if subject is not None:
            for prop in sorted(props):
                predicate = _predicate_term(prop)
                if predicate is None:
                    continue
                for kind, payload in props[prop]:
                    term: str | int | None
                    if kind == "i":
                        term = int(payload[3:]) if payload.startswith("_:") else _node_term(payload)
                    elif kind == "v":
                        term = local._value_term(payload)
                    else:
                        return _NOT_ELIGIBLE  # a list
                    if term is not None:
                        entries.append((predicate, term))
        fixed: tuple[Quad, ...] | None = None
        if subject is None:
            fixed = ()  # not serialised (a relative IRI)
        elif isinstance(key, str) and all(isinstance(term, str) for _, term in entries):
            fixed = tuple((subject, predicate, str(term), "") for predicate, term in entries)
        subjects.append((key, entries, fixed))
    return _Fragment(root, local.counter, subjects, local.suspicious)


def node_map_quads(
    expanded: list[Any],
    terms: FlatMemo,
    shared: BoundedMemo[list[Any]] | None = None,
) -> tuple[list[Quad], bool] | None:
    """The default graph's quads of an expanded document, as ``expanded_to_quads`` gives them.

    Args:
        expanded: the expanded document (read only; never mutated).
        terms: the memo of literal terms (value object content to N-Quads term).
        shared: the expansion memo's registry of shared subtrees (``id`` to ``[subtree,
            fragment or None]``), to place their fragments instead of walking them.

    Returns:
        ``(quads, suspicious)``, where ``suspicious`` says an ``@id``, ``@type`` or datatype
        failed the ``check_expanded`` predicate; or ``None`` if the document uses something
        this module leaves to pyld.
    """
    try:
        try:
            node_map = _NodeMap(terms, shared)
            node_map.visit(expanded, None, None, None)
            quads = node_map.emit()
        except _ConflictError:
            node_map = _NodeMap(terms, None)
            node_map.visit(expanded, None, None, None)
            quads = node_map.emit()
    except _UnsupportedError:
        return None
    return quads, node_map.suspicious
