"""LifecycleService: revoke, suspend, reinstate, renew and erase credentials (docs/registry.md).

- **revoke** (reason required, irreversible): sets the status bit; status ``revoked``.
- **suspend** (reason required, active credentials only): sets the bit too, so verifiers that
  only understand revocation see it as not valid; status ``suspended``.
- **reinstate** (suspended only): re-issues the credential under the same ``id`` with a newer
  ``validFrom``, the same ``awardedDate`` and ``validUntil``, and a new status index; the
  suspended copy keeps its set bit for good.
- **renew** (active only): re-issues with a newer ``validFrom``, a new ``validUntil``, the same
  ``awardedDate`` and a new status index; the earlier copy's bit is set, so it reads "replaced
  by a newer one" everywhere (even when it would outlive the new copy).
- **erase**: removes the recipient's personal data (lookup hash, name, DID, the assessor's
  name, the free-text status reason, and the signed bytes of the credential and of its earlier
  versions), the stored ``Idempotency-Key`` answers that hold it
  (:func:`~registry.credentials.idempotency.redact_erased`) and the text of its audit entries'
  reasons (the chain commits to their hashes, :meth:`AuditLog.clear_reasons`); status bit and
  audit entries stay.

A re-issue takes the stored signed document, drops its proof, changes only what the action
changes, and signs it with the organisation's current key; the earlier bytes go to
``credential_versions``. Every action locks the credential's row first, then its status list,
and appends one audit entry (``credential.<action>``, the reason, never personal data). Another
organisation's credential is reported as not found. A status list that cannot be signed never
holds a change back: the bit commits and its publication stays pending until a later attempt
signs it (catalogue J9, :mod:`registry.status._lists`); every action first retries the
organisation's pending lists.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, Final

from sqlmodel import Session, select

from common.errors import InvalidInputError
from common.timeutil import format_datetime, parse_datetime_stamp
from issuer import sign_credential
from registry.audit.log import AuditLog
from registry.context import Registry
from registry.credentials.idempotency import redact_erased
from registry.errors import CredentialNotFoundError, InvalidStateError
from registry.models import (
    CredentialRecord,
    CredentialVersionRecord,
    OrganisationRecord,
    org_id_of,
)
from registry.orgs.fields import check_text
from registry.orgs.keystore import key_id_of
from registry.orgs.service import OrganisationService
from registry.status import StatusListService

__all__ = ["MAX_REASON_LENGTH", "LifecycleService"]

MAX_REASON_LENGTH: Final = 1000
"""Longest reason accepted for a revocation or suspension."""

_ONE_SECOND: Final = timedelta(seconds=1)


class LifecycleService:
    """Changes to issued credentials; works in the caller's transaction, never commits."""

    def __init__(self, registry: Registry, session: Session) -> None:
        """Bind the service to the process's registry and the caller's session."""
        self._registry = registry
        self._session = session
        self._lists = StatusListService(registry, session)
        self._orgs = OrganisationService(registry, session)
        self._audit = AuditLog(registry, session)

    def revoke(
        self, org: OrganisationRecord, credential_id: str, *, reason: str, actor: str
    ) -> CredentialRecord:
        """Revoke for good: set the status bit (an active or suspended credential).

        Raises:
            CredentialNotFoundError: No such credential in ``org``.
            InvalidInputError: The reason is empty, too long or holds control characters.
            InvalidStateError: The credential is already revoked.
        """
        reason = _reason(reason)
        record = self._locked(org, credential_id)
        if record.status == "revoked":
            raise InvalidStateError("the credential is already revoked (revocation is final)")
        self._lists.publish_pending(org)
        self._lists.set_bit(record.status_list_id, record.status_index, True)
        return self._finish(org, record, "revoke", actor, status="revoked", reason=reason)

    def suspend(
        self, org: OrganisationRecord, credential_id: str, *, reason: str, actor: str
    ) -> CredentialRecord:
        """Suspend an active credential: set its status bit; it may be reinstated later.

        Raises:
            CredentialNotFoundError: No such credential in ``org``.
            InvalidInputError: The reason is empty, too long or holds control characters.
            InvalidStateError: The credential is not active.
        """
        reason = _reason(reason)
        record = self._locked(org, credential_id)
        if record.status != "active":
            raise InvalidStateError(
                f"only an active credential can be suspended; it is {record.status}"
            )
        self._lists.publish_pending(org)
        self._lists.set_bit(record.status_list_id, record.status_index, True)
        return self._finish(org, record, "suspend", actor, status="suspended", reason=reason)

    def reinstate(
        self, org: OrganisationRecord, credential_id: str, *, actor: str
    ) -> CredentialRecord:
        """Re-issue a suspended credential under its id, with a new status index.

        Raises:
            CredentialNotFoundError: No such credential in ``org``.
            InvalidStateError: It is not suspended, was erased, or has expired.
        """
        record = self._locked(org, credential_id)
        if record.status != "suspended":
            raise InvalidStateError(
                f"only a suspended credential can be reinstated; it is {record.status}"
            )
        document = self._document(record)
        valid_from = self._next_valid_from(document)
        until = document.get("validUntil")
        if isinstance(until, str) and parse_datetime_stamp(until) <= valid_from:
            raise InvalidStateError(f"the credential expired on {until}; it cannot be reinstated")
        self._lists.publish_pending(org)
        self._archive(record)
        status_list, index = self._lists.allocate(org)
        if status_list.id is None:
            raise RuntimeError("the status list is not stored")
        document["validFrom"] = format_datetime(valid_from)
        document["credentialStatus"] = self._lists.entry(org, status_list, index)
        self._sign(org, record, document, valid_from)
        record.status_list_id, record.status_index = status_list.id, index
        return self._finish(org, record, "reinstate", actor, status="active", reason=None)

    def renew(
        self, org: OrganisationRecord, credential_id: str, *, valid_until: datetime, actor: str
    ) -> CredentialRecord:
        """Re-issue an active credential with a new ``validUntil`` and a new status index; the
        earlier copy's bit is set.

        Raises:
            CredentialNotFoundError: No such credential in ``org``.
            InvalidInputError: ``valid_until`` has no time zone or is not later than now.
            InvalidStateError: The credential is not active, or was erased.
        """
        if valid_until.tzinfo is None:
            raise InvalidInputError("validUntil needs a time zone (e.g. 2030-01-01T00:00:00Z)")
        valid_until = valid_until.astimezone(UTC)
        record = self._locked(org, credential_id)
        if record.status != "active":
            raise InvalidStateError(
                f"only an active credential can be renewed; it is {record.status}"
            )
        document = self._document(record)
        valid_from = self._next_valid_from(document)
        if valid_until.replace(microsecond=0) <= valid_from:
            raise InvalidInputError(
                f"validUntil must be later than the new validFrom {format_datetime(valid_from)}"
            )
        self._lists.publish_pending(org)
        self._archive(record)
        # The earlier copy must stop verifying (it may outlive the new one: a renewal to an
        # earlier validUntil), so its bit is set and the new copy gets a fresh index, as a
        # reinstatement does (OB 3.0 LC-03: revoke the old bit when the old copy must stop).
        self._lists.set_bit(record.status_list_id, record.status_index, True)
        status_list, index = self._lists.allocate(org)
        if status_list.id is None:
            raise RuntimeError("the status list is not stored")
        document = _with_valid_until(document, format_datetime(valid_until))
        document["validFrom"] = format_datetime(valid_from)
        document["credentialStatus"] = self._lists.entry(org, status_list, index)
        self._sign(org, record, document, valid_from)
        record.status_list_id, record.status_index = status_list.id, index
        record.valid_until = valid_until.replace(microsecond=0)
        details = {"validUntil": document["validUntil"]}
        return self._finish(
            org, record, "renew", actor, status="active", reason=None, details=details
        )

    def erase(self, org: OrganisationRecord, credential_id: str, *, actor: str) -> CredentialRecord:
        """Remove the recipient's personal data wherever the registry keeps it (see the module
        docstring); the status bit and the audit entries stay.

        Raises:
            CredentialNotFoundError: No such credential in ``org``.
            InvalidStateError: It was erased already.
        """
        record = self._locked(org, credential_id)
        if record.erased_at is not None:
            raise InvalidStateError("the credential's personal data was erased already")
        record.recipient_lookup = None
        record.recipient_name = None
        record.recipient_did = None
        record.assessor_name = None
        record.status_reason = None  # free text: it may name the recipient
        record.signed_bytes = None
        record.erased_at = self._registry.clock()
        versions = self._session.exec(
            select(CredentialVersionRecord).where(
                CredentialVersionRecord.credential_id == record.id
            )
        ).all()
        for version in versions:
            version.signed_bytes = None
            self._session.add(version)
        self._session.add(record)
        self._session.flush()
        redact_erased(self._session, org_id_of(org), record.id)
        self._audit.clear_reasons(org_id_of(org), record.id)
        self._log(org, record, "erase", actor, reason=None, details={})
        return record

    # -- internals ---------------------------------------------------------------------------

    def _locked(self, org: OrganisationRecord, credential_id: str) -> CredentialRecord:
        try:
            key = str(uuid.UUID(credential_id))
        except (ValueError, TypeError, AttributeError):
            raise CredentialNotFoundError(f"no credential {credential_id!r:.60}") from None
        record = self._session.exec(
            select(CredentialRecord)
            .where(CredentialRecord.id == key)
            .where(CredentialRecord.org_id == org.id)
            .with_for_update(key_share=True)
            .execution_options(populate_existing=True)
        ).first()
        if record is None:
            raise CredentialNotFoundError(f"no credential {key}")
        return record

    def _document(self, record: CredentialRecord) -> dict[str, Any]:
        if record.signed_bytes is None or record.erased_at is not None:
            raise InvalidStateError("the credential was erased; it cannot be re-issued")
        document: dict[str, Any] = json.loads(record.signed_bytes)
        document.pop("proof", None)
        return document

    def _next_valid_from(self, document: dict[str, Any]) -> datetime:
        """Now (whole seconds), or one second after the previous ``validFrom`` if not later."""
        now = self._registry.clock().astimezone(UTC).replace(microsecond=0)
        previous = parse_datetime_stamp(document["validFrom"])
        return now if now > previous else previous.replace(microsecond=0) + _ONE_SECOND

    def _archive(self, record: CredentialRecord) -> None:
        self._session.add(
            CredentialVersionRecord(
                credential_id=record.id,
                version=record.version,
                status_list_id=record.status_list_id,
                status_index=record.status_index,
                signed_bytes=record.signed_bytes,
                replaced_at=self._registry.clock(),
            )
        )

    def _sign(
        self,
        org: OrganisationRecord,
        record: CredentialRecord,
        document: dict[str, Any],
        valid_from: datetime,
    ) -> None:
        signer = self._orgs.signer(org)
        signed = sign_credential(self._registry.processor, document, signer, created=valid_from)
        record.signed_bytes = signed.signed_bytes
        record.key_id = key_id_of(signer.verification_method)
        record.valid_from = valid_from
        record.version += 1

    def _finish(
        self,
        org: OrganisationRecord,
        record: CredentialRecord,
        action: str,
        actor: str,
        *,
        status: str,
        reason: str | None,
        details: dict[str, Any] | None = None,
    ) -> CredentialRecord:
        record.status = status
        record.status_reason = reason
        record.status_changed_at = self._registry.clock()
        self._session.add(record)
        self._session.flush()
        self._log(org, record, action, actor, reason=reason, details=details or {})
        return record

    def _log(
        self,
        org: OrganisationRecord,
        record: CredentialRecord,
        action: str,
        actor: str,
        *,
        reason: str | None,
        details: dict[str, Any],
    ) -> None:
        self._audit.append(
            org_id_of(org),
            actor=actor,
            action=f"credential.{action}",
            credential_id=record.id,
            reason=reason,
            details={"version": record.version, **details},
        )


def _reason(reason: str) -> str:
    if not isinstance(reason, str):
        raise InvalidInputError("a reason is required")
    return check_text("reason", reason, MAX_REASON_LENGTH)


def _with_valid_until(document: dict[str, Any], valid_until: str) -> dict[str, Any]:
    """``document`` with ``validUntil`` replaced, or added right after ``validFrom``."""
    if "validUntil" in document:
        return {**document, "validUntil": valid_until}
    result: dict[str, Any] = {}
    for key, value in document.items():
        result[key] = value
        if key == "validFrom":
            result["validUntil"] = valid_until
    return result
