"""RemoteStatusChecker on 1EdTech revocation lists (ob3-requirements §3.2, catalogue F9, F11).

The list at the entry's ``id`` is fetched with ``Accept: application/json``; the credential is
revoked when its ``id`` is listed in ``revokedCredential`` with ``revoked`` true or absent.
"""

from __future__ import annotations

from typing import Any

import pytest
from network_support import NoFetch, Route, TestServer, dev_fetcher, json_route
from verifier_support import NOW, T1_DID, build_credential

from common.jsonld import JsonLdProcessor
from verifier import CompositeResolver, DidKeyResolver
from verifier.problems import (
    MALFORMED_VALUE_ERROR,
    REVOKED,
    STATUS_NOT_CHECKED,
    STATUS_RETRIEVAL_ERROR,
    STATUS_VERIFICATION_ERROR,
)
from verifier.remote_status import RemoteStatusChecker
from verifier.report import Check

LIST_PATH = "/revocations"


LOOPBACK = True
"""These tests talk to a loopback test server: the verifier-wide network guard is off."""


def _credential(url: str) -> dict[str, Any]:
    credential = build_credential(T1_DID)
    credential["credentialStatus"] = {"id": url, "type": "1EdTechRevocationList"}
    return credential


def _check(jsonld: JsonLdProcessor, credential: dict[str, Any], fetcher: Any = None) -> Check:
    return RemoteStatusChecker(
        fetcher or dev_fetcher(), jsonld, CompositeResolver([DidKeyResolver()]), clock=lambda: NOW
    ).check(credential)


def _serve_list(server: TestServer, *items: dict[str, Any]) -> str:
    server.routes[LIST_PATH] = json_route(
        {"id": server.url(LIST_PATH), "issuer": T1_DID, "revokedCredential": list(items)}
    )
    return server.url(LIST_PATH)


def test_not_listed_passes(jsonld: JsonLdProcessor, server: TestServer) -> None:
    url = _serve_list(server, {"id": "urn:uuid:someone-else", "revoked": True})
    check = _check(jsonld, _credential(url))
    assert check.status == "passed", check
    assert server.seen[-1].headers["accept"] == "application/json"


def test_listed_revoked_true_is_revoked(jsonld: JsonLdProcessor, server: TestServer) -> None:
    credential = _credential(server.url(LIST_PATH))
    _serve_list(server, {"id": credential["id"], "revoked": True})
    check = _check(jsonld, credential)
    assert check.status == "failed"
    assert check.problem is not None and check.problem.type == REVOKED


def test_listed_without_revoked_flag_is_revoked(
    jsonld: JsonLdProcessor, server: TestServer
) -> None:
    credential = _credential(server.url(LIST_PATH))
    _serve_list(server, {"id": credential["id"], "revocationReason": "withdrawn"})
    assert _check(jsonld, credential).status == "failed"


def test_listed_with_revoked_false_passes(jsonld: JsonLdProcessor, server: TestServer) -> None:
    credential = _credential(server.url(LIST_PATH))
    _serve_list(server, {"id": credential["id"], "revoked": False})
    assert _check(jsonld, credential).status == "passed"


@pytest.mark.parametrize(
    "body",
    [
        pytest.param([], id="not-an-object"),
        pytest.param({"revokedCredential": "urn:x"}, id="revoked-not-a-list"),
        pytest.param({"revokedCredential": [{"revoked": True}]}, id="item-without-id"),
        pytest.param({"revokedCredential": [{"id": "urn:x", "revoked": "yes"}]}, id="flag-text"),
    ],
)
def test_malformed_list_is_an_error(jsonld: JsonLdProcessor, server: TestServer, body: Any) -> None:
    server.routes[LIST_PATH] = json_route(body)
    check = _check(jsonld, _credential(server.url(LIST_PATH)))
    assert check.status == "error"
    assert check.problem is not None and check.problem.type == STATUS_VERIFICATION_ERROR


@pytest.mark.parametrize(
    "route",
    [
        pytest.param(Route(status=404), id="f9-404"),
        pytest.param(Route(status=500), id="f9-500"),
        pytest.param(Route(body=b"<html/>", headers={"Content-Type": "text/html"}), id="f9-html"),
    ],
)
def test_f9_unreachable_list_is_an_error(
    jsonld: JsonLdProcessor, server: TestServer, route: Route
) -> None:
    server.routes[LIST_PATH] = route
    check = _check(jsonld, _credential(server.url(LIST_PATH)))
    assert check.status == "error"
    assert check.problem is not None and check.problem.type == STATUS_RETRIEVAL_ERROR


def test_credential_without_id_cannot_be_looked_up(jsonld: JsonLdProcessor) -> None:
    credential = _credential("https://lists.example/revocations")
    del credential["id"]
    check = _check(jsonld, credential, NoFetch())
    assert check.status == "error"
    assert check.problem is not None and check.problem.type == STATUS_NOT_CHECKED


def test_entry_without_id_is_malformed(jsonld: JsonLdProcessor) -> None:
    credential = _credential("x")
    credential["credentialStatus"] = {"type": "1EdTechRevocationList"}
    check = _check(jsonld, credential, NoFetch())
    assert check.status == "failed"
    assert check.problem is not None and check.problem.type == MALFORMED_VALUE_ERROR
