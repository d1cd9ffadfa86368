"""The ``proof`` check (ob3-requirements §2.2, §2.3).

``proof``: the credential carries ``proof`` as an array (a single proof object is tolerated, as
OB's compacted form; the ``schema`` check still reports it), of at most :data:`MAX_PROOFS`
objects. **Proof-set policy: strict** (VC Data Integrity "proof sets", catalogue §6.1): *every*
proof must be of a supported suite with purpose ``assertionMethod`` and verify. Supported: a
``DataIntegrityProof`` with cryptosuite ``eddsa-rdfc-2022``, and, in VC 1.1 credentials only
(1EdTech displayer conformance), the legacy ``Ed25519Signature2020``
(:mod:`keys.ed25519_signature_2020`). Either needs an Ed25519 key. One unsupported or failing
proof fails the check, and every proof's key must belong to the issuer (``issuer`` check).
Proof chains (``previousProof``) are not supported and fail. A proof's ``expires`` in the past
fails it (no clock tolerance at the end of validity).

Each proof's ``verificationMethod`` is resolved by the injected
:class:`~verifier.resolver.KeyResolver`; then :func:`keys.cryptosuite.verify_proof` checks the
proof over the document as received, refusing data outside the signed graph (undefined terms,
relative IRIs, unsigned proof members). A credential of more than :data:`MAX_SIGNED_VALUES`
JSON values is refused before canonicalization (time bound); each proof then reuses the
credential's canonical form, so a proof set costs one canonicalization.

The methods resolved here are handed to the ``issuer`` check (:mod:`verifier._issuer`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, Literal, cast

from common.jsonld import ContextNotAllowedError, JsonLdError, JsonLdProcessor, JsonLdSyntaxError
from common.timeutil import parse_datetime_stamp
from keys import ed25519_signature_2020 as legacy
from keys.cryptosuite import CRYPTOSUITE, PROOF_PURPOSE, PROOF_TYPE, ProofError, verify_proof
from keys.did import VerificationMethod, resolve_did_key
from keys.errors import InvalidDidError, InvalidMultikeyError, UnsupportedDidMethodError
from verifier._envelope import is_vc_v1
from verifier._util import errored, failed, passed, quote, stated_issuer_id
from verifier.problems import (
    CRYPTOGRAPHIC_SECURITY_ERROR,
    DATA_LOSS_DETECTION_ERROR,
    INVALID_DID,
    INVALID_DID_URL,
    INVALID_VERIFICATION_METHOD,
    MALFORMED_VALUE_ERROR,
    PARSING_ERROR,
    PROOF_EXPIRED,
    PROOF_TRANSFORMATION_ERROR,
    PROOF_VERIFICATION_ERROR,
    UNRESOLVABLE_VERIFICATION_METHOD,
    UNSUPPORTED_VERIFICATION_METHOD,
)
from verifier.report import Check
from verifier.resolver import KeyResolver, ResolutionError

__all__ = [
    "MAX_PROOFS",
    "MAX_SIGNED_VALUES",
    "KeyFailure",
    "ProofResult",
    "check_proof",
    "resolve_key",
]

MAX_PROOFS: Final = 4
"""Most proofs accepted on one credential."""
MAX_SIGNED_VALUES: Final = 5_000
"""Most JSON values (objects, arrays, scalars) in a credential that gets canonicalized."""

_CODE_TYPES: Final = {
    "PROOF_VERIFICATION_ERROR": PROOF_VERIFICATION_ERROR,
    "PROOF_TRANSFORMATION_ERROR": PROOF_TRANSFORMATION_ERROR,
    "DATA_LOSS_DETECTION_ERROR": DATA_LOSS_DETECTION_ERROR,
    "MALFORMED_VALUE_ERROR": MALFORMED_VALUE_ERROR,
    "CRYPTOGRAPHIC_SECURITY_ERROR": CRYPTOGRAPHIC_SECURITY_ERROR,
}


@dataclass(frozen=True)
class ProofResult:
    """The ``proof`` check and the verification methods it resolved (for ``issuer``)."""

    check: Check
    methods: tuple[VerificationMethod, ...]


@dataclass(frozen=True)
class _One:
    status: Literal["passed", "failed", "error"]
    message: str
    problem_type: str = ""
    method: VerificationMethod | None = None
    suite: str = CRYPTOSUITE


class _MemoizedCanonize:
    """The verifier's processor, remembering canonical forms for the span of one credential.

    Every proof of a proof set is verified over the same document; canonicalizing it once
    keeps the cost of a set of :data:`MAX_PROOFS` proofs close to the cost of one. The memo
    key is the exact JSON text, so only identical documents share a result. Everything but
    :meth:`canonize` is the wrapped processor's own (its caches and limits are kept).
    """

    def __init__(self, inner: JsonLdProcessor) -> None:
        self._inner = inner
        self._memo: dict[str, str | JsonLdError] = {}

    def canonize(self, document: Any) -> str:
        """The wrapped processor's ``canonize``, once per distinct document."""
        key = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
        if key not in self._memo:
            try:
                self._memo[key] = self._inner.canonize(document)
            except JsonLdError as exc:
                self._memo[key] = exc
        result = self._memo[key]
        if isinstance(result, JsonLdError):
            raise type(result)(result.detail)
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def _memoized(processor: JsonLdProcessor) -> JsonLdProcessor:
    # Duck-typed on purpose: subclassing would build a second processor (and its caches).
    return cast(JsonLdProcessor, _MemoizedCanonize(processor))


def _count_values(document: Mapping[str, Any], limit: int) -> int:
    count = 0
    stack: list[Any] = [value for key, value in document.items() if key != "proof"]
    while stack and count <= limit:
        value = stack.pop()
        count += 1
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return count


def _proof_error_type(exc: ProofError) -> str:
    if isinstance(exc.__cause__, JsonLdSyntaxError | ContextNotAllowedError):
        return PARSING_ERROR
    return _CODE_TYPES.get(exc.code, PROOF_VERIFICATION_ERROR)


def _did_problem_type(verification_method: str) -> str:
    if not verification_method.lower().startswith("did:key:"):
        return INVALID_VERIFICATION_METHOD
    did, has_fragment, _ = verification_method.partition("#")
    if has_fragment:
        try:
            resolve_did_key(did)
        except (InvalidDidError, InvalidMultikeyError, UnsupportedDidMethodError):
            return INVALID_DID
        return INVALID_DID_URL
    return INVALID_DID


@dataclass(frozen=True)
class KeyFailure:
    """Why a verification method could not be used (``failed``: bad; ``error``: unknown)."""

    status: Literal["failed", "error"]
    message: str
    problem_type: str


def resolve_key(
    resolver: KeyResolver, vm_id: str, *, issuer_id: str
) -> VerificationMethod | KeyFailure:
    """Resolve a verification method, mapping resolver errors to a :class:`KeyFailure`.

    Args:
        resolver: The verifier's resolver.
        vm_id: The verification method id (a proof's ``verificationMethod``, a JWT ``kid``).
        issuer_id: The credential's issuer id (``""`` if none).

    Returns:
        The method, or why it cannot be used.
    """
    try:
        return resolver.resolve(vm_id, issuer_id=issuer_id)
    except UnsupportedDidMethodError:
        return KeyFailure(
            "failed",
            f"unsupported verification method {quote(vm_id)}; only did:key and did:web keys "
            "are supported",
            UNSUPPORTED_VERIFICATION_METHOD,
        )
    except (InvalidDidError, InvalidMultikeyError) as exc:
        return KeyFailure(
            "failed",
            f"verification method {quote(vm_id)} is invalid: {exc}",
            _did_problem_type(vm_id),
        )
    except ResolutionError as exc:
        return KeyFailure(
            "error",
            f"verification method {quote(vm_id)} cannot be resolved: {exc}",
            UNRESOLVABLE_VERIFICATION_METHOD,
        )


class _ProofVerifier:
    def __init__(
        self,
        document: dict[str, Any],
        processor: JsonLdProcessor,
        resolver: KeyResolver,
        now: datetime,
    ) -> None:
        self.document = document
        self.processor = processor
        self.resolver = resolver
        self.now = now
        self.issuer_id = stated_issuer_id(document) or ""
        self.vc_v1 = is_vc_v1(document)

    def verify(self, proof: dict[str, Any]) -> _One:
        for member in ("type", "verificationMethod", "proofPurpose"):
            if member not in proof:
                return _One("failed", f"the proof has no {member}", PROOF_VERIFICATION_ERROR)
            if not isinstance(proof[member], str):
                return _One(
                    "failed", f"the proof's {member} must be a string", PROOF_VERIFICATION_ERROR
                )
        if "previousProof" in proof:
            return _One(
                "failed", "proof chains (previousProof) are not supported", PROOF_VERIFICATION_ERROR
            )
        if proof["type"] == legacy.PROOF_TYPE and self.vc_v1:
            return self._verify_legacy(proof)
        if proof["type"] != PROOF_TYPE:
            v1_note = f" (and {legacy.PROOF_TYPE} in VC 1.1 credentials)"
            return _One(
                "failed",
                f"unsupported proof type {quote(proof['type'])}; only {PROOF_TYPE} with "
                f"{CRYPTOSUITE} is supported{v1_note}",
                PROOF_VERIFICATION_ERROR,
            )
        if proof.get("cryptosuite") != CRYPTOSUITE:
            return _One(
                "failed",
                f"unsupported cryptosuite {quote(proof.get('cryptosuite'))}; only {CRYPTOSUITE} "
                "is supported",
                PROOF_VERIFICATION_ERROR,
            )
        if proof["proofPurpose"] != PROOF_PURPOSE:
            return _One(
                "failed",
                f"proof purpose is {quote(proof['proofPurpose'])}, not {PROOF_PURPOSE}",
                PROOF_VERIFICATION_ERROR,
            )
        if "@context" in proof and proof["@context"] != self.document.get("@context"):
            return _One(
                "failed",
                "the proof's @context differs from the credential's (it would not be signed)",
                DATA_LOSS_DETECTION_ERROR,
            )
        return self._verify_with_key(proof)

    def _verify_legacy(self, proof: dict[str, Any]) -> _One:
        if proof["proofPurpose"] != legacy.PROOF_PURPOSE:
            return _One(
                "failed",
                f"proof purpose is {quote(proof['proofPurpose'])}, not {legacy.PROOF_PURPOSE}",
                PROOF_VERIFICATION_ERROR,
                suite=legacy.PROOF_TYPE,
            )
        return self._verify_with_key(proof, suite=legacy.PROOF_TYPE)

    def _resolve(self, vm_id: str) -> VerificationMethod | _One:
        resolved = resolve_key(self.resolver, vm_id, issuer_id=self.issuer_id)
        if isinstance(resolved, KeyFailure):
            return _One(resolved.status, resolved.message, resolved.problem_type)
        if not resolved.is_ed25519:
            return _One(
                "failed",
                f"verification method {quote(vm_id)} is not an Ed25519 key",
                INVALID_VERIFICATION_METHOD,
            )
        return resolved

    def _verify_with_key(self, proof: dict[str, Any], suite: str = CRYPTOSUITE) -> _One:
        vm_id: str = proof["verificationMethod"]
        resolved = self._resolve(vm_id)
        if isinstance(resolved, _One):
            return _One(resolved.status, resolved.message, resolved.problem_type, suite=suite)
        method = resolved
        verify = legacy.verify_proof if suite == legacy.PROOF_TYPE else verify_proof
        try:
            verify(self.processor, self.document, proof, public_key=method.public_key)
        except ProofError as exc:
            return _One("failed", exc.message, _proof_error_type(exc), method, suite)
        if "expires" in proof:
            expires = parse_datetime_stamp(proof["expires"])  # verify checked the form
            if expires < self.now:
                return _One(
                    "failed",
                    f"the proof expired on {proof['expires']}",
                    PROOF_EXPIRED,
                    method,
                    suite,
                )
        return _One("passed", f"verified with {method.id}", method=method, suite=suite)


def check_proof(
    document: dict[str, Any],
    processor: JsonLdProcessor,
    resolver: KeyResolver,
    *,
    now: datetime,
) -> ProofResult:
    """Run the ``proof`` check.

    Args:
        document: The parsed credential, as received.
        processor: The JSON-LD processor over the pinned contexts.
        resolver: Resolves verification methods to keys.
        now: The verification time (a proof whose ``expires`` is before it fails: the end of
            validity has no clock tolerance).

    Returns:
        The check and the verification methods that could be resolved.
    """
    raw = document.get("proof")
    if raw is None or raw == []:
        return ProofResult(
            failed(
                "proof",
                PROOF_VERIFICATION_ERROR,
                "the credential has no proof: an unsigned credential cannot be verified",
            ),
            (),
        )
    proofs: list[Any] = raw if isinstance(raw, list) else [raw]
    if len(proofs) > MAX_PROOFS:
        return ProofResult(
            failed(
                "proof",
                PROOF_VERIFICATION_ERROR,
                f"the credential has {len(proofs)} proofs; at most {MAX_PROOFS} are accepted",
            ),
            (),
        )
    for index, proof in enumerate(proofs):
        if not isinstance(proof, dict):
            where = "proof" if proof is raw else f"proof[{index}]"
            return ProofResult(failed("proof", PARSING_ERROR, f"{where} is not a JSON object"), ())
    if _count_values(document, MAX_SIGNED_VALUES) > MAX_SIGNED_VALUES:
        return ProofResult(
            failed(
                "proof",
                PROOF_TRANSFORMATION_ERROR,
                f"the credential is too large to verify (more than {MAX_SIGNED_VALUES} JSON "
                "values)",
            ),
            (),
        )
    verifier = _ProofVerifier(document, _memoized(processor), resolver, now)
    outcomes = [verifier.verify(proof) for proof in proofs]
    methods = tuple(outcome.method for outcome in outcomes if outcome.method is not None)
    return ProofResult(_aggregate(outcomes), methods)


def _aggregate(outcomes: Sequence[_One]) -> Check:
    total = len(outcomes)

    def label(index: int, outcome: _One) -> str:
        return outcome.message if total == 1 else f"proof {index + 1} of {total}: {outcome.message}"

    for wanted in ("failed", "error"):
        for index, outcome in enumerate(outcomes):
            if outcome.status == wanted:
                make = failed if wanted == "failed" else errored
                return make("proof", outcome.problem_type, label(index, outcome))
    suites = " and ".join(sorted({outcome.suite for outcome in outcomes}))
    if total == 1:
        return passed("proof", f"the {suites} proof verifies ({outcomes[0].message})")
    return passed("proof", f"all {total} {suites} proofs verify")
