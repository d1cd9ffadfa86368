"""Micro-benchmark of JSON-LD canonicalization and eddsa-rdfc-2022 sign/verify, plain vs fast.

Usage (from the repository root)::

    PYTHONPATH=. python scripts/bench_jsonld.py [--seconds 2] [--json]

The credential is the representative LEVER credential of the identity tests
(``tests/common/fixtures/lever_credential.json``: issuer profile, achievement with criteria,
alignments, two rubric result descriptions with EQF alignments, a subject with an identity
object and two results, two evidence items, a credentialSchema and a Bitstring status entry).

Figures, each in operations per second on one core, one operation at a time (best of five
rounds):

- ``cold``: a fresh :class:`~common.jsonld.JsonLdProcessor` for every operation (for the plain
  path pyld's process-wide context cache is emptied too, so both start from nothing);
- ``warm, same``: one processor, the same credential again and again;
- ``warm, varying``: one processor, a new credential of the same badge class every time (new
  credential id, recipient, identity hash and salt, dates, status index and evidence): what an
  issuer or a verifier sees in steady state;
- ``sign`` / ``verify``: :func:`keys.cryptosuite.create_proof` and
  :func:`keys.cryptosuite.verify_proof` on varying credentials (a new ``created`` each time).

The contexts are the shipped, pinned ones (``ContextLoader.from_directory()``); if they are not
there yet, the offline copies in ``<repo>/../shared/vectors/contexts`` are used.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from pyld import jsonld

from common.jsonld import ContextLoader, JsonLdError, JsonLdProcessor
from keys.cryptosuite import create_proof, verify_proof
from keys.ed25519 import Ed25519KeyPair

REPO_ROOT = Path(__file__).resolve().parent.parent
CREDENTIAL = REPO_ROOT / "tests" / "common" / "fixtures" / "lever_credential.json"
SHARED_CONTEXTS = REPO_ROOT.parent / "shared" / "vectors" / "contexts"
VERIFICATION_METHOD = "did:web:badges.leverup.example#key-1"


def shared_loader(directory: Path = SHARED_CONTEXTS) -> ContextLoader:
    """A loader over the offline context copies (file name = URL without scheme, / as _)."""
    documents: dict[str, Any] = {}
    for path in sorted(directory.iterdir()):
        name = path.name
        if not (name.endswith(".json") or name.endswith(".jsonld")) or "variant" in name:
            continue
        if name.endswith(".jsonld"):
            name = name[: -len(".jsonld")]
        documents["https://" + name.replace("_", "/")] = json.loads(path.read_bytes())
    return ContextLoader(documents)


def make_loader(credential: dict[str, Any]) -> tuple[ContextLoader, str]:
    """The pinned loader if it serves the credential's contexts, else the offline copies."""
    try:
        loader = ContextLoader.from_directory()
        if set(credential["@context"]) <= loader.urls:
            return loader, "common/jsonld/contexts"
    except JsonLdError:
        pass
    return shared_loader(), "../shared/vectors/contexts"


def variants(credential: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Endless credentials of the same badge class, each for a new recipient.

    Only the parts that change are new objects (about 5 µs a credential, counted in the
    figures); the unchanged parts are shared, which makes no difference to either path (both
    read their input only, and the fast path keys its memo by content, never by identity).
    """
    index = 0
    while True:
        index += 1
        document = dict(credential)
        document["id"] = f"urn:uuid:7f3c2a58-1d4b-4e1a-9c2e-{index:012x}"
        subject = document["credentialSubject"] = dict(credential["credentialSubject"])
        subject["id"] = f"did:key:z6Mk{index:044d}"
        identity = dict(subject["identifier"][0])
        identity["identityHash"] = f"sha256${index:064x}"
        identity["salt"] = f"s{index * 7919:x}"
        subject["identifier"] = [identity, *subject["identifier"][1:]]
        document["validFrom"] = f"2025-{1 + index % 12:02d}-{1 + index % 28:02d}T09:30:00Z"
        status = document["credentialStatus"] = dict(credential["credentialStatus"])
        status["statusListIndex"] = str(index)
        status["id"] = f"{status['statusListCredential']}#{index}"
        document["evidence"] = [
            {**evidence, "id": f"https://leverup.example/portfolio/{index:x}/evidence/{number}"}
            for number, evidence in enumerate(credential["evidence"])
        ]
        yield document


def created_stamps() -> Iterator[str]:
    """Endless distinct proof creation times."""
    index = 0
    while True:
        index += 1
        hours, minutes, seconds = index // 3600 % 24, index // 60 % 60, index % 60
        yield f"2025-06-{1 + index % 28:02d}T{hours:02d}:{minutes:02d}:{seconds:02d}Z"


def rate(operation: Callable[[], object], seconds: float, warmup: int = 20) -> float:
    """Operations per second: the best of five rounds after a warm-up.

    The best round, as ``timeit`` advises: other processes on the machine only ever slow a
    round down, so the fastest one is the closest to the cost of the code itself.
    """
    for _ in range(warmup):
        operation()
    rounds = []
    for _ in range(5):
        count = 0
        start = time.perf_counter()
        end = start + seconds / 5
        now = start
        while now < end:
            operation()
            count += 1
            now = time.perf_counter()
        rounds.append(count / (now - start))
    return max(rounds)


def bench(seconds: float) -> dict[str, Any]:
    credential = json.loads(CREDENTIAL.read_text(encoding="utf-8"))
    loader, source = make_loader(credential)
    key_pair = Ed25519KeyPair.from_seed(bytes(range(32)))
    results: dict[str, Any] = {"contexts": source, "quads": 0}

    for name, fast in (("plain", False), ("fast", True)):
        figures: dict[str, float] = {}

        def cold(fast: bool = fast) -> None:
            if not fast:
                jsonld._resolved_context_cache.clear()
            JsonLdProcessor(loader, fast=fast).canonize(credential)

        figures["canonize_cold"] = rate(cold, seconds, warmup=2)
        start = time.perf_counter()
        cold()
        figures["first_call_ms"] = (time.perf_counter() - start) * 1000

        processor = JsonLdProcessor(loader, fast=fast)
        results["quads"] = len(processor.quads(credential))
        figures["canonize_warm_same"] = rate(lambda p=processor: p.canonize(credential), seconds)
        documents = variants(credential)
        figures["canonize_warm_varying"] = rate(
            lambda p=processor, d=documents: p.canonize(next(d)), seconds
        )

        stamps = created_stamps()

        def sign(
            p: JsonLdProcessor = processor,
            d: Iterator[Any] = documents,
            t: Iterator[str] = stamps,
        ) -> None:
            create_proof(
                p,
                next(d),
                key_pair=key_pair,
                verification_method=VERIFICATION_METHOD,
                created=next(t),
            )

        figures["sign_varying"] = rate(sign, seconds)

        # Enough distinct signed credentials that none is verified twice.
        signer = JsonLdProcessor(loader)
        signed = []
        for _ in range(int(seconds * (3000 if fast else 200)) + 100):
            document = next(documents)
            proof = create_proof(
                signer,
                document,
                key_pair=key_pair,
                verification_method=VERIFICATION_METHOD,
                created=next(stamps),
            )
            signed.append({**document, "proof": [proof]})
        pool = iter(signed)

        def verify(p: JsonLdProcessor = processor, s: Iterator[Any] = pool) -> None:
            document = next(s)
            verify_proof(p, document, document["proof"][0], public_key=key_pair.public_key)

        figures["verify_varying"] = rate(verify, seconds)
        results[name] = figures
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="time per figure")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    results = bench(args.seconds)
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(f"credential: {CREDENTIAL.relative_to(REPO_ROOT)} ({results['quads']} quads)")
    print(f"contexts:   {results['contexts']}")
    print(f"{'ops/s':<24}{'plain':>12}{'fast':>12}{'ratio':>10}")
    for key in (
        "canonize_cold",
        "canonize_warm_same",
        "canonize_warm_varying",
        "sign_varying",
        "verify_varying",
    ):
        plain, fast = results["plain"][key], results["fast"][key]
        print(f"{key:<24}{plain:>12.1f}{fast:>12.1f}{fast / plain:>9.1f}x")
    print(
        f"{'first call (ms)':<24}{results['plain']['first_call_ms']:>12.2f}"
        f"{results['fast']['first_call_ms']:>12.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
