"""Credentials, keys and verifiers for the verifier tests.

Keys come from fixed seeds (restated here, never generated), the clock is fixed, and every
credential is signed with ``keys.cryptosuite``; mutations are applied after signing unless a
test says it re-signs.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import base58

from common.jsonld import ContextLoader, JsonLdProcessor
from keys.cryptosuite import hash_data, sign_document
from keys.did import did_key, did_key_verification_method, did_web_document
from keys.ed25519 import Ed25519KeyPair
from verifier import (
    Check,
    CompositeResolver,
    DidKeyResolver,
    KeyResolver,
    LocalDidWebResolver,
    VerificationReport,
    Verifier,
)

REPO_ROOT: Final = Path(__file__).resolve().parents[2]
SHARED_VECTORS: Final = REPO_ROOT.parent / "shared" / "vectors"

V2: Final = "https://www.w3.org/ns/credentials/v2"
OB: Final = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"

# Ed25519 seeds of the test keys (32 bytes each, fixed so that failures are reproducible).
T1_SEED: Final = bytes.fromhex("1f2e3d4c5b6a79880f1e2d3c4b5a69781122334455667788a1b2c3d4e5f60718")
T2_SEED: Final = bytes.fromhex("2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a")
ATK_SEED: Final = bytes.fromhex("a77ac4e5a77ac4e5a77ac4e5a77ac4e5a77ac4e5a77ac4e5a77ac4e5a77ac4e5")

T1: Final = Ed25519KeyPair.from_seed(T1_SEED)
T2: Final = Ed25519KeyPair.from_seed(T2_SEED)
ATK: Final = Ed25519KeyPair.from_seed(ATK_SEED)

T1_DID: Final = did_key(T1.public_key)
T1_VM: Final = did_key_verification_method(T1.public_key)
ATK_DID: Final = did_key(ATK.public_key)
ATK_VM: Final = did_key_verification_method(ATK.public_key)

WEB_DID: Final = "did:web:issuer.example"
WEB_VM: Final = WEB_DID + "#key-1"

NOW: Final = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)
CREATED: Final = "2026-01-01T09:30:00Z"
VALID_FROM: Final = "2026-01-01T09:30:00Z"
VALID_UNTIL: Final = "2029-01-01T00:00:00Z"
RECIPIENT_EMAIL: Final = "learner@example.org"
SALT: Final = "8c2f0e5d1a7b4c3e9f6a0b1c2d3e4f50"

STATUS_LIST: Final = "https://registry.example/status/t1/1"


def shared_file(*parts: str) -> Path:
    """A file of ``<repo>/../shared/vectors`` (callers skip when it is absent)."""
    return SHARED_VECTORS.joinpath(*parts)


def vector_context_loader() -> ContextLoader:
    """A loader over the shared vector contexts (file name = URL without scheme, '/' -> '_')."""
    documents: dict[str, Any] = {}
    for path in (SHARED_VECTORS / "contexts").iterdir():
        if path.suffix not in (".json", ".jsonld") or "variant" in path.name:
            continue
        stem = path.name[: -len(".jsonld")] if path.suffix == ".jsonld" else path.name
        documents["https://" + stem.replace("_", "/")] = json.loads(path.read_text("utf-8"))
    return ContextLoader(documents)


def build_credential(
    issuer_id: str = T1_DID, *, status: bool = False, issuer_name: str = "Org One"
) -> dict[str, Any]:
    """An unsigned OB 3.0 credential like the ones LEVER UP issues (VC 2.0 + OB 3.0.3)."""
    identity_hash = hashlib.sha256((RECIPIENT_EMAIL + SALT).encode("utf-8")).hexdigest()
    credential: dict[str, Any] = {
        "@context": [V2, OB],
        "id": "urn:uuid:4f1c5b3e-8a2d-4c6f-9e7a-1b2c3d4e5f60",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Teamwork — Accomplished",
        "description": "LEVER UP validation of a transversal competence.",
        "issuer": {
            "id": issuer_id,
            "type": ["Profile"],
            "name": issuer_name,
            "url": "https://org-one.example",
        },
        "validFrom": VALID_FROM,
        "validUntil": VALID_UNTIL,
        "awardedDate": VALID_FROM,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": SALT,
                    "identityHash": "sha256$" + identity_hash,
                }
            ],
            "achievement": {
                "id": "urn:uuid:0b6d1e7a-2f3c-4d5e-8f9a-0b1c2d3e4f5a",
                "type": ["Achievement"],
                "achievementType": "Competency",
                "name": "Teamwork",
                "description": "Évaluation des compétences transversales : travail d'équipe.",
                "criteria": {"narrative": "Assessed by a LEVER UP assessor on a portfolio."},
                "resultDescription": [
                    {
                        "id": "urn:uuid:9a1b2c3d-0000-4000-8000-00000000a001",
                        "type": ["ResultDescription"],
                        "name": "Outcome level",
                        "resultType": "RubricCriterionLevel",
                        "rubricCriterionLevel": [
                            {
                                "id": "urn:uuid:9a1b2c3d-0000-4000-8000-00000000b001",
                                "type": ["RubricCriterionLevel"],
                                "name": "Basic",
                            },
                            {
                                "id": "urn:uuid:9a1b2c3d-0000-4000-8000-00000000b002",
                                "type": ["RubricCriterionLevel"],
                                "name": "Accomplished",
                            },
                        ],
                    },
                    {
                        "id": "urn:uuid:9a1b2c3d-0000-4000-8000-00000000a002",
                        "type": ["ResultDescription"],
                        "name": "Environment complexity",
                        "resultType": "RubricCriterionLevel",
                        "rubricCriterionLevel": [
                            {
                                "id": "urn:uuid:9a1b2c3d-0000-4000-8000-00000000c001",
                                "type": ["RubricCriterionLevel"],
                                "name": "low",
                            },
                            {
                                "id": "urn:uuid:9a1b2c3d-0000-4000-8000-00000000c002",
                                "type": ["RubricCriterionLevel"],
                                "name": "high",
                            },
                        ],
                    },
                ],
            },
            "result": [
                {
                    "type": ["Result"],
                    "resultDescription": "urn:uuid:9a1b2c3d-0000-4000-8000-00000000a001",
                    "achievedLevel": "urn:uuid:9a1b2c3d-0000-4000-8000-00000000b002",
                },
                {
                    "type": ["Result"],
                    "resultDescription": "urn:uuid:9a1b2c3d-0000-4000-8000-00000000a002",
                    "achievedLevel": "urn:uuid:9a1b2c3d-0000-4000-8000-00000000c002",
                },
            ],
        },
        "evidence": [
            {
                "id": "urn:uuid:e1d2c3b4-0000-4000-8000-0000000000e1",
                "type": ["Evidence"],
                "name": "Portfolio",
                "narrative": "Three documented team projects.",
            }
        ],
    }
    if status:
        credential["credentialStatus"] = {
            "id": STATUS_LIST + "#94567",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": "94567",
            "statusListCredential": STATUS_LIST,
        }
    return credential


def sign(
    processor: JsonLdProcessor,
    credential: Mapping[str, Any],
    key_pair: Ed25519KeyPair = T1,
    verification_method: str = T1_VM,
) -> dict[str, Any]:
    """Sign with the production routine (``keys.cryptosuite.sign_document``)."""
    return sign_document(
        processor,
        credential,
        key_pair=key_pair,
        verification_method=verification_method,
        created=CREATED,
    )


def proof_with_options(
    processor: JsonLdProcessor,
    credential: Mapping[str, Any],
    options: Mapping[str, Any],
    key_pair: Ed25519KeyPair = T1,
) -> dict[str, Any]:
    """A proof with arbitrary options, signed the eddsa-rdfc-2022 way (for "re-sign" rows)."""
    unsecured = {key: value for key, value in credential.items() if key != "proof"}
    config = {"@context": credential["@context"], **options}
    signature = key_pair.sign(hash_data(processor, unsecured, config))
    return {**options, "proofValue": "z" + base58.b58encode(signature).decode("ascii")}


def default_options(verification_method: str = T1_VM) -> dict[str, Any]:
    """The proof options our issuer uses."""
    return {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": CREATED,
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }


def web_document(
    did: str = WEB_DID, keys: tuple[tuple[str, bytes], ...] = (("key-1", T1.public_key),)
) -> dict[str, Any]:
    """A did:web DID document built by ``keys.did.did_web_document``."""
    return did_web_document(did, list(keys))


class FixedStatus:
    """A status checker that always answers the same check (and records its calls)."""

    def __init__(self, status: str = "passed", message: str = "not revoked") -> None:
        self.result = Check(id="status", status=status, message=message)  # type: ignore[arg-type]
        self.calls = 0

    def check(self, credential: dict[str, Any]) -> Check:
        """Return the fixed result."""
        self.calls += 1
        return self.result


def make_verifier(
    processor: JsonLdProcessor,
    *,
    did_documents: Mapping[str, Mapping[str, Any]] | None = None,
    resolver: KeyResolver | None = None,
    status_checker: Any = None,
    now: datetime = NOW,
) -> Verifier:
    """A verifier over did:key and the given local did:web documents, at a fixed time."""
    documents = dict(did_documents or {})
    return Verifier(
        processor,
        resolver or CompositeResolver([DidKeyResolver(), LocalDidWebResolver(documents.get)]),
        status_checker=status_checker,
        clock=lambda: now,
    )


def mutated(document: Mapping[str, Any]) -> dict[str, Any]:
    """A deep copy to mutate."""
    return copy.deepcopy(dict(document))


def assert_fails(
    report: VerificationReport,
    check_id: str,
    problem: str | None = None,
    *,
    status: str = "failed",
) -> Check:
    """Assert the report is not verified and ``check_id`` has ``status`` (and problem type)."""
    assert report.verified is False
    check = report.check(check_id)
    assert check is not None, f"no {check_id} check"
    assert check.status == status, f"{check_id}: {check.status} {check.message}"
    if os.environ.get("VERIFIER_TEST_DEBUG"):
        print(f"\n{check_id}: {check.status}: {check.message}")
    if problem is not None:
        assert check.problem is not None
        assert check.problem.type.endswith(problem), check.problem.type
    return check


class Recording(FixedStatus):
    """A fixed status checker that also keeps the credentials it was given."""

    def __init__(self, status: str = "passed") -> None:
        super().__init__(status)
        self.seen: list[dict[str, Any]] = []

    def check(self, credential: dict[str, Any]) -> Check:
        self.seen.append(credential)
        return super().check(credential)
