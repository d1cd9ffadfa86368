"""Issue a signed credential: build, sign once, serialise once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

from badge_classes import Catalogue
from common.errors import UnsignableDocumentError
from common.jsonld import JsonLdProcessor
from common.timeutil import format_datetime, utcnow
from issuer.credential import IssuerProfile, build_credential
from issuer.request import IssueRequest
from keys.cryptosuite import ProofError, sign_document
from keys.ed25519 import Ed25519KeyPair

__all__ = ["CredentialIssuer", "IssuedCredential", "Signer", "serialise", "sign_credential"]


class Signer(msgspec.Struct, frozen=True):
    """The key an issuer signs with and the verification method that names it."""

    key_pair: Ed25519KeyPair
    verification_method: str


class IssuedCredential(msgspec.Struct, frozen=True):
    """A signed credential: the parsed document and the exact bytes that were produced.

    Store and serve ``signed_bytes``; never re-encode ``document``.
    """

    id: str
    document: dict[str, Any]
    signed_bytes: bytes


def serialise(document: dict[str, Any]) -> bytes:
    """The one serialisation of a signed document (UTF-8 JSON, 2-space indent, key order kept)."""
    return msgspec.json.format(msgspec.json.encode(document), indent=2) + b"\n"


def sign_credential(
    processor: JsonLdProcessor,
    document: dict[str, Any],
    signer: Signer,
    *,
    created: datetime | str | None = None,
) -> IssuedCredential:
    """Sign any unsigned credential document with ``eddsa-rdfc-2022`` and serialise it once.

    Raises:
        UnsignableDocumentError: if any of the document would go unsigned.
    """
    if created is None:
        created = utcnow()
    created_text = created if isinstance(created, str) else format_datetime(created)
    try:
        signed = sign_document(
            processor,
            document,
            key_pair=signer.key_pair,
            verification_method=signer.verification_method,
            created=created_text,
        )
    except ProofError as exc:
        raise UnsignableDocumentError(exc.message) from exc
    return IssuedCredential(str(signed.get("id", "")), signed, serialise(signed))


class CredentialIssuer:
    """Builds and signs LEVER UP OpenBadgeCredentials.

    Args:
        processor: the JSON-LD processor (pinned contexts).
        catalogue: the LEVER catalogue.
        base_url: the service's public base URL (ids of achievements and credentials).
        default_lang: language of credentials whose request names none.
    """

    def __init__(
        self,
        processor: JsonLdProcessor,
        catalogue: Catalogue,
        *,
        base_url: str,
        default_lang: str = "en",
    ) -> None:
        self.processor = processor
        self.catalogue = catalogue
        self.base_url = base_url
        self.default_lang = default_lang

    def issue(
        self,
        request: IssueRequest,
        *,
        profile: IssuerProfile,
        signer: Signer,
        credential_id: str | None = None,
        issued_at: datetime | None = None,
        credential_status: dict[str, Any] | None = None,
    ) -> IssuedCredential:
        """Build the credential for ``request`` and sign it.

        Raises:
            InvalidInputError: for a request the catalogue does not allow.
            UnsignableDocumentError: if the document could not be signed losslessly.
        """
        now = issued_at or utcnow()
        document = build_credential(
            self.catalogue,
            request,
            profile=profile,
            base_url=self.base_url,
            issued_at=now,
            default_lang=self.default_lang,
            credential_id=credential_id,
            credential_status=credential_status,
        )
        return sign_credential(self.processor, document, signer, created=now)
