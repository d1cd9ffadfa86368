"""Rollback or replay of a foreign status list (security catalogue F13), on a loopback server.

A CDN or a holder may serve an older, validly signed list from before a revocation. The
:class:`~verifier.remote_status.RemoteStatusChecker` remembers the newest ``validFrom`` it has
verified per list URL; an older one is an ``error`` (STATUS_VERIFICATION_ERROR), never
"not revoked". The lists are signed by T1 (the credential's did:key issuer), and the checker's
document cache is driven by a fake clock so that every check fetches again.
"""

from __future__ import annotations

import copy
from typing import Any

from network_support import TestServer, bits_with, dev_fetcher, encode_bits, json_route
from verifier_support import NOW, T1, T1_DID, T1_VM, V2, build_credential, sign

from common.jsonld import JsonLdProcessor
from verifier import CompositeResolver, DidKeyResolver
from verifier._cache import DocumentCache
from verifier.problems import REVOKED, STATUS_VERIFICATION_ERROR
from verifier.remote_status import MAX_REMEMBERED_LISTS, RemoteStatusChecker
from verifier.report import Check
from verifier.seen_bits import InMemorySeenStatusBits, first_cleared_bit, merge_bits

LOOPBACK = True
"""These tests talk to a loopback test server: the verifier-wide network guard is off."""

PATH = "/status/rollback"
INDEX = 94567
OLDER = "2026-01-01T09:30:00Z"
NEWER = "2026-02-01T00:00:00Z"


def _list(url: str, valid_from: str, *revoked: int) -> dict[str, Any]:
    """An unsigned BitstringStatusListCredential at ``url`` with ``revoked`` bits set."""
    return {
        "@context": [V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": T1_DID,
        "validFrom": valid_from,
        "credentialSubject": {
            "id": url + "#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_bits(bits_with(*revoked)),
        },
    }


def _credential(url: str) -> dict[str, Any]:
    credential = build_credential()
    credential["credentialStatus"] = {
        "id": f"{url}#{INDEX}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(INDEX),
        "statusListCredential": url,
    }
    return credential


class _Checker:
    """A checker whose cache is expired (by its fake clock) before every check."""

    def __init__(self, jsonld: JsonLdProcessor) -> None:
        self.now = [1000.0]
        self.checker = RemoteStatusChecker(
            dev_fetcher(),
            jsonld,
            CompositeResolver([DidKeyResolver()]),
            clock=lambda: NOW,
            cache=DocumentCache(clock=lambda: self.now[0]),
        )

    def check(self, url: str) -> Check:
        self.now[0] += 3600
        return self.checker.check(_credential(url))


def _serve(jsonld: JsonLdProcessor, server: TestServer, document: dict[str, Any]) -> None:
    server.routes[PATH] = json_route(sign(jsonld, document, T1, T1_VM))


def test_f13_older_list_after_a_newer_one_is_an_error(
    jsonld: JsonLdProcessor, server: TestServer
) -> None:
    """Newer list (index revoked), then an older validly signed one (index clear): the replay
    is STATUS_VERIFICATION_ERROR "rolled back", never "not revoked"."""
    url = server.url(PATH, "lists.test")
    status = _Checker(jsonld)
    _serve(jsonld, server, _list(url, NEWER, INDEX))
    first = status.check(url)
    assert (first.status, first.problem and first.problem.type) == ("failed", REVOKED)
    _serve(jsonld, server, _list(url, OLDER))
    second = status.check(url)
    assert second.status == "error", second
    assert second.problem is not None and second.problem.type == STATUS_VERIFICATION_ERROR
    assert "rolled back" in second.message
    assert server.hits(PATH) == 2


def test_f13_same_valid_from_again_is_fine(jsonld: JsonLdProcessor, server: TestServer) -> None:
    """The same list fetched again (same validFrom) still passes: equal is not a rollback."""
    url = server.url(PATH, "lists.test")
    status = _Checker(jsonld)
    _serve(jsonld, server, _list(url, OLDER))
    assert status.check(url).status == "passed"
    assert status.check(url).status == "passed"
    assert server.hits(PATH) == 2


def test_f13_newer_list_after_an_older_one_is_fine(
    jsonld: JsonLdProcessor, server: TestServer
) -> None:
    """Older then newer (the normal update, here a revocation): read normally."""
    url = server.url(PATH, "lists.test")
    status = _Checker(jsonld)
    _serve(jsonld, server, _list(url, OLDER))
    assert status.check(url).status == "passed"
    _serve(jsonld, server, _list(url, NEWER, INDEX))
    check = status.check(url)
    assert check.status == "failed" and check.problem is not None
    assert check.problem.type == REVOKED


def test_f13_unverified_list_does_not_raise_the_mark(
    jsonld: JsonLdProcessor, server: TestServer
) -> None:
    """A far-future list with a broken proof is refused and not remembered: the genuine older
    list that follows is still accepted (an attacker cannot poison the memory)."""
    url = server.url(PATH, "lists.test")
    status = _Checker(jsonld)
    forged = sign(jsonld, _list(url, NEWER), T1, T1_VM)
    forged["credentialSubject"] = copy.deepcopy(forged["credentialSubject"])
    forged["credentialSubject"]["encodedList"] = encode_bits(bits_with(1))
    server.routes[PATH] = json_route(forged)
    assert status.check(url).status == "error"
    _serve(jsonld, server, _list(url, OLDER))
    assert status.check(url).status == "passed"


def test_f13_memory_is_per_url(jsonld: JsonLdProcessor, server: TestServer) -> None:
    """A newer list at one URL does not make an older list at another URL a rollback."""
    status = _Checker(jsonld)
    other = "/status/other"
    url_a, url_b = server.url(PATH, "lists.test"), server.url(other, "lists.test")
    _serve(jsonld, server, _list(url_a, NEWER))
    server.routes[other] = json_route(sign(jsonld, _list(url_b, OLDER), T1, T1_VM))
    assert status.check(url_a).status == "passed"
    assert status.check(url_b).status == "passed"


def test_f13_memory_is_bounded() -> None:
    """The memory has a fixed cap (it cannot grow with attacker-chosen URLs)."""
    assert 0 < MAX_REMEMBERED_LISTS <= 100_000


# -- Item 32: set bits remembered per list URL, across checkers (processes) -----------------


def _list_without_valid_from(url: str, *revoked: int) -> dict[str, Any]:
    document = _list(url, OLDER, *revoked)
    del document["validFrom"]
    return document


def _assert_rolled_back(check: Check) -> None:
    assert check.status == "error", check
    assert check.problem is not None and check.problem.type == STATUS_VERIFICATION_ERROR
    assert "rolled back" in check.message and str(INDEX) in check.message


def test_i12_32_same_valid_from_clearing_a_seen_bit_is_an_error(
    jsonld: JsonLdProcessor, server: TestServer
) -> None:
    """Item 32: a list with the same validFrom that clears a bit seen set is a rollback (the
    validFrom comparison alone let it through)."""
    url = server.url(PATH, "lists.test")
    status = _Checker(jsonld)
    _serve(jsonld, server, _list(url, OLDER, INDEX))
    assert status.check(url).status == "failed"
    _serve(jsonld, server, _list(url, OLDER))
    _assert_rolled_back(status.check(url))


def test_i12_32_list_without_valid_from_clearing_a_seen_bit_is_an_error(
    jsonld: JsonLdProcessor, server: TestServer
) -> None:
    """Item 32: lists without validFrom (never compared by date) cannot clear a seen bit."""
    url = server.url(PATH, "lists.test")
    status = _Checker(jsonld)
    _serve(jsonld, server, _list_without_valid_from(url, INDEX, 5))
    assert status.check(url).status == "failed"
    _serve(jsonld, server, _list_without_valid_from(url, 5))
    _assert_rolled_back(status.check(url))


def test_i12_32_memory_outlives_the_checker(jsonld: JsonLdProcessor, server: TestServer) -> None:
    """Item 32: the memory is not per process: a second checker (a restarted verifier, another
    worker) sharing the store refuses the replay the first one never saw."""
    url = server.url(PATH, "lists.test")
    store = InMemorySeenStatusBits()
    first = RemoteStatusChecker(
        dev_fetcher(), jsonld, CompositeResolver([DidKeyResolver()]), clock=lambda: NOW,
        seen_bits=store,
    )  # fmt: skip
    _serve(jsonld, server, _list(url, NEWER, INDEX))
    assert first.check(_credential(url)).status == "failed"
    second = RemoteStatusChecker(
        dev_fetcher(), jsonld, CompositeResolver([DidKeyResolver()]), clock=lambda: NOW,
        seen_bits=store,
    )  # fmt: skip
    _serve(jsonld, server, _list(url, OLDER))
    _assert_rolled_back(second.check(_credential(url)))


def test_i12_32_suspension_list_may_clear_a_bit(
    jsonld: JsonLdProcessor, server: TestServer
) -> None:
    """Item 32: a suspension may be lifted; a suspension list clearing a bit is read normally."""
    url = server.url(PATH, "lists.test")
    status = _Checker(jsonld)
    for revoked in ((INDEX,), ()):
        document = _list(url, OLDER, *revoked)
        document["credentialSubject"]["statusPurpose"] = "suspension"
        _serve(jsonld, server, document)
        credential = _credential(url)
        credential["credentialStatus"]["statusPurpose"] = "suspension"
        status.now[0] += 3600
        check = status.checker.check(credential)
        assert check.status == ("failed" if revoked else "passed"), check


def test_i12_32_unverified_list_does_not_add_bits(
    jsonld: JsonLdProcessor, server: TestServer
) -> None:
    """Item 32: only verified lists are remembered: a forged list with the bit set does not
    make the genuine clear list a rollback."""
    url = server.url(PATH, "lists.test")
    status = _Checker(jsonld)
    forged = sign(jsonld, _list(url, OLDER), T1, T1_VM)
    forged["credentialSubject"]["encodedList"] = encode_bits(bits_with(INDEX))
    server.routes[PATH] = json_route(forged)
    assert status.check(url).status == "error"
    _serve(jsonld, server, _list(url, OLDER))
    assert status.check(url).status == "passed"


def test_i12_32_bit_comparison_handles_lengths() -> None:
    """Item 32: lists of different lengths compare as if padded with clear bits."""
    small, large = bits_with(3, size=16), bits_with(3, 20, size=32)
    assert first_cleared_bit(None, small) is None
    assert first_cleared_bit(small, large) is None
    assert first_cleared_bit(large, small) == 20
    assert merge_bits(small, bits_with(9, size=32)) == bits_with(3, 9, size=32)
