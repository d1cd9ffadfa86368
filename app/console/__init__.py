"""The issuer console (``/console``): where staff of an organisation issue, find, revoke and
renew from a browser.

Room named now, filled by the console issue: staff accounts and sessions, CSRF-protected forms,
pages in the viewer's language. Like :mod:`app.api` it is a door: each action calls the same
services of :mod:`registry` with the same roles, and turns their problems into readable
messages.
"""

from __future__ import annotations

__all__: list[str] = []
