"""Helpers of the browser tests: the headless Chromium driver and the live application.

- :func:`find_browser_setup` detects node, ``e2e/node_modules`` (playwright-core, axe-core)
  and Chromium (``LEVERUP_TEST_CHROMIUM`` or ``chromium`` on PATH), never installing anything.
- :class:`Browser` is one ``node e2e/browser.mjs serve`` process: JSON lines, one step in, one
  answer out (see the steps in ``e2e/browser.mjs``).
- :class:`LiveApp` is the real service: an organisation and an admin token made with the CLI
  (``leverup orgs create``, ``leverup tokens create``), then ``uvicorn`` serving
  ``app.asgi:create_app`` on a free loopback port, SQLite in a temporary data directory, with
  ``LEVERUP_BASE_URL`` set to that address so every credential URL points at it.

The switches are named ``LEVERUP_TEST_*`` (``LEVERUP_TEST_CHROMIUM``, ``LEVERUP_TEST_ARTEFACT_DIR``)
because the service refuses any other unknown ``LEVERUP_*`` variable as a misspelt setting.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Self

import httpx

REPO_ROOT = Path(__file__).resolve().parents[2]
E2E_DIR = REPO_ROOT / "e2e"
SECRET = "5c2e8a1f0b9d4c7e6a3f2b1d0c9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e"
ORG_SLUG = "e2e-centre"
_PACKAGES = ("playwright-core", "axe-core")


@dataclass(frozen=True)
class BrowserSetup:
    """Where node and Chromium are, or why the browser tests cannot run."""

    node: str | None
    chromium: str | None
    missing: str | None


def find_browser_setup() -> BrowserSetup:
    """Detect node, the installed ``e2e`` packages and Chromium (installs nothing)."""
    node = os.environ.get("LEVERUP_NODE") or shutil.which("node")
    chromium = os.environ.get("LEVERUP_TEST_CHROMIUM") or shutil.which("chromium")
    if node is None:
        return BrowserSetup(None, chromium, "node is not installed (not on PATH)")
    absent = [p for p in _PACKAGES if not (E2E_DIR / "node_modules" / p / "package.json").is_file()]
    if absent:
        return BrowserSetup(
            node, chromium, f"e2e/node_modules lacks {', '.join(absent)} (run `cd e2e && npm ci`)"
        )
    if chromium is None:
        return BrowserSetup(node, None, "chromium is not installed (apt-get install chromium)")
    return BrowserSetup(node, chromium, None)


class BrowserError(RuntimeError):
    """The driver refused a step (its message says why) or died."""


class Browser:
    """One ``node e2e/browser.mjs serve`` process; :meth:`step` sends one step."""

    def __init__(self, setup: BrowserSetup, timeout: float = 90.0) -> None:
        assert setup.node is not None and setup.chromium is not None
        self._timeout = timeout
        self._stderr: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 - closed in close()
        env = {**os.environ, "LEVERUP_TEST_CHROMIUM": setup.chromium}
        self._proc = subprocess.Popen(
            [setup.node, "browser.mjs", "serve"],
            cwd=E2E_DIR,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            encoding="utf-8",
            bufsize=1,
            env=env,
        )
        self._lock = threading.Lock()

    def step(self, op: str, **fields: Any) -> Any:
        """Run one step and return its result.

        Raises:
            BrowserError: If the step failed, or the driver died or did not answer in time.
        """
        proc = self._proc
        assert proc.stdin is not None and proc.stdout is not None
        with self._lock:
            proc.stdin.write(json.dumps({"op": op, **fields}) + "\n")
            proc.stdin.flush()
            # A stuck browser must not hang the suite: kill the driver after the timeout.
            watchdog = threading.Timer(self._timeout, proc.kill)
            watchdog.start()
            try:
                line = proc.stdout.readline()
            finally:
                watchdog.cancel()
        if not line:
            raise BrowserError(f"the browser driver ended during {op!r}:\n{self.stderr_tail()}")
        answer = json.loads(line)
        if not answer["ok"]:
            raise BrowserError(f"{op} {fields}: {answer['error']}")
        return answer["result"]

    def stderr_tail(self, limit: int = 4000) -> str:
        """The end of the driver's stderr."""
        fd = self._stderr.fileno()
        size = os.fstat(fd).st_size
        return os.pread(fd, limit, max(0, size - limit)).decode("utf-8", errors="replace")

    def close(self) -> None:
        """End the driver (closing its stdin closes the browser), killing it if it hangs."""
        with contextlib.suppress(OSError):
            if self._proc.stdin is not None:
                self._proc.stdin.close()
        try:
            self._proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        if self._proc.stdout is not None:
            self._proc.stdout.close()
        self._stderr.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def service_env(data_dir: Path, base_url: str, **extra: str) -> dict[str, str]:
    """This process's environment without any LEVERUP_* variable, plus the service's own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEVERUP_")}
    env.update(
        LEVERUP_DATA_DIR=str(data_dir),
        LEVERUP_SECRET_KEY=SECRET,
        LEVERUP_BASE_URL=base_url,
        PYTHONPATH=str(REPO_ROOT),
        **extra,
    )
    return env


class LiveApp:
    """The service on a free loopback port; :meth:`issue` and :meth:`revoke` use its API."""

    def __init__(self, data_dir: Path) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.env = service_env(data_dir, self.base_url, LEVERUP_RATE_LIMIT_PER_MINUTE="0")
        self.token = self._admin_token()
        self._log = (data_dir / "server.log").open("wb")
        self._proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "app.asgi:create_app",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--workers",
                "1",
            ],
            cwd=REPO_ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        self.client = httpx.Client(base_url=self.base_url, timeout=30.0)
        try:
            self._wait_until_up(data_dir / "server.log")
        except BaseException:
            self.close()
            raise

    def _cli(self, *args: str) -> str:
        result = subprocess.run(
            # The console script's entry point (app.cli has no __main__ since the issue-8 layout).
            [sys.executable, "-c", "from app.cli import main; main()", *args],
            cwd=REPO_ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        if result.returncode != 0:
            raise RuntimeError(f"leverup {' '.join(args)} failed:\n{result.stderr}{result.stdout}")
        return result.stdout

    def _admin_token(self) -> str:
        self._cli("orgs", "create", "--slug", ORG_SLUG, "--name", "E2E Volunteer Centre")
        out = self._cli("tokens", "create", "--org", ORG_SLUG, "--role", "admin", "--label", "e2e")
        return out.strip().splitlines()[-1]

    def _wait_until_up(self, log: Path, seconds: float = 60.0) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError(f"the service exited:\n{log.read_text(errors='replace')}")
            with contextlib.suppress(httpx.TransportError):
                if self.client.get("/health").status_code == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"the service did not answer in {seconds:g} s")

    def issue(self, **overrides: Any) -> dict[str, Any]:
        """Issue a credential through ``POST /api/v1/credentials``; the answer's JSON."""
        body = {
            "achievement": "teamwork",
            "outcome": "accomplished",
            "complexity": "mid-high",
            "recipient": {"email": "volunteer@example.org", "name": "Alex Example"},
            "assessor": {"name": "Maria Rossi"},
            **overrides,
        }
        response = self.client.post(
            "/api/v1/credentials", json=body, headers={"Authorization": f"Bearer {self.token}"}
        )
        assert response.status_code == 201, response.text
        issued: dict[str, Any] = response.json()
        return issued

    def revoke(self, uuid: str, reason: str = "issued in error") -> None:
        """Revoke through ``POST /api/v1/credentials/{uuid}/revoke``."""
        response = self.client.post(
            f"/api/v1/credentials/{uuid}/revoke",
            json={"reason": reason},
            headers={"Authorization": f"Bearer {self.token}"},
        )
        assert response.status_code == 200, response.text

    def close(self) -> None:
        """Stop the service."""
        self.client.close()
        self._proc.terminate()
        try:
            self._proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._log.close()


def qr_modules(png: bytes) -> list[list[bool]]:
    """The module matrix of a QR code image (dark = True), read back by sampling its grid.

    The symbol's module size comes from the top-left finder pattern (7 modules wide); each
    module is sampled at its centre. Only for clean rendered codes (no camera image).
    """
    from PIL import Image, ImageOps

    image = Image.open(io.BytesIO(png)).convert("L")
    dark = image.point(lambda v: 255 if v < 128 else 0)
    box = dark.getbbox()
    assert box is not None, "the QR image has no dark pixel"
    left, top, right, bottom = box
    run = 0
    while left + run < right and image.getpixel((left + run, top)) < 128:  # type: ignore[operator]
        run += 1
    module = run / 7
    size = round((right - left) / module)
    assert size == round((bottom - top) / module), "the QR symbol is not square"
    assert (size - 17) % 4 == 0, f"{size} modules is no QR version"
    inverted = ImageOps.invert(image)
    return [
        [
            inverted.getpixel((int(left + (x + 0.5) * module), int(top + (y + 0.5) * module))) > 127  # type: ignore[operator]
            for x in range(size)
        ]
        for y in range(size)
    ]


def qr_encodes(png: bytes, text: str) -> bool:
    """Whether ``png`` is a QR code of exactly ``text`` (at any error-correction level).

    The ``qrcode`` library is deterministic (version, mask), so the same text at the same
    level gives the same matrix: a code of any other text does not match.
    """
    import qrcode
    from qrcode import constants

    modules = qr_modules(png)
    for level in (
        constants.ERROR_CORRECT_L,
        constants.ERROR_CORRECT_M,
        constants.ERROR_CORRECT_Q,
        constants.ERROR_CORRECT_H,
    ):
        code = qrcode.QRCode(error_correction=level, border=0)
        code.add_data(text)
        code.make(fit=True)
        if [list(map(bool, row)) for row in code.get_matrix()] == modules:
            return True
    return False
