"""CompositeStatusChecker: our own lists go to the local checker, never over the network."""

from __future__ import annotations

from typing import Any

from network_support import FailingFetcher, NoFetch
from verifier_support import T1_DID, Recording, build_credential

from common.jsonld import JsonLdProcessor
from verifier import CompositeResolver, DidKeyResolver
from verifier.problems import STATUS_RETRIEVAL_ERROR
from verifier.remote_status import CompositeStatusChecker, RemoteStatusChecker

BASE = "https://badges.example"


def _entry(url: str, index: str = "5") -> dict[str, Any]:
    return {
        "id": f"{url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": index,
        "statusListCredential": url,
    }


def _credential(*entries: dict[str, Any]) -> dict[str, Any]:
    credential = build_credential(T1_DID)
    credential["credentialStatus"] = list(entries) if len(entries) > 1 else entries[0]
    return credential


def _remote(jsonld: JsonLdProcessor, fetcher: Any) -> RemoteStatusChecker:
    return RemoteStatusChecker(fetcher, jsonld, CompositeResolver([DidKeyResolver()]))


def test_own_list_never_causes_a_network_request(jsonld: JsonLdProcessor) -> None:
    local = Recording()
    router = CompositeStatusChecker(BASE, local, _remote(jsonld, NoFetch()))
    check = router.check(_credential(_entry(f"{BASE}/orgs/one/status/revocation/1")))
    assert check.status == "passed"
    assert local.calls == 1


def test_foreign_list_goes_to_the_remote_checker(jsonld: JsonLdProcessor) -> None:
    local = Recording()
    router = CompositeStatusChecker(BASE, local, _remote(jsonld, FailingFetcher()))
    check = router.check(_credential(_entry("https://lists.example/status/1")))
    assert check.status == "error"
    assert check.problem is not None and check.problem.type == STATUS_RETRIEVAL_ERROR
    assert local.calls == 0


def test_look_alike_host_is_not_ours(jsonld: JsonLdProcessor) -> None:
    """``https://badges.example.evil.test/…`` starts with our base URL's text, not with it."""
    local = Recording()
    router = CompositeStatusChecker(BASE, local, _remote(jsonld, FailingFetcher()))
    check = router.check(_credential(_entry("https://badges.example.evil.test/orgs/one/s/1")))
    assert check.status == "error"
    assert local.calls == 0


def test_mixed_entries_are_split_and_the_worst_wins(jsonld: JsonLdProcessor) -> None:
    local = Recording("passed")
    router = CompositeStatusChecker(BASE, local, _remote(jsonld, FailingFetcher()))
    own = _entry(f"{BASE}/orgs/one/status/revocation/1")
    foreign = _entry("https://lists.example/status/1")
    check = router.check(_credential(own, foreign))
    assert check.status == "error"
    assert local.seen[0]["credentialStatus"] == [own]


def test_a_revoked_own_entry_beats_a_foreign_error(jsonld: JsonLdProcessor) -> None:
    local = Recording("failed")
    router = CompositeStatusChecker(BASE, local, _remote(jsonld, FailingFetcher()))
    own = _entry(f"{BASE}/orgs/one/status/revocation/1")
    check = router.check(_credential(_entry("https://lists.example/status/1"), own))
    assert check.status == "failed"


def test_without_a_remote_checker_foreign_lists_are_not_checked() -> None:
    router = CompositeStatusChecker(BASE, Recording())
    check = router.check(_credential(_entry("https://lists.example/status/1")))
    assert check.status == "error"


def test_both_checkers_passing_passes() -> None:
    local, remote = Recording("passed"), Recording("passed")
    router = CompositeStatusChecker(BASE, local, remote)
    own = _entry(f"{BASE}/orgs/one/status/revocation/1")
    foreign = _entry("https://lists.example/status/1")
    check = router.check(_credential(own, foreign))
    assert check.status == "passed"
    assert (local.calls, remote.calls) == (1, 1)
    assert remote.seen[0]["credentialStatus"] == [foreign]
