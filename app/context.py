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
from keys.store import FileKeyStore, KeyRecord, load_master_secret
from verifier import Verifier

__all__ = ["LocalServices", "default_processor"]

log = logging.getLogger("leverup")


@functools.cache
def default_processor() -> JsonLdProcessor:
    """The process-wide JSON-LD processor over the shipped contexts (built on first use)."""
    return JsonLdProcessor(ContextLoader.from_directory())


@dataclass
class LocalServices:
    """The services of one process: the local default issuer, its keys, issuer and verifier."""

    settings: Settings
    processor: JsonLdProcessor = field(default_factory=default_processor)
    catalogue: Catalogue = field(default_factory=Catalogue.load)
    _store: FileKeyStore | None = field(default=None, init=False, repr=False)

    @property
    def issuer_did(self) -> str:
        """The local default issuer: ``did:web`` of the service's host."""
        return did_web(self.settings.host)

    @property
    def store(self) -> FileKeyStore:
        """The encrypted key store under the data directory (opened on first use)."""
        if self._store is None:
            self.settings.data_dir.mkdir(parents=True, exist_ok=True)
            master = load_master_secret(
                env_value=self.settings.secret_key,
                file=self.settings.secret_key_file,
                data_dir=self.settings.data_dir,
                development=self.settings.environment == "development",
            )
            self._store = FileKeyStore(self.settings.data_dir, master)
        return self._store

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
        """Resolver hook: the DID document of ``did`` if it is one of our issuers."""
        if not did.startswith("did:web:"):
            return None
        return self.did_document(did)

    @functools.cached_property
    def verifier(self) -> Verifier:
        """The verifier: did:key, and our own did:web issuers resolved locally."""
        from datetime import timedelta

        from app.verification import make_verifier

        return make_verifier(
            self.processor,
            local_documents=self.local_did_document,
            clock_skew=timedelta(seconds=self.settings.clock_skew_seconds),
        )

    @functools.cached_property
    def issuer(self) -> CredentialIssuer:
        """The credential issuer."""
        return CredentialIssuer(
            self.processor,
            self.catalogue,
            base_url=self.settings.base_url,
            default_lang=self.settings.default_lang,
        )
