"""The issuer: OB 3.0 OpenBadgeCredentials for LEVER certifications, signed eddsa-rdfc-2022."""

from issuer.credential import (
    ACHIEVEMENT_CREDENTIAL_SCHEMA,
    CREDENTIAL_CONTEXT,
    IssuerProfile,
    build_credential,
    credential_url,
)
from issuer.identity import hashed_email_identifier, identity_hash, normalise_email
from issuer.request import EvidenceItem, IssueRequest, Recipient
from issuer.service import CredentialIssuer, IssuedCredential, Signer, serialise, sign_credential

__all__ = [
    "ACHIEVEMENT_CREDENTIAL_SCHEMA",
    "CREDENTIAL_CONTEXT",
    "CredentialIssuer",
    "EvidenceItem",
    "IssueRequest",
    "IssuedCredential",
    "IssuerProfile",
    "Recipient",
    "Signer",
    "build_credential",
    "credential_url",
    "hashed_email_identifier",
    "identity_hash",
    "normalise_email",
    "serialise",
    "sign_credential",
]
