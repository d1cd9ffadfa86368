"""Per-organisation issuance quota (catalogue H14, second half).

``LEVERUP_MAX_CREDENTIALS_PER_ORG_PER_DAY`` credentials per organisation in any rolling 24 hours
(0: no limit). Every item of a batch counts, and the check runs before anything is allocated or
signed: a request that would go over is refused whole with ``429 quota-exceeded`` and a
``Retry-After`` of the seconds until enough of the window has passed. Checks of one organisation
are serialised by a transaction lock (taken before the status-list lock), so two parallel
batches cannot both slip under the limit.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Final

from sqlmodel import Session, col, func, select

from registry.errors import QuotaExceededError
from registry.locks import transaction_lock
from registry.models import CredentialRecord

__all__ = ["WINDOW", "check_quota"]

WINDOW: Final = timedelta(days=1)
"""The rolling window the quota counts over."""


def check_quota(session: Session, org_id: int, count: int, *, limit: int, now: datetime) -> None:
    """Refuse issuing ``count`` more credentials of ``org_id`` if the window would exceed ``limit``.

    Raises:
        QuotaExceededError: With ``Retry-After`` (429).
    """
    if limit <= 0:
        return
    transaction_lock(session, f"quota:{org_id}")
    since = now - WINDOW
    in_window = (
        select(CredentialRecord.issued_at)
        .where(CredentialRecord.org_id == org_id)
        .where(col(CredentialRecord.issued_at) > since)
    )
    used = session.exec(select(func.count()).select_from(in_window.subquery())).one()
    excess = used + count - limit
    if excess <= 0:
        return
    if count > limit:
        raise QuotaExceededError(
            f"{count} credentials exceed the daily quota of {limit} for one organisation; "
            "split the batch",
            retry_after=int(WINDOW.total_seconds()),
        )
    # The window must lose `excess` credentials: wait until the excess-th oldest ages out.
    oldest = session.exec(
        in_window.order_by(col(CredentialRecord.issued_at)).offset(excess - 1).limit(1)
    ).first()
    wait = WINDOW.total_seconds() if oldest is None else (oldest + WINDOW - now).total_seconds()
    raise QuotaExceededError(
        f"the organisation issued {used} credentials in the last 24 hours; the daily quota is "
        f"{limit}, so {count} more cannot be issued now",
        retry_after=max(1, math.ceil(wait)),
    )
