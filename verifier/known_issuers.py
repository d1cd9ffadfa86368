"""Known issuers, and the issuer's host as ASCII (catalogue E13).

A verified credential says *who* signed it; whether that issuer is one the service knows is a
separate, displayed fact: :class:`KnownIssuers` answers it from a set of trusted DIDs and an
optional predicate (e.g. "an organisation of this registry"). An unknown issuer is shown as such,
without hiding the rest of the result.

:func:`issuer_host` gives the host of a did:web or URL issuer in ASCII, IDN labels in punycode
(``xn--…``), so that a look-alike name cannot pass for the one it imitates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from urllib.parse import unquote, urlsplit

__all__ = ["KnownIssuers", "issuer_host"]


class KnownIssuers:
    """``known(did)``: the DID is trusted, or ``predicate`` says it is ours.

    Args:
        trusted: DIDs (or issuer URLs) configured as known, compared exactly.
        predicate: Further issuers that are known (e.g. this registry's organisations).
    """

    def __init__(
        self, trusted: Iterable[str] = (), predicate: Callable[[str], bool] | None = None
    ) -> None:
        self._trusted = frozenset(trusted)
        self._predicate = predicate

    def __call__(self, issuer_id: str) -> bool:
        """Whether ``issuer_id`` is a known issuer."""
        if issuer_id in self._trusted:
            return True
        return self._predicate is not None and self._predicate(issuer_id)


def _ascii(host: str) -> str | None:
    host = host.strip().rstrip(".").lower()
    if not host:
        return None
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return None


def issuer_host(issuer_id: str | None) -> str | None:
    """The ASCII host of a ``did:web:`` or ``http(s)://`` issuer id; ``None`` for others."""
    if not isinstance(issuer_id, str):
        return None
    if issuer_id.startswith("did:web:"):
        authority = issuer_id[len("did:web:") :].split(":", 1)[0].split("#", 1)[0]
        return _ascii(unquote(authority).split(":", 1)[0])
    if issuer_id.startswith(("https://", "http://")):
        try:
            host = urlsplit(issuer_id).hostname
        except ValueError:
            return None
        return _ascii(host) if host else None
    return None
