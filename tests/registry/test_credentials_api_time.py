"""POST /api/v1/credentials and time (security catalogue G3, G8, G10; the verifier side is in
tests/verifier/test_verifier_catalogue_g.py).

The issue API takes ``validUntil`` only (``validFrom`` is always the issue time and is not a
field of the request), as an RFC 3339 date-time with an offset. The issuer emits whole seconds
in UTC (``common.timeutil.format_datetime``), so a fractional ``validUntil`` is refused rather
than silently cut to the second.
"""

from __future__ import annotations

import json
from typing import Any

from issuance_support import PROBLEM, Tokens, competence_body, stored
from litestar.testing import TestClient
from registry_support import bearer

from registry.context import Registry

PATH = "/api/v1/credentials"


def _post(client: TestClient[Any], token: str, body: Any) -> Any:
    return client.post(PATH, json=body, headers=bearer(token))


def _refused(response: Any) -> dict[str, Any]:
    assert response.status_code == 422, response.text
    problem: dict[str, Any] = response.json()
    assert problem["type"] == PROBLEM + "invalid-input"
    return problem


def test_g3_valid_until_in_the_past_is_refused(client: TestClient[Any], tokens: Tokens) -> None:
    """validUntil before the issue time (= validFrom): an inverted period, 422."""
    problem = _refused(
        _post(client, tokens.assessor, competence_body(validUntil="2020-01-01T00:00:00Z"))
    )
    assert "validUntil" in problem["detail"]


def test_g3_valid_until_equal_to_now_is_refused(
    client: TestClient[Any], tokens: Tokens, registry: Registry
) -> None:
    """validUntil equal to the issue time: an empty period, 422 (the registry clock is fixed to
    the second here, so "now" is exact)."""
    now = registry.clock().strftime("%Y-%m-%dT%H:%M:%SZ")
    _refused(_post(client, tokens.assessor, competence_body(validUntil=now)))


def test_g3_valid_from_is_not_a_request_field(client: TestClient[Any], tokens: Tokens) -> None:
    """A caller cannot set validFrom (so cannot invert the period through it): unknown field."""
    problem = _refused(
        _post(client, tokens.assessor, competence_body(validFrom="3000-01-01T00:00:00Z"))
    )
    assert "validFrom" in problem["detail"]


def test_g8_valid_until_year_9999_is_issued_as_sent(
    client: TestClient[Any], tokens: Tokens, registry: Registry
) -> None:
    """A far-future expiry (VC DM suite: far future is fine) is issued and signed unchanged.

    The year-3000 ``validFrom`` half of G8 does not apply: the API has no validFrom field
    (see test_g3_valid_from_is_not_a_request_field)."""
    response = _post(client, tokens.assessor, competence_body(validUntil="9999-12-31T23:59:59Z"))
    assert response.status_code == 201, response.text
    uuid = response.headers["location"].rsplit("/", 1)[1]
    signed = stored(registry, uuid).signed_bytes
    assert signed is not None
    assert json.loads(signed)["validUntil"] == "9999-12-31T23:59:59Z"


def test_g8_valid_until_year_3000_is_issued(client: TestClient[Any], tokens: Tokens) -> None:
    """Year 3000 expiry: 201, stated as sent."""
    response = _post(client, tokens.assessor, competence_body(validUntil="3000-01-01T00:00:00Z"))
    assert response.status_code == 201, response.text
    assert response.json()["credential"]["validUntil"] == "3000-01-01T00:00:00Z"


def test_g10_nine_digit_fraction_is_refused_not_rounded(
    client: TestClient[Any], tokens: Tokens
) -> None:
    """``2030-01-01T00:00:00.123456789Z``: 422, never signed as ``…00Z`` or ``…00.123457Z``."""
    problem = _refused(
        _post(client, tokens.assessor, competence_body(validUntil="2030-01-01T00:00:00.123456789Z"))
    )
    assert "whole seconds" in problem["detail"]


def test_g10_half_second_fraction_is_refused(client: TestClient[Any], tokens: Tokens) -> None:
    """``.5Z``: refused as well (the issuer states whole seconds only)."""
    _refused(_post(client, tokens.assessor, competence_body(validUntil="2030-01-01T00:00:00.5Z")))


def test_g10_sub_microsecond_fraction_is_refused(client: TestClient[Any], tokens: Tokens) -> None:
    """``.9999999Z`` (7 digits) must not be signed as the next whole second."""
    _refused(
        _post(client, tokens.assessor, competence_body(validUntil="2030-01-01T00:00:00.9999999Z"))
    )


def test_g10_renew_with_a_fraction_is_refused(client: TestClient[Any], tokens: Tokens) -> None:
    """``/renew`` states whole seconds too: a fractional ``validUntil`` is refused, not cut."""
    issued = _post(client, tokens.assessor, competence_body()).json()
    uuid = issued["credential"]["id"].rsplit("/", 1)[1]
    response = client.post(
        f"/api/v1/credentials/{uuid}/renew",
        json={"validUntil": "2031-01-01T00:00:00.25Z"},
        headers={"Authorization": f"Bearer {tokens.admin}"},
    )
    _refused(response)
