"""Benchmarks: our sign and verify throughput beside the reference implementation's.

``leverup bench`` measures this process only. ``make bench`` (``python -m app.bench``) runs the
same measurement and, in the same run and on the same credential, the reference JavaScript
implementation (``interop/js/ref.mjs bench``), and prints both with their ratio.

Method: one core, one operation at a time, a warm-up, then as many operations as fit in the
given seconds. Signing uses a throwaway key whose did:key becomes the issuer id; verification
runs the full verifier (parse, context, type, schema, proof with did:key resolution, issuer
binding, validity dates) with no status entry, no network.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common.timeutil import utcnow

__all__ = ["Measurement", "bench_credential", "main", "measure", "reference_bench"]

REPO_ROOT = Path(__file__).resolve().parent.parent
REF_SCRIPT = REPO_ROOT / "interop" / "js" / "ref.mjs"
BENCH_SEED = bytes(range(32))


class Measurement(dict[str, float]):
    """``ops_per_s``, ``p50_ms``, ``p99_ms`` of one operation."""


def _run(operation: Callable[[], object], seconds: float) -> Measurement:
    for _ in range(20):  # warm-up: caches, lazy imports
        operation()
    latencies: list[float] = []
    end = time.perf_counter() + seconds
    while True:
        start = time.perf_counter()
        operation()
        stop = time.perf_counter()
        latencies.append(stop - start)
        if stop >= end:
            break
    total = sum(latencies)
    quantiles = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else latencies * 99
    return Measurement(
        ops_per_s=len(latencies) / total,
        p50_ms=quantiles[49] * 1000,
        p99_ms=quantiles[98] * 1000,
    )


def bench_credential() -> dict[str, Any]:
    """The default benchmark credential: a representative, unsigned LEVER competence credential.

    Built by our issuer from the catalogue (teamwork, accomplished, mid-high, a named assessor,
    the default evidence, an expiry and a Bitstring status entry), as it would be issued.
    """
    from app.context import default_processor
    from badge_classes import Catalogue
    from issuer import IssueRequest, IssuerProfile, Recipient, build_credential

    base = "https://badges.example.org"
    request = IssueRequest(
        achievement="teamwork",
        outcome="accomplished",
        complexity="mid-high",
        recipient=Recipient(email="volunteer@example.org", name="Alex Example"),
        assessor="Maria Rossi",
        valid_until=utcnow().replace(year=utcnow().year + 3),
    )
    default_processor()
    status_list = f"{base}/orgs/demo/status/revocation/1"
    return build_credential(
        Catalogue.load(),
        request,
        profile=IssuerProfile(id="did:key:placeholder", name="Demo volunteer centre", url=base),
        base_url=base,
        issued_at=utcnow(),
        credential_status={
            "id": f"{status_list}#94567",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "94567",
            "statusListCredential": status_list,
        },
    )


def measure(unsigned: dict[str, Any], seconds: float) -> dict[str, Measurement]:
    """Sign and verify ``unsigned`` (issuer id set to a throwaway did:key) for ``seconds`` each."""
    from app.context import default_processor
    from app.verification import make_verifier
    from issuer import Signer, sign_credential
    from keys.did import did_key, did_key_verification_method
    from keys.ed25519 import Ed25519KeyPair

    processor = default_processor()
    key_pair = Ed25519KeyPair.from_seed(BENCH_SEED)
    document = copy.deepcopy(unsigned)
    document.pop("credentialStatus", None)  # no status check in the benchmark
    if isinstance(document.get("issuer"), dict):
        document["issuer"]["id"] = did_key(key_pair.public_key)
    else:
        document["issuer"] = did_key(key_pair.public_key)
    signer = Signer(key_pair, did_key_verification_method(key_pair.public_key))
    signed = sign_credential(processor, document, signer).signed_bytes
    verifier = make_verifier(processor)
    report = verifier.verify(signed)
    if not report.verified:
        failed = [c for c in report.checks if c.status not in {"passed", "skipped"}]
        raise RuntimeError(f"benchmark credential does not verify: {failed}")
    return {
        "sign": _run(lambda: sign_credential(processor, document, signer), seconds),
        "verify": _run(lambda: verifier.verify(signed), seconds),
    }


def reference_bench(unsigned: dict[str, Any], seconds: float) -> dict[str, float] | None:
    """The reference implementation's figures on the same credential, or None without node."""
    node = shutil.which("node")
    if node is None or not (REF_SCRIPT.parent / "node_modules").is_dir():
        return None
    document = copy.deepcopy(unsigned)
    document.pop("credentialStatus", None)
    result = subprocess.run(  # noqa: S603 - fixed script, our own input
        [node, str(REF_SCRIPT), "bench", "--seconds", str(seconds), "--seed-hex", BENCH_SEED.hex()],
        input=json.dumps(document).encode(),
        capture_output=True,
        check=True,
        timeout=seconds * 4 + 60,
    )
    last = result.stdout.decode().strip().splitlines()[-1]
    figures: dict[str, float] = json.loads(last)
    return figures


def main(argv: list[str] | None = None) -> int:
    """``make bench``: ours and the reference's, same credential, same run."""
    seconds = float(os.environ.get("LEVERUP_BENCH_SECONDS", "5"))
    unsigned = bench_credential()
    ours = measure(unsigned, seconds)
    ref = reference_bench(unsigned, seconds)
    print(f"eddsa-rdfc-2022 on one core, {seconds:g} s per figure, representative LEVER credential")
    print(
        f"{'':<10}{'ours ops/s':>12}{'p50 ms':>9}{'p99 ms':>9}{'reference ops/s':>17}{'ratio':>8}"
    )
    for op in ("sign", "verify"):
        m = ours[op]
        ref_ops = ref.get(f"{op}_ops_per_s") if ref else None
        ratio = f"{m['ops_per_s'] / ref_ops:.1f}x" if ref_ops else "n/a"
        ref_text = f"{ref_ops:.0f}" if ref_ops else "n/a (no node)"
        print(
            f"{op:<10}{m['ops_per_s']:>12.0f}{m['p50_ms']:>9.2f}{m['p99_ms']:>9.2f}"
            f"{ref_text:>17}{ratio:>8}"
        )
    if ref is None:
        print("reference implementation not run: node or interop/js/node_modules missing")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
