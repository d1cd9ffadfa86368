"""The parts of the fast JSON-LD path, one by one, against the plain code they replace."""

from __future__ import annotations

import copy
import json
import math
import threading
from collections import OrderedDict
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonld_identity_support import (
    FIXTURES,
    OB_303,
    VC_V2,
    context_loader,
    credentials,
    identity_mismatch,
    processor_outcome,
)

from common.jsonld import ContextLoader, JsonLdProcessor
from common.jsonld._fast import PYLD_VERSION, FastEngine, is_exact_json
from common.jsonld._fast_guard import scan
from common.jsonld._guard import check_input
from common.jsonld._memo import BoundedMemo, FlatMemo
from keys.cryptosuite import proof_options

_SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def loader() -> ContextLoader:
    return context_loader()


@pytest.fixture(scope="module")
def plain(loader: ContextLoader) -> JsonLdProcessor:
    return JsonLdProcessor(loader, fast=False)


@pytest.fixture
def fast(loader: ContextLoader) -> JsonLdProcessor:
    processor = JsonLdProcessor(loader)
    processor._plain_on_fast_failure = False
    return processor


@pytest.fixture(scope="module")
def lever() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (FIXTURES / "lever_credential.json").read_text(encoding="utf-8")
    )
    return data


class TestPlainPathUntouched:
    """``fast=False`` runs today's code only."""

    def test_no_engine(self, plain: JsonLdProcessor) -> None:
        """A plain processor has no fast engine, hence no memo of any kind."""
        assert plain.fast is False
        assert plain._engine is None

    def test_pyld_version_pinned(self) -> None:
        """The patch module names the pyld version it was proven against."""
        import pyld.jsonld

        assert pyld.jsonld.__version__ == PYLD_VERSION


# -- the input guard -----------------------------------------------------------------------------

_JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=5)),
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.one_of(
                st.sampled_from(
                    ["id", "type", "@id", "@type", "@value", "@graph", "@context", "a:b", "@"]
                ),
                st.text(max_size=4),
            ),
            children,
            max_size=4,
        ),
    ),
    max_leaves=30,
)


class TestGuardScan:
    """``scan`` refuses whatever ``check_input`` refuses (it then lets it raise)."""

    @staticmethod
    def _refused(document: Any, max_depth: int, max_nodes: int) -> bool:
        try:
            check_input(
                document,
                allowed_context={VC_V2, OB_303}.__contains__,
                max_depth=max_depth,
                max_nodes=max_nodes,
            )
        except Exception:
            return True
        return False

    @_SETTINGS
    @given(
        body=_JSON,
        max_depth=st.integers(1, 6),
        max_nodes=st.integers(1, 40),
        context=st.sampled_from([[VC_V2, OB_303], VC_V2, ["x"], None, [], [VC_V2, {}]]),
    )
    def test_never_accepts_what_check_input_refuses(
        self, body: Any, max_depth: int, max_nodes: int, context: Any
    ) -> None:
        """If ``check_input`` raises, ``scan`` says ``None``; if not, ``scan`` agrees."""
        document = {"@context": context, "x": body} if context is not None else {"x": body}
        verdict = scan(
            document,
            allowed_context={VC_V2, OB_303}.__contains__,
            max_depth=max_depth,
            max_nodes=max_nodes,
        )
        refused = self._refused(document, max_depth, max_nodes)
        if refused:
            assert verdict is None
        else:
            assert verdict is not None
            assert verdict == is_exact_json(document)

    def test_credential_passes_and_is_exact(self, lever: dict[str, Any]) -> None:
        """The representative credential passes and is exact JSON."""
        assert (
            scan(
                lever,
                allowed_context={*lever["@context"]}.__contains__,
                max_depth=32,
                max_nodes=20_000,
            )
            is True
        )

    @pytest.mark.parametrize(
        "tweak",
        [
            lambda d: d.__setitem__("name", ("a", "b")),
            lambda d: d.__setitem__("name", OrderedDict(x=1)),
            lambda d: d.__setitem__("name", float("nan")),
            lambda d: d.__setitem__("name", 1 + 2j),
        ],
        ids=["tuple", "dict-subclass", "nan", "complex"],
    )
    def test_not_exact(self, lever: dict[str, Any], tweak: Any) -> None:
        """Tuples, dict subclasses, NaN and other non-JSON values make a document not exact."""
        document = copy.deepcopy(lever)
        tweak(document)
        assert (
            scan(
                document,
                allowed_context={*lever["@context"]}.__contains__,
                max_depth=32,
                max_nodes=20_000,
            )
            is False
        )


# -- inputs the memo keys must not confuse --------------------------------------------------------


class _Str(str):
    """A str subclass (equal to, and encoded like, the plain string)."""


class TestMemoSafety:
    """Nothing a document holds can make the memo tables give another document a wrong result."""

    @pytest.mark.parametrize(
        "tweak",
        [
            lambda d: d.__setitem__("name", ("a", "b")),
            lambda d: d.__setitem__("name", OrderedDict(x=1)),
            lambda d: d.__setitem__("name", float("nan")),
            lambda d: d.__setitem__("name", -0.0),
            lambda d: d.__setitem__("name", 0.0),
            lambda d: d.__setitem__("name", True),
            lambda d: d.__setitem__("name", 1),
            lambda d: d.__setitem__("name", 1.0),
            lambda d: d.__setitem__("name", 10**30),
            lambda d: d.__setitem__("name", _Str("Teamwork")),
            lambda d: d.__setitem__("name", "lone \ud800 surrogate"),
            lambda d: d["credentialSubject"]["achievement"].__setitem__("name", ["a", ["b"]]),
            lambda d: d.__setitem__("type", ("VerifiableCredential", "OpenBadgeCredential")),
            lambda d: d.__setitem__("id", "_:b0"),
            lambda d: d.__setitem__("name", {"@value": "x", "@language": "fr"}),
            lambda d: d.__setitem__(
                "name", {"@value": "x", "@direction": "rtl", "@language": "ar"}
            ),
            lambda d: d["credentialSubject"]["achievement"]["resultDescription"][0].__setitem__(
                "allowedValue", ["a", "b", "a"]
            ),
            lambda d: d.__setitem__(
                "credentialSubject", [d["credentialSubject"], d["credentialSubject"]]
            ),
            lambda d: d.__setitem__("issuer", d["credentialSubject"]["achievement"]["id"]),
        ],
        ids=[
            "tuple",
            "ordered-dict",
            "nan",
            "minus-zero",
            "zero",
            "true",
            "one",
            "one-float",
            "big-int",
            "str-subclass",
            "surrogate",
            "nested-list",
            "tuple-type",
            "blank-node-id",
            "language-value",
            "direction-value",
            "list-container",
            "duplicate-subject",
            "shared-subject",
        ],
    )
    def test_unusual_inputs_agree(
        self, plain: JsonLdProcessor, loader: ContextLoader, lever: dict[str, Any], tweak: Any
    ) -> None:
        """Unusual values give the plain path's outcome on a warm fast processor, and they do not
        poison it for the credential that follows (same content, exact types)."""
        processor = JsonLdProcessor(loader)
        processor._plain_on_fast_failure = False
        document = copy.deepcopy(lever)
        processor.canonize(document)
        processor.canonize(document)  # subtrees are stored the second time they are seen
        tweak(document)
        assert processor_outcome(processor, document) == processor_outcome(plain, document)
        assert processor_outcome(processor, document) == processor_outcome(plain, document)
        assert processor_outcome(processor, lever) == processor_outcome(plain, lever)

    def test_json_literal_is_not_cached_by_reference(
        self, plain: JsonLdProcessor, fast: JsonLdProcessor, lever: dict[str, Any]
    ) -> None:
        """A ``@json`` literal's expansion holds the caller's object: it must never be cached,
        or changing the caller's document afterwards would change the next credential's result."""
        document = copy.deepcopy(lever)
        document["name"] = {"@value": {"a": 1}, "@type": "@json"}
        expected = plain.canonize(document)
        for _ in range(3):
            assert fast.canonize(document) == expected
        document["name"]["@value"]["a"] = 2  # the caller reuses its object
        fresh = copy.deepcopy(lever)
        fresh["name"] = {"@value": {"a": 1}, "@type": "@json"}
        assert fast.canonize(fresh) == expected
        assert fast.canonize(document) == plain.canonize(document)

    def test_safety_net_runs_plain_on_failure(
        self, loader: ContextLoader, lever: dict[str, Any], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """With the net on (the default), a failing fast path falls back to the plain result."""
        processor = JsonLdProcessor(loader)

        def boom(*args: Any, **kwargs: Any) -> Any:
            raise RuntimeError("fast path broken")

        monkeypatch.setattr(FastEngine, "expand", boom)
        assert processor.canonize(lever) == JsonLdProcessor(loader, fast=False).canonize(lever)

    def test_context_poisoning_is_impossible(
        self,
        plain: JsonLdProcessor,
        fast: JsonLdProcessor,
        loader: ContextLoader,
        lever: dict[str, Any],
    ) -> None:
        """A subtree cached under one context is not reused under another.

        With the W3C undefined-terms context (``@vocab``) an unknown key is signed; without it the
        same subtree must still be refused, however warm the cache.
        """
        vocab = "https://www.w3.org/ns/credentials/undefined-terms/v2"
        if vocab not in loader.urls:
            pytest.skip("the undefined-terms context is only in <repo>/../shared/vectors")
        accepted = copy.deepcopy(lever)
        accepted["@context"] = [*lever["@context"], vocab]
        accepted["credentialSubject"]["achievement"]["madeUpTerm"] = "x"
        refused = copy.deepcopy(accepted)
        refused["@context"] = lever["@context"]
        for document in (accepted, accepted, refused, accepted, refused):
            assert processor_outcome(fast, document) == processor_outcome(plain, document)
        assert processor_outcome(plain, refused)[:2] == ("error", "DataLossError")
        assert processor_outcome(plain, accepted)[0] == "ok"

    def test_threads_agree(
        self, loader: ContextLoader, plain: JsonLdProcessor, lever: dict[str, Any]
    ) -> None:
        """Four threads canonicalizing varied credentials through one processor agree with plain."""
        processor = JsonLdProcessor(loader)
        documents = []
        for index in range(40):
            document = copy.deepcopy(lever)
            document["id"] = f"urn:uuid:{index:032x}"
            document["credentialSubject"]["id"] = f"did:example:{index}"
            documents.append(document)
        expected = [plain.canonize(document) for document in documents]
        failures: list[int] = []

        def work(offset: int) -> None:
            for round_ in range(3):
                for index in range(offset, len(documents), 4):
                    if processor.canonize(documents[index]) != expected[index]:
                        failures.append(index + round_)

        threads = [threading.Thread(target=work, args=(offset,)) for offset in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert failures == []


# -- the proof configuration template -------------------------------------------------------------


class TestProofConfigTemplate:
    """``canonize_proof_config`` equals ``canonize`` for every ``created``."""

    @_SETTINGS
    @given(
        created=st.one_of(
            st.builds(
                lambda y, mo, d, h, mi, s, frac, tz: (
                    f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}{frac}{tz}"
                ),
                st.integers(1, 9999),
                st.integers(1, 12),
                st.integers(1, 28),
                st.integers(0, 23),
                st.integers(0, 59),
                st.integers(0, 59),
                st.sampled_from(["", ".5", ".123456"]),
                st.sampled_from(["Z", "+01:00", "-11:30"]),
            ),
            st.text(max_size=30),
        ),
        method=st.sampled_from(
            ["https://example.org/issuers/1#key-1", "did:example:abc#k", "urn:x"]
        ),
        extra=st.sampled_from(
            [
                {},
                {"expires": "2030-01-01T00:00:00Z"},
                {"domain": "example.org"},
                {"nonce": "n"},
                {"id": "urn:uuid:1"},
            ]
        ),
    )
    def test_same_as_canonize(
        self,
        plain: JsonLdProcessor,
        loader: ContextLoader,
        created: str,
        method: str,
        extra: dict[str, str],
    ) -> None:
        """Template or not, the text is the plain canonical form (or the same error)."""
        processor = JsonLdProcessor(loader)
        processor._plain_on_fast_failure = False
        config = {"@context": [VC_V2, OB_303], **proof_options(method, created), **extra}

        def outcome(run: Any) -> str:
            try:
                return str(run(config))
            except Exception as exc:
                return type(exc).__name__

        expected = outcome(plain.canonize)
        for _ in range(2):
            assert outcome(processor.canonize_proof_config) == expected

    def test_template_is_used(self, fast: JsonLdProcessor) -> None:
        """The second configuration of the same shape comes from the template."""
        first = {"@context": [VC_V2, OB_303], **proof_options("urn:x", "2025-01-01T00:00:00Z")}
        second = {**first, "created": "2026-02-02T02:02:02Z"}
        assert fast.canonize_proof_config(first) == fast.canonize(first)
        assert len(fast._templates) == 1
        assert fast.canonize_proof_config(second) == JsonLdProcessor(
            fast.loader, fast=False
        ).canonize(second)

    def test_untemplatable_config_falls_back(
        self, fast: JsonLdProcessor, plain: JsonLdProcessor
    ) -> None:
        """A probe value elsewhere in the configuration (two matches) disables the template."""
        config = {
            "@context": [VC_V2, OB_303],
            **proof_options("urn:x", "2025-01-01T00:00:00Z"),
            "expires": "2000-01-01T00:00:00Z",
        }
        assert fast.canonize_proof_config(config) == plain.canonize(config)
        assert fast.canonize_proof_config(config) == plain.canonize(config)


# -- memo tables ------------------------------------------------------------


class TestMemoBounds:
    """The memo tables stay within their bounds."""

    def test_bounded_memo_entries_and_bytes(self) -> None:
        """Entries and bytes are capped; the least recently used entry goes first."""
        memo: BoundedMemo[int] = BoundedMemo(3, 100)
        for key in range(3):
            memo.put(key, key, 10)
        memo.get(0)
        memo.put(3, 3, 10)
        assert memo.get(1) is None and memo.get(0) == 0 and len(memo) == 3
        memo.put(4, 4, 95)
        assert memo.size_bytes <= 100
        memo.put(5, 5, 1000)  # larger than the budget: not stored
        assert memo.get(5) is None

    def test_flat_memo_flushes(self) -> None:
        """A full flat memo empties itself before storing."""
        memo = FlatMemo(2, 50)
        memo.store("a", 1, 10)
        memo.store("b", 2, 10)
        memo.store("c", 3, 10)
        assert dict(memo) == {"c": 3}
        memo.store("d", 4, 45)
        assert dict(memo) == {"d": 4}

    @settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(document=credentials())
    def test_engine_tables_bounded(
        self, loader: ContextLoader, plain: JsonLdProcessor, document: dict[str, Any]
    ) -> None:
        """Tiny tables (constant eviction) still give the plain result."""
        processor = JsonLdProcessor(loader)
        processor._plain_on_fast_failure = False
        engine = processor._engine
        assert engine is not None
        engine.subtrees = BoundedMemo(2, 4096)
        engine.frames = BoundedMemo(3)
        engine.shared = BoundedMemo(2)
        engine.scalars = FlatMemo(5)
        engine.iris = FlatMemo(5)
        processor._terms = FlatMemo(5)
        for _ in range(3):
            assert identity_mismatch(plain, processor, document) is None
        assert len(engine.subtrees) <= 2 and len(engine.scalars) <= 5


class TestExactJson:
    """The exactness test behind the content-keyed memo."""

    def test_is_exact_json(self) -> None:
        """Exact JSON: dict, list, str, int, bool, None and finite floats, string keys."""
        assert is_exact_json({"a": [1, 2.5, True, None, "x", {"b": []}]})
        assert not is_exact_json({"a": (1,)})
        assert not is_exact_json({1: "a"})
        assert not is_exact_json({"a": math.inf})
        assert not is_exact_json({"a": _Str("x")})
