"""The master secret that encrypts issuer keys at rest, and where it is loaded from."""

from __future__ import annotations

import logging
import os
import re
import stat
from pathlib import Path
from typing import Final

import nacl.encoding
import nacl.hash
import nacl.utils

from common.encoding import b64url_decode, b64url_encode
from keys.errors import MasterSecretError

__all__ = ["MASTER_SECRET_LENGTH", "MasterSecret", "load_master_secret"]

MASTER_SECRET_LENGTH: Final = 32
"""Length in bytes of the master secret."""

_log = logging.getLogger(__name__)

_ENV: Final = "LEVERUP_SECRET_KEY"
_DEV_FILE: Final = "secret.key"
_HEX: Final = re.compile(r"[0-9a-fA-F]{64}")
_BASE64URL: Final = re.compile(r"[A-Za-z0-9_-]{43}=?")
_MAX_FILE_SIZE: Final = 1024


class MasterSecret:
    """32 secret bytes from which the key store derives its encryption keys.

    The bytes never leave the object: callers derive keys with :meth:`derive_key`, and
    ``repr`` shows nothing.
    """

    __slots__ = ("_value",)

    def __init__(self, value: bytes) -> None:
        """Wrap 32 secret bytes.

        Args:
            value: The secret; 32 bytes, not one byte repeated (a placeholder).

        Raises:
            MasterSecretError: If ``value`` is not 32 bytes or is one repeated byte.
        """
        if not isinstance(value, bytes) or len(value) != MASTER_SECRET_LENGTH:
            raise MasterSecretError(f"the master secret must be {MASTER_SECRET_LENGTH} bytes")
        if len(set(value)) == 1:
            raise MasterSecretError("the master secret is one repeated byte; generate a random one")
        self._value = value

    @classmethod
    def generate(cls) -> MasterSecret:
        """Return a new random master secret."""
        return cls(nacl.utils.random(MASTER_SECRET_LENGTH))

    def derive_key(self, *, person: bytes, context: bytes) -> bytes:
        """Derive a 32-byte key with keyed BLAKE2b.

        Args:
            person: The BLAKE2b personalisation (at most 16 bytes): one per purpose.
            context: What the key is for (bound into the key).

        Returns:
            ``BLAKE2b(context, key=master, person=person, digest_size=32)``.
        """
        return nacl.hash.blake2b(
            context,
            digest_size=32,
            key=self._value,
            person=person,
            encoder=nacl.encoding.RawEncoder,
        )

    def __repr__(self) -> str:
        """Never show the secret."""
        return "MasterSecret(<redacted>)"


def load_master_secret(
    *,
    env_value: str | None,
    file: Path | None,
    data_dir: Path,
    development: bool,
    create: bool = True,
) -> MasterSecret:
    """Load the master secret: explicit value, else file, else (development only) a local file.

    Args:
        env_value: The value of ``LEVERUP_SECRET_KEY`` (hex or base64url of 32 bytes), if set.
        file: A file holding the secret in the same encoding (mode 0600), if configured.
        data_dir: The data directory; in development the secret lives in ``secret.key`` there
            and is created (mode 0600) on first use, with a logged warning.
        development: Whether the service runs in development.
        create: In development, create the local secret file when it is missing (``False``:
            a reader that must create nothing, such as ``leverup verify``, gets the error).

    Returns:
        The master secret.

    Raises:
        MasterSecretError: If the value or file is ill-formed, the file is readable by group or
            others, or no secret is configured outside development.
    """
    if env_value is not None:
        return _parse(env_value, _ENV)
    if file is not None:
        return _read_file(file)
    dev_path = data_dir / _DEV_FILE
    if not development:
        ignored = (
            f"; {dev_path} is a development secret and is ignored" if dev_path.exists() else ""
        )
        raise MasterSecretError(
            f"no master secret: set {_ENV} or {_ENV}_FILE outside development{ignored}"
        )
    if not dev_path.exists():
        if not create:
            raise MasterSecretError(f"no master secret: {dev_path} does not exist")
        _create_file(dev_path)
        _log.warning("created a DEVELOPMENT master secret in %s", dev_path)
    _log.warning("using the DEVELOPMENT master secret in %s; set %s in production", dev_path, _ENV)
    return _read_file(dev_path)


def _parse(text: str, source: str) -> MasterSecret:
    value = text.strip()
    if _HEX.fullmatch(value):
        return MasterSecret(bytes.fromhex(value))
    if _BASE64URL.fullmatch(value):
        unpadded = value.rstrip("=")
        raw = b64url_decode(unpadded)
        if b64url_encode(raw) == unpadded:
            return MasterSecret(raw)
    raise MasterSecretError(
        f"{source} must be {MASTER_SECRET_LENGTH} bytes as hex (64 characters) or "
        f"base64url (43 characters); got {len(value)} characters"
    )


def _read_file(path: Path) -> MasterSecret:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise MasterSecretError(
            f"cannot open the master secret file {path}: {exc.strerror}"
        ) from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise MasterSecretError(f"the master secret file {path} is not a regular file")
        if mode & 0o077:
            raise MasterSecretError(
                f"the master secret file {path} is accessible to group or others "
                f"(mode {stat.S_IMODE(mode):04o}); restrict it with chmod 600"
            )
        data = os.read(fd, _MAX_FILE_SIZE + 1)
    finally:
        os.close(fd)
    if len(data) > _MAX_FILE_SIZE:
        raise MasterSecretError(f"the master secret file {path} is too large")
    return _parse(data.decode("ascii", errors="replace"), f"the master secret file {path}")


def _create_file(path: Path) -> None:
    """Create ``path`` holding a new secret; mode 0600 from the first instant (O_EXCL)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = b64url_encode(nacl.utils.random(MASTER_SECRET_LENGTH)).encode("ascii") + b"\n"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    except FileExistsError:
        return  # another process created it first; read that one
    except OSError as exc:
        raise MasterSecretError(f"cannot create {path}: {exc.strerror}") from None
    try:
        os.write(fd, text)
        os.fsync(fd)
    except OSError as exc:
        path.unlink(missing_ok=True)
        raise MasterSecretError(f"cannot write {path}: {exc.strerror}") from None
    finally:
        os.close(fd)
