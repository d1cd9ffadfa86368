"""RegistryStatusChecker refuses to trust a stored list that does not verify (F3, F4, F7, F8, F14).

The lists come from our own database, yet the checker verifies them like any verifier would;
these tests replace the stored bytes with lists that are unsigned, tampered, signed by the
wrong key, too short, badly encoded or expired: each is an ``error`` (status unknown), never
``passed``.
"""

from __future__ import annotations

import base64
import copy
import gzip
import json
from datetime import timedelta
from typing import Any

from registry_support import create_org, issue_credential, scope
from sqlmodel import select

from common.timeutil import format_datetime, utcnow
from issuer import sign_credential
from registry.context import Registry
from registry.credentials.lifecycle import LifecycleService
from registry.models import OrganisationRecord, StatusListRecord
from registry.orgs.service import OrganisationService
from registry.status import (
    RegistryStatusChecker,
    StatusListService,
    encode_bitstring,
    new_bitstring,
)
from verifier.problems import STATUS_LIST_LENGTH_ERROR, STATUS_VERIFICATION_ERROR
from verifier.report import Check


def _check(registry: Registry, credential: dict[str, Any]) -> Check:
    return RegistryStatusChecker(registry).check(credential)


def _assert_error(check: Check, problem_type: str, text: str) -> None:
    assert check.id == "status"
    assert check.status == "error", check.message
    assert check.problem is not None and check.problem.type == problem_type, check
    assert text in check.message, check.message


def _encoded(data: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(data).decode().rstrip("=")


def _store_list(
    registry: Registry,
    org: OrganisationRecord,
    document: dict[str, Any],
    *,
    sign_as: OrganisationRecord | None = None,
) -> None:
    """Replace the stored list 1 of ``org`` with ``document`` (signed by ``sign_as`` if given)."""
    with scope(registry) as session:
        data = json.dumps(document).encode()
        if sign_as is not None:
            signer = OrganisationService(registry, session).signer(sign_as)
            data = sign_credential(registry.processor, document, signer).signed_bytes
        row = session.exec(select(StatusListRecord).where(StatusListRecord.org_id == org.id)).one()
        row.signed_bytes = data
        session.add(row)


def _list_document(registry: Registry, org: OrganisationRecord) -> dict[str, Any]:
    with scope(registry) as session:
        lists = StatusListService(registry, session)
        _org, row = lists.find(org.slug, "revocation", 1)
        return lists.list_document(org, row)


class TestListRefused:
    def test_a_list_of_another_issuer(self, registry: Registry, issued_document: Any) -> None:
        """A credential of org A pointing at org B's (valid) list: error (F4)."""
        _org, _record, credential = issued_document
        other = create_org(registry, "centre-two")
        with scope(registry) as session:
            issue_credential(registry, session, other)
        url = f"{registry.base_url}/orgs/centre-two/status/revocation/1"
        changed = copy.deepcopy(credential)
        changed["credentialStatus"].update(statusListCredential=url, id=url + "#5")
        check = _check(registry, changed)
        _assert_error(check, STATUS_VERIFICATION_ERROR, "not by the credential's issuer")

    def test_a_list_signed_with_another_organisations_key(
        self, registry: Registry, issued_document: Any
    ) -> None:
        """A list claiming issuer A but signed with org B's key: error (F3/F4)."""
        org, _record, credential = issued_document
        other = create_org(registry, "centre-two")
        _store_list(registry, org, _list_document(registry, org), sign_as=other)
        _assert_error(_check(registry, credential), STATUS_VERIFICATION_ERROR, "key")

    def test_an_unsigned_list(self, registry: Registry, issued_document: Any) -> None:
        """A stored list without a proof: error, status unknown (F3)."""
        org, _record, credential = issued_document
        _store_list(registry, org, _list_document(registry, org))
        _assert_error(_check(registry, credential), STATUS_VERIFICATION_ERROR, "not signed")

    def test_a_list_with_a_bad_signature(self, registry: Registry, issued_document: Any) -> None:
        """A signed list whose encodedList was changed afterwards: error (F3)."""
        org, _record, credential = issued_document
        with scope(registry) as session:
            signed, _ = StatusListService(registry, session).signed_list(org.slug, "revocation", 1)
        tampered = json.loads(signed)
        revoked = bytearray(16_384)
        index = int(credential["credentialStatus"]["statusListIndex"])
        revoked[index // 8] = 0x80 >> (index % 8)
        tampered["credentialSubject"]["encodedList"] = _encoded(
            gzip.compress(bytes(revoked), mtime=0)
        )
        _store_list(registry, org, tampered)
        _assert_error(_check(registry, credential), STATUS_VERIFICATION_ERROR, "does not verify")

    def test_a_tampered_list_never_unrevokes(
        self, registry: Registry, issued_document: Any
    ) -> None:
        """A revoked credential's bit cleared in the stored list, old proof kept: error."""
        org, record, credential = issued_document
        with scope(registry) as session:
            LifecycleService(registry, session).revoke(org, record.id, reason="x", actor="cli:t")
            signed, _ = StatusListService(registry, session).signed_list(org.slug, "revocation", 1)
        tampered = json.loads(signed)
        tampered["credentialSubject"]["encodedList"] = encode_bitstring(new_bitstring())
        _store_list(registry, org, tampered)
        check = _check(registry, credential)
        _assert_error(check, STATUS_VERIFICATION_ERROR, "does not verify")

    def test_a_list_that_is_too_short(self, registry: Registry, issued_document: Any) -> None:
        """A validly signed list of 1,024 entries: error STATUS_LIST_LENGTH_ERROR (F7)."""
        org, _record, credential = issued_document
        document = _list_document(registry, org)
        document["credentialSubject"]["encodedList"] = _encoded(gzip.compress(bytes(128), mtime=0))
        _store_list(registry, org, document, sign_as=org)
        _assert_error(_check(registry, credential), STATUS_LIST_LENGTH_ERROR, "too short")

    def test_a_list_whose_encoded_list_is_not_gzip(
        self, registry: Registry, issued_document: Any
    ) -> None:
        """A validly signed list whose encodedList is not gzip: error (F8)."""
        org, _record, credential = issued_document
        document = _list_document(registry, org)
        document["credentialSubject"]["encodedList"] = _encoded(bytes(16_384))
        _store_list(registry, org, document, sign_as=org)
        _assert_error(_check(registry, credential), STATUS_VERIFICATION_ERROR, "encodedList")

    def test_an_expired_list(self, registry: Registry, issued_document: Any) -> None:
        """A validly signed list whose validUntil passed an hour ago: error (F14)."""
        org, _record, credential = issued_document
        document = _list_document(registry, org)
        document["validFrom"] = format_datetime(utcnow() - timedelta(days=2))
        document["validUntil"] = format_datetime(utcnow() - timedelta(hours=1))
        _store_list(registry, org, document, sign_as=org)
        _assert_error(_check(registry, credential), STATUS_VERIFICATION_ERROR, "expired")

    def test_a_stored_list_that_is_not_json(self, registry: Registry, issued_document: Any) -> None:
        """Corrupt stored bytes: error, never passed."""
        _org, _record, credential = issued_document
        with scope(registry) as session:
            row = session.exec(select(StatusListRecord)).one()
            row.signed_bytes = b"{not json"
            session.add(row)
        _assert_error(_check(registry, credential), STATUS_VERIFICATION_ERROR, "not JSON")
