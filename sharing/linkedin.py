"""LinkedIn's "Add to profile" link for a certification (``europass-wallets.md`` §6).

LinkedIn takes no credential: the link pre-fills a certification on the holder's profile, with
the public page as ``certUrl`` (where anyone can check it) and the credential's uuid as
``certId``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final
from urllib.parse import urlencode

__all__ = ["LINKEDIN_ADD", "linkedin_url"]

LINKEDIN_ADD: Final = "https://www.linkedin.com/profile/add"
"""LinkedIn's "Add to profile" endpoint."""


def linkedin_url(
    *,
    name: str,
    organization_name: str | None,
    issued: datetime,
    expires: datetime | None,
    cert_url: str,
    cert_id: str,
) -> str:
    """LinkedIn's "Add to profile" URL for a certification (``europass-wallets.md`` §6).

    Every value is URL-encoded; the expiry members are left out when the credential never
    expires.
    """
    params: list[tuple[str, str]] = [("startTask", "CERTIFICATION_NAME"), ("name", name)]
    if organization_name:
        params.append(("organizationName", organization_name))
    params += [("issueYear", str(issued.year)), ("issueMonth", str(issued.month))]
    if expires is not None:
        params += [("expirationYear", str(expires.year)), ("expirationMonth", str(expires.month))]
    params += [("certUrl", cert_url), ("certId", cert_id)]
    return f"{LINKEDIN_ADD}?{urlencode(params)}"
