"""Wire the packages together for one process, from one :class:`Settings`."""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass, field
from typing import Any

from badge_classes import Catalogue
from common.jsonld import ContextLoader, JsonLdProcessor
from common.settings import Settings
from issuer import CredentialIssuer, IssuerProfile, Signer
from keys.did import did_web, did_web_document
from keys.store import FileKeyStore, KeyRecord, MasterSecret, load_master_secret
from registry.context import Registry
from verifier import Verifier

__all__ = ["LocalServices", "default_processor"]

log = logging.getLogger("leverup")


@functools.cache
def default_processor() -> JsonLdProcessor:
    """The process-wide JSON-LD processor over the shipped contexts (built on first use)."""
    return JsonLdProcessor(ContextLoader.from_directory())


@dataclass
class LocalServices:
    """The services of one process: the registry, the local default issuer, its keys, the
    issuer and the verifier. Everything is built on first use."""

    settings: Settings
    processor: JsonLdProcessor = field(default_factory=default_processor)
    catalogue: Catalogue = field(default_factory=Catalogue.load)

    @functools.cached_property
    def master(self) -> MasterSecret:
        """The master secret that encrypts private keys at rest (loaded once)."""
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        return load_master_secret(
            env_value=self.settings.secret_key,
            file=self.settings.secret_key_file,
            data_dir=self.settings.data_dir,
            development=self.settings.environment == "development",
        )

    @functools.cached_property
    def registry(self) -> Registry:
        """The registry: its database opened and migrated on first use."""
        from registry.bootstrap import build_registry

        return build_registry(
            self.settings, processor=self.processor, catalogue=self.catalogue, master=self.master
        )

    @property
    def issuer_did(self) -> str:
        """The local default issuer: ``did:web`` of the service's host."""
        return did_web(self.settings.host)

    @functools.cached_property
    def store(self) -> FileKeyStore:
        """The local issuer's encrypted key store under the data directory."""
        return FileKeyStore(self.settings.data_dir, self.master)

    def ensure_issuer_key(self) -> KeyRecord:
        """The local issuer's signing key, created on first use."""
        records = [r for r in self.store.list(self.issuer_did) if r.status == "active"]
        if records:
            return records[0]
        record = self.store.create(self.issuer_did)
        log.warning("created signing key %s for %s", record.key_id, self.issuer_did)
        return record

    @property
    def profile(self) -> IssuerProfile:
        """The local issuer's Profile."""
        return IssuerProfile(
            id=self.issuer_did, name=self.settings.issuer_name, url=self.settings.base_url
        )

    def signer(self) -> Signer:
        """The local issuer's current signing key and its verification method."""
        self.ensure_issuer_key()
        record, key_pair = self.store.signing_key(self.issuer_did)
        return Signer(key_pair, record.verification_method)

    def did_document(self, did: str | None = None) -> dict[str, Any] | None:
        """The DID document of a local issuer (every key, retired ones too), or None."""
        did = did or self.issuer_did
        keys = self.store.public_keys(did)
        if not keys:
            return None
        return did_web_document(did, keys)

    def local_did_document(self, did: str) -> dict[str, Any] | None:
        """Resolver hook: the DID document of ``did`` if it is one of our issuers (an
        organisation of the registry, or the local development issuer); None otherwise."""
        if not did.startswith("did:web:"):
            return None
        from registry.db import session_scope
        from registry.orgs.service import OrganisationService

        with session_scope(self.registry.engine) as session:
            found = OrganisationService(self.registry, session).did_document_for(did)
        return found if found is not None else self.did_document(did)

    @functools.cached_property
    def verifier(self) -> Verifier:
        """The verifier: did:key; our own did:web issuers and status lists from the database;
        any other did:web document and status list over the bounded network fetcher."""
        from datetime import timedelta

        from app.verification import make_fetcher, make_verifier
        from registry.status import DbSeenStatusBits, RegistryStatusChecker
        from verifier.known_issuers import KnownIssuers

        return make_verifier(
            self.processor,
            local_documents=self.local_did_document,
            status_checker=RegistryStatusChecker(self.registry),
            clock_skew=timedelta(seconds=self.settings.clock_skew_seconds),
            fetcher=make_fetcher(self.settings),
            base_url=self.settings.base_url,
            own_hosts=(self.settings.host,),
            known_issuers=KnownIssuers(self.settings.trusted_dids, self.is_own_issuer),
            seen_bits=DbSeenStatusBits(self.registry),
        )

    def is_own_issuer(self, did: str) -> bool:
        """Whether ``did`` is the local issuer or an organisation of this registry."""
        if did == self.issuer_did:
            return True
        return did.startswith(self.issuer_did + ":") and self.local_did_document(did) is not None

    @functools.cached_property
    def issuer(self) -> CredentialIssuer:
        """The credential issuer."""
        return CredentialIssuer(
            self.processor,
            self.catalogue,
            base_url=self.settings.base_url,
            default_lang=self.settings.default_lang,
        )
