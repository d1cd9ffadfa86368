"""The public pages and the verification endpoints.

- ``GET /credentials/{uuid}``: content-negotiated. ``application/json``,
  ``application/vc+ld+json`` and ``application/ld+json`` get the signed bytes exactly as stored
  (``ETag``/304, CORS ``*``); a browser (``text/html`` preferred) gets the page, verified on the
  server at each view (cached until something that matters changes, :mod:`app.public.cache`).
  ``/credentials/{uuid}.json`` is always JSON. Unknown, erased or hidden: 404 (a localised page
  for browsers, a problem for machines).
- ``POST /credentials/{uuid}`` (form ``email``): the page again, saying whether the credential
  was issued to that address (never shown, logged or kept; ``LEVERUP_RECIPIENT_CHECKS_PER_MINUTE``).
- ``GET``/``POST /credentials/{uuid}/holder?key=…``: the holder hides or shows the public page.
- ``GET``/``POST /verify``: the human verifier (file upload, pasted text, or a credential URL:
  ours resolved locally, any other fetched under the bounded fetcher's policy, catalogue H16;
  an optional e-mail field runs the recipient check).
- ``POST /api/v1/verify``: JSON, a compact JWT, a baked PNG/SVG (as the body, a multipart
  ``file``, or a multipart ``url``; with an optional ``recipient`` part) →
  ``{verified, checks, credential[, recipient]}``.
- ``POST /api/v1/credentials/{uuid}/hide`` and ``/show`` (assessor or admin token).

Pages carry no script and load nothing from elsewhere: a strict CSP, one self-hosted stylesheet.
"""

from __future__ import annotations

from typing import Any, Final

from app.public._pages import (
    hide_credential,
    holder_change,
    holder_page,
    public_credential,
    show_credential,
    stylesheet,
)
from app.public._recipient import recipient_check_page
from app.public._render import CSP
from app.public._verify import verify_credential, verify_page, verify_submit

__all__ = ["CSP", "ROUTES"]

ROUTES: Final[list[Any]] = [
    public_credential,
    recipient_check_page,
    holder_page,
    holder_change,
    stylesheet,
    verify_page,
    verify_submit,
    verify_credential,
    hide_credential,
    show_credential,
]
"""The route handlers of the public site (``app/asgi.py`` mounts them)."""
