"""RemoteStatusChecker on Bitstring Status Lists served by a loopback server (catalogue F1-F11,
F14, F17).

The lists are signed here with the production signing routine; the credential's issuer is T1's
did:key, so list keys resolve without the network. Each row is its own test.
"""

from __future__ import annotations

import base64
import copy
import gzip
from datetime import timedelta
from typing import Any

import pytest
from network_support import (
    CountingFetcher,
    NoFetch,
    Route,
    TestServer,
    bits_with,
    dev_fetcher,
    encode_bits,
    json_route,
)
from verifier_support import (
    ATK,
    ATK_VM,
    NOW,
    T1,
    T1_DID,
    T1_VM,
    T2,
    V2,
    VALID_FROM,
    build_credential,
    sign,
)

from common.jsonld import JsonLdProcessor
from common.timeutil import format_datetime
from keys.did import did_key, did_key_verification_method
from verifier import CompositeResolver, DidKeyResolver
from verifier._cache import DocumentCache
from verifier.fetch import FetchPolicy, HttpFetcher
from verifier.problems import (
    MALFORMED_VALUE_ERROR,
    RANGE_ERROR,
    REVOKED,
    STATUS_LIST_LENGTH_ERROR,
    STATUS_NOT_CHECKED,
    STATUS_RETRIEVAL_ERROR,
    STATUS_VERIFICATION_ERROR,
)
from verifier.remote_status import RemoteStatusChecker
from verifier.report import Check

LIST_PATH = "/status/1"
INDEX = 94567


LOOPBACK = True
"""These tests talk to a loopback test server: the verifier-wide network guard is off."""


def list_credential(
    url: str,
    bits: bytes,
    *,
    purpose: str = "revocation",
    issuer: str = T1_DID,
    encoded: str | None = None,
    **members: Any,
) -> dict[str, Any]:
    """An unsigned BitstringStatusListCredential at ``url``."""
    return {
        "@context": [V2],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": VALID_FROM,
        **members,
        "credentialSubject": {
            "id": url + "#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": encoded if encoded is not None else encode_bits(bits),
        },
    }


def entry(url: str, index: str = str(INDEX), purpose: str = "revocation") -> dict[str, Any]:
    """A BitstringStatusListEntry pointing at ``url``."""
    return {
        "id": f"{url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": index,
        "statusListCredential": url,
    }


def credential_with(*entries: dict[str, Any], issuer: str = T1_DID) -> dict[str, Any]:
    """An (unsigned: the checker only reads it) credential with these status entries."""
    credential = build_credential(issuer)
    credential["credentialStatus"] = list(entries) if len(entries) != 1 else entries[0]
    return credential


def checker(jsonld: JsonLdProcessor, fetcher: Any = None, **kwargs: Any) -> RemoteStatusChecker:
    """The checker at the test clock, resolving did:key only."""
    return RemoteStatusChecker(
        fetcher or dev_fetcher(),
        jsonld,
        CompositeResolver([DidKeyResolver()]),
        clock=lambda: NOW,
        **kwargs,
    )


def publish(
    jsonld: JsonLdProcessor,
    server: TestServer,
    document: dict[str, Any],
    *,
    path: str = LIST_PATH,
    key: Any = T1,
    vm: str = T1_VM,
    **route: Any,
) -> None:
    """Sign ``document`` with ``key`` and serve it at ``path``."""
    server.routes[path] = json_route(sign(jsonld, document, key, vm), **route)


def _assert(check: Check, status: str, problem: str | None, text: str = "") -> None:
    assert check.id == "status"
    assert check.status == status, check
    if problem is None:
        assert check.problem is None
    else:
        assert check.problem is not None and check.problem.type == problem, check
    assert text in check.message, check.message


def test_clear_bit_passes(jsonld: JsonLdProcessor, server: TestServer) -> None:
    url = server.url(LIST_PATH, "lists.test")
    publish(jsonld, server, list_credential(url, bits_with(INDEX + 1)))
    _assert(checker(jsonld).check(credential_with(entry(url))), "passed", None, "not revoked")


def test_f1_set_bit_is_revoked(jsonld: JsonLdProcessor, server: TestServer) -> None:
    url = server.url(LIST_PATH, "lists.test")
    publish(jsonld, server, list_credential(url, bits_with(INDEX)))
    _assert(checker(jsonld).check(credential_with(entry(url))), "failed", REVOKED, "revoked")


def test_f8_left_most_bit_is_index_zero(jsonld: JsonLdProcessor, server: TestServer) -> None:
    url = server.url(LIST_PATH, "lists.test")
    publish(jsonld, server, list_credential(url, bits_with(0)))
    status = checker(jsonld)
    _assert(status.check(credential_with(entry(url, "0"))), "failed", REVOKED)
    _assert(status.check(credential_with(entry(url, "1"))), "passed", None)
    _assert(status.check(credential_with(entry(url, "7"))), "passed", None)


def test_suspension_bit_is_suspended(jsonld: JsonLdProcessor, server: TestServer) -> None:
    url = server.url(LIST_PATH, "lists.test")
    publish(jsonld, server, list_credential(url, bits_with(INDEX), purpose="suspension"))
    check = checker(jsonld).check(credential_with(entry(url, purpose="suspension")))
    _assert(check, "failed", REVOKED, "suspended")


def test_f2_purpose_mismatch(jsonld: JsonLdProcessor, server: TestServer) -> None:
    url = server.url(LIST_PATH, "lists.test")
    publish(jsonld, server, list_credential(url, bits_with(), purpose="suspension"))
    check = checker(jsonld).check(credential_with(entry(url, purpose="revocation")))
    _assert(check, "error", STATUS_VERIFICATION_ERROR, "statusPurpose")


def test_f3_unsigned_list(jsonld: JsonLdProcessor, server: TestServer) -> None:
    url = server.url(LIST_PATH, "lists.test")
    server.routes[LIST_PATH] = json_route(list_credential(url, bits_with()))
    check = checker(jsonld).check(credential_with(entry(url)))
    _assert(check, "error", STATUS_VERIFICATION_ERROR, "cannot be trusted")


def test_f3_tampered_list(jsonld: JsonLdProcessor, server: TestServer) -> None:
    """The issuer revoked index 94567; an attacker clears the bit without re-signing."""
    url = server.url(LIST_PATH, "lists.test")
    signed = sign(jsonld, list_credential(url, bits_with(INDEX)))
    signed["credentialSubject"]["encodedList"] = encode_bits(bits_with())
    server.routes[LIST_PATH] = json_route(signed)
    check = checker(jsonld).check(credential_with(entry(url)))
    _assert(check, "error", STATUS_VERIFICATION_ERROR, "proof")


def test_f3_list_signed_by_attacker_key(jsonld: JsonLdProcessor, server: TestServer) -> None:
    """Issuer T1 named, signed with ATK's key: the key is not the issuer's."""
    url = server.url(LIST_PATH, "lists.test")
    publish(jsonld, server, list_credential(url, bits_with()), key=ATK, vm=ATK_VM)
    check = checker(jsonld).check(credential_with(entry(url)))
    _assert(check, "error", STATUS_VERIFICATION_ERROR, "issuer")


def test_f4_list_issued_by_another_issuer(jsonld: JsonLdProcessor, server: TestServer) -> None:
    """A list validly signed by T2 (its own issuer) showing bit 0, for T1's credential."""
    url = server.url(LIST_PATH, "lists.test")
    t2 = did_key(T2.public_key)
    document = list_credential(url, bits_with(), issuer=t2)
    publish(jsonld, server, document, key=T2, vm=did_key_verification_method(T2.public_key))
    check = checker(jsonld).check(credential_with(entry(url)))
    _assert(check, "error", STATUS_VERIFICATION_ERROR, "not by the credential's issuer")


@pytest.mark.parametrize(
    "index",
    [
        pytest.param(True, id="f5-boolean"),
        pytest.param(-1, id="f5-negative-number"),
        pytest.param(7, id="f5-number"),
        pytest.param("-1", id="f5-negative-string"),
        pytest.param("1.5", id="f5-decimal"),
        pytest.param("1_000", id="f5-underscore"),
        pytest.param("٣", id="f5-arabic-digit"),
        pytest.param(" 7", id="f5-leading-space"),
        pytest.param("+7", id="f5-plus-sign"),
        pytest.param("１２", id="f5-fullwidth-digits"),
        pytest.param("07", id="f5-leading-zero"),
        pytest.param("", id="f5-empty"),
    ],
)
def test_f5_malformed_index(jsonld: JsonLdProcessor, index: Any) -> None:
    """Refused before any fetch (the fetcher would fail the test)."""
    url = "https://lists.example/status/1"
    bad = {**entry(url), "statusListIndex": index}
    check = checker(jsonld, fetcher=NoFetch()).check(credential_with(bad))
    _assert(check, "failed", MALFORMED_VALUE_ERROR, "statusListIndex")


def test_f5_huge_index_is_out_of_range(jsonld: JsonLdProcessor) -> None:
    url = "https://lists.example/status/1"
    huge = entry(url, "99999999999999999999")
    check = checker(jsonld, fetcher=NoFetch()).check(credential_with(huge))
    _assert(check, "failed", RANGE_ERROR)


def test_f6_index_just_past_the_list(jsonld: JsonLdProcessor, server: TestServer) -> None:
    url = server.url(LIST_PATH, "lists.test")
    publish(jsonld, server, list_credential(url, bits_with()))
    check = checker(jsonld).check(credential_with(entry(url, "131072")))
    _assert(check, "failed", RANGE_ERROR, "outside the list")


def test_f7_list_too_short(jsonld: JsonLdProcessor, server: TestServer) -> None:
    url = server.url(LIST_PATH, "lists.test")
    publish(jsonld, server, list_credential(url, bits_with(size=1024)))
    check = checker(jsonld).check(credential_with(entry(url, "5")))
    _assert(check, "error", STATUS_LIST_LENGTH_ERROR, "131072")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


F8_ENCODINGS = [
    pytest.param(_b64(gzip.compress(bits_with(), mtime=0)), id="f8-no-u-prefix"),
    pytest.param(
        "u" + base64.b64encode(gzip.compress(bits_with(7), mtime=0)).decode(),
        id="f8-standard-base64-with-padding",
    ),
    pytest.param("u" + _b64(bits_with()), id="f8-not-gzip"),
    pytest.param("u" + _b64(gzip.compress(bits_with(), mtime=0) + b"garbage"), id="f8-trailing"),
    pytest.param("u" + _b64(gzip.compress(bits_with(), mtime=0)[:-8]), id="f8-truncated"),
    pytest.param(
        "u" + _b64(gzip.compress(bytes(17 * 1024 * 1024), mtime=0)), id="f8-gzip-bomb-17mb"
    ),
]


@pytest.mark.parametrize("encoded", F8_ENCODINGS)
def test_f8_bad_encoded_list(jsonld: JsonLdProcessor, server: TestServer, encoded: str) -> None:
    url = server.url(LIST_PATH, "lists.test")
    publish(jsonld, server, list_credential(url, b"", encoded=encoded))
    check = checker(jsonld).check(credential_with(entry(url)))
    _assert(check, "error", STATUS_VERIFICATION_ERROR, "encodedList")


@pytest.mark.parametrize(
    ("route", "text"),
    [
        pytest.param(Route(status=404), "HTTP 404", id="f9-404"),
        pytest.param(Route(status=500), "HTTP 500", id="f9-500"),
        pytest.param(
            Route(body=b"<html></html>", headers={"Content-Type": "text/html"}),
            "not JSON",
            id="f9-html",
        ),
        pytest.param(
            Route(status=302, headers={"Location": "http://127.0.0.1/status/1"}),
            "redirects are not followed",
            id="f9-redirect-to-loopback",
        ),
        pytest.param(Route(body=b"{}", delay_seconds=1.0), "did not answer", id="f9-timeout"),
    ],
)
def test_f9_retrieval_failure(
    jsonld: JsonLdProcessor, server: TestServer, route: Route, text: str
) -> None:
    url = server.url(LIST_PATH, "lists.test")
    server.routes[LIST_PATH] = route
    policy = FetchPolicy(allow_http=True, allow_private=True, timeout=0.4)
    fetcher = HttpFetcher(policy, resolve=lambda host, port: ["127.0.0.1"])
    check = checker(jsonld, fetcher=fetcher).check(credential_with(entry(url)))
    _assert(check, "error", STATUS_RETRIEVAL_ERROR, text)


def test_f9_failure_is_not_cached(jsonld: JsonLdProcessor, server: TestServer) -> None:
    url = server.url(LIST_PATH, "lists.test")
    status = checker(jsonld)
    _assert(status.check(credential_with(entry(url))), "error", STATUS_RETRIEVAL_ERROR)
    publish(jsonld, server, list_credential(url, bits_with()))
    _assert(status.check(credential_with(entry(url))), "passed", None)


def test_f10_every_entry_is_evaluated(jsonld: JsonLdProcessor, server: TestServer) -> None:
    """Suspension bit 0 first, revocation bit 1 second: revoked."""
    revocation = server.url("/status/revocation", "lists.test")
    suspension = server.url("/status/suspension", "lists.test")
    publish(
        jsonld, server, list_credential(revocation, bits_with(INDEX)), path="/status/revocation"
    )
    publish(
        jsonld,
        server,
        list_credential(suspension, bits_with(), purpose="suspension"),
        path="/status/suspension",
    )
    credential = credential_with(entry(suspension, purpose="suspension"), entry(revocation))
    _assert(checker(jsonld).check(credential), "failed", REVOKED, "revoked")


@pytest.mark.parametrize(
    "kind",
    [
        pytest.param("StatusList2021Entry", id="f11-statuslist2021"),
        pytest.param("FooStatus", id="f11-foo"),
        pytest.param(["FooStatus", "BarStatus"], id="f11-list-of-unknown"),
    ],
)
def test_f11_unknown_status_type(jsonld: JsonLdProcessor, kind: Any) -> None:
    unknown = {**entry("https://lists.example/status/1"), "type": kind}
    check = checker(jsonld, fetcher=NoFetch()).check(credential_with(unknown))
    _assert(check, "error", STATUS_NOT_CHECKED, "cannot confirm")


def test_f14_expired_list(jsonld: JsonLdProcessor, server: TestServer) -> None:
    url = server.url(LIST_PATH, "lists.test")
    expired = format_datetime(NOW - timedelta(hours=1))
    publish(jsonld, server, list_credential(url, bits_with(), validUntil=expired))
    check = checker(jsonld).check(credential_with(entry(url)))
    _assert(check, "error", STATUS_VERIFICATION_ERROR, "expired")


def test_f17_entry_id_equal_to_list_url(jsonld: JsonLdProcessor) -> None:
    url = "https://lists.example/status/1"
    bad = {**entry(url), "id": url}
    check = checker(jsonld, fetcher=NoFetch()).check(credential_with(bad))
    _assert(check, "failed", MALFORMED_VALUE_ERROR, "other than the list's")


def test_list_id_must_be_its_url(jsonld: JsonLdProcessor, server: TestServer) -> None:
    """A list copied from elsewhere (its id is another URL) is not trusted."""
    url = server.url(LIST_PATH, "lists.test")
    publish(jsonld, server, list_credential(server.url("/elsewhere", "lists.test"), bits_with()))
    check = checker(jsonld).check(credential_with(entry(url)))
    _assert(check, "error", STATUS_VERIFICATION_ERROR, "not the URL")


def test_f12_list_cached_for_its_ttl_then_refetched(
    jsonld: JsonLdProcessor, server: TestServer
) -> None:
    """``ttl`` 60 s (shorter than max-age): revoked within it is still read from the cache,
    seen right after it."""
    url = server.url(LIST_PATH, "lists.test")
    headers = {"Content-Type": "application/vc+ld+json", "Cache-Control": "max-age=300"}
    document = list_credential(url, bits_with())
    document["credentialSubject"]["ttl"] = 60_000
    publish(jsonld, server, document, headers=headers)
    now = [1000.0]
    counting = CountingFetcher(dev_fetcher())
    status = checker(jsonld, fetcher=counting, cache=DocumentCache(clock=lambda: now[0]))
    _assert(status.check(credential_with(entry(url))), "passed", None)
    revoked = copy.deepcopy(document)
    revoked["credentialSubject"]["encodedList"] = encode_bits(bits_with(INDEX))
    publish(jsonld, server, revoked, headers=headers)
    now[0] += 59
    _assert(status.check(credential_with(entry(url))), "passed", None)
    now[0] += 2
    _assert(status.check(credential_with(entry(url))), "failed", REVOKED)
    assert len(counting.calls) == 2


def test_too_many_entries(jsonld: JsonLdProcessor) -> None:
    entries = [entry("https://lists.example/status/1", str(i)) for i in range(9)]
    check = checker(jsonld, fetcher=NoFetch()).check(credential_with(*entries))
    _assert(check, "failed", MALFORMED_VALUE_ERROR, "at most 8")


def test_development_policy_is_needed_for_the_loopback_list(
    jsonld: JsonLdProcessor, server: TestServer
) -> None:
    """The same list under the production policy: refused, the server never reached."""
    url = server.url(LIST_PATH, "lists.test")
    publish(jsonld, server, list_credential(url, bits_with()))
    production = HttpFetcher(FetchPolicy(), resolve=lambda host, port: ["127.0.0.1"])
    check = checker(jsonld, fetcher=production).check(credential_with(entry(url)))
    _assert(check, "error", STATUS_RETRIEVAL_ERROR)
    assert server.seen == []
