"""Issue 12, item 25: one idle connection must not stop other organisations' writes.

A client that sends an issue request's headers and then nothing (the body never comes) used
to hold the database: on SQLite the write lock (every other issue and revoke answered 500 after
10 s), on PostgreSQL a pooled connection each (~35 of them exhausted the pool). Now the body is
read, bounded in size and time, before any transaction, and the token is checked in a short
read-only step; the server also bounds the time to send headers.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from issuance_support import Tokens, competence_body, new_org
from live_server import live_server, with_settings
from registry_support import bearer

from registry.context import Registry

IDLE_CONNECTIONS = 40
"""More than the PostgreSQL pool (10 + 20 overflow) and than anyio's 40 worker threads."""
PROMPT = 5.0
"""Seconds the other organisation's issue and revoke may take, all told (SQLite's busy timeout
is 10 s: a request stuck behind the lock takes longer)."""


@pytest.fixture
def registry(registry: Registry) -> Registry:
    """Short server-side limits, so the test sees them act; no rate limit."""
    return with_settings(
        registry, rate_limit_per_minute=0, body_timeout_seconds=3.0, header_timeout_seconds=2.0
    )


@pytest.fixture
def base_url(registry: Registry, tmp_path: Path) -> Iterator[str]:
    with live_server(registry, tmp_path / "var") as url:
        yield url


def _open(base_url: str) -> socket.socket:
    parts = urlsplit(base_url)
    return socket.create_connection((parts.hostname, parts.port), timeout=10)


def _headers_only(base_url: str, token: str) -> socket.socket:
    """An issue request whose headers announce a body that never comes."""
    conn = _open(base_url)
    head = (
        "POST /api/v1/credentials HTTP/1.1\r\n"
        f"Host: {urlsplit(base_url).netloc}\r\n"
        f"Authorization: Bearer {token}\r\n"
        "Content-Type: application/json\r\n"
        "Content-Length: 400\r\n\r\n"
    )
    conn.sendall(head.encode("ascii"))
    return conn


def test_i12_25_idle_issue_request_does_not_stop_other_organisations(
    registry: Registry, base_url: str
) -> None:
    """Item 25: while 40 connections hold an issue request after its headers, another
    organisation issues and revokes promptly (SQLite and PostgreSQL); each idle request is then
    answered 408 ``request-timeout`` within the body time limit."""
    slow = Tokens.of(registry, new_org(registry, "slow-centre"))
    other = Tokens.of(registry, new_org(registry, "busy-centre"))
    idle = [_headers_only(base_url, slow.assessor) for _ in range(IDLE_CONNECTIONS)]
    try:
        time.sleep(0.5)  # the server has read every request's headers and waits for bodies
        started = time.monotonic()
        with httpx.Client(base_url=base_url, timeout=30) as client:
            issued = client.post(
                "/api/v1/credentials", json=competence_body(), headers=bearer(other.assessor)
            )
            assert issued.status_code == 201, issued.text
            uuid = issued.json()["credential"]["id"].rsplit("/", 1)[-1]
            revoked = client.post(
                f"/api/v1/credentials/{uuid}/revoke",
                json={"reason": "test"},
                headers=bearer(other.admin),
            )
            assert revoked.status_code == 200, revoked.text
        assert time.monotonic() - started < PROMPT
        # The idle requests are answered 408 once the body's time limit (3 s) has passed.
        answer = idle[0].recv(4096).decode("latin-1")
        assert answer.startswith("HTTP/1.1 408"), answer[:200]
        assert "urn:leverup:problem:request-timeout" in answer
    finally:
        for conn in idle:
            conn.close()


def test_i12_25_headers_never_finished_close_the_connection(base_url: str) -> None:
    """Item 25: a connection that never finishes its headers is closed by the server after
    ``LEVERUP_HEADER_TIMEOUT_SECONDS`` (2 s here): it cannot be held open for ever."""
    silent = _open(base_url)
    partial = _open(base_url)
    partial.sendall(b"POST /api/v1/credentials HTTP/1.1\r\nHost: x\r\n")
    started = time.monotonic()
    try:
        assert silent.recv(1024) == b""  # closed by the server
        assert partial.recv(1024) == b""
        assert time.monotonic() - started < 6
    finally:
        silent.close()
        partial.close()
