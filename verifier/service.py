"""The verifier: any OB 3.0 credential in, a :class:`~verifier.report.VerificationReport` out.

Accepted inputs: a VC 2.0 credential with ``eddsa-rdfc-2022`` Data Integrity proofs; a VC 1.1
credential (``issuanceDate``/``expirationDate``) with ``Ed25519Signature2020`` or
``eddsa-rdfc-2022`` proofs; and a compact JWT (VC-JOSE-COSE payload or VC-JWT ``vc`` claim,
``EdDSA``/``RS256``/``ES256``), read by :mod:`verifier._jwt`: its ``parse`` check decodes the
token, its ``proof`` check verifies the JWS, and every other check runs on the credential it
carries.

Checks run in the order of :data:`~verifier.report.CHECK_IDS`. Dependencies:

- ``parse`` failed: every other check is skipped;
- ``context`` failed: ``proof`` is skipped (no canonicalization under unaccepted contexts), and
  so is ``issuer`` (no key was resolved);
- ``status`` runs only when ``proof`` and ``issuer`` passed: a credential that does not verify
  never triggers a status lookup.

:meth:`Verifier.verify` never raises for a bad input: every check is guarded, and an unexpected
exception becomes an ``error`` check with a generic message (the exception is logged, never
put in the report).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Final, TypeVar

import msgspec

from common.jsonld import JsonLdProcessor
from common.timeutil import utcnow
from verifier._envelope import check_context, check_type
from verifier._issuer import check_issuer
from verifier._jwt import Jwt, check_jwt_parse, check_jwt_proof, looks_like_jwt
from verifier._ob3_rules import check_schema
from verifier._parse import check_parse
from verifier._proof import ProofResult, check_proof
from verifier._summary import summarize
from verifier._util import errored, skipped
from verifier._validity import DEFAULT_CLOCK_SKEW, check_expiration, check_not_before
from verifier.known_issuers import issuer_host
from verifier.problems import INTERNAL_ERROR, STATUS_NOT_CHECKED
from verifier.report import CHECK_IDS, Check, CredentialSummary, VerificationReport
from verifier.resolver import KeyResolver
from verifier.status import StatusChecker

__all__ = ["DEFAULT_CLOCK_SKEW", "Verifier"]

_log = logging.getLogger(__name__)
_T = TypeVar("_T")
_INTERNAL: Final = "the check could not be completed (internal error)"
_NO_CLOCK: Final = "the check could not be completed: the verifier's clock failed"


class Verifier:
    """Verifies Open Badges 3.0 credentials.

    Args:
        processor: The JSON-LD processor over the pinned contexts
            (``JsonLdProcessor(ContextLoader.from_directory())``).
        resolver: Resolves proof verification methods to keys.
        status_checker: Checks ``credentialStatus``; without one, a credential carrying status
            information gets an ``error`` status check (fail closed).
        clock: Returns the current time (aware; a naive value is taken as UTC).
        clock_skew: How far ahead of ours an issuer's clock may run (default 60 s): applied to
            ``validFrom``, never to ``validUntil`` or ``proof.expires``.
        known_issuers: Says whether an issuer id is a known issuer (the report's
            ``issuer_known``, set only when the proof and issuer checks passed).
    """

    def __init__(
        self,
        processor: JsonLdProcessor,
        resolver: KeyResolver,
        *,
        status_checker: StatusChecker | None = None,
        clock: Callable[[], datetime] = utcnow,
        clock_skew: timedelta = DEFAULT_CLOCK_SKEW,
        known_issuers: Callable[[str], bool] | None = None,
    ) -> None:
        self._processor = processor
        self._resolver = resolver
        self._status_checker = status_checker
        self._clock = clock
        self._skew = clock_skew
        self._known_issuers = known_issuers

    def verify(self, data: bytes | str | Mapping[str, Any]) -> VerificationReport:
        """Verify one credential.

        Args:
            data: The credential as received: UTF-8 JSON bytes, JSON text, a decoded mapping,
                or a compact JWT (bytes or text, optionally surrounded by whitespace).

        Returns:
            The report; never raises for a bad credential.
        """
        try:
            return self._verify(data)
        except Exception:  # the last line of defence: a report, never an exception
            _log.exception("credential verification failed unexpectedly")
            checks = [errored(CHECK_IDS[0], INTERNAL_ERROR, "verification could not be completed")]
            checks += [skipped(check_id, "not run") for check_id in CHECK_IDS[1:]]
            return VerificationReport.from_checks(checks)

    def _verify(self, data: object) -> VerificationReport:
        jwt: Jwt | None = None
        if looks_like_jwt(data):
            token = self._guard("parse", lambda: check_jwt_parse(data), lambda c: (c, None))
            parse_check, jwt = token
            document = jwt.credential if jwt is not None else None
        else:
            parsed = self._guard("parse", lambda: check_parse(data), lambda c: (c, None))
            parse_check, document = parsed
        if document is None:
            rest = [
                skipped(check_id, "not run: the input could not be parsed")
                for check_id in CHECK_IDS[1:]
            ]
            return VerificationReport.from_checks([parse_check, *rest])
        doc: dict[str, Any] = document
        pinned = self._processor.loader.urls
        context = self._run("context", lambda: check_context(doc, pinned))
        type_check = self._run("type", lambda: check_type(doc))
        schema = self._run("schema", lambda: check_schema(doc))
        now = self._guard("clock", self._now, lambda check: None)
        proof, issuer = self._proof_and_issuer(doc, context, now, jwt)
        not_before, expiration = self._validity(doc, now)
        status = self._status(doc, proof, issuer)
        checks = [context, type_check, schema, proof, issuer, not_before, expiration, status]
        summary, known = self._issuer_facts(self._summary(doc), proof, issuer)
        return VerificationReport.from_checks([parse_check, *checks], summary, issuer_known=known)

    def _proof_and_issuer(
        self, document: dict[str, Any], context: Check, now: datetime | None, jwt: Jwt | None
    ) -> tuple[Check, Check]:
        not_resolved = skipped("issuer", "not run: no verification method was resolved")
        if context.status != "passed":
            return skipped("proof", "not run: the @context is not acceptable"), not_resolved
        if now is None:
            return errored("proof", INTERNAL_ERROR, _NO_CLOCK), not_resolved
        at = now

        def run() -> ProofResult:
            if jwt is not None:
                return check_jwt_proof(
                    jwt, self._processor, self._resolver, now=at, skew=self._skew
                )
            return check_proof(document, self._processor, self._resolver, now=at)

        result = self._guard("proof", run, lambda check: ProofResult(check, ()))
        issuer = self._run("issuer", lambda: check_issuer(document, result.methods))
        return result.check, issuer

    def _validity(self, document: dict[str, Any], now: datetime | None) -> tuple[Check, Check]:
        if now is None:
            return (
                errored("not_before", INTERNAL_ERROR, _NO_CLOCK),
                errored("expiration", INTERNAL_ERROR, _NO_CLOCK),
            )
        at = now
        return (
            self._run("not_before", lambda: check_not_before(document, at, self._skew)),
            self._run("expiration", lambda: check_expiration(document, at)),
        )

    def _now(self) -> datetime | None:
        now = self._clock()
        return now if now.tzinfo is not None else now.replace(tzinfo=UTC)

    def _status(self, document: dict[str, Any], proof: Check, issuer: Check) -> Check:
        if "credentialStatus" not in document:
            return skipped("status", "no status information")
        if proof.status != "passed" or issuer.status != "passed":
            return skipped("status", "not run: the proof and issuer checks did not pass")
        checker = self._status_checker
        if checker is None:
            return errored(
                "status",
                STATUS_NOT_CHECKED,
                "status could not be checked: no status checker is configured",
            )

        def run() -> Check:
            check = checker.check(document)
            if not isinstance(check, Check):
                raise TypeError("the status checker did not return a Check")
            return check if check.id == "status" else msgspec.structs.replace(check, id="status")

        return self._run("status", run)

    def _issuer_facts(
        self, summary: CredentialSummary | None, proof: Check, issuer: Check
    ) -> tuple[CredentialSummary | None, bool | None]:
        """The summary with the issuer's ASCII host, and whether the issuer is known."""
        try:
            if summary is not None and summary.issuer_id is not None:
                host = issuer_host(summary.issuer_id)
                summary = msgspec.structs.replace(summary, issuer_host=host)
            verified = proof.status == issuer.status == "passed"
            if self._known_issuers is None or not verified or summary is None:
                return summary, None
            issuer_id = summary.issuer_id
            return summary, None if issuer_id is None else bool(self._known_issuers(issuer_id))
        except Exception:
            _log.exception("known-issuer lookup failed unexpectedly")
            return summary, None

    def _summary(self, document: dict[str, Any]) -> CredentialSummary | None:
        try:
            return summarize(document)
        except Exception:
            _log.exception("credential summary failed unexpectedly")
            return None

    def _run(self, check_id: str, run: Callable[[], Check]) -> Check:
        return self._guard(check_id, run, lambda check: check)

    @staticmethod
    def _guard(check_id: str, run: Callable[[], _T], on_error: Callable[[Check], _T]) -> _T:
        try:
            return run()
        except Exception:
            _log.exception("verifier check %r failed unexpectedly", check_id)
            return on_error(errored(check_id, INTERNAL_ERROR, _INTERNAL))
