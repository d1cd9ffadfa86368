"""The reference JavaScript harness is configured right (``interop/js/ref.mjs``).

It reproduces the published W3C and Open Badges eddsa-rdfc-2022 vectors,
round-trips a did:key OB 3.0 credential, rejects tampering, reports a set
Bitstring status bit as not verified, and refuses undefined terms and
documents it was not given.
"""

from __future__ import annotations

import base64
import copy
import gzip
import json
from pathlib import Path
from typing import Any

import pytest

from .reference import ReferenceImplementation, ReferenceImplementationError

pytestmark = pytest.mark.node

SEED = "9f" * 32
EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"
STATUS_LIST = "https://badges.example.org/status/1"


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def did_key(reference: ReferenceImplementation) -> str:
    """The did:key of SEED, as the reference derives it."""
    signed = reference.sign(_ob_credential("did:example:placeholder"), SEED)
    vm: str = signed["proof"]["verificationMethod"]
    return vm.split("#", 1)[0]


def _ob_credential(issuer: str, **extra: Any) -> dict[str, Any]:
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:6a1c0f0e-2d0b-4e8e-9a43-0b8f5a0c9d11",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Teamwork",
        "issuer": {"id": issuer, "type": ["Profile"], "name": "LEVER UP test issuer"},
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://badges.example.org/achievements/teamwork",
                "type": ["Achievement"],
                "name": "Teamwork",
                "description": "Works with others towards a shared goal.",
                "criteria": {"narrative": "Validated by a LEVER UP assessor."},
            },
        },
        **extra,
    }


def _encoded_list(set_bits: set[int], size_bits: int = 131072) -> str:
    """Bitstring Status List ``encodedList``: multibase base64url(GZIP(bits))."""
    bits = bytearray(size_bits // 8)
    for index in set_bits:
        bits[index // 8] |= 0x80 >> (index % 8)  # index 0 = left-most bit
    raw = base64.urlsafe_b64encode(gzip.compress(bytes(bits), mtime=0)).decode("ascii")
    return "u" + raw.rstrip("=")


def test_reproduces_w3c_vector(reference: ReferenceImplementation, vectors_dir: Path) -> None:
    vectors = _load(vectors_dir / "eddsa-rdfc-2022.json")
    vector = vectors["vectors"][0]
    options = vector["proofOptions_file_proofConfigDataInt.json"]
    # The examples context is in no package we pin: pass it for this test only.
    examples = _load(vectors_dir / "contexts" / "www.w3.org_ns_credentials_examples_v2.jsonld")

    signed = reference.sign(
        vector["unsignedDocument"],
        vectors["keyPair_derived"]["secretSeedHex"],
        created=options["created"],
        documents={EXAMPLES_V2: examples},
    )

    assert signed["proof"]["verificationMethod"] == options["verificationMethod"]
    assert signed["proof"]["proofValue"] == vector["proofValue_file_sigBTC58DataInt.txt"]
    expected = vector["signedDocument_file_signedDataInt.json"]
    assert signed == expected


def test_reproduces_ob_vector(reference: ReferenceImplementation, vectors_dir: Path) -> None:
    vector = _load(vectors_dir / "ob3-eddsa-rdfc-2022.json")["vector_1_ob_implementation_guide"]
    key, options = vector["keyPair"], vector["proofOptions"]

    signed = reference.sign(
        vector["unsignedCredential"],
        key["secretSeedHex_first_32_bytes"],
        created=options["created"],
        vm=options["verificationMethod"],
    )
    assert signed["proof"]["proofValue"] == vector["proofValue"]

    # Its https verification method resolves only through a document we pass.
    assert reference.verify(signed)["verified"] is False
    controller = key["controller"]
    controller_document = {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": controller,
        "verificationMethod": [
            {
                "id": key["verificationMethod"],
                "type": "Multikey",
                "controller": controller,
                "publicKeyMultibase": key["publicKeyMultibase"],
            }
        ],
        "assertionMethod": [key["verificationMethod"]],
    }
    result = reference.verify(signed, documents={controller: controller_document})
    assert result == {"verified": True, "status": None, "error": None}


def test_sign_verify_round_trip(reference: ReferenceImplementation, did_key: str) -> None:
    credential = _ob_credential(did_key)

    signed = reference.sign(credential, SEED, created="2025-01-02T03:04:05Z")

    assert signed["proof"]["type"] == "DataIntegrityProof"
    assert signed["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert signed["proof"]["proofPurpose"] == "assertionMethod"
    assert signed["proof"]["created"] == "2025-01-02T03:04:05Z"
    assert signed["proof"]["verificationMethod"] == f"{did_key}#{did_key.removeprefix('did:key:')}"
    assert {k: v for k, v in signed.items() if k != "proof"} == credential
    assert reference.verify(signed) == {"verified": True, "status": None, "error": None}


def test_tampered_credential_does_not_verify(
    reference: ReferenceImplementation, did_key: str
) -> None:
    signed = reference.sign(_ob_credential(did_key), SEED)
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["achievement"]["name"] = "Teamwork!"

    result = reference.verify(tampered)

    assert result["verified"] is False
    assert "Invalid signature" in (result["error"] or "")
    assert reference.verify(signed)["verified"] is True


def test_wrong_issuer_does_not_verify(reference: ReferenceImplementation) -> None:
    signed = reference.sign(_ob_credential("https://badges.example.org/issuer"), SEED)

    result = reference.verify(signed)

    assert result["verified"] is False
    assert "issuer must match" in (result["error"] or "")


def test_did_web_verifies_with_passed_did_document(
    reference: ReferenceImplementation, did_key: str
) -> None:
    did = "did:web:badges.example.org"
    vm = f"{did}#key-1"
    did_document = {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [
            {
                "id": vm,
                "type": "Multikey",
                "controller": did,
                # the same key as did_key: its multibase is the DID's last part
                "publicKeyMultibase": did_key.removeprefix("did:key:"),
            }
        ],
        "assertionMethod": [vm],
    }
    signed = reference.sign(_ob_credential(did), SEED, vm=vm)

    assert reference.verify(signed, documents={did: did_document})["verified"] is True
    not_authorised = {**did_document, "assertionMethod": []}
    result = reference.verify(signed, documents={did: not_authorised})
    assert result["verified"] is False
    assert "not authorized" in (result["error"] or "")
    assert reference.verify(signed)["verified"] is False  # did:web is never fetched


def test_set_revocation_bit_is_not_verified(
    reference: ReferenceImplementation, did_key: str
) -> None:
    status_list = reference.sign(
        {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": STATUS_LIST,
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": did_key,
            "validFrom": "2025-01-01T00:00:00Z",
            "credentialSubject": {
                "id": f"{STATUS_LIST}#list",
                "type": "BitstringStatusList",
                "statusPurpose": "revocation",
                "encodedList": _encoded_list({7}),
            },
        },
        SEED,
    )
    for index, revoked in ((7, True), (8, False)):
        entry = {
            "id": f"{STATUS_LIST}#{index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(index),
            "statusListCredential": STATUS_LIST,
        }
        signed = reference.sign(_ob_credential(did_key, credentialStatus=entry), SEED)

        result = reference.verify(signed, documents={STATUS_LIST: status_list})

        assert result["verified"] is (not revoked)
        assert result["status"]["verified"] is True
        assert result["status"]["entries"] == [
            {
                "statusPurpose": "revocation",
                "statusListIndex": str(index),
                "statusListCredential": STATUS_LIST,
                "bit": revoked,
            }
        ]
        assert (result["error"] is None) is (not revoked)

    # Without the status list document the status cannot be checked.
    unchecked = reference.verify(signed)
    assert unchecked["verified"] is False
    assert "refused" in (unchecked["error"] or "")


def test_undefined_term_is_refused(reference: ReferenceImplementation, did_key: str) -> None:
    credential = _ob_credential(did_key, fooUndefined="x")

    with pytest.raises(ReferenceImplementationError, match=r"Safe mode.*fooUndefined"):
        reference.sign(credential, SEED)


def test_loader_refuses_unknown_context(reference: ReferenceImplementation, did_key: str) -> None:
    credential = _ob_credential(did_key)
    credential["@context"].append(EXAMPLES_V2)

    with pytest.raises(ReferenceImplementationError, match="refused"):
        reference.sign(credential, SEED)


def test_bench_reports_throughput(reference: ReferenceImplementation, did_key: str) -> None:
    result = reference.bench(_ob_credential(did_key), seconds=0.3)

    assert set(result) == {"sign_ops_per_s", "verify_ops_per_s", "sign_p50_ms", "verify_p50_ms"}
    assert all(value > 0 for value in result.values())
