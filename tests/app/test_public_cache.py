"""app.public.cache: results stay fresh until the next validity boundary, at most max_age."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.public.cache import DEFAULT_MAX_AGE, FreshCache, fresh_until

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


class TestFreshUntil:
    def test_no_boundary_gives_max_age(self) -> None:
        """Without a boundary ahead, a result is fresh for max_age."""
        assert fresh_until(NOW, [None, NOW - timedelta(days=1)]) == NOW + DEFAULT_MAX_AGE

    def test_next_boundary_cuts_it_short(self) -> None:
        """An expiry one minute ahead ends freshness then (the expired verdict is never late)."""
        soon = NOW + timedelta(minutes=1)
        later = NOW + timedelta(minutes=2)
        assert fresh_until(NOW, [later, soon]) == soon

    def test_boundary_at_now_is_ignored(self) -> None:
        """A boundary already reached does not make the entry stale at birth."""
        assert fresh_until(NOW, [NOW]) == NOW + DEFAULT_MAX_AGE


class TestFreshCache:
    def test_stale_entry_is_dropped(self) -> None:
        """After its moment, an entry is gone."""
        cache: FreshCache[str, int] = FreshCache()
        cache.put("a", 1, NOW + timedelta(seconds=10))
        assert cache.get("a", NOW) == 1
        assert cache.get("a", NOW + timedelta(seconds=10)) is None
        assert len(cache) == 0

    def test_least_recently_used_is_evicted(self) -> None:
        """Beyond max_entries, the entry used least recently goes first."""
        cache: FreshCache[str, int] = FreshCache(max_entries=2)
        until = NOW + timedelta(minutes=1)
        cache.put("a", 1, until)
        cache.put("b", 2, until)
        assert cache.get("a", NOW) == 1
        cache.put("c", 3, until)
        assert cache.get("b", NOW) is None
        assert (cache.get("a", NOW), cache.get("c", NOW)) == (1, 3)
