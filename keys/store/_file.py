"""A key store in one JSON file under ``<data_dir>/keys/``, written atomically, mode 0600."""

from __future__ import annotations

import builtins
import contextlib
import fcntl
import os
import re
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Final, Literal

import msgspec
import nacl.utils

from keys.did import did_key, did_method, did_web_url
from keys.ed25519 import SEED_LENGTH, Ed25519KeyPair
from keys.errors import KeyNotFoundError, KeyStoreError
from keys.store._master import MasterSecret
from keys.store._record import KeyRecord, open_record, seal_record

__all__ = ["FileKeyStore"]

_KEY_ID: Final = re.compile(r"key-([1-9][0-9]*)")


class _KeyFile(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    version: Literal[1] = 1
    keys: list[KeyRecord]


class FileKeyStore:
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

    def create(self, controller: str) -> KeyRecord:
        """Create the first key (``key-1``, active) of a did:web controller.

        Raises:
            KeyStoreError: If the controller already has keys, is a did:key (whose key comes
                first: use :func:`~keys.store.create_did_key`), or the master secret is wrong.
            InvalidDidError: If the controller is not a valid did:web DID.
        """
        if did_method(controller) == "key":
            raise KeyStoreError("a did:key is derived from its key; use create_did_key")
        did_web_url(controller)
        return self._add(controller, nacl.utils.random(SEED_LENGTH), first=True)

    def import_seed(self, controller: str, seed: bytes) -> KeyRecord:
        """Store an existing 32-byte seed as the controller's new active key.

        The first key of a controller becomes ``key-1``; otherwise the seed becomes ``key-N+1``
        and the previous active key is retired, as in :meth:`rotate`. A did:key controller
        takes only its own seed, once.

        Raises:
            KeyStoreError: If the seed is not 32 bytes, is already in the store, is not the key
                of a did:key controller (or that did:key is already stored), or the master
                secret is wrong.
            InvalidDidError: If the controller is not a valid did:key or did:web DID.
        """
        if not isinstance(seed, bytes) or len(seed) != SEED_LENGTH:
            raise KeyStoreError(f"a seed must be {SEED_LENGTH} bytes")
        if did_method(controller) == "web":
            did_web_url(controller)
            return self._add(controller, seed, first=None)
        if did_key(Ed25519KeyPair.from_seed(seed).public_key) != controller:
            raise KeyStoreError(f"the seed is not the key of {controller}")
        return self._add(controller, seed, first=True)

    def rotate(self, controller: str) -> KeyRecord:
        """Add ``key-N+1`` as the active key of a did:web controller; ``key-N`` is retired.

        Raises:
            KeyNotFoundError: If the controller has no keys.
            KeyStoreError: If the controller is a did:key (a new key is a new DID) or the master
                secret is wrong.
        """
        if did_method(controller) == "key":
            raise KeyStoreError("a did:key cannot rotate: a new key means a new DID")
        return self._add(controller, nacl.utils.random(SEED_LENGTH), first=False)

    def list(self, controller: str | None = None) -> builtins.list[KeyRecord]:
        """Return the records of ``controller`` (or of every controller), oldest first."""
        return [r for r in self._read() if controller is None or r.controller == controller]

    def signing_key(self, controller: str) -> tuple[KeyRecord, Ed25519KeyPair]:
        """Return the active record of ``controller`` and its decrypted key pair.

        Raises:
            KeyNotFoundError: If the controller has no active key.
            KeyStoreError: If the key does not decrypt (wrong master secret) or the store holds
                more than one active key.
        """
        active = [r for r in self.list(controller) if r.status == "active"]
        if not active:
            raise KeyNotFoundError(f"no active key for {controller}")
        if len(active) > 1:
            raise KeyStoreError(f"the key store holds {len(active)} active keys for {controller}")
        return active[0], open_record(self._master, active[0])

    def public_keys(self, controller: str) -> builtins.list[tuple[str, bytes]]:
        """Return ``(key_id, public key)`` for every key of ``controller``, oldest first.

        Each record is decrypted first: only public keys whose seed the master secret sealed
        are returned, so a public key edited into the file is never published. A controller
        without keys gets an empty list.

        Raises:
            KeyStoreError: If a key does not decrypt or does not match its public key.
        """
        return [(r.key_id, open_record(self._master, r).public_key) for r in self.list(controller)]

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
                key_id=_next_key_id(mine),
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


def _next_key_id(records: builtins.list[KeyRecord]) -> str:
    numbers = [int(m[1]) for r in records if (m := _KEY_ID.fullmatch(r.key_id))]
    return f"key-{max(numbers, default=0) + 1}"


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
