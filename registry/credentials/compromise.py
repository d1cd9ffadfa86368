"""KeyCompromiseService: the key-compromise drill (catalogue J13), in one transaction.

Marking key ``K`` of an organisation compromised:

1. locks every active or suspended credential whose current proof was made with ``K``
   (``credentials.key_id``);
2. marks ``K`` ``compromised``: it never signs again and leaves the organisation's DID
   document (retired keys stay; compromised ones do not), so whatever ``K`` signed stops
   verifying everywhere;
3. rotates to a fresh key when ``K`` was the active one;
4. revokes those credentials through their status bits (one new version per list) with the
   reason ``key compromise``;
5. re-signs every status list of the organisation with the current key (lists ``K`` signed
   would otherwise fail verification); a list that cannot be signed is left pending (J9);
6. with ``reissue``, issues each revoked, unexpired, unerased credential again as a new one: a
   new ``id`` and status index, ``validFrom`` now, signed by the current key;
7. writes the audit trail: one ``key.compromise`` entry, one ``credential.revoke`` per revoked
   credential and one ``credential.issue`` per re-issue (``reissue_of`` the old id).

Lock order as everywhere: credential rows, then the key ring, then status lists, then the audit
chain.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from datetime import UTC
from typing import Any, Final

import msgspec
import sqlalchemy as sa
from sqlmodel import Session, col, select

from common.errors import ConfigurationError
from common.timeutil import format_datetime
from issuer import credential_url, sign_credential
from keys.errors import KeyNotFoundError, KeysError
from registry.audit.log import AuditLog
from registry.context import Registry
from registry.credentials._issued import fresh_row
from registry.errors import SigningKeyNotFoundError
from registry.models import CredentialRecord, OrganisationRecord, org_id_of
from registry.orgs.keystore import DbKeyStore, key_id_of
from registry.orgs.service import OrganisationService
from registry.status import StatusListService, allocate_many

__all__ = ["COMPROMISE_REASON", "CompromiseReport", "KeyCompromiseService"]

COMPROMISE_REASON: Final = "key compromise"
"""The revocation reason of every credential the drill revokes."""

_LIVE: Final = ("active", "suspended")


class CompromiseReport(msgspec.Struct, frozen=True, kw_only=True, rename="camel"):
    """What the drill did.

    Attributes:
        key_id: The compromised key.
        previous_status: Its status before (``active``, ``retired`` or ``compromised``).
        new_key_id: The fresh active key, when ``key_id`` was the active one.
        revoked: The uuids of the credentials revoked.
        reissued: ``{old uuid: new uuid}`` of the credentials issued again.
        lists_signed: Status lists re-signed with the current key.
        publication: ``published``, or ``pending`` if a list could not be signed (J9).
    """

    key_id: str
    previous_status: str
    new_key_id: str | None
    revoked: list[str]
    reissued: dict[str, str]
    lists_signed: int
    publication: str


class KeyCompromiseService:
    """The key-compromise drill; works in the caller's transaction, never commits."""

    def __init__(self, registry: Registry, session: Session) -> None:
        """Bind the service to the process's registry and the caller's session."""
        self._registry = registry
        self._session = session
        self._keys = DbKeyStore(session, registry.master, clock=registry.clock)
        self._orgs = OrganisationService(registry, session)
        self._lists = StatusListService(registry, session)
        self._audit = AuditLog(registry, session)

    def compromise(
        self, org: OrganisationRecord, key_id: str, *, actor: str, reissue: bool = False
    ) -> CompromiseReport:
        """Run the drill for ``key_id`` of ``org`` (see the module docstring).

        Raises:
            SigningKeyNotFoundError: ``org`` has no key ``key_id``.
            ConfigurationError: The keys do not open (wrong master secret): nothing changes.
        """
        org_id = org_id_of(org)
        known = dict(self._keys.statuses(org.did))
        if key_id not in known:
            raise SigningKeyNotFoundError(f"{org.slug} has no key {key_id!r:.40}")
        victims = self._victims(org_id, key_id)
        previous, new_key_id = self._retire(org, key_id)
        revoked = self._revoke(victims)
        lists_signed = self._lists.republish_all(org)
        reissued = self._reissue(org, victims) if reissue else {}
        self._audit.append(
            org_id,
            actor=actor,
            action="key.compromise",
            reason=COMPROMISE_REASON,
            details={
                "key_id": key_id,
                "previous_status": previous,
                "new_key_id": new_key_id,
                "revoked": len(revoked),
                "reissued": len(reissued),
            },
        )
        self._audit.append_many(
            org_id,
            actor=actor,
            action="credential.revoke",
            reason=COMPROMISE_REASON,
            entries=[(r.id, {"version": r.version, "key_id": key_id}) for r in revoked],
        )
        if reissued:
            achievements = {r.id: r.achievement for r in victims}
            self._audit.append_many(
                org_id,
                actor=actor,
                action="credential.issue",
                entries=[
                    (new, {"achievement": achievements[old], "reissue_of": old})
                    for old, new in reissued.items()
                ],
            )
        pending = self._lists.pending_lists(org)
        return CompromiseReport(
            key_id=key_id,
            previous_status=previous,
            new_key_id=new_key_id,
            revoked=[r.id for r in revoked],
            reissued=reissued,
            lists_signed=lists_signed,
            publication="pending" if pending else "published",
        )

    # -- steps -------------------------------------------------------------------------------

    def _victims(self, org_id: int, key_id: str) -> list[CredentialRecord]:
        """Active or suspended credentials signed with ``key_id``, locked, oldest first."""
        return list(
            self._session.exec(
                select(CredentialRecord)
                .where(CredentialRecord.org_id == org_id)
                .where(CredentialRecord.key_id == key_id)
                .where(col(CredentialRecord.status).in_(_LIVE))
                .order_by(col(CredentialRecord.issued_at), col(CredentialRecord.id))
                .with_for_update(key_share=True)
                .execution_options(populate_existing=True)
            ).all()
        )

    def _retire(self, org: OrganisationRecord, key_id: str) -> tuple[str, str | None]:
        """Mark the key compromised; rotate if it was active. Returns (previous, new key id)."""
        try:
            previous = self._keys.mark_compromised(org.did, key_id)
            new_key = self._keys.rotate(org.did) if previous == "active" else None
        except KeyNotFoundError:
            raise SigningKeyNotFoundError(f"{org.slug} has no key {key_id!r:.40}") from None
        except KeysError as exc:
            raise ConfigurationError(f"the keys of {org.did} are unavailable: {exc}") from None
        return previous, None if new_key is None else new_key.key_id

    def _revoke(self, victims: list[CredentialRecord]) -> list[CredentialRecord]:
        """Set every victim's bit (one version per list, signed later) and mark it revoked."""
        by_list: dict[int, list[int]] = defaultdict(list)
        for record in victims:
            by_list[record.status_list_id].append(record.status_index)
        for list_id in sorted(by_list):
            self._lists.set_bits(list_id, by_list[list_id], publish=False)
        now = self._registry.clock()
        for record in victims:
            record.status = "revoked"
            record.status_reason = COMPROMISE_REASON
            record.status_changed_at = now
            self._session.add(record)
        self._session.flush()
        return victims

    def _reissue(self, org: OrganisationRecord, victims: list[CredentialRecord]) -> dict[str, str]:
        """Issue each unexpired, unerased victim again as a new credential; old → new uuid."""
        now = self._registry.clock().astimezone(UTC).replace(microsecond=0)
        candidates = [r for r in victims if r.signed_bytes is not None and r.erased_at is None]
        candidates = [r for r in candidates if r.valid_until is None or r.valid_until > now]
        if not candidates:
            return {}
        signer = self._orgs.signer(org)
        slots = allocate_many(self._lists, self._session, org, len(candidates))
        reissued: dict[str, str] = {}
        rows: list[dict[str, Any]] = []
        for record, (status_list, index) in zip(candidates, slots, strict=True):
            if record.signed_bytes is None or status_list.id is None:  # pragma: no cover
                raise ValueError("filtered above / flushed by allocate()")
            document: dict[str, Any] = json.loads(record.signed_bytes)
            document.pop("proof", None)
            new_uuid = str(uuid.uuid4())
            document["id"] = credential_url(self._registry.base_url, new_uuid)
            document["validFrom"] = format_datetime(now)
            document["credentialStatus"] = self._lists.entry(org, status_list, index)
            signed = sign_credential(self._registry.processor, document, signer, created=now)
            rows.append(
                fresh_row(
                    id=new_uuid,
                    org_id=record.org_id,
                    achievement=record.achievement,
                    outcome=record.outcome,
                    complexity=record.complexity,
                    lang=record.lang,
                    recipient_lookup=record.recipient_lookup,
                    recipient_name=record.recipient_name,
                    recipient_did=record.recipient_did,
                    assessor_name=record.assessor_name,
                    now=now,
                    document=document,
                    status_list_id=status_list.id,
                    status_index=index,
                    signed_bytes=signed.signed_bytes,
                    key_id=key_id_of(signer.verification_method),
                    hidden=record.hidden,
                )
            )
            reissued[record.id] = new_uuid
        self._session.execute(sa.insert(CredentialRecord), rows)
        return reissued
