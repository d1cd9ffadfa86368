"""Reading issued credentials: one of an organisation's, a search, the public copy, the links.

Another organisation's credential is "not found", exactly like a credential that does not
exist, so ids cannot be probed across organisations.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Final

import sqlalchemy as sa
from sqlmodel import Session, col, func, select
from sqlmodel.sql.expression import SelectOfScalar

from common.errors import InvalidInputError
from issuer import credential_url, normalise_email
from registry.context import Registry
from registry.credentials._issued import IssuedItem
from registry.credentials.holder import holder_key, holder_url
from registry.errors import CredentialNotFoundError
from registry.models import CredentialRecord, OrganisationRecord, StatusListRecord
from registry.schemas import CredentialLinks, SearchFilters
from registry.status import list_path
from sharing.linkedin import linkedin_url

__all__ = [
    "MAX_LIMIT",
    "STATUSES",
    "CredentialReader",
    "credential_uuid",
    "lookup_key",
    "recipient_lookup",
    "wire_status",
]

MAX_LIMIT: Final = 100
"""Most credentials one search page returns."""

STATUSES: Final = ("active", "suspended", "revoked", "erased")
"""The one vocabulary of a credential's status, in every answer, read and ``?status=`` filter:
``erased`` means the recipient's personal data was erased (whatever the status before)."""

_LOOKUP_PERSON: Final = b"leverup-lookup"
_LOOKUP_CONTEXT: Final = b"email"


def lookup_key(registry: Registry) -> bytes:
    """The HMAC key of recipient lookups, derived from the master secret."""
    return registry.master.derive_key(person=_LOOKUP_PERSON, context=_LOOKUP_CONTEXT)


def recipient_lookup(key: bytes, email: str) -> str:
    """``hex(HMAC-SHA256(key, normalised e-mail))``: the stored, searchable recipient."""
    return hmac.new(key, normalise_email(email).encode("utf-8"), hashlib.sha256).hexdigest()


def wire_status(record: CredentialRecord) -> str:
    """The status a client sees: ``erased`` once personal data was erased, else the stored one."""
    return "erased" if record.erased_at is not None else record.status


def credential_uuid(text: str) -> str:
    """``text`` if it is a credential uuid in its one canonical spelling (lower-case hex with
    hyphens, as in the credential's ``id``).

    Any other spelling (upper case, no hyphens, braces, ``urn:uuid:``) names no credential: a
    credential answers at one address only (issue 12, item 38).

    Raises:
        CredentialNotFoundError: If ``text`` is not a canonical uuid (so it names no credential).
    """
    try:
        canonical = str(uuid.UUID(text))
    except (ValueError, TypeError, AttributeError):
        canonical = None
    if canonical is None or canonical != text:
        raise CredentialNotFoundError(f"no credential {text!r:.60}")
    return canonical


class CredentialReader:
    """Read access to stored credentials, in the caller's transaction."""

    def __init__(self, registry: Registry, session: Session) -> None:
        """Bind to the registry and the caller's session."""
        self._registry = registry
        self._session = session
        self._lookup_key = lookup_key(registry)
        self._holder_key = holder_key(registry)

    def lookup(self, email: str) -> str:
        """The stored ``recipient_lookup`` of an e-mail address (a keyed hash)."""
        return recipient_lookup(self._lookup_key, email)

    def get(self, org: OrganisationRecord, credential_id: str) -> CredentialRecord:
        """The credential ``credential_id`` (a uuid) of ``org``.

        Raises:
            CredentialNotFoundError: No such credential in ``org`` (another organisation's
                credential included).
        """
        key = credential_uuid(credential_id)
        record = self._session.exec(
            select(CredentialRecord)
            .where(CredentialRecord.id == key)
            .where(CredentialRecord.org_id == org.id)
        ).first()
        if record is None:
            raise CredentialNotFoundError(f"no credential {key}")
        return record

    def public(self, credential_id: str) -> CredentialRecord:
        """The credential as the public may read it: not erased and not hidden by its holder.

        Raises:
            CredentialNotFoundError: Unknown, erased or hidden.
        """
        key = credential_uuid(credential_id)
        record = self._session.get(CredentialRecord, key)
        if (
            record is None
            or record.signed_bytes is None
            or record.erased_at is not None
            or record.hidden
        ):
            raise CredentialNotFoundError(f"no credential {key}")
        return record

    def search(
        self, org: OrganisationRecord, filters: SearchFilters, *, limit: int = 20, offset: int = 0
    ) -> tuple[list[CredentialRecord], int]:
        """A page of ``org``'s credentials matching ``filters``, newest first, and the total.

        Raises:
            InvalidInputError: ``limit`` not 1 to 100, a negative ``offset``, an unknown status.
        """
        if not 1 <= limit <= MAX_LIMIT:
            raise InvalidInputError(f"limit must be between 1 and {MAX_LIMIT}")
        if offset < 0:
            raise InvalidInputError("offset must not be negative")
        query = self._filtered(org, filters)
        total = self._session.exec(select(func.count()).select_from(query.subquery())).one()
        page = self._session.exec(
            query.order_by(col(CredentialRecord.issued_at).desc(), col(CredentialRecord.id).desc())
            .limit(limit)
            .offset(offset)
        ).all()
        return list(page), int(total)

    def _filtered(
        self, org: OrganisationRecord, filters: SearchFilters
    ) -> SelectOfScalar[CredentialRecord]:
        query = select(CredentialRecord).where(CredentialRecord.org_id == org.id)
        if filters.achievement is not None:
            query = query.where(CredentialRecord.achievement == filters.achievement)
        if filters.status is not None:
            if filters.status not in STATUSES:
                raise InvalidInputError(f"status must be one of: {', '.join(STATUSES)}")
            erased = col(CredentialRecord.erased_at)
            if filters.status == "erased":
                query = query.where(erased.is_not(None))
            else:
                query = query.where(CredentialRecord.status == filters.status, erased.is_(None))
        if filters.recipient_email is not None:
            lookup = self.lookup(filters.recipient_email)
            query = query.where(CredentialRecord.recipient_lookup == lookup)
        if filters.issued_from is not None:
            query = query.where(CredentialRecord.issued_at >= filters.issued_from)
        if filters.issued_until is not None:
            query = query.where(CredentialRecord.issued_at <= filters.issued_until)
        if filters.valid is not None:
            now = self._registry.clock().astimezone(UTC)
            until = col(CredentialRecord.valid_until)
            query = query.where(
                sa.or_(until.is_(None), until > now) if filters.valid else until <= now
            )
        return query

    def links(
        self,
        org: OrganisationRecord,
        records: Sequence[CredentialRecord],
        *,
        holder: bool = False,
    ) -> list[CredentialLinks]:
        """The links of each record (one query for their status lists).

        ``holder``: include the holder's link (it can hide the public page), for callers who
        may hide pages themselves (assessor and admin tokens); never for an erased credential,
        whose page is gone.
        """
        ids = {r.status_list_id for r in records}
        lists: dict[int, tuple[str, int]] = {}
        if ids:
            rows = self._session.exec(
                select(StatusListRecord.id, StatusListRecord.purpose, StatusListRecord.seq).where(
                    col(StatusListRecord.id).in_(ids)
                )
            ).all()
            lists = {row[0]: (row[1], row[2]) for row in rows if row[0] is not None}
        return [
            self.link(
                org,
                r.id,
                lists.get(r.status_list_id),
                record=r,
                holder=holder and r.erased_at is None,
            )
            for r in records
        ]

    def link(
        self,
        org: OrganisationRecord,
        credential_uuid: str,
        status_list: tuple[str, int] | None,
        *,
        record: CredentialRecord | None = None,
        holder: bool = False,
    ) -> CredentialLinks:
        """The links of a credential whose status list ``(purpose, seq)`` is known (or None).

        The LinkedIn link needs the record (its achievement and dates); without it, None. The
        holder link only when ``holder`` (see :meth:`links`).
        """
        facts = None
        if record is not None:
            facts = (record.achievement, record.lang, record.issued_at, record.valid_until)
        return self._link(org, credential_uuid, status_list, facts, holder=holder)

    def issued_links(
        self, org: OrganisationRecord, items: Sequence[IssuedItem], *, holder: bool = False
    ) -> list[CredentialLinks]:
        """The links of freshly issued credentials (a batch): exactly those a read of each
        would answer, LinkedIn's included, without loading the rows back."""
        return [
            self._link(
                org,
                item.id,
                (item.status_purpose, item.status_seq),
                (item.achievement, item.lang, item.issued_at, item.valid_until),
                holder=holder,
            )
            for item in items
        ]

    def _link(
        self,
        org: OrganisationRecord,
        credential_uuid: str,
        status_list: tuple[str, int] | None,
        facts: tuple[str, str, datetime, datetime | None] | None,
        *,
        holder: bool,
    ) -> CredentialLinks:
        base = self._registry.base_url
        status = None
        if status_list is not None:
            status = base + list_path(org.slug, status_list[0], status_list[1])
        public = credential_url(base, credential_uuid)
        linkedin = None
        catalogue = self._registry.catalogue
        if facts is not None and facts[0] in catalogue.slugs():
            achievement, lang, issued, expires = facts
            linkedin = linkedin_url(
                name=catalogue.get(achievement).name(lang),
                organization_name=org.name,
                issued=issued,
                expires=expires,
                cert_url=public,
                cert_id=credential_uuid,
            )
        return CredentialLinks(
            self_=f"{base}/api/v1/credentials/{credential_uuid}",
            public=public,
            status=status,
            json=f"{public}.json",
            page=public,
            holder=(
                holder_url(self._registry, credential_uuid, self._holder_key) if holder else None
            ),
            badge_png=f"{public}/badge.png",
            badge_svg=f"{public}/badge.svg",
            qr_png=f"{public}/qr.png",
            qr_svg=f"{public}/qr.svg",
            linkedin=linkedin,
        )
