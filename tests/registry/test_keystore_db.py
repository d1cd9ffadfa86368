"""DbKeyStore: the key store over ``signing_keys`` (seeds encrypted at rest), on every backend."""

from __future__ import annotations

import base64
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from orgs_support import MASTER_HEX, StepClock
from sqlalchemy.engine import Engine
from sqlmodel import Session

from keys.did import did_key
from keys.ed25519 import Ed25519KeyPair, verify_signature
from keys.errors import InvalidDidError, KeyNotFoundError, KeyStoreError
from keys.store import KeyStore, MasterSecret, create_did_key
from registry.db import session_scope
from registry.orgs.keystore import DbKeyStore

DID = "did:web:badges.example.org:orgs:centre-one"
OTHER = "did:web:badges.example.org:orgs:centre-two"
SEED = bytes.fromhex("c96ef9ea10c5e414c471723aff9de72c35fa5b70fae97e8832ecac7d2e2b8ed6")
MASTER = MasterSecret(bytes.fromhex(MASTER_HEX))


def _store(session: Session, master: MasterSecret = MASTER) -> DbKeyStore:
    return DbKeyStore(session, master, clock=StepClock())


def _count(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.exec_driver_sql("SELECT count(*) FROM signing_keys").scalar_one())


def _seed_forms(seed: bytes) -> list[bytes]:
    texts = [
        seed.hex(),
        seed.hex().upper(),
        base64.b64encode(seed).decode().rstrip("="),
        base64.urlsafe_b64encode(seed).decode().rstrip("="),
    ]
    return [seed, *(t.encode() for t in texts)]


class TestCreateAndRotate:
    def test_create_makes_key_1_active(self, engine: Engine) -> None:
        """The first key of a did:web controller is key-1, active, named by its DID URL."""
        with session_scope(engine) as session:
            record = _store(session).create(DID)
        assert (record.key_id, record.status) == ("key-1", "active")
        assert record.verification_method == f"{DID}#key-1"

    def test_signing_key_signs_with_the_published_key(self, engine: Engine) -> None:
        """The decrypted key pair matches the public key the store publishes."""
        with session_scope(engine) as session:
            _store(session).create(DID)
        with session_scope(engine) as session:
            record, pair = _store(session).signing_key(DID)
            published = dict(_store(session).public_keys(DID))
        verify_signature(published["key-1"], pair.sign(b"message"), b"message")
        assert record.public_key == published["key-1"]

    def test_rotation_keeps_old_keys_retired(self, engine: Engine) -> None:
        """Rotating twice leaves key-1 and key-2 retired and key-3 the only active key."""
        with session_scope(engine) as session:
            store = _store(session)
            store.create(DID)
            store.rotate(DID)
            store.rotate(DID)
        with session_scope(engine) as session:
            store = _store(session)
            states = [(r.key_id, r.status) for r in store.list(DID)]
            active, _ = store.signing_key(DID)
        assert states == [("key-1", "retired"), ("key-2", "retired"), ("key-3", "active")]
        assert active.key_id == "key-3"

    def test_controllers_are_kept_apart(self, engine: Engine) -> None:
        """Rotating one controller leaves another's active key alone."""
        with session_scope(engine) as session:
            store = _store(session)
            store.create(DID)
            store.create(OTHER)
            store.rotate(DID)
            assert store.controllers() == [DID, OTHER]
            assert [r.status for r in store.list(OTHER)] == ["active"]
            assert len(store.list()) == 3

    def test_import_seed_rotates_a_did_web_controller(self, engine: Engine) -> None:
        """An imported seed becomes the next active key; the previous one is retired."""
        with session_scope(engine) as session:
            store = _store(session)
            store.create(DID)
            record = store.import_seed(DID, SEED)
        assert record.key_id == "key-2"
        assert record.public_key == Ed25519KeyPair.from_seed(SEED).public_key

    def test_create_did_key_works_through_the_protocol(self, engine: Engine) -> None:
        """keys.store.create_did_key accepts a DbKeyStore as its KeyStore."""
        with session_scope(engine) as session:
            store: KeyStore = _store(session)
            record = create_did_key(store)
        assert record.controller.startswith("did:key:z6Mk")
        assert record.verification_method == f"{record.controller}#{record.public_key_multibase}"

    def test_public_keys_of_an_unknown_controller_are_empty(self, engine: Engine) -> None:
        """A controller without keys has no public keys (and no error)."""
        with session_scope(engine) as session:
            assert _store(session).public_keys(DID) == []

    def test_repr_shows_no_secret(self, engine: Engine) -> None:
        """The store's repr names the table, nothing else."""
        with session_scope(engine) as session:
            assert repr(_store(session)) == "DbKeyStore(<signing_keys>)"


class TestRefusals:
    def test_create_twice_is_refused(self, engine: Engine) -> None:
        """A controller's first key is created once."""
        with session_scope(engine) as session:
            _store(session).create(DID)
        with pytest.raises(KeyStoreError, match="already has keys"), session_scope(engine) as s:
            _store(s).create(DID)
        assert _count(engine) == 1

    def test_rotate_without_keys_is_refused(self, engine: Engine) -> None:
        """Rotation needs an existing key."""
        with pytest.raises(KeyNotFoundError), session_scope(engine) as session:
            _store(session).rotate(DID)

    def test_signing_key_without_keys_is_refused(self, engine: Engine) -> None:
        """A controller without an active key cannot sign."""
        with pytest.raises(KeyNotFoundError), session_scope(engine) as session:
            _store(session).signing_key(DID)

    def test_create_for_a_did_key_is_refused(self, engine: Engine) -> None:
        """A did:key comes from its key: create() refuses it."""
        did = did_key(Ed25519KeyPair.from_seed(SEED).public_key)
        with pytest.raises(KeyStoreError, match="create_did_key"), session_scope(engine) as s:
            _store(s).create(did)

    def test_rotate_a_did_key_is_refused(self, engine: Engine) -> None:
        """A did:key cannot rotate (a new key is a new DID)."""
        did = did_key(Ed25519KeyPair.from_seed(SEED).public_key)
        with pytest.raises(KeyStoreError, match="cannot rotate"), session_scope(engine) as s:
            _store(s).rotate(did)

    def test_invalid_did_web_is_refused(self, engine: Engine) -> None:
        """A malformed did:web controller is refused before anything is stored."""
        with pytest.raises(InvalidDidError), session_scope(engine) as session:
            _store(session).create("did:web:bad host")
        assert _count(engine) == 0

    def test_seed_of_wrong_length_is_refused(self, engine: Engine) -> None:
        """Only 32-byte seeds are imported."""
        with pytest.raises(KeyStoreError, match="32 bytes"), session_scope(engine) as session:
            _store(session).import_seed(DID, SEED[:31])

    def test_foreign_seed_for_a_did_key_is_refused(self, engine: Engine) -> None:
        """A did:key controller takes only its own seed."""
        other = did_key(Ed25519KeyPair.from_seed(bytes(range(32))).public_key)
        with pytest.raises(KeyStoreError, match="not the key"), session_scope(engine) as s:
            _store(s).import_seed(other, SEED)

    def test_duplicate_seed_is_refused(self, engine: Engine) -> None:
        """One seed is stored once, whatever the controller."""
        with session_scope(engine) as session:
            _store(session).import_seed(DID, SEED)
        with pytest.raises(KeyStoreError, match="already"), session_scope(engine) as session:
            _store(session).import_seed(OTHER, SEED)
        assert _count(engine) == 1


class TestEncryptionAtRest:
    def test_seed_is_not_in_the_database(self, engine: Engine, tmp_path: Path) -> None:
        """No form of the seed appears in any stored value (nor in the SQLite files)."""
        with session_scope(engine) as session:
            _store(session).import_seed(DID, SEED)
        with engine.connect() as connection:
            rows = connection.exec_driver_sql("SELECT * FROM signing_keys").all()
        stored = b"".join(
            bytes(v) if isinstance(v, bytes | memoryview) else str(v).encode()
            for row in rows
            for v in row
        )
        assert rows
        files = [p.read_bytes() for p in tmp_path.glob("registry.db*")]
        for form in _seed_forms(SEED):
            assert form not in stored
            assert all(form not in data for data in files)

    def test_wrong_master_secret_cannot_sign(self, engine: Engine) -> None:
        """Keys sealed under one master secret do not open under another."""
        with session_scope(engine) as session:
            _store(session).create(DID)
        with pytest.raises(KeyStoreError, match="cannot decrypt"), session_scope(engine) as s:
            _store(s, MasterSecret.generate()).signing_key(DID)

    def test_wrong_master_secret_adds_no_key(self, engine: Engine) -> None:
        """A store with the wrong secret refuses to add keys nobody could open."""
        with session_scope(engine) as session:
            _store(session).create(DID)
        with pytest.raises(KeyStoreError), session_scope(engine) as session:
            _store(session, MasterSecret.generate()).create(OTHER)
        assert _count(engine) == 1

    def test_edited_public_key_is_never_published(self, engine: Engine) -> None:
        """A public key written into the table by hand fails the seal check."""
        with session_scope(engine) as session:
            _store(session).create(DID)
        forged = "z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
        with engine.begin() as connection:
            connection.execute(
                sa.text("UPDATE signing_keys SET public_key_multibase = :k"), {"k": forged}
            )
        with pytest.raises(KeyStoreError), session_scope(engine) as session:
            _store(session).public_keys(DID)

    def test_sealed_seed_moved_to_another_controller_fails(self, engine: Engine) -> None:
        """A ciphertext opens only in its own record (controller, key id, public key)."""
        with session_scope(engine) as session:
            store = _store(session)
            store.create(DID)
            store.create(OTHER)
        with engine.begin() as connection:
            connection.execute(
                sa.text(
                    "UPDATE signing_keys SET encrypted_seed = "
                    "(SELECT encrypted_seed FROM signing_keys WHERE controller = :a) "
                    "WHERE controller = :b"
                ),
                {"a": DID, "b": OTHER},
            )
        with pytest.raises(KeyStoreError), session_scope(engine) as session:
            _store(session).signing_key(OTHER)


class TestConcurrency:
    def test_concurrent_rotations_keep_one_active_key(self, engine: Engine) -> None:
        """Six rotations at once give key-2..key-7, each once, and exactly one active key."""
        with session_scope(engine) as session:
            _store(session).create(DID)
        errors: list[BaseException] = []

        def rotate() -> None:
            try:
                with session_scope(engine) as session:
                    _store(session).rotate(DID)
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=rotate) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        with session_scope(engine) as session:
            records = _store(session).list(DID)
        assert sorted(int(r.key_id[4:]) for r in records) == list(range(1, 8))
        assert [r.status for r in records].count("active") == 1
