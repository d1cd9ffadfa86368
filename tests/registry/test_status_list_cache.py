"""The registry's status checker verifies each version of a list once (cached by ETag), and a
new version - or a changed DID document - is verified at once."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from registry_support import (
    create_org,
    issue_credential,
    lifecycle,
    scope,
    stored_credential,
)

from registry.context import Registry
from registry.orgs.service import OrganisationService
from registry.status import RegistryStatusChecker
from registry.status import _check as _status_check
from registry.status import _proof as _list_proof

VerifyCalls = list[str]


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[VerifyCalls]:
    """Record every real proof verification of a list (and start with an empty cache)."""
    seen: VerifyCalls = []
    real: Callable[..., Any] = _list_proof.verify_list_credential

    def counting(document: Any, **kwargs: Any) -> Any:
        seen.append(kwargs["url"])
        return real(document, **kwargs)

    _status_check.VERIFIED_LISTS.clear()
    monkeypatch.setattr(_status_check, "verify_list_credential", counting)
    yield seen
    _status_check.VERIFIED_LISTS.clear()


def _status(registry: Registry, credential_id: str) -> str:
    record = stored_credential(registry, credential_id)
    assert record.signed_bytes is not None
    return RegistryStatusChecker(registry).check(json.loads(record.signed_bytes)).status


def test_one_verification_per_list_version(registry: Registry, calls: VerifyCalls) -> None:
    """Checking three credentials of one list twice verifies the list once."""
    org = create_org(registry)
    with scope(registry) as session:
        ids = [issue_credential(registry, session, org, email=f"{n}@x.org").id for n in range(3)]
    for _ in range(2):
        assert [_status(registry, i) for i in ids] == ["passed"] * 3
    assert len(calls) == 1


def test_a_new_version_is_verified_at_once(registry: Registry, calls: VerifyCalls) -> None:
    """After a revocation the new list is verified and the credential reads revoked."""
    org = create_org(registry)
    with scope(registry) as session:
        credential = issue_credential(registry, session, org)
    assert _status(registry, credential.id) == "passed"
    lifecycle(registry, "revoke", org, credential.id, reason="test")
    assert _status(registry, credential.id) == "failed"
    assert len(calls) == 2


def test_a_changed_did_document_is_verified_again(registry: Registry, calls: VerifyCalls) -> None:
    """A key rotation changes the DID document: the cached verification is not reused."""
    org = create_org(registry)
    with scope(registry) as session:
        credential = issue_credential(registry, session, org)
    _status(registry, credential.id)
    with scope(registry) as session:
        OrganisationService(registry, session).rotate_key(org, actor="cli:test")
    assert _status(registry, credential.id) == "passed"
    assert len(calls) == 2


def test_the_cache_is_bounded() -> None:
    """The least recently used entry goes beyond the bound."""
    cache = _status_check.VerifiedListCache(max_entries=2)
    cache.put(("a",), {"n": 1})
    cache.put(("b",), {"n": 2})
    assert cache.get(("a",)) == {"n": 1}
    cache.put(("c",), {"n": 3})
    assert cache.get(("b",)) is None
    assert len(cache) == 2
