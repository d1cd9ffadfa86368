"""Issue 12, item 34: no recipient address and no holder key in URLs that reach the logs.

``GET /api/v1/credentials?recipient=`` put the recipient's e-mail address in the access log
(and in the ``Link`` header); every holder-page view logged its secret ``key``. Now the GET
refuses ``recipient`` (``POST /api/v1/credentials/search`` takes it in the body), and the access
log of ``leverup serve`` keeps only harmless query values.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import httpx
from issuance_support import Tokens, competence_body, new_org
from litestar.testing import TestClient
from live_server import live_server_process, with_settings
from registry_support import bearer

from app.server import RedactQuery, redact_query
from registry.context import Registry

ADDRESS = "secret.volunteer@example.org"


def test_i12_34_recipient_in_the_query_string_is_refused(
    client: TestClient[Any], tokens: Tokens
) -> None:
    """Item 34: ``recipient`` in the GET's query string is a 400 ``invalid-request`` that
    points at the POST search (and no page, no ``Link`` header carries the address)."""
    answer = client.get(
        "/api/v1/credentials", params={"recipient": ADDRESS}, headers=bearer(tokens.viewer)
    )
    assert answer.status_code == 400
    assert answer.json()["type"] == "urn:leverup:problem:invalid-request"
    assert "POST /api/v1/credentials/search" in answer.json()["detail"]
    assert ADDRESS not in answer.text and "link" not in answer.headers


def test_i12_34_access_log_keeps_no_secret_query_value() -> None:
    """Item 34: the access-log filter redacts every query value but harmless ones."""
    assert redact_query("/credentials/x/holder?key=s3cr3t&lang=fr") == (
        "/credentials/x/holder?key=[redacted]&lang=fr"
    )
    assert redact_query("/api/v1/credentials?limit=5&recipient=a%40b.org") == (
        "/api/v1/credentials?limit=5&recipient=[redacted]"
    )
    assert redact_query("/health") == "/health"
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/credentials/x/holder?key=s3cr3t", "1.1", 200),
        None,
    )
    assert RedactQuery().filter(record)
    assert "s3cr3t" not in record.getMessage()


def test_i12_34_served_access_log_has_no_holder_key_or_address(
    registry: Registry, tmp_path: Path
) -> None:
    """Item 34: the real server's access log (``leverup serve``'s uvicorn options, level info)
    shows the requests, but neither a holder link's key nor a recipient address."""
    tokens = Tokens.of(registry, new_org(registry, "logged-centre"))
    log_file = tmp_path / "server.log"
    quiet = with_settings(registry, rate_limit_per_minute=0)
    with (
        live_server_process(quiet, tmp_path / "var", log_file=log_file) as base_url,
        httpx.Client(base_url=base_url, timeout=30) as client,
    ):
        issued = client.post(
            "/api/v1/credentials", json=competence_body(), headers=bearer(tokens.assessor)
        )
        assert issued.status_code == 201, issued.text
        holder = httpx.URL(issued.json()["links"]["holder"])
        key = holder.params["key"]
        page = client.get(holder.path, params={"key": key, "lang": "fr"})
        assert page.status_code == 200
        client.get(
            "/api/v1/credentials", params={"recipient": ADDRESS}, headers=bearer(tokens.viewer)
        )
    logged = log_file.read_text(encoding="utf-8")
    assert f"GET {holder.path}?key=[redacted]&lang=fr" in logged
    assert key not in logged
    assert ADDRESS not in logged and ADDRESS.replace("@", "%40") not in logged
