"""OrganisationService: the issuing organisations, their did:web DIDs and their keys.

An organisation ``slug`` is ``did:web:{host}:orgs:{slug}``; its keys live in
:class:`~registry.orgs.keystore.DbKeyStore` and its DID document lists every key, retired ones too.
"""

from __future__ import annotations

import builtins
from typing import Any

from msgspec import UNSET, UnsetType
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from common.errors import ConfigurationError
from issuer import IssuerProfile, Signer
from keys.did import did_web, did_web_document
from keys.errors import KeysError
from keys.store import KeyRecord
from registry.audit.log import AuditLog
from registry.context import Registry
from registry.errors import (
    OrganisationExistsError,
    OrganisationNameTakenError,
    OrganisationNotFoundError,
)
from registry.models import OrganisationRecord, org_id_of
from registry.orgs.fields import (
    Address,
    check_email,
    check_slug,
    check_text,
    check_url,
    encode_address,
    name_key,
)
from registry.orgs.keystore import DbKeyStore

__all__ = ["OrganisationService"]


class OrganisationService:
    """Organisations and their keys; works in the caller's transaction, never commits."""

    def __init__(self, registry: Registry, session: Session) -> None:
        """Bind the service to the process's registry and the caller's session."""
        self._registry = registry
        self._session = session
        self._keys = DbKeyStore(session, registry.master, clock=registry.clock)
        self._audit = AuditLog(registry, session)

    def create(
        self,
        *,
        slug: str,
        name: str,
        url: str | None = None,
        email: str | None = None,
        logo_url: str | None = None,
        address: Address | None = None,
        require_assessor_badge: bool = False,
        training_provider: bool = False,
        actor: str,
    ) -> OrganisationRecord:
        """Register an organisation: its DID, its first key (``key-1``) and an ``org.create`` entry.

        ``training_provider`` designates it as a training provider (its assessors may issue
        practitioner-role badges): an operator's decision, not offered to the organisation's
        own tokens.

        Raises:
            InvalidInputError: For a malformed or reserved slug or an invalid field.
            OrganisationExistsError: If the slug (or its DID) is taken.
            OrganisationNameTakenError: If another organisation's name is the same up to case
                and confusable characters.
            ConfigurationError: If the service's host makes no valid did:web, or the master
                secret does not open the keys already stored.
        """
        check_slug(slug)
        name = check_text("name", name, 200)
        org = OrganisationRecord(
            slug=slug,
            name=name,
            name_key=name_key(name),
            did=self._did(slug),
            url=None if url is None else check_url("url", url),
            email=None if email is None else check_email(email),
            logo_url=None if logo_url is None else check_url("logo_url", logo_url),
            address=encode_address(address),
            require_assessor_badge=require_assessor_badge,
            training_provider=training_provider,
            created_at=self._registry.clock(),
        )
        if self._find(slug) is not None:
            raise OrganisationExistsError(f"the organisation {slug!r} already exists")
        self._check_name_free(org.name_key, None)
        try:
            with self._session.begin_nested():
                self._session.add(org)
                self._session.flush()
        except IntegrityError:
            self._check_name_free(org.name_key, None)
            raise OrganisationExistsError(f"the organisation {slug!r} already exists") from None
        try:
            key = self._keys.create(org.did)
        except KeysError as exc:
            raise ConfigurationError(f"cannot create the key of {org.did}: {exc}") from None
        self._audit.append(
            org_id_of(org),
            actor=actor,
            action="org.create",
            details={
                "slug": slug,
                "did": org.did,
                "key_id": key.key_id,
                **({"training_provider": True} if training_provider else {}),
            },
        )
        return org

    def get(self, slug: str) -> OrganisationRecord:
        """Return the organisation ``slug``.

        Raises:
            OrganisationNotFoundError: If there is none.
        """
        org = self._find(slug)
        if org is None:
            raise OrganisationNotFoundError(f"no organisation {slug!r}")
        return org

    def get_by_id(self, org_id: int) -> OrganisationRecord:
        """Return the organisation with id ``org_id``.

        Raises:
            OrganisationNotFoundError: If there is none.
        """
        org = self._session.get(OrganisationRecord, org_id)
        if org is None:
            raise OrganisationNotFoundError(f"no organisation with id {org_id}")
        return org

    def list(self) -> builtins.list[OrganisationRecord]:
        """Return every organisation, by slug."""
        query = select(OrganisationRecord).order_by(col(OrganisationRecord.slug))
        return builtins.list(self._session.exec(query).all())

    def profile(self, org: OrganisationRecord) -> IssuerProfile:
        """The organisation's OB 3.0 issuer ``Profile`` (``id`` = its DID)."""
        return IssuerProfile(id=org.did, name=org.name, url=org.url, email=org.email)

    def signer(self, org: OrganisationRecord) -> Signer:
        """The organisation's active key and its verification method (``did:web:…#key-N``).

        Raises:
            ConfigurationError: If the key is missing or does not decrypt (wrong master secret).
        """
        try:
            record, key_pair = self._keys.signing_key(org.did)
        except KeysError as exc:
            raise ConfigurationError(
                f"the signing key of {org.did} is unavailable: {exc}"
            ) from None
        return Signer(key_pair, record.verification_method)

    def did_document(self, org: OrganisationRecord) -> dict[str, Any]:
        """The organisation's DID document: every key, retired ones too, oldest first.

        Raises:
            ConfigurationError: If a key does not decrypt (wrong master secret).
        """
        try:
            return did_web_document(org.did, self._keys.public_keys(org.did))
        except KeysError as exc:
            raise ConfigurationError(f"the keys of {org.did} are unavailable: {exc}") from None

    def did_document_for(self, did: str) -> dict[str, Any] | None:
        """Resolver hook: the DID document of ``did`` if it is one of our organisations, or None."""
        if not isinstance(did, str) or not did.startswith("did:web:"):
            return None
        org = self._session.exec(
            select(OrganisationRecord).where(OrganisationRecord.did == did)
        ).first()
        return None if org is None else self.did_document(org)

    def rotate_key(self, org: OrganisationRecord, *, actor: str) -> KeyRecord:
        """Make a new active key; the previous one is retired but stays in the DID document.

        Raises:
            ConfigurationError: If the keys do not decrypt (wrong master secret).
        """
        try:
            record = self._keys.rotate(org.did)
        except KeysError as exc:
            raise ConfigurationError(f"cannot rotate the key of {org.did}: {exc}") from None
        self._audit.append(
            org_id_of(org), actor=actor, action="key.rotate", details={"key_id": record.key_id}
        )
        return record

    def update(
        self,
        org: OrganisationRecord,
        *,
        actor: str,
        name: str | UnsetType = UNSET,
        url: str | UnsetType | None = UNSET,
        email: str | UnsetType | None = UNSET,
        logo_url: str | UnsetType | None = UNSET,
        address: Address | UnsetType | None = UNSET,
        require_assessor_badge: bool | UnsetType = UNSET,
    ) -> OrganisationRecord:
        """Change the profile fields given (``None`` clears an optional one); audit ``org.update``.

        The audit entry names the fields changed, never their values.

        Raises:
            InvalidInputError: If a value is invalid; nothing is changed then.
            OrganisationNameTakenError: The new name is another organisation's, up to case and
                confusable characters.
        """
        changes: dict[str, Any] = {}
        if not isinstance(name, UnsetType):
            changes["name"] = check_text("name", name, 200)
            changes["name_key"] = name_key(name)
            self._check_name_free(changes["name_key"], org.id)
        if not isinstance(url, UnsetType):
            changes["url"] = None if url is None else check_url("url", url)
        if not isinstance(email, UnsetType):
            changes["email"] = None if email is None else check_email(email)
        if not isinstance(logo_url, UnsetType):
            changes["logo_url"] = None if logo_url is None else check_url("logo_url", logo_url)
        if not isinstance(address, UnsetType):
            changes["address"] = encode_address(address)
        if not isinstance(require_assessor_badge, UnsetType):
            changes["require_assessor_badge"] = require_assessor_badge
        if not changes:
            return org
        for field, value in changes.items():
            setattr(org, field, value)
        try:
            with self._session.begin_nested():
                self._session.add(org)
                self._session.flush()
        except IntegrityError:  # a concurrent rename took the name first
            raise OrganisationNameTakenError(
                f"another organisation's name looks the same as {org.name!r}"
            ) from None
        fields = sorted(f for f in changes if f != "name_key")
        self._audit.append(
            org_id_of(org), actor=actor, action="org.update", details={"fields": fields}
        )
        return org

    def _check_name_free(self, key: str | None, org_id: int | None) -> None:
        """Refuse a name whose key another organisation holds (case and look-alikes ignored)."""
        holder = self._session.exec(
            select(OrganisationRecord).where(OrganisationRecord.name_key == key)
        ).first()
        if holder is not None and holder.id != org_id:
            raise OrganisationNameTakenError(
                f"the organisation {holder.slug!r} has this name or one that looks the same;"
                " choose a name that cannot be taken for it"
            )

    def _did(self, slug: str) -> str:
        try:
            return did_web(self._registry.settings.host, ["orgs", slug])
        except KeysError as exc:
            raise ConfigurationError(f"LEVERUP_BASE_URL makes no valid did:web: {exc}") from None

    def _find(self, slug: str) -> OrganisationRecord | None:
        return self._session.exec(
            select(OrganisationRecord).where(OrganisationRecord.slug == slug)
        ).first()
