"""Issue 12, item 33: ``X-Forwarded-For`` is believed only from ``LEVERUP_TRUSTED_PROXIES``.

uvicorn believes the header from any loopback peer by default, so any client on the host (or a
proxy that passes the header through) picked its own address, and so a fresh rate-limit
budget per request. The real server (``leverup serve``'s uvicorn options) is asked here.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from live_server import live_server, with_settings

from common.errors import ConfigurationError
from common.settings import load_settings
from registry.context import Registry

LIMIT = 3


def _statuses(base_url: str) -> list[int]:
    """``LIMIT + 1`` requests, each claiming another client address."""
    with httpx.Client(base_url=base_url, timeout=10) as client:
        return [
            client.get("/achievements", headers={"X-Forwarded-For": f"203.0.113.{n}"}).status_code
            for n in range(1, LIMIT + 2)
        ]


def test_i12_33_forwarded_for_from_loopback_is_not_believed_by_default(
    registry: Registry, tmp_path: Path
) -> None:
    """Item 33: without trusted proxies, a loopback client that names other addresses in
    ``X-Forwarded-For`` is still one client: its rate limit runs out."""
    limited = with_settings(registry, rate_limit_per_minute=LIMIT)
    with live_server(limited, tmp_path / "var") as base_url:
        assert _statuses(base_url) == [200] * LIMIT + [429]


def test_i12_33_trusted_proxy_forwarded_for_is_believed(registry: Registry, tmp_path: Path) -> None:
    """Item 33: from a proxy named in ``LEVERUP_TRUSTED_PROXIES`` the header gives the client
    address: four clients behind it each have their own budget."""
    limited = with_settings(registry, rate_limit_per_minute=LIMIT, trusted_proxies=("127.0.0.1",))
    with live_server(limited, tmp_path / "var") as base_url:
        assert _statuses(base_url) == [200] * (LIMIT + 1)


def test_i12_33_trusted_proxies_setting() -> None:
    """Item 33: addresses and networks, comma-separated; none by default; garbage refused."""
    assert load_settings({}).trusted_proxies == ()
    assert load_settings({"LEVERUP_TRUSTED_PROXIES": ""}).trusted_proxies == ()
    both = load_settings({"LEVERUP_TRUSTED_PROXIES": "10.0.0.5, 172.18.0.0/16"})
    assert both.trusted_proxies == ("10.0.0.5", "172.18.0.0/16")
    with pytest.raises(ConfigurationError):
        load_settings({"LEVERUP_TRUSTED_PROXIES": "proxy.example.org"})
