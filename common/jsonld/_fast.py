"""The fast JSON-LD expansion engine: pyld 3.3.0, memoised at a few well-defined seams.

Everything here produces exactly what ``pyld.jsonld.JsonLdProcessor.expand`` produces (the
identity tests run the official JSON-LD 1.1 expand and toRdf suites and generated Open Badges
credentials through both, cold and warm). Each optimisation rests on a property of the JSON-LD
1.1 Expansion Algorithm (https://www.w3.org/TR/json-ld11-api/#expansion-algorithm, "EA" below)
and of the Context Processing Algorithm ("CPA") as pyld implements them:

1. **Context documents are resolved once per engine** (:class:`_FastResolver`). pyld keeps
   resolved contexts in a module-global cache keyed by URL, shared by every loader in the
   process; the engine keeps its own, so it only ever sees its own loader's documents (with
   two loaders serving different bytes for one URL, the plain path may use the other loader's
   copy; the fast path cannot). pyld's loader contract makes the pinned documents ``'static'``,
   so caching them for the engine's lifetime changes nothing.

2. **The cache key of an embedded (scoped) context is computed once.** pyld keys every
   embedded context by its JCS serialisation, recomputed at every node of every call
   (``context_resolver.resolve``: ``canonicalize(dict(ctx))``). For a context object that
   belongs to the loader's pinned documents, the serialisation cannot change, so it is memoised
   by object identity. Documents containing ``@import`` (pyld merges into the imported
   document in place) or a string-valued nested ``@context`` (rewritten in place by
   ``_resolve_context_urls``) are excluded. Inline contexts of the input are deep-copied before
   pyld caches them, because the engine does not deep-copy the input (point 6).

3. **One clone per immutable parent for non-propagated contexts** (:meth:`_FastPyld.
   _process_context`). For a type-scoped context (EA step 11.2, CPA step 3: ``propagate`` false)
   pyld clones the active context and sets ``previousContext``; the clone gets a fresh
   ``_uuid``, so the processed-context cache (keyed by that uuid) never hits and the scoped
   context is re-processed at every typed node. The clone is a pure function of its parent
   (``_clone_active_context`` plus ``previousContext``), so one clone per frozen parent is
   reused. Not applied when the scoped context sets ``@propagate`` (CPA step 2).

4. **Compiled node frames** (:class:`_Frame`). For a node object, everything EA does before
   and around expanding the *values* of its entries (steps 3-13: reverting the type-scoped
   context, the property-scoped context, the embedded ``@context``, the type-scoped contexts of
   the ``@type`` values, and the IRI expansion of every key with the resulting context, step
   13.2) depends only on: the active context, the active property, the flags, the *keys* of the
   element, the ``@context`` value and the values of the entries that expand to ``@type``. Those
   form the frame key; the frame stores the contexts and a per-key plan, so a later element
   with the same frame key only expands its values. Frames cover ``@id``, ``@type``,
   ``@context`` and plain properties (no container, ``@set`` or ``@list``); any other keyword or
   container, a keyword collision, a non-string ``@id``, an unusual ``@type`` value or any
   error while building the frame falls back to pyld for that element.

5. **Memoised subtrees and scalars.** The expansion of an element is a pure function of
   (active context, active property, ``inside_list``, type-scoped context, options, the
   element's exact JSON content) -- EA never looks outside its arguments. Subtrees are keyed by
   the identity of the (immutable, kept-alive) context objects plus the element's exact JSON
   encoding, only for documents made of exact JSON types (``dict``, ``list``, ``str``,
   ``int``, ``bool``, finite ``float``), so the encoding is injective. Scalars are keyed by
   (context, property, exact type, value). Nothing is stored when the computation dropped a
   property (``on_property_dropped`` fired), raised, ran under ``@index``-style maps (pyld
   mutates those results, EA step 13.8.3.7) or produced a value aliasing the input (``@json``).
   Stored results are shared and must never be mutated by any reader. A subtree is stored the
   second time its key is seen (the recipient's parts of a credential are seen once), and its
   result is registered in :attr:`FastEngine.shared` for the node map's fragments
   (:mod:`common.jsonld._fast_rdf`).

6. **No deep copy of the input.** pyld deep-copies the input before expanding. EA does not
   modify its input (checked for pyld 3.3.0: every write goes to a fresh result object), so the
   copy is skipped; what could alias the input afterwards (``@json`` values, inline contexts) is
   either copied or never cached, and the public ``JsonLdProcessor.expand`` returns a fresh copy.

pyld is patched only by subclassing (``_FastPyld`` and ``_FastResolver``): no pyld module
state is changed, so other pyld users in the process are unaffected. The subclass relies on
pyld 3.3.0 internals, hence the version check below.

Bounds and threads: every table is bounded in entries and (approximately) bytes, see
:class:`FastEngine`; memo keys hold contexts by identity *and* the entries keep those contexts
alive, so an id cannot be reused while a key mentions it. All engine state is read and written
under :attr:`FastEngine.lock`; the work is pure Python, already serialised by the GIL, so the
lock costs no parallelism in a multi-threaded server.
"""

from __future__ import annotations

import copy
import math
import threading
import uuid
from collections.abc import Callable, Iterator
from typing import Any, Final

import msgspec
import pyld
from cachetools import LRUCache
from frozendict import frozendict
from pyld import jsonld
from pyld.context_resolver import ContextResolver

# The very JCS function pyld's ContextResolver keys embedded contexts with.
from pyld.context_resolver import canonicalize as jcs_canonicalize
from pyld.resolved_context import ResolvedContext

from common.jsonld._loader import ContextLoader
from common.jsonld._memo import BoundedMemo, FlatMemo

__all__ = ["PYLD_VERSION", "FastEngine", "is_exact_json"]

PYLD_VERSION: Final = "3.3.0"
if pyld.jsonld.__version__ != PYLD_VERSION:  # pragma: no cover - guarded by the pin
    raise ImportError(
        f"common.jsonld._fast relies on pyld {PYLD_VERSION} internals, found "
        f"{pyld.jsonld.__version__}: re-run the identity tests and update the patch"
    )

_get_context_value = jsonld.JsonLdProcessor.get_context_value
_is_absolute_iri = jsonld._is_absolute_iri
_is_keyword = jsonld._is_keyword


# Scalar plan kinds (see _FastPyld._scalar_plan).
_TEMPLATE: Final = object()
_DROP_SCALAR: Final = object()
_RAW: Final = object()
_DEFER: Final = object()

# Frame plan kinds.
_DROP: Final = 0
_ID: Final = 1
_TYPE: Final = 2
_PROP: Final = 3


class _NoFrame:
    """Marker: this element shape is left to pyld."""

    __slots__ = ()


_NO_FRAME: Final = _NoFrame()


def is_exact_json(document: Any) -> bool:
    """Whether ``document`` is made only of exact JSON types (``dict``, ``list``, ``str``,
    ``int``, ``bool``, ``None`` and finite ``float``) with string keys.

    For such a value the JSON encoding is injective (no tuple passing for a list, no ``str``
    subclass, no ``NaN`` encoded as ``null``), which is what makes it a sound memo key.
    """
    stack = [document]
    pop = stack.pop
    push = stack.append
    while stack:
        value = pop()
        kind = type(value)
        if kind is dict:
            for key, item in value.items():
                if type(key) is not str:
                    return False
                push(item)
        elif kind is list:
            stack.extend(value)
        elif kind is float:
            if not math.isfinite(value):
                return False
        elif kind is not str and kind is not int and kind is not bool and value is not None:
            return False
    return True


def _walk_contexts(value: Any) -> Iterator[tuple[str, Any]]:
    """Every (key, value) pair of a JSON value, depth first."""
    stack = [value]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            for key, item in current.items():
                yield key, item
                stack.append(item)
        elif isinstance(current, list):
            stack.extend(current)


def _owned_contexts(document: Any) -> list[Any]:
    """The embedded context objects of a loaded document that are safe to key by identity.

    None of them if pyld could rewrite the document in place: ``@import`` (merged into the imported
    document by ``_process_context``) or a string ``@context`` below the top level (made
    absolute by ``ContextResolver._resolve_context_urls``).
    """
    pairs = list(_walk_contexts(document))
    if any(key == "@import" for key, _ in pairs) or any(
        key == "@context" and isinstance(item, str) for key, item in pairs
    ):
        return []
    return [item for key, item in pairs if key == "@context" and isinstance(item, dict)]


def _fresh_top(result: Any) -> Any:
    """A copy of ``result`` that pyld's index-map expansion may mutate (EA step 13.8.3.7).

    ``_expand_index_map`` assigns keys of the items it gets back and appends to their
    property arrays; those items may hold shared memo results one level down, so the items
    and their arrays are copied, not the values inside.
    """
    if isinstance(result, dict):
        return {
            key: list(value) if isinstance(value, list) else value for key, value in result.items()
        }
    if isinstance(result, list):
        return [_fresh_top(item) if isinstance(item, dict) else item for item in result]
    return result


def _aliases_input(result: Any) -> bool:
    """Whether an expanded result may share a mutable object with the input (``@json``)."""
    stack = [result]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            if "@value" in value:
                if isinstance(value["@value"], (dict, list)):
                    return True
                continue
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return False


class _Frame:
    """The compiled expansion of one node-object shape (see point 4 of the module docstring).

    Attributes:
        plan: ``(kind, key, expanded_property, term_context, list_container)`` per entry, in
            the sorted key order of EA step 13.
        active_ctx: the context after the embedded and type-scoped contexts (EA step 11).
        type_ctx: the context used to expand ``@type`` values (EA step 11.2's
            ``type-scoped context``).
        drop_if_free: the element is free-floating (EA step 19 applies).
        contexts: every context the frame refers to, kept alive so their ids stay unique.
    """

    __slots__ = ("active_ctx", "contexts", "drop_if_free", "plan", "type_ctx")

    def __init__(
        self,
        plan: list[tuple[int, str, Any, Any, bool]],
        active_ctx: Any,
        type_ctx: Any,
        drop_if_free: bool,
        contexts: tuple[Any, ...],
    ) -> None:
        self.plan = plan
        self.active_ctx = active_ctx
        self.type_ctx = type_ctx
        self.drop_if_free = drop_if_free
        self.contexts = contexts


class _FrameBase:
    """What a node shape needs before its ``@context`` and ``@type`` values are known."""

    __slots__ = ("by_context", "ctx_in", "expanded_property", "revert_ctx", "type_scoped_in")

    def __init__(
        self, ctx_in: Any, type_scoped_in: Any, expanded_property: Any, revert_ctx: Any
    ) -> None:
        self.ctx_in = ctx_in
        self.type_scoped_in = type_scoped_in
        self.expanded_property = expanded_property
        self.revert_ctx = revert_ctx
        self.by_context: dict[Any, _ContextStage | _NoFrame] = {}


class _ContextStage:
    """A node shape with its embedded ``@context`` applied; frames keyed by ``@type`` values."""

    __slots__ = ("active_ctx", "by_types", "type_keys")

    def __init__(self, active_ctx: Any, type_keys: tuple[str, ...]) -> None:
        self.active_ctx = active_ctx
        self.type_keys = type_keys
        self.by_types: dict[Any, _Frame | _NoFrame] = {}


_STAGE_LIMIT: Final = 256
"""Most context stages / type frames kept per node shape (a bounded fan-out)."""


class FastEngine:
    """Memoised pyld expansion over one loader (see the module docstring).

    All memo tables belong to the engine; :attr:`lock` must be held while expanding (the
    processor does). The tables are bounded in entries and in an estimate of their size;
    saturated by a stream of distinct achievement-sized subtrees, the defaults (with the
    processor's and the node map's caches) grow the process by about 35 MB (measured), and a
    steady catalogue of badge classes by far less.

    Args:
        loader: the pinned document loader; the engine resolves contexts only through it.
    """

    def __init__(self, loader: ContextLoader) -> None:
        self.loader = loader
        self.lock = threading.RLock()
        # Resolved contexts by URL or JCS key (pyld's own cache is global and holds 100).
        self.shared_cache: LRUCache[str, Any] = LRUCache(maxsize=256)
        # Loader-owned embedded contexts, registered as their documents are loaded:
        # id -> [context, memoised JCS key or None]; the entry keeps the context alive.
        self.owned: dict[int, list[Any]] = {}
        self.clones: dict[int, tuple[Any, Any]] = {}
        self.frames: BoundedMemo[_FrameBase | _NoFrame] = BoundedMemo(4096)
        self.subtrees: BoundedMemo[tuple[Any, Any, Any]] = BoundedMemo(4096, 8 << 20)
        self.scalars = FlatMemo(16384, 4 << 20)
        self.scalar_plans = FlatMemo(16384, 4 << 20)
        self.iris = FlatMemo(16384, 4 << 20)
        # Shared node-object results by id: [result, node-map fragment or None] (the node map
        # of common.jsonld._fast_rdf fills the fragment in); the entry keeps the result alive.
        self.shared: BoundedMemo[list[Any]] = BoundedMemo(4096, 8 << 20)
        # Frames hang off their base in per-shape tables; all of them are dropped together
        # when this many have been built, which bounds their number whatever the input.
        self.frames_built = 0
        self.max_frames = 32768
        self.encoder = msgspec.json.Encoder()
        self.max_subtree_bytes = 256 << 10
        # Admission: a subtree is stored the second time its key is seen, so the parts of a
        # credential that change every time (recipient, ids) never churn the memo.
        self.sighted = FlatMemo(32768)

    def expand(
        self,
        document: Any,
        *,
        base: str | None = "",
        processing_mode: str = "json-ld-1.1",
        expand_context: Any = None,
        on_property_dropped: Callable[[str | None], Any] | None = None,
        exact: bool | None = None,
    ) -> list[Any]:
        """Expand ``document`` exactly as ``pyld.jsonld.JsonLdProcessor().expand`` would.

        The result may share objects with the engine's memo tables: treat it as read-only.

        Args:
            document: the JSON-LD document (not a URL).
            base: the ``base`` option (``None`` for Data Integrity's null base).
            processing_mode: the ``processingMode`` option.
            expand_context: the ``expandContext`` option, if any.
            on_property_dropped: pyld's dropped-property callback.
            exact: whether ``document`` is exact JSON (:func:`is_exact_json`), if known.

        Raises:
            pyld.jsonld.JsonLdError: as pyld raises it.
        """
        options: dict[str, Any] = {
            "documentLoader": self.loader,
            "base": base,
            "processingMode": processing_mode,
            "contextResolver": _FastResolver(self),
        }
        if expand_context is not None:
            options["expandContext"] = expand_context
        if exact is None:
            exact = is_exact_json(document)
        processor = _FastPyld(self, on_property_dropped, exact=exact)
        with self.lock:
            result: list[Any] = processor.expand(document, options)
        return result

    # -- helpers used by the pyld subclasses ------------------------------------------------

    def count_frame(self) -> None:
        """Count one more frame or stage; past :attr:`max_frames`, drop them all."""
        self.frames_built += 1
        if self.frames_built > self.max_frames:
            self.frames.clear()
            self.frames_built = 0

    def register_owned(self, document: Any) -> None:
        """Register the embedded contexts of a document the loader returned (point 2)."""
        owned = self.owned
        contexts = _owned_contexts(document)
        if len(owned) + len(contexts) > 65536:
            owned.clear()
        for ctx in contexts:
            if id(ctx) not in owned:
                owned[id(ctx)] = [ctx, None]

    def owned_key(self, ctx: Any) -> str | None:
        """The memoised JCS key of a loader-owned embedded context, else ``None``."""
        entry = self.owned.get(id(ctx))
        if entry is None or entry[0] is not ctx:
            return None
        key: str | None = entry[1]
        if key is None:
            key = entry[1] = jcs_canonicalize(dict(ctx)).decode("UTF-8")
        return key

    def clone_for(self, processor: jsonld.JsonLdProcessor, parent: Any) -> Any:
        """The reusable non-propagated clone of a frozen active context (point 3)."""
        entry = self.clones.get(id(parent))
        if entry is not None and entry[0] is parent:
            return entry[1]
        clone = processor._clone_active_context(parent)
        clone["previousContext"] = parent
        clone["_uuid"] = str(uuid.uuid1())
        if len(self.clones) >= 4096:
            self.clones.clear()
        self.clones[id(parent)] = (parent, clone)
        return clone


class _FastResolver(ContextResolver):  # type: ignore[misc]
    """pyld's ContextResolver over the engine's own cache, with memoised embedded-context keys.

    ``resolve`` is pyld 3.3.0's, except: the JCS key of a loader-owned embedded context is
    memoised (point 2), an input-owned embedded context is deep-copied before being cached
    (point 6), and new ``ResolvedContext`` objects keep 32 processed variants instead of 10.
    """

    def __init__(self, engine: FastEngine) -> None:
        super().__init__(engine.shared_cache, engine.loader)
        self._engine = engine

    def _fetch_context(self, active_ctx: Any, url: Any, cycles: Any) -> Any:
        context, remote_doc = super()._fetch_context(active_ctx, url, cycles)
        self._engine.register_owned(remote_doc.get("document"))
        return context, remote_doc

    def resolve(self, active_ctx: Any, context: Any, base: Any, cycles: Any = None) -> list[Any]:
        if cycles is None:
            cycles = set()
        if isinstance(context, (dict, frozendict)) and "@context" in context:
            context = context["@context"]
        if not isinstance(context, list):
            context = [context]
        all_resolved: list[Any] = []
        for ctx in context:
            if isinstance(ctx, str):
                resolved = self._get(ctx)
                if not resolved:
                    resolved = self._resolve_remote_context(active_ctx, ctx, base, cycles)
                if isinstance(resolved, list):
                    all_resolved.extend(resolved)
                else:
                    all_resolved.append(resolved)
            elif ctx is None or ctx is False:
                all_resolved.append(ResolvedContext(False))
            elif not isinstance(ctx, dict) and not isinstance(ctx, frozendict):
                raise jsonld.JsonLdError(
                    "Invalid JSON-LD syntax; @context must be an object.",
                    "jsonld.SyntaxError",
                    {"context": ctx},
                    code="invalid local context",
                )
            else:
                key = self._engine.owned_key(ctx)
                owned = key is not None
                if key is None:
                    key = jcs_canonicalize(dict(ctx)).decode("UTF-8")
                resolved = self._get(key)
                if not resolved:
                    resolved = ResolvedContext(ctx if owned else copy.deepcopy(ctx))
                    resolved.cache = LRUCache(maxsize=32)
                    self._cache_resolved_context(key, resolved, "static")
                all_resolved.append(resolved)
        return all_resolved


class _FastPyld(jsonld.JsonLdProcessor):  # type: ignore[misc]
    """pyld's processor with memoised expansion (points 3-6 of the module docstring)."""

    def __init__(
        self,
        engine: FastEngine,
        on_property_dropped: Callable[[str | None], Any] | None,
        *,
        exact: bool,
    ) -> None:
        super().__init__(on_property_dropped=self._dropped)
        self._engine = engine
        self._user_dropped = on_property_dropped
        self._exact = exact
        self.drops = 0
        self.fallbacks = 0
        self._sig: tuple[Any, ...] = ()
        self._memo = False

    def _dropped(self, expanded_property: str | None) -> None:
        self.drops += 1
        if self._user_dropped is not None:
            self._user_dropped(expanded_property)

    # -- pyld's expand(), without the deep copy of the input (point 6) ----------------------

    def expand(self, input_: Any, options: Any) -> Any:
        options = options.copy() if options else {}
        options.setdefault("isFrame", False)
        options.setdefault("keepFreeFloatingNodes", False)
        options.setdefault("documentLoader", jsonld._default_document_loader)
        options.setdefault("contextResolver", _FastResolver(self._engine))
        options.setdefault("extractAllScripts", False)
        options.setdefault("processingMode", "json-ld-1.1")
        if isinstance(input_, str):
            return super().expand(input_, options)

        remote_doc = {"contextUrl": None, "documentUrl": None, "document": input_}
        try:
            if remote_doc["document"] is None:
                raise jsonld.JsonLdError(
                    "No remote document found at the given URL.", "jsonld.NullRemoteDocument"
                )
        except Exception as cause:
            raise jsonld.JsonLdError(
                "Could not retrieve a JSON-LD document from the URL.",
                "jsonld.LoadDocumentError",
                {"remoteDoc": remote_doc},
                code="loading document failed",
            ) from cause
        options.setdefault("base", remote_doc["documentUrl"] or "")

        self._sig = (
            options.get("base", ""),
            bool(options.get("keepFreeFloatingNodes")),
            options.get("processingMode"),
        )
        self._memo = not options.get("isFrame")

        input_ = {"document": remote_doc["document"], "remoteContext": remote_doc["contextUrl"]}
        if "expandContext" in options:
            expand_context = options["expandContext"]
            if jsonld._is_object(expand_context) and "@context" in expand_context:
                input_["expandContext"] = expand_context["@context"]
            else:
                input_["expandContext"] = expand_context

        active_ctx = self._get_initial_context(options)
        document = input_["document"]
        remote_context = input_["remoteContext"]
        if "expandContext" in input_:
            active_ctx = self.process_context(active_ctx, input_["expandContext"], options)
        if remote_context is not None:  # pragma: no cover - only for URL input
            active_ctx = self.process_context(active_ctx, remote_context, options)

        expanded = self._expand(active_ctx, None, document, options, inside_list=False)
        if jsonld._is_object(expanded) and "@graph" in expanded and len(expanded) == 1:
            expanded = expanded["@graph"]
        elif expanded is None:
            expanded = []
        return jsonld.JsonLdProcessor.arrayify(expanded)

    # -- context processing (point 3) -------------------------------------------------------

    def _process_context(
        self,
        active_ctx: Any,
        local_ctx: Any,
        options: Any,
        override_protected: bool = False,
        propagate: bool = True,
        validate_scoped: bool = True,
        cycles: Any = None,
    ) -> Any:
        if (
            not propagate
            and type(local_ctx) is dict
            and "@context" not in local_ctx
            and "@propagate" not in local_ctx
            and type(active_ctx) is frozendict
            and not active_ctx.get("previousContext")
        ):
            # pyld would clone active_ctx here (CPA steps 1 and 3) with a fresh _uuid; the
            # clone is a pure function of active_ctx, so reuse one: the processed cache hits.
            active_ctx = self._engine.clone_for(self, active_ctx)
        return super()._process_context(
            active_ctx,
            local_ctx,
            options,
            override_protected=override_protected,
            propagate=propagate,
            validate_scoped=validate_scoped,
            cycles=cycles,
        )

    # -- expansion (points 4 and 5) ---------------------------------------------------------

    def _expand(
        self,
        active_ctx: Any,
        active_property: Any,
        element: Any,
        options: Any,
        inside_list: bool = False,
        inside_index: bool = False,
        type_scoped_ctx: Any = None,
    ) -> Any:
        kind = type(element)
        if inside_index or not self._memo or active_property == "@default":
            result = super()._expand(
                active_ctx,
                active_property,
                element,
                options,
                inside_list=inside_list,
                inside_index=inside_index,
                type_scoped_ctx=type_scoped_ctx,
            )
            return _fresh_top(result) if inside_index else result
        if kind is dict:
            return self._expand_dict(
                active_ctx, active_property, element, options, inside_list, type_scoped_ctx
            )
        if kind is list:
            # EA step 5, as pyld writes it.
            rval: list[Any] = []
            container = _get_context_value(active_ctx, active_property, "@container")
            if container is not None and not isinstance(container, list):
                container = [container]
            inside_list = inside_list or (container is not None and "@list" in container)
            for item in element:
                expanded = self._expand(
                    active_ctx,
                    active_property,
                    item,
                    options,
                    inside_list=inside_list,
                    inside_index=False,
                    type_scoped_ctx=type_scoped_ctx,
                )
                if inside_list and isinstance(expanded, list):
                    expanded = {"@list": expanded}
                if expanded is not None:
                    if isinstance(expanded, list):
                        rval.extend(expanded)
                    else:
                        rval.append(expanded)
            return rval
        if kind is str or kind is int or kind is bool:
            # EA step 4: a scalar's expansion depends on the context, the property and
            # the value (and inside_list, for the free-floating rule) only. Floats are left to
            # pyld: -0.0 and 0.0 are equal keys but different @values.
            engine = self._engine
            plan_key = _scalar_plan_key(active_ctx, active_property, inside_list, kind, self._sig)
            plan: Any = engine.scalar_plans.get(plan_key)
            if plan is None:
                plan = self._scalar_plan(active_ctx, active_property, inside_list, kind)
                engine.scalar_plans.store(plan_key, plan, 128)
            how = plan[1]
            if how is _TEMPLATE:
                value_object: dict[str, Any] = dict(plan[2])
                value_object["@value"] = element
                return value_object
            if how is _DROP_SCALAR:
                return None
            if how is _RAW:
                return element
            # The value itself matters (IRI expansion): memoise per value.
            key = _scalar_key(active_ctx, active_property, inside_list, kind, element, self._sig)
            scalars = self._engine.scalars
            hit = scalars.get(key)
            if hit is not None:
                return hit[1]
            result = super()._expand(
                active_ctx, active_property, element, options, inside_list=inside_list
            )
            scalars.store(key, (active_ctx, result), 64 + (len(element) if kind is str else 0))
            return result
        return super()._expand(
            active_ctx,
            active_property,
            element,
            options,
            inside_list=inside_list,
            inside_index=False,
            type_scoped_ctx=type_scoped_ctx,
        )

    def _scalar_plan(
        self, active_ctx: Any, active_property: Any, inside_list: bool, kind: type
    ) -> tuple[Any, object, dict[str, Any] | None]:
        """What pyld's ``_expand`` and ``_expand_value`` do with a scalar of type ``kind`` under
        ``active_property``, when that does not depend on the value itself (EA step 4, Value
        Expansion §5.3.2):

        - ``_DROP_SCALAR``: a free-floating scalar (EA step 4.1) gives ``None``;
        - ``_RAW``: a keyword property gives the value itself (Value Expansion step 2 in pyld's
          order);
        - ``_TEMPLATE``: ``{@type}`` or ``{@language, @direction}`` from the term definition
          (steps 5-7), then ``@value``: the value is not inspected (``str``, ``int`` and
          ``bool`` are kept as they are);
        - ``_DEFER``: ``@id``/``@type`` properties and ``@id``/``@vocab``-typed strings, whose
          IRI expansion depends on the value: pyld decides, memoised per value.

        The entry holds ``active_ctx``, so the id in its key stays unique.
        """
        try:
            if not inside_list and (
                active_property is None
                or self._expand_iri(active_ctx, active_property, vocab=True) == "@graph"
            ):
                return (active_ctx, _DROP_SCALAR, None)
            expanded_property = self._expand_iri(active_ctx, active_property, vocab=True)
            if expanded_property in ("@id", "@type"):
                return (active_ctx, _DEFER, None)
            type_ = _get_context_value(active_ctx, active_property, "@type")
            if kind is str and (type_ in ("@id", "@vocab") or expanded_property == "@graph"):
                return (active_ctx, _DEFER, None)
            if _is_keyword(expanded_property):
                return (active_ctx, _RAW, None)
            template: dict[str, Any] = {}
            if type_ is not None and type_ not in ("@id", "@vocab", "@none"):
                template["@type"] = type_
            elif kind is str:
                language = _get_context_value(active_ctx, active_property, "@language")
                if language is not None:
                    template["@language"] = language
                direction = _get_context_value(active_ctx, active_property, "@direction")
                if direction is not None:
                    template["@direction"] = direction
        except Exception:  # pyld decides what the error is, on the deferred path
            return (active_ctx, _DEFER, None)
        return (active_ctx, _TEMPLATE, template)

    def _expand_dict(
        self,
        active_ctx: Any,
        active_property: Any,
        element: dict[str, Any],
        options: Any,
        inside_list: bool,
        type_scoped_ctx: Any,
    ) -> Any:
        engine = self._engine
        key: tuple[Any, ...] | None = None
        size = 0
        if self._exact:
            try:
                encoded = engine.encoder.encode(element)
            except (TypeError, ValueError, OverflowError):
                encoded = None
            if encoded is not None and len(encoded) <= engine.max_subtree_bytes:
                size = 2 * len(encoded) + 128
                key = _subtree_key(
                    active_ctx, active_property, inside_list, type_scoped_ctx, self._sig, encoded
                )
                hit = engine.subtrees.get(key)
                if hit is not None:
                    return hit[2]
                sighting = hash(key)
                if sighting not in engine.sighted:
                    engine.sighted.store(sighting, True)
                    key = None
        drops = self.drops
        fallbacks = self.fallbacks
        result = self._expand_node(
            active_ctx, active_property, element, options, inside_list, type_scoped_ctx
        )
        if (
            key is not None
            and self.drops == drops
            and (self.fallbacks == fallbacks or not _aliases_input(result))
        ):
            engine.subtrees.put(key, (active_ctx, type_scoped_ctx, result), size)
            if type(result) is dict and "@value" not in result and "@list" not in result:
                engine.shared.put(id(result), [result, None], size)
        return result

    def _pyld_node(
        self,
        active_ctx: Any,
        active_property: Any,
        element: Any,
        options: Any,
        inside_list: bool,
        type_scoped_ctx: Any,
    ) -> Any:
        self.fallbacks += 1
        return super()._expand(
            active_ctx,
            active_property,
            element,
            options,
            inside_list=inside_list,
            inside_index=False,
            type_scoped_ctx=type_scoped_ctx,
        )

    def _expand_node(
        self,
        active_ctx: Any,
        active_property: Any,
        element: dict[str, Any],
        options: Any,
        inside_list: bool,
        type_scoped_ctx: Any,
    ) -> Any:
        frame = self._frame_for(
            active_ctx, active_property, element, options, inside_list, type_scoped_ctx
        )
        if frame is None:
            return self._pyld_node(
                active_ctx, active_property, element, options, inside_list, type_scoped_ctx
            )

        # Check the value types the plan relies on before any side effect (the drop callback),
        # so that a fallback to pyld replays everything exactly once.
        plan = frame.plan
        for kind, entry_key, _expanded, _ctx, _is_list in plan:
            if kind == _ID:
                if type(element[entry_key]) is not str:
                    return self._pyld_node(
                        active_ctx, active_property, element, options, inside_list, type_scoped_ctx
                    )
            elif kind == _TYPE:
                value = element[entry_key]
                values = [value] if type(value) is str else value
                if type(values) is not list or any(
                    type(item) is not str or item.startswith("@") for item in values
                ):
                    return self._pyld_node(
                        active_ctx, active_property, element, options, inside_list, type_scoped_ctx
                    )

        # EA step 13, for the entry kinds a frame holds.
        rval: dict[str, Any] = {}
        base = options.get("base", "")
        for kind, entry_key, expanded_property, term_ctx, list_container in plan:
            if kind == _PROP:
                expanded = self._expand(
                    term_ctx, entry_key, element[entry_key], options, inside_list=False
                )
                if expanded is None:
                    continue
                if list_container and not jsonld._is_list(expanded):
                    expanded = {"@list": expanded if isinstance(expanded, list) else [expanded]}
                _add_value(rval, expanded_property, expanded)
            elif kind == _ID:
                rval["@id"] = self._iri(frame.active_ctx, element[entry_key], base, False)
            elif kind == _TYPE:
                value = element[entry_key]
                values = [value] if type(value) is str else value
                if values:
                    rval["@type"] = [self._iri(frame.type_ctx, item, base, True) for item in values]
            else:
                self.on_property_dropped(expanded_property)

        # EA steps 14-19 for a node object: @type is already an array; drop a free-floating
        # node that is empty or holds only @id.
        if (
            frame.drop_if_free
            and (not rval or (len(rval) == 1 and "@id" in rval))
            and not inside_list
        ):
            return None
        return rval

    def _iri(self, ctx: Any, value: str, base: Any, vocab: bool) -> Any:
        """pyld's ``_expand_iri(ctx, value, base=base, vocab=vocab)``, memoised.

        A document-relative expansion (``vocab`` false) of a value whose first colon is
        followed by ``//`` returns the value unchanged in pyld (IRI Expansion step 6.2: an
        absolute IRI, not a compact one; pyld consults term definitions before that step only
        when ``vocab`` is true), whatever the context: no lookup needed. Values starting with
        ``@`` are left to pyld (IRI Expansion steps 1-2).
        """
        if not vocab:
            colon = value.find(":")
            if colon > 0 and value.startswith("//", colon + 1) and not value.startswith("@"):
                return value
        key = (id(ctx), value, vocab, base)
        iris = self._engine.iris
        hit = iris.get(key)
        if hit is not None:
            return hit[1]
        result = self._expand_iri(ctx, value, base=base, vocab=vocab)
        iris.store(key, (ctx, result), 64 + len(value))
        return result

    # -- frames ---------------------------------------------------------------------------

    def _frame_for(
        self,
        active_ctx: Any,
        active_property: Any,
        element: dict[str, Any],
        options: Any,
        inside_list: bool,
        type_scoped_ctx: Any,
    ) -> _Frame | None:
        engine = self._engine
        keys = tuple(element)
        base_key = (
            id(active_ctx),
            active_property,
            inside_list,
            None if type_scoped_ctx is None else id(type_scoped_ctx),
            self._sig,
            keys,
        )
        frame_base = engine.frames.get(base_key)
        if frame_base is None:
            engine.count_frame()
            frame_base = self._build_base(
                active_ctx, active_property, keys, options, type_scoped_ctx
            )
            engine.frames.put(base_key, frame_base)
        if isinstance(frame_base, _NoFrame):
            return None

        # Stage 2: the embedded @context (EA step 9), keyed by its value.
        if "@context" in element:
            local = element["@context"]
            if type(local) is str:
                context_key: Any = local
            elif type(local) is list and all(type(item) is str for item in local):
                context_key = tuple(local)
            else:
                return None
        else:
            context_key = None
        stage = frame_base.by_context.get(context_key)
        if stage is None:
            stage = self._build_stage(frame_base, element, keys, options)
            engine.count_frame()
            if len(frame_base.by_context) >= _STAGE_LIMIT:
                frame_base.by_context.clear()
            frame_base.by_context[context_key] = stage
        if isinstance(stage, _NoFrame):
            return None

        # Stage 3: the type-scoped contexts (EA step 11), keyed by the @type values.
        type_values: list[Any] = []
        for type_key in stage.type_keys:
            value = element[type_key]
            if type(value) is str:
                type_values.append(value)
            elif type(value) is list and all(type(item) is str for item in value):
                type_values.append(tuple(value))
            else:
                return None
        types_key = tuple(type_values)
        frame = stage.by_types.get(types_key)
        if frame is None:
            frame = self._build_frame(frame_base, stage, element, keys, options, active_property)
            engine.count_frame()
            if len(stage.by_types) >= _STAGE_LIMIT:
                stage.by_types.clear()
            stage.by_types[types_key] = frame
        if isinstance(frame, _NoFrame):
            return None
        return frame

    def _build_base(
        self,
        active_ctx: Any,
        active_property: Any,
        keys: tuple[Any, ...],
        options: Any,
        type_scoped_ctx: Any,
    ) -> _FrameBase | _NoFrame:
        """EA steps 3, 7 and 8, as pyld's ``_expand`` writes them, for a node with these keys."""
        if not all(type(key) is str for key in keys):
            return _NO_FRAME
        try:
            expanded_property = self._expand_iri(active_ctx, active_property, vocab=True)
            property_scoped_ctx = _get_context_value(active_ctx, active_property, "@context")
            if not type_scoped_ctx and active_ctx.get("previousContext"):
                type_scoped_ctx = active_ctx
            must_revert = True
            ctx = active_ctx
            if must_revert and type_scoped_ctx and len(keys) <= 2 and "@context" not in keys:
                for key in sorted(keys):
                    expanded = self._expand_iri(type_scoped_ctx, key, vocab=True)
                    if expanded == "@value":
                        must_revert = False
                        ctx = type_scoped_ctx
                        break
                    if expanded == "@id" and len(keys) == 1:
                        must_revert = False
                        break
            if must_revert:
                ctx = self._revert_to_previous_context(ctx)
            if property_scoped_ctx is not None:
                ctx = self._process_context(
                    ctx, property_scoped_ctx, options, override_protected=True
                )
        except Exception:  # pyld decides what the error is, on the pyld path
            return _NO_FRAME
        return _FrameBase(active_ctx, type_scoped_ctx, expanded_property, ctx)

    def _build_stage(
        self,
        frame_base: _FrameBase,
        element: dict[str, Any],
        keys: tuple[str, ...],
        options: Any,
    ) -> _ContextStage | _NoFrame:
        """EA step 9 (the embedded context) and the keys that may name ``@type``."""
        ctx = frame_base.revert_ctx
        try:
            if "@context" in element:
                ctx = self._process_context(ctx, element["@context"], options)
            type_keys = tuple(
                key for key in sorted(keys) if self._expand_iri(ctx, key, vocab=True) == "@type"
            )
        except Exception:  # pyld decides what the error is, on the pyld path
            return _NO_FRAME
        return _ContextStage(ctx, type_keys)

    def _build_frame(
        self,
        frame_base: _FrameBase,
        stage: _ContextStage,
        element: dict[str, Any],
        keys: tuple[str, ...],
        options: Any,
        active_property: Any,
    ) -> _Frame | _NoFrame:
        """EA steps 10-13.4 (pyld's ``_prepare_nested_context`` and the key loop)."""
        try:
            # EA step 11: type-scoped contexts, against the context before any of them.
            ctx = stage.active_ctx
            type_ctx = stage.active_ctx
            for key in sorted(keys):
                if self._expand_iri(ctx, key, vocab=True) != "@type":
                    continue
                if key not in stage.type_keys:
                    return _NO_FRAME  # its value is not part of the frame key
                value = element[key]
                types = [
                    item for item in jsonld.JsonLdProcessor.arrayify(value) if isinstance(item, str)
                ]
                for type_ in sorted(types):
                    scoped = _get_context_value(type_ctx, type_, "@context")
                    if scoped is not None and scoped is not False:
                        ctx = self._process_context(ctx, scoped, options, propagate=False)

            # EA step 13: one plan entry per key, in pyld's sorted order.
            plan: list[tuple[int, str, Any, Any, bool]] = []
            keywords: set[str] = set()
            held: list[Any] = [frame_base.ctx_in, frame_base.type_scoped_in, ctx, type_ctx]
            for key in sorted(keys):
                if key == "@context":
                    continue
                expanded = self._expand_iri(ctx, key, vocab=True)
                if expanded is None or not (_is_absolute_iri(expanded) or _is_keyword(expanded)):
                    plan.append((_DROP, key, expanded, None, False))
                    continue
                if _is_keyword(expanded):
                    if frame_base.expanded_property == "@reverse" or expanded in keywords:
                        return _NO_FRAME
                    if expanded == "@id":
                        plan.append((_ID, key, expanded, None, False))
                    elif expanded == "@type":
                        plan.append((_TYPE, key, expanded, None, False))
                    else:
                        return _NO_FRAME
                    keywords.add(expanded)
                    continue
                term_ctx = ctx
                scoped = _get_context_value(ctx, key, "@context")
                if scoped is not None:
                    term_ctx = self._process_context(
                        ctx, scoped, options, propagate=True, override_protected=True
                    )
                container = _get_context_value(ctx, key, "@container")
                containers = jsonld.JsonLdProcessor.arrayify(container)
                if any(
                    name in containers for name in ("@language", "@index", "@id", "@type", "@graph")
                ):
                    return _NO_FRAME
                if _get_context_value(ctx, key, "@type") == "@json":
                    return _NO_FRAME
                mapping = term_ctx["mappings"].get(key)
                if mapping and mapping["reverse"]:
                    return _NO_FRAME
                plan.append((_PROP, key, expanded, term_ctx, "@list" in containers))
                held.append(term_ctx)
        except Exception:  # pyld decides what the error is, on the pyld path
            return _NO_FRAME
        drop_if_free = not options.get("keepFreeFloatingNodes") and (
            active_property is None or frame_base.expanded_property == "@graph"
        )
        return _Frame(plan, ctx, type_ctx, drop_if_free, tuple(held))


def _scalar_plan_key(
    active_ctx: Any, active_property: Any, inside_list: bool, kind: type, sig: Any
) -> tuple[Any, ...]:
    """The key of a scalar plan: everything but the value that EA step 4 reads."""
    return (id(active_ctx), active_property, inside_list, kind, sig)


def _scalar_key(
    active_ctx: Any, active_property: Any, inside_list: bool, kind: type, element: Any, sig: Any
) -> tuple[Any, ...]:
    """The memo key of a scalar's expansion: everything EA step 4 reads.

    The context is keyed by identity; the memo entry keeps it alive, so the id stays unique.
    """
    return (id(active_ctx), active_property, inside_list, kind, element, sig)


def _subtree_key(
    active_ctx: Any,
    active_property: Any,
    inside_list: bool,
    type_scoped_ctx: Any,
    sig: Any,
    encoded: bytes,
) -> tuple[Any, ...]:
    """The memo key of a subtree's expansion: every argument of pyld's ``_expand`` that can
    change its result (``inside_index`` is always false here, the options are in ``sig``),
    with the element as its exact JSON encoding."""
    return (
        id(active_ctx),
        active_property,
        inside_list,
        None if type_scoped_ctx is None else id(type_scoped_ctx),
        sig,
        encoded,
    )


def _add_value(subject: dict[str, Any], prop: str, value: Any) -> None:
    """pyld's ``add_value(subject, prop, value, {'propertyIsArray': True})``."""
    if isinstance(value, list):
        if not value and prop not in subject:
            subject[prop] = []
        for item in value:
            _add_value(subject, prop, item)
        return
    existing = subject.get(prop)
    if existing is None:
        subject[prop] = [value]
    else:
        existing.append(value)
