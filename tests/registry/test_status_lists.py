"""StatusListService: random never-reused indexes, list roll-over, bits, signed list credentials."""

from __future__ import annotations

import hashlib
import itertools
import json
from typing import Any

import pytest
from registry_support import create_org, issue_credential, scope
from sqlmodel import select

from common.timeutil import parse_datetime_stamp
from registry.context import Registry
from registry.errors import InvalidStateError, StatusListNotFoundError
from registry.models import OrganisationRecord, StatusListRecord
from registry.status import (
    STATUS_LIST_SIZE,
    StatusListService,
    decode_bitstring,
    get_bit,
)


@pytest.fixture
def org(registry: Registry) -> OrganisationRecord:
    """One organisation, committed."""
    return create_org(registry)


def _list(registry: Registry, seq: int = 1) -> StatusListRecord:
    with scope(registry) as session:
        row = session.exec(select(StatusListRecord).where(StatusListRecord.seq == seq)).one()
        session.expunge(row)
        return row


def _allocate(registry: Registry, org: OrganisationRecord, count: int) -> list[tuple[int, int]]:
    with scope(registry) as session:
        lists = StatusListService(registry, session)
        found = []
        for _ in range(count):
            row, index = lists.allocate(org)
            found.append((row.seq, index))
        return found


def _allocate_then_fail(registry: Registry, org: OrganisationRecord) -> None:
    with scope(registry) as session:
        StatusListService(registry, session).allocate(org)
        raise RuntimeError("fail after allocation")


class TestAllocate:
    def test_the_first_allocation_opens_list_1(
        self, registry: Registry, org: OrganisationRecord
    ) -> None:
        """The first index comes from list 1 of 131,072 entries, marked allocated."""
        [(seq, index)] = _allocate(registry, org, 1)
        row = _list(registry)
        assert seq == 1 and row.size == STATUS_LIST_SIZE == 131_072
        assert 0 <= index < STATUS_LIST_SIZE
        assert get_bit(row.allocated, index) and row.allocated_count == 1
        assert len(row.bits) == len(row.allocated) == 16_384 and not any(row.bits)

    def test_indexes_are_distinct_and_never_reused(
        self, registry: Registry, org: OrganisationRecord
    ) -> None:
        """1,000 allocations give 1,000 distinct indexes, all marked in the allocated bitmap."""
        picks = [index for _seq, index in _allocate(registry, org, 1000)]
        assert len(set(picks)) == 1000
        row = _list(registry)
        assert row.allocated_count == 1000
        assert sum(bin(byte).count("1") for byte in row.allocated) == 1000

    def test_indexes_are_random_not_sequential(
        self, registry: Registry, org: OrganisationRecord
    ) -> None:
        """Indexes of consecutive allocations are not in order and spread over the list (F15)."""
        picks = [index for _seq, index in _allocate(registry, org, 1000)]
        assert picks != sorted(picks)
        steps = {b - a for a, b in itertools.pairwise(picks)}
        assert len(steps) > 900  # sequential or strided allocation has one or few steps
        assert {index // (STATUS_LIST_SIZE // 16) for index in picks} == set(range(16))

    def test_a_full_list_opens_the_next_one(
        self, registry: Registry, org: OrganisationRecord, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """With 16-entry lists, 16 allocations fill list 1 and the 17th comes from list 2."""
        assert StatusListService.list_size == STATUS_LIST_SIZE == 131_072
        monkeypatch.setattr(StatusListService, "list_size", 16)
        first = _allocate(registry, org, 16)
        assert {seq for seq, _ in first} == {1}
        assert sorted(index for _, index in first) == list(range(16))
        [(seq, index)] = _allocate(registry, org, 1)
        assert seq == 2 and 0 <= index < 16
        assert _list(registry, 1).allocated_count == 16
        assert _list(registry, 2).allocated_count == 1

    def test_lists_are_per_organisation(self, registry: Registry, org: OrganisationRecord) -> None:
        """Another organisation gets its own list 1."""
        other = create_org(registry, "centre-two")
        with scope(registry) as session:
            row, _ = StatusListService(registry, session).allocate(other)
            assert row.seq == 1 and row.org_id == other.id != org.id

    def test_an_allocation_rolled_back_leaves_nothing(
        self, registry: Registry, org: OrganisationRecord
    ) -> None:
        """An allocation whose transaction fails is not recorded."""
        _allocate(registry, org, 1)
        with pytest.raises(RuntimeError, match="after allocation"):
            _allocate_then_fail(registry, org)
        assert _list(registry).allocated_count == 1


class TestEntry:
    def test_the_entry_is_a_revocation_bitstring_status_list_entry(
        self, registry: Registry, org: OrganisationRecord
    ) -> None:
        """entry() gives the ST-01 object: id = list URL#index, index as a base-10 string."""
        with scope(registry) as session:
            lists = StatusListService(registry, session)
            row, index = lists.allocate(org)
            entry = lists.entry(org, row, index)
        url = "https://badges.example.org/orgs/centre-one/status/revocation/1"
        assert entry == {
            "id": f"{url}#{index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(index),
            "statusListCredential": url,
        }
        assert entry["id"] != entry["statusListCredential"]


def _signed(registry: Registry, seq: int = 1) -> tuple[bytes, str, dict[str, Any]]:
    with scope(registry) as session:
        signed, etag = StatusListService(registry, session).signed_list(
            "centre-one", "revocation", seq
        )
    return signed, etag, json.loads(signed)


class TestListCredential:
    def test_the_list_credential_has_the_st03_shape(
        self, registry: Registry, org: OrganisationRecord
    ) -> None:
        """The list is a VC 2.0 BitstringStatusListCredential of the org's DID, ttl in ms."""
        _allocate(registry, org, 1)
        _signed_bytes, _etag, document = _signed(registry)
        url = "https://badges.example.org/orgs/centre-one/status/revocation/1"
        assert document["@context"] == ["https://www.w3.org/ns/credentials/v2"]
        assert document["id"] == url
        assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
        assert document["issuer"] == org.did == "did:web:badges.example.org:orgs:centre-one"
        parse_datetime_stamp(document["validFrom"])
        subject = document["credentialSubject"]
        assert subject["id"] == f"{url}#list"
        assert subject["type"] == "BitstringStatusList"
        assert subject["statusPurpose"] == "revocation"
        assert subject["ttl"] == registry.settings.status_list_max_age * 1000 == 300_000
        assert len(decode_bitstring(subject["encodedList"])) == 16_384

    def test_the_list_is_signed_by_the_org_key(
        self, registry: Registry, org: OrganisationRecord
    ) -> None:
        """One eddsa-rdfc-2022 proof by the organisation's key-1."""
        _allocate(registry, org, 1)
        [proof] = _signed(registry)[2]["proof"]
        assert proof["type"] == "DataIntegrityProof"
        assert proof["cryptosuite"] == "eddsa-rdfc-2022"
        assert proof["verificationMethod"] == f"{org.did}#key-1"

    def test_the_etag_is_the_quoted_sha256_of_the_bytes(
        self, registry: Registry, org: OrganisationRecord
    ) -> None:
        """ETag = '"' + hex SHA-256 of the signed bytes + '"'."""
        _allocate(registry, org, 1)
        signed, etag, _ = _signed(registry)
        assert etag == '"' + hashlib.sha256(signed).hexdigest() + '"'

    def test_an_unsigned_list_is_signed_on_first_read(
        self, registry: Registry, org: OrganisationRecord
    ) -> None:
        """signed_list signs a list that has no signed bytes yet, and stores them."""
        _allocate(registry, org, 1)
        with scope(registry) as session:
            row = session.exec(select(StatusListRecord)).one()
            row.signed_bytes, row.etag = None, None
            session.add(row)
        signed, etag, _ = _signed(registry)
        stored = _list(registry)
        assert stored.signed_bytes == signed and stored.etag == etag

    def test_an_unknown_list_is_not_found(
        self, registry: Registry, org: OrganisationRecord
    ) -> None:
        """Another seq, slug or purpose: StatusListNotFoundError (404)."""
        _allocate(registry, org, 1)
        with scope(registry) as session:
            lists = StatusListService(registry, session)
            for slug, purpose, seq in (
                ("centre-one", "revocation", 2),
                ("centre-two", "revocation", 1),
                ("centre-one", "suspension", 1),
            ):
                with pytest.raises(StatusListNotFoundError):
                    lists.signed_list(slug, purpose, seq)


class TestSetBit:
    def test_setting_a_bit_bumps_the_version_and_resigns(
        self, registry: Registry, org: OrganisationRecord
    ) -> None:
        """set_bit sets the bit in the stored and the published list, version + 1, new ETag."""
        with scope(registry) as session:
            credential = issue_credential(registry, session, org)
        before_bytes, before_etag, _ = _signed(registry)
        with scope(registry) as session:
            StatusListService(registry, session).set_bit(
                credential.status_list_id, credential.status_index, True
            )
        row = _list(registry)
        signed, etag, document = _signed(registry)
        assert row.version == 1 and get_bit(row.bits, credential.status_index)
        assert etag != before_etag and signed != before_bytes
        published = decode_bitstring(document["credentialSubject"]["encodedList"])
        assert [i for i in range(STATUS_LIST_SIZE) if get_bit(published, i)] == [
            credential.status_index
        ]

    def test_setting_a_set_bit_again_changes_nothing(
        self, registry: Registry, org: OrganisationRecord
    ) -> None:
        """A second set_bit of the same index keeps the version and the signed bytes."""
        with scope(registry) as session:
            credential = issue_credential(registry, session, org)
            lists = StatusListService(registry, session)
            lists.set_bit(credential.status_list_id, credential.status_index, True)
        signed, _, _ = _signed(registry)
        with scope(registry) as session:
            StatusListService(registry, session).set_bit(
                credential.status_list_id, credential.status_index, True
            )
        assert _list(registry).version == 1 and _signed(registry)[0] == signed

    def test_a_set_bit_is_never_cleared(self, registry: Registry, org: OrganisationRecord) -> None:
        """Clearing a set bit is refused (InvalidStateError): revocation is irreversible."""
        with scope(registry) as session:
            credential = issue_credential(registry, session, org)
            lists = StatusListService(registry, session)
            lists.set_bit(credential.status_list_id, credential.status_index, True)
            with pytest.raises(InvalidStateError):
                lists.set_bit(credential.status_list_id, credential.status_index, False)

    def test_an_index_never_allocated_is_refused(
        self, registry: Registry, org: OrganisationRecord
    ) -> None:
        """Setting the bit of an index nobody holds raises ValueError."""
        with scope(registry) as session:
            credential = issue_credential(registry, session, org)
            free = (credential.status_index + 1) % STATUS_LIST_SIZE
            with pytest.raises(ValueError, match="never allocated"):
                StatusListService(registry, session).set_bit(credential.status_list_id, free, True)

    def test_an_unknown_list_is_refused(self, registry: Registry, org: OrganisationRecord) -> None:
        """set_bit on a list id that does not exist: StatusListNotFoundError."""
        with scope(registry) as session, pytest.raises(StatusListNotFoundError):
            StatusListService(registry, session).set_bit(999, 0, True)
