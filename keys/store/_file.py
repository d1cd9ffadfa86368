"""A key store in one JSON file under ``<data_dir>/keys/``, written atomically, mode 0600."""

from __future__ import annotations

import builtins
import contextlib
import fcntl
import os
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import msgspec

from keys.errors import KeyNotFoundError, KeyStoreError
from keys.store._base import KeyStoreBase, next_key_id
from keys.store._master import MasterSecret
from keys.store._record import KeyRecord, open_record, seal_record

__all__ = ["FileKeyStore"]


class _KeyFile(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    version: Literal[1] = 1
    keys: list[KeyRecord]


class FileKeyStore(KeyStoreBase):
    """A :class:`~keys.store.KeyStore` kept in ``<data_dir>/keys/keys.json``.

    Every change takes an exclusive lock, re-reads the file, checks that the master secret opens
    the keys already stored (so a wrong secret never adds keys nobody can open), and replaces the
    file atomically (temporary file, fsync, rename, fsync of the directory). Files are created
    with mode 0600 in a 0700 directory.
    """

    def __init__(self, data_dir: Path, master: MasterSecret) -> None:
        """Open (lazily) the key store under ``data_dir``.

        Args:
            data_dir: The service's data directory.
            master: The master secret that encrypts the seeds.
        """
        self._dir = data_dir / "keys"
        self._path = self._dir / "keys.json"
        self._master = master

    def __repr__(self) -> str:
        """Show where the store lives, nothing else."""
        return f"FileKeyStore({str(self._dir)!r})"

    def list(self, controller: str | None = None) -> builtins.list[KeyRecord]:
        """Return the records of ``controller`` (or of every controller), oldest first."""
        return [r for r in self._read() if controller is None or r.controller == controller]

    def controllers(self) -> builtins.list[str]:
        """Return every controller that has keys, sorted."""
        return sorted({r.controller for r in self._read()})

    def _add(self, controller: str, seed: bytes, *, first: bool | None) -> KeyRecord:
        """Seal ``seed`` as the new active key of ``controller``, retiring the previous one.

        ``first`` True requires a controller without keys, False one with keys, None either.
        """
        with self._locked():
            records = self._read()
            if records:
                open_record(self._master, records[0])  # fail closed on a wrong master secret
            mine = [r for r in records if r.controller == controller]
            if first is False and not mine:
                raise KeyNotFoundError(f"no keys for {controller}; create one first")
            if first and mine:
                raise KeyStoreError(f"{controller} already has keys")
            record = seal_record(
                self._master,
                controller=controller,
                key_id=next_key_id(r.key_id for r in mine),
                seed=seed,
                created=datetime.now(UTC).replace(microsecond=0),
            )
            if any(r.public_key_multibase == record.public_key_multibase for r in records):
                raise KeyStoreError("this key is already in the key store")
            kept = [
                msgspec.structs.replace(r, status="retired") if r.controller == controller else r
                for r in records
            ]
            self._write([*kept, record])
        return record

    def _read(self) -> builtins.list[KeyRecord]:
        try:
            data = self._path.read_bytes()
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise KeyStoreError(f"cannot read {self._path}: {exc.strerror}") from None
        try:
            return msgspec.json.decode(data, type=_KeyFile).keys
        except msgspec.MsgspecError as exc:
            raise KeyStoreError(f"the key store {self._path} is corrupt: {exc}") from None

    def _write(self, records: builtins.list[KeyRecord]) -> None:
        data = msgspec.json.format(msgspec.json.encode(_KeyFile(keys=records)), indent=2)
        tmp = self._dir / f".keys.json.{secrets.token_hex(8)}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
            with os.fdopen(fd, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.replace(tmp, self._path)
            _fsync_dir(self._dir)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise KeyStoreError(f"cannot write {self._path}: {exc.strerror}") from None

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        try:
            self._dir.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(self._dir / ".lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        except OSError as exc:
            raise KeyStoreError(
                f"cannot lock the key store in {self._dir}: {exc.strerror}"
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
