"""Signed audit heads: make deleting the newest audit entries detectable by anyone.

The hash chain (:mod:`registry.audit.log`) shows any change to or removal of an entry *inside* the
log, but not the removal of the newest ones. So the registry publishes each organisation's head,
signed by the organisation's key, at ``GET /orgs/{slug}/audit-head``::

    {"type": "LeverUpAuditHead", "issuer": "<org DID>", "organisation": "<slug>",
     "seq": <latest seq>, "hash": "<its hash>", "issued": "<dateTimeStamp>",
     "proof": {"type": "Ed25519Signature2020-canonical-json",
               "verificationMethod": "<org DID>#key-N", "proofValue": "z<base58btc>"}}

The signature is Ed25519 over the UTF-8 canonical JSON (:func:`registry.audit.log.canonical_json`)
of every member but ``proof``. Whoever keeps a head can later check (``leverup audit verify
--org S --head FILE``) that the log still holds entry ``seq`` with that ``hash``: a shorter log
or another hash means entries were removed or rewritten.
"""

from __future__ import annotations

from typing import Any, Final

import base58
from sqlmodel import Session

from common.errors import InvalidInputError
from common.timeutil import format_datetime
from keys.did import resolve_in_document
from keys.ed25519 import verify_signature
from keys.errors import KeysError
from registry.audit.log import GENESIS_HASH, AuditLog, canonical_json
from registry.context import Registry
from registry.models import AuditEntryRecord, OrganisationRecord, org_id_of
from registry.orgs.service import OrganisationService

__all__ = ["HEAD_PROOF_TYPE", "HEAD_TYPE", "check_head", "signed_head", "verify_head_signature"]

HEAD_TYPE: Final = "LeverUpAuditHead"
HEAD_PROOF_TYPE: Final = "Ed25519Signature2020-canonical-json"
_MEMBERS: Final = frozenset({"type", "issuer", "organisation", "seq", "hash", "issued", "proof"})


def signed_head(registry: Registry, session: Session, org: OrganisationRecord) -> dict[str, Any]:
    """The organisation's current audit head, signed by its active key.

    An empty log has ``seq`` 0 and the genesis hash (64 zeros).

    Raises:
        ConfigurationError: The organisation's key is unavailable.
    """
    head = AuditLog(registry, session).head(org_id_of(org))
    body: dict[str, Any] = {
        "type": HEAD_TYPE,
        "issuer": org.did,
        "organisation": org.slug,
        "seq": 0 if head is None else head.seq,
        "hash": GENESIS_HASH if head is None else head.hash,
        "issued": format_datetime(registry.clock()),
    }
    signer = OrganisationService(registry, session).signer(org)
    signature = signer.key_pair.sign(canonical_json(body).encode("utf-8"))
    body["proof"] = {
        "type": HEAD_PROOF_TYPE,
        "verificationMethod": signer.verification_method,
        "proofValue": "z" + base58.b58encode(signature).decode("ascii"),
    }
    return body


def verify_head_signature(head: object, did_document: dict[str, Any], *, did: str) -> None:
    """Check that ``head`` is an audit head of ``did`` signed by a key of its DID document.

    Raises:
        InvalidInputError: Naming what is wrong.
    """
    if not isinstance(head, dict) or set(head) != _MEMBERS or head.get("type") != HEAD_TYPE:
        raise InvalidInputError(f"not a {HEAD_TYPE} document")
    if head.get("issuer") != did:
        raise InvalidInputError(f"the head is of {head.get('issuer')!r:.80}, not of {did}")
    proof = head["proof"]
    if not isinstance(proof, dict) or proof.get("type") != HEAD_PROOF_TYPE:
        raise InvalidInputError("the head's proof is not a " + HEAD_PROOF_TYPE)
    value, method = proof.get("proofValue"), proof.get("verificationMethod")
    if not isinstance(value, str) or not value.startswith("z") or not isinstance(method, str):
        raise InvalidInputError("the head's proof has no proofValue or verificationMethod")
    body = {name: member for name, member in head.items() if name != "proof"}
    try:
        key = resolve_in_document(did_document, method, expected_did=did)
        signature = base58.b58decode(value[1:])
        verify_signature(key.public_key, signature, canonical_json(body).encode("utf-8"))
    except (KeysError, ValueError) as exc:
        raise InvalidInputError(f"the head's signature does not verify: {exc}") from None


def check_head(
    registry: Registry, session: Session, org: OrganisationRecord, head: object
) -> str | None:
    """Compare a kept head with the log: None when the log still holds it, else what is wrong.

    The head's signature is checked against the organisation's DID document first.

    Raises:
        InvalidInputError: The head is malformed, of another organisation, or not signed by a
            key the organisation publishes.
    """
    org_id = org_id_of(org)
    document = OrganisationService(registry, session).did_document(org)
    verify_head_signature(head, document, did=org.did)
    assert isinstance(head, dict)  # checked above
    seq, digest = head["seq"], head["hash"]
    if type(seq) is not int or seq < 0 or not isinstance(digest, str):
        raise InvalidInputError("the head's seq or hash is malformed")
    if seq == 0:
        return None
    log = AuditLog(registry, session)
    entries: list[AuditEntryRecord] = log.entries(org_id, after_seq=seq - 1, limit=1)
    if not entries or entries[0].seq != seq:
        latest = log.head(org_id)
        return (
            f"entry {seq} of the kept head is missing: the log ends at "
            f"{0 if latest is None else latest.seq} (newest entries were deleted)"
        )
    if entries[0].hash != digest:
        return f"entry {seq} no longer has the kept head's hash (the log was rewritten)"
    return None
