"""The verifier: checks any Open Badges 3.0 credential and returns a report of named checks.

::

    verifier = Verifier(
        JsonLdProcessor(ContextLoader.from_directory()),
        CompositeResolver([DidKeyResolver(), LocalDidWebResolver(our_did_documents.get)]),
        status_checker=...,
    )
    report = verifier.verify(received_bytes)
    report.verified, report.outcome, report.checks

A bad credential is a result, never an exception (see :mod:`verifier.service`).
"""

from verifier.fetch import Fetcher, FetchError, FetchPolicy, HttpFetcher
from verifier.known_issuers import KnownIssuers
from verifier.recipient import RecipientCheck, check_recipient, credential_document
from verifier.remote_status import CompositeStatusChecker, RemoteStatusChecker
from verifier.report import (
    CHECK_IDS,
    Check,
    CheckId,
    CheckStatus,
    CredentialSummary,
    Outcome,
    Problem,
    VerificationReport,
)
from verifier.resolver import (
    CompositeResolver,
    DidKeyResolver,
    KeyResolver,
    LocalDidWebResolver,
    ResolutionError,
)
from verifier.seen_bits import InMemorySeenStatusBits, SeenStatusBits
from verifier.service import DEFAULT_CLOCK_SKEW, Verifier
from verifier.status import StatusChecker
from verifier.web_did import FallbackResolver, WebDidResolver

__all__ = [
    "CHECK_IDS",
    "DEFAULT_CLOCK_SKEW",
    "Check",
    "CheckId",
    "CheckStatus",
    "CompositeResolver",
    "CompositeStatusChecker",
    "CredentialSummary",
    "DidKeyResolver",
    "FallbackResolver",
    "FetchError",
    "FetchPolicy",
    "Fetcher",
    "HttpFetcher",
    "InMemorySeenStatusBits",
    "KeyResolver",
    "KnownIssuers",
    "LocalDidWebResolver",
    "Outcome",
    "Problem",
    "RecipientCheck",
    "RemoteStatusChecker",
    "ResolutionError",
    "SeenStatusBits",
    "StatusChecker",
    "VerificationReport",
    "Verifier",
    "WebDidResolver",
    "check_recipient",
    "credential_document",
]
