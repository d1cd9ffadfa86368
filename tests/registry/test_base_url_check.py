"""Issue 12, item 2: a registry whose organisations belong to another base URL refuses to
start (their DIDs, status lists and credential ids live under the old one), on SQLite and
PostgreSQL."""

from __future__ import annotations

from dataclasses import replace

import pytest
from registry_support import BASE_URL, create_org, make_registry
from sqlalchemy.engine import Engine

from common.errors import ConfigurationError
from common.settings import Settings
from registry.bootstrap import check_base_url, organisation_base_urls


def test_i12_2_same_base_url_passes(engine: Engine) -> None:
    """Organisations made under the base URL: nothing to say (an empty registry neither)."""
    check_base_url(engine, Settings(base_url="http://127.0.0.1:18001"))
    create_org(make_registry(engine))
    check_base_url(engine, Settings(base_url=BASE_URL))
    check_base_url(engine, Settings(base_url=BASE_URL + "/"))


def test_i12_2_other_base_url_refused(engine: Engine) -> None:
    """Another host, another port or the default: refused, naming the old base URL, the
    organisations and what to do."""
    create_org(make_registry(engine), "centre-one")
    create_org(make_registry(engine), "centre-two")
    assert organisation_base_urls(engine) == {BASE_URL: ["centre-one", "centre-two"]}
    for other in ("https://badges.example.net", "https://badges.example.org:8443"):
        with pytest.raises(ConfigurationError) as caught:
            check_base_url(engine, Settings(base_url=other))
        detail = caught.value.detail
        assert f"centre-one, centre-two under {BASE_URL}" in detail
        assert f"the base URL is now {other}" in detail
        assert f"LEVERUP_BASE_URL={BASE_URL}" in detail
        assert "LEVERUP_DATA_DIR" in detail


def test_i12_2_loopback_registry_reads_as_http(engine: Engine) -> None:
    """A development registry (loopback host, no organisation url) is named with ``http``."""
    local = replace(make_registry(engine), settings=Settings(base_url="http://127.0.0.1:18001"))
    create_org(local, "demo")
    assert organisation_base_urls(engine) == {"http://127.0.0.1:18001": ["demo"]}
    with pytest.raises(ConfigurationError, match=r"LEVERUP_BASE_URL=http://127\.0\.0\.1:18001"):
        check_base_url(engine, Settings())
