"""IssuanceService: issue one credential or a cohort, in the caller's transaction.

Issuing is validate → allocate status indexes → build and sign → store → audit, all in one
transaction, so a failure anywhere leaves nothing behind (no credential, no used index, no
audit entry). A batch is validated *entirely* before anything is allocated: one bad row refuses
the whole batch with a per-row report.

Rules beyond the issuer's own checks (catalogue, levels, language, dates):

- **Assessor badge.** When the organisation has ``require_assessor_badge`` and the achievement
  is a competence, the assessor must be named with an e-mail address that holds an active,
  unexpired LEVER UP Assessor badge of any organisation of this registry
  (:mod:`registry.credentials._assessors`).
- **Role badges.** Tutor, Assessor and Trainer badges are issued by admins only (``role``
  ``admin``, or an operator of the service: the CLI), or by any issuing token of an
  organisation an operator designated as a training provider; an assessor gets
  ``403 role-badge-requires-admin`` (issue 12 item 29), for one credential or a batch holding
  any role row. An Assessor badge issued by the same organisation within the last hour
  qualifies its holder only when an admin certifies (:mod:`registry.credentials._assessors`).
- **Recipient lookup.** The registry keeps no e-mail address: ``recipient_lookup`` is
  ``HMAC-SHA256(key, normalised e-mail)`` with a key derived from the master secret, so a
  search by address works and a database dump reveals none.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, Final

import sqlalchemy as sa
from sqlmodel import Session

from common.errors import DomainError, InvalidInputError, UnsignableDocumentError
from common.timeutil import parse_datetime_stamp
from issuer import (
    IssueRequest,
    IssuerProfile,
    build_credential,
    credential_url,
    sign_credential,
)
from registry.audit.log import AuditLog
from registry.context import Registry
from registry.credentials._assessors import assessor_problems
from registry.credentials._issued import (
    MAX_REPORTED_ROWS,
    Draft,
    IssuedItem,
    batch_error,
    credential_row,
)
from registry.credentials._quota import check_quota
from registry.credentials._reads import (
    CredentialReader,
    credential_uuid,
    lookup_key,
    recipient_lookup,
)
from registry.errors import (
    AssessorNotQualifiedError,
    BatchTooLargeError,
    RoleBadgeNotAllowedError,
)
from registry.models import CredentialRecord, OrganisationRecord, org_id_of
from registry.orgs.keystore import key_id_of
from registry.orgs.service import OrganisationService
from registry.schemas import BatchRow, CredentialIn
from registry.status import StatusListService, allocate_many

__all__ = [
    "ADMIN_ROLES",
    "ISSUE_ACTION",
    "MAX_REPORTED_ROWS",
    "OPERATOR",
    "IssuanceService",
    "IssuedItem",
    "credential_uuid",
    "lookup_key",
    "recipient_lookup",
]

ISSUE_ACTION: Final = "credential.issue"

OPERATOR: Final = "operator"
"""The ``role`` of an operator of the service (the CLI, with access to its database and
secret): may do what an admin may."""
ADMIN_ROLES: Final = frozenset({"admin", OPERATOR})


class IssuanceService(CredentialReader):
    """Issues credentials; works in the caller's transaction, never commits.

    Reads (``get``, ``search``, ``public``, ``links``) come from
    :class:`~registry.credentials._reads.CredentialReader`.
    """

    def __init__(self, registry: Registry, session: Session) -> None:
        """Bind the service to the process's registry and the caller's session."""
        super().__init__(registry, session)
        self._orgs = OrganisationService(registry, session)
        self._lists = StatusListService(registry, session)
        self._profiles: dict[int, IssuerProfile] = {}

    # -- issuing -----------------------------------------------------------------------------

    def issue(
        self,
        org: OrganisationRecord,
        request: CredentialIn,
        *,
        actor: str,
        role: str = OPERATOR,
    ) -> CredentialRecord:
        """Issue one credential.

        Args:
            org: The issuing organisation.
            request: What to certify.
            actor: Who asks, for the audit log.
            role: The caller's token role (``admin``, ``assessor``), or :data:`OPERATOR` for
                an operator of the service (the CLI), who may do what an admin may.

        Raises:
            InvalidInputError: The request is not acceptable (catalogue, levels, dates, …).
            RoleBadgeNotAllowedError: A practitioner-role badge asked by a non-admin (403).
            AssessorNotQualifiedError: The organisation requires an Assessor badge it lacks.
            UnsignableDocumentError: Part of the document would go unsigned.
        """
        now = self._now()
        draft = self._draft(org, 1, request, now)
        self._check_role_badges(org, role, [draft])
        problem = self._assessor_problems(org, [draft], role).get(1)
        if problem is not None:
            raise AssessorNotQualifiedError(problem)
        item = self._store(org, [draft], now, actor=actor, batch=None)[0]
        return self.get(org, item.id)

    def issue_batch(
        self,
        org: OrganisationRecord,
        items: Sequence[CredentialIn | BatchRow],
        *,
        actor: str,
        role: str = OPERATOR,
        progress: Callable[[int], None] | None = None,
    ) -> list[IssuedItem]:
        """Issue a cohort: every item valid, or nothing at all.

        Args:
            org: The issuing organisation.
            items: Requests (row ``n`` is ``items[n-1]``) or parsed rows with their numbers
                and any parse errors.
            actor: Who asks, for the audit log.
            role: The caller's role, as :meth:`issue`.
            progress: Called with the number of credentials signed so far (e.g. a progress bar).

        Returns:
            What was stored for each item, in item order (the rows themselves are inserted in
            one statement, not loaded back).

        Raises:
            BatchTooLargeError: More than ``LEVERUP_MAX_BATCH_ITEMS`` items (413).
            BatchInvalidError: Any item is wrong; ``rows`` lists ``{"row", "errors"}``.
            InvalidInputError: The batch is empty.
            RoleBadgeNotAllowedError: A practitioner-role row asked by a non-admin (403).
        """
        now = self._now()
        drafts = self._validated(org, items, now, role)
        batch = str(uuid.uuid4())
        return self._store(org, drafts, now, actor=actor, batch=batch, progress=progress)

    def check_batch(
        self,
        org: OrganisationRecord,
        items: Sequence[CredentialIn | BatchRow],
        *,
        role: str = OPERATOR,
    ) -> int:
        """Validate a cohort as :meth:`issue_batch` would, issuing nothing; return its size.

        Raises:
            BatchTooLargeError, BatchInvalidError, InvalidInputError, RoleBadgeNotAllowedError:
                As :meth:`issue_batch`.
        """
        return len(self._validated(org, items, self._now(), role))

    def _validated(
        self,
        org: OrganisationRecord,
        items: Sequence[CredentialIn | BatchRow],
        now: datetime,
        role: str,
    ) -> list[Draft]:
        limit = self._registry.settings.max_batch_items
        if len(items) > limit:
            raise BatchTooLargeError(f"a batch holds at most {limit} credentials")
        if not items:
            raise InvalidInputError("a batch needs at least one item")
        errors: dict[int, list[str]] = {}
        drafts: list[Draft] = []
        for n, item in enumerate(items, start=1):
            row = item if isinstance(item, BatchRow) else BatchRow(row=n, request=item)
            if row.errors or row.request is None:
                errors.setdefault(row.row, []).extend(row.errors or ["unreadable item"])
                continue
            try:
                drafts.append(self._draft(org, row.row, row.request, now))
            except DomainError as exc:
                errors.setdefault(row.row, []).append(exc.detail)
        self._check_role_badges(org, role, drafts)
        for number, message in self._assessor_problems(org, drafts, role).items():
            errors.setdefault(number, []).append(message)
        if errors:
            raise batch_error(errors, len(items))
        return drafts

    # -- steps -------------------------------------------------------------------------------

    def _now(self) -> datetime:
        return self._registry.clock().astimezone(UTC).replace(microsecond=0)

    def _draft(
        self, org: OrganisationRecord, row: int, request: CredentialIn, now: datetime
    ) -> Draft:
        issue: IssueRequest = request.to_issue_request()
        credential_uuid = str(uuid.uuid4())
        settings = self._registry.settings
        document = build_credential(
            self._registry.catalogue,
            issue,
            profile=self._profile(org),
            base_url=settings.base_url,
            issued_at=now,
            default_lang=settings.default_lang,
            credential_id=credential_url(settings.base_url, credential_uuid),
        )
        return Draft(row, request, credential_uuid, document)

    def _profile(self, org: OrganisationRecord) -> IssuerProfile:
        org_id = org_id_of(org)
        if org_id not in self._profiles:
            self._profiles[org_id] = self._orgs.profile(org)
        return self._profiles[org_id]

    def _check_role_badges(self, org: OrganisationRecord, role: str, drafts: list[Draft]) -> None:
        """Refuse practitioner-role badges unless an admin (or an operator) asks, or the
        organisation is a designated training provider."""
        if role in ADMIN_ROLES or org.training_provider:
            return
        catalogue = self._registry.catalogue
        rows = [d.row for d in drafts if catalogue.get(d.request.achievement).kind != "competence"]
        if rows:
            which = "" if len(drafts) == 1 else f" (rows {', '.join(map(str, rows[:20]))})"
            raise RoleBadgeNotAllowedError(
                "Tutor, Assessor and Trainer badges are issued by an organisation admin only"
                f"{which}; an {role} token may certify competences"
            )

    def _assessor_problems(
        self, org: OrganisationRecord, drafts: list[Draft], role: str
    ) -> dict[int, str]:
        """Row → why its assessor does not qualify (see :mod:`registry.credentials._assessors`)."""
        if not org.require_assessor_badge:
            return {}
        return assessor_problems(
            self._session,
            self._registry.catalogue,
            [(draft.row, draft.request) for draft in drafts],
            lookup=self.lookup,
            now=self._now(),
            org_id=org_id_of(org),
            by_admin=role in ADMIN_ROLES,
        )

    def _store(
        self,
        org: OrganisationRecord,
        drafts: list[Draft],
        now: datetime,
        *,
        actor: str,
        batch: str | None,
        progress: Callable[[int], None] | None = None,
    ) -> list[IssuedItem]:
        """Allocate, sign (one pass), insert (one statement) and audit (one statement)."""
        org_id = org_id_of(org)
        signer = self._orgs.signer(org)
        key_id = key_id_of(signer.verification_method)
        check_quota(
            self._session,
            org_id,
            len(drafts),
            limit=self._registry.settings.max_credentials_per_org_per_day,
            now=now,
        )
        slots = allocate_many(self._lists, self._session, org, len(drafts))
        failures: dict[int, list[str]] = {}
        items: list[IssuedItem] = []
        rows: list[dict[str, Any]] = []
        for draft, (status_list, index) in zip(drafts, slots, strict=True):
            draft.document["credentialStatus"] = self._lists.entry(org, status_list, index)
            try:
                issued = sign_credential(
                    self._registry.processor, draft.document, signer, created=now
                )
            except UnsignableDocumentError as exc:
                if batch is None:
                    raise
                failures[draft.row] = [exc.detail]
                continue
            if status_list.id is None:  # pragma: no cover - allocate() flushed the list
                raise ValueError("the status list is not stored")
            item = IssuedItem(
                row=draft.row,
                id=draft.uuid,
                credential_id=issued.id,
                achievement=draft.request.achievement,
                status_list_id=status_list.id,
                status_purpose=status_list.purpose,
                status_seq=status_list.seq,
                status_index=index,
                signed_bytes=issued.signed_bytes,
                lang=draft.request.lang or self._registry.settings.default_lang,
                issued_at=now,
                valid_until=_valid_until_of(draft.document),
            )
            items.append(item)
            rows.append(
                credential_row(
                    org_id,
                    draft,
                    item,
                    now,
                    lookup=self.lookup,
                    default_lang=self._registry.settings.default_lang,
                    key_id=key_id,
                )
            )
            if progress is not None:
                progress(len(items))
        if failures:
            raise batch_error(failures, len(drafts))
        self._session.execute(sa.insert(CredentialRecord), rows)
        details: dict[str, Any] = {} if batch is None else {"batch": batch}
        AuditLog(self._registry, self._session).append_many(
            org_id,
            actor=actor,
            action=ISSUE_ACTION,
            entries=[(i.id, {"achievement": i.achievement, **details}) for i in items],
        )
        return items


def _valid_until_of(document: dict[str, Any]) -> datetime | None:
    until = document.get("validUntil")
    return None if until is None else parse_datetime_stamp(until)
