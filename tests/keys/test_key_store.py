"""The encrypted-at-rest key store (keys.FileKeyStore)."""

from __future__ import annotations

import base64
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import base58
import pytest

from keys import (
    Ed25519KeyPair,
    FileKeyStore,
    InvalidDidError,
    KeyNotFoundError,
    KeyStore,
    KeyStoreError,
    MasterSecret,
    UnsupportedDidMethodError,
    create_did_key,
    did_key,
    did_web_document,
    encode_public_key,
    encode_secret_key,
    resolve_did_key,
    resolve_in_document,
    verify_signature,
)

DID = "did:web:issuer.example:tenants:t1"
OTHER_DID = "did:web:issuer.example:tenants:t2"
SEED = bytes.fromhex("c96ef9ea10c5e414c471723aff9de72c35fa5b70fae97e8832ecac7d2e2b8ed6")


@pytest.fixture
def master() -> MasterSecret:
    return MasterSecret.generate()


@pytest.fixture
def store(tmp_path: Path, master: MasterSecret) -> FileKeyStore:
    return FileKeyStore(tmp_path, master)


def key_file(tmp_path: Path) -> Path:
    return tmp_path / "keys" / "keys.json"


def seed_forms(seed: bytes) -> list[bytes]:
    """Every way a seed could leak into a text file."""
    public = Ed25519KeyPair.from_seed(seed).public_key
    texts = [
        seed.hex(),
        seed.hex().upper(),
        (seed + public).hex(),
        base64.b64encode(seed).decode(),
        base64.b64encode(seed).decode().rstrip("="),
        base64.urlsafe_b64encode(seed).decode().rstrip("="),
        base58.b58encode(seed).decode(),
        encode_secret_key(seed),
        encode_secret_key(seed)[1:],
    ]
    return [seed, *(text.encode() for text in texts)]


class TestCreate:
    def test_first_key_is_key_1_and_active(self, store: FileKeyStore) -> None:
        """A controller's first key is key-1, active, with its VM id under the DID."""
        record = store.create(DID)
        assert (record.key_id, record.controller, record.status) == ("key-1", DID, "active")
        assert record.verification_method == f"{DID}#key-1"
        assert record.created.utcoffset() is not None
        assert record.created.utcoffset().total_seconds() == 0  # type: ignore[union-attr]

    def test_refuses_a_second_create(self, store: FileKeyStore) -> None:
        """Creating again would make two active keys; rotate instead."""
        store.create(DID)
        with pytest.raises(KeyStoreError, match="already has keys"):
            store.create(DID)

    def test_refuses_a_did_key_controller(self, store: FileKeyStore) -> None:
        """A did:key is derived from its key, so it cannot be given a random one."""
        with pytest.raises(KeyStoreError, match="create_did_key"):
            store.create(did_key(Ed25519KeyPair.from_seed(SEED).public_key))

    def test_refuses_an_invalid_did_web(self, store: FileKeyStore) -> None:
        """The controller must be a valid did:web."""
        with pytest.raises(InvalidDidError):
            store.create("did:web:issuer.example:..")

    def test_refuses_an_unsupported_method(self, store: FileKeyStore) -> None:
        """did:ethr controllers are refused."""
        with pytest.raises(UnsupportedDidMethodError):
            store.create("did:ethr:0x1")

    def test_file_and_directory_modes(self, tmp_path: Path, store: FileKeyStore) -> None:
        """The key file is 0600 in a 0700 directory, and no temporary file is left behind."""
        store.create(DID)
        assert key_file(tmp_path).stat().st_mode & 0o777 == 0o600
        assert (tmp_path / "keys").stat().st_mode & 0o777 == 0o700
        assert sorted(p.name for p in (tmp_path / "keys").iterdir()) == [".lock", "keys.json"]

    def test_satisfies_the_key_store_protocol(self, store: FileKeyStore) -> None:
        """FileKeyStore is usable wherever a KeyStore is expected."""
        protocol_typed: KeyStore = store
        assert protocol_typed.controllers() == []


class TestImportSeed:
    def test_signs_with_the_imported_seed(self, store: FileKeyStore) -> None:
        """The signing key of an imported seed is that seed's key pair."""
        store.import_seed(DID, SEED)
        record, pair = store.signing_key(DID)
        assert pair == Ed25519KeyPair.from_seed(SEED)
        assert record.public_key == pair.public_key

    def test_file_holds_no_form_of_the_seed(self, tmp_path: Path, store: FileKeyStore) -> None:
        """J14: the raw file contains neither the seed bytes nor its hex/base64/base58 forms."""
        store.import_seed(DID, SEED)
        store.rotate(DID)
        raw = key_file(tmp_path).read_bytes()
        for form in seed_forms(SEED):
            assert form not in raw
        assert b'"d"' not in raw

    def test_record_repr_holds_no_seed(self, store: FileKeyStore) -> None:
        """Neither the record, the pair nor the store shows the seed when printed."""
        record = store.import_seed(DID, SEED)
        _, pair = store.signing_key(DID)
        text = f"{record!r} {pair!r} {store!r}"
        for form in seed_forms(SEED):
            assert form.decode("latin-1") not in text

    def test_import_into_an_existing_controller_rotates(self, store: FileKeyStore) -> None:
        """An imported seed becomes key-N+1 and active; the previous key is kept, retired."""
        first = store.create(DID)
        imported = store.import_seed(DID, SEED)
        assert imported.key_id == "key-2"
        assert [(r.key_id, r.status) for r in store.list(DID)] == [
            ("key-1", "retired"),
            ("key-2", "active"),
        ]
        assert store.public_keys(DID)[0] == ("key-1", first.public_key)
        assert store.signing_key(DID)[1] == Ed25519KeyPair.from_seed(SEED)

    def test_refuses_a_seed_already_stored(self, store: FileKeyStore) -> None:
        """The same seed twice for one controller would publish one key under two ids."""
        store.import_seed(DID, SEED)
        with pytest.raises(KeyStoreError, match="already in the key store"):
            store.import_seed(DID, SEED)

    def test_refuses_a_seed_stored_for_another_controller(self, store: FileKeyStore) -> None:
        """K3: one key never serves two tenants; the message does not name the other tenant."""
        store.import_seed(DID, SEED)
        with pytest.raises(KeyStoreError, match="already in the key store") as caught:
            store.import_seed(OTHER_DID, SEED)
        assert DID not in str(caught.value)

    def test_refuses_a_did_key_twice(self, store: FileKeyStore) -> None:
        """A did:key holds exactly one key."""
        controller = did_key(Ed25519KeyPair.from_seed(SEED).public_key)
        store.import_seed(controller, SEED)
        with pytest.raises(KeyStoreError, match="already has keys"):
            store.import_seed(controller, SEED)

    def test_refuses_a_31_byte_seed(self, store: FileKeyStore) -> None:
        """A short seed is refused."""
        with pytest.raises(KeyStoreError, match="32 bytes"):
            store.import_seed(DID, SEED[:31])

    def test_did_key_controller_must_match_the_seed(self, store: FileKeyStore) -> None:
        """A did:key controller is accepted only with its own seed."""
        other = did_key(Ed25519KeyPair.from_seed(bytes(31) + b"\x01").public_key)
        with pytest.raises(KeyStoreError, match="not the key of"):
            store.import_seed(other, SEED)

    def test_did_key_verification_method(self, store: FileKeyStore) -> None:
        """A did:key record signs as did:key:zX#zX."""
        controller = did_key(Ed25519KeyPair.from_seed(SEED).public_key)
        record = store.import_seed(controller, SEED)
        assert resolve_did_key(record.verification_method).id == record.verification_method


class TestCreateDidKey:
    def test_controller_is_the_keys_own_did(self, store: FileKeyStore) -> None:
        """create_did_key makes a fresh did:key whose DID names the stored key."""
        record = create_did_key(store)
        _, pair = store.signing_key(record.controller)
        assert record.controller == did_key(pair.public_key)
        method = resolve_did_key(record.verification_method)
        verify_signature(method.public_key, pair.sign(b"m"), b"m")

    def test_did_key_cannot_rotate(self, store: FileKeyStore) -> None:
        """J12: rotating a did:key would change the DID; it is refused."""
        record = create_did_key(store)
        with pytest.raises(KeyStoreError, match="new DID"):
            store.rotate(record.controller)


class TestSigningKey:
    def test_unknown_controller(self, store: FileKeyStore) -> None:
        """No key for the controller raises KeyNotFoundError."""
        with pytest.raises(KeyNotFoundError, match="no active key"):
            store.signing_key(DID)

    def test_signature_verifies_with_the_record_key(self, store: FileKeyStore) -> None:
        """The decrypted pair signs; the record's public key verifies it."""
        record = store.create(DID)
        _, pair = store.signing_key(DID)
        verify_signature(record.public_key, pair.sign(b"m"), b"m")

    def test_keys_are_per_controller(self, store: FileKeyStore) -> None:
        """Two controllers get distinct keys, each returned only for its own DID."""
        first, second = store.create(DID), store.create(OTHER_DID)
        assert store.signing_key(DID)[0] == first
        assert store.signing_key(OTHER_DID)[0] == second
        assert first.public_key != second.public_key


class TestRotate:
    def test_new_key_is_active_and_old_is_kept_retired(self, store: FileKeyStore) -> None:
        """Rotation adds key-2 (active) and keeps key-1 (retired)."""
        first = store.create(DID)
        second = store.rotate(DID)
        assert second.key_id == "key-2"
        assert [(r.key_id, r.status) for r in store.list(DID)] == [
            ("key-1", "retired"),
            ("key-2", "active"),
        ]
        assert store.signing_key(DID)[0] == second
        assert [k for _, k in store.public_keys(DID)] == [first.public_key, second.public_key]

    def test_document_lists_both_keys_and_both_verify(self, store: FileKeyStore) -> None:
        """J12: after rotation the DID document lists both keys; a signature made before the
        rotation still verifies through it, and new signatures use the new key."""
        old_record, old_pair = store.create(DID), store.signing_key(DID)[1]
        old_signature = old_pair.sign(b"old credential")
        store.rotate(DID)
        new_record, new_pair = store.signing_key(DID)
        document = did_web_document(DID, store.public_keys(DID))
        assert document["assertionMethod"] == [f"{DID}#key-1", f"{DID}#key-2"]

        old = resolve_in_document(document, old_record.verification_method, expected_did=DID)
        verify_signature(old.public_key, old_signature, b"old credential")
        new = resolve_in_document(document, new_record.verification_method, expected_did=DID)
        verify_signature(new.public_key, new_pair.sign(b"new credential"), b"new credential")
        assert new.id == f"{DID}#key-2"

    def test_third_rotation(self, store: FileKeyStore) -> None:
        """Key ids keep counting: key-3 after two rotations, one active key."""
        store.create(DID)
        store.rotate(DID)
        assert store.rotate(DID).key_id == "key-3"
        assert [r.status for r in store.list(DID)].count("active") == 1

    def test_rotation_leaves_other_controllers_alone(self, store: FileKeyStore) -> None:
        """Rotating one controller does not retire another's key."""
        store.create(DID)
        other = store.create(OTHER_DID)
        store.rotate(DID)
        assert store.signing_key(OTHER_DID)[0] == other

    def test_unknown_controller(self, store: FileKeyStore) -> None:
        """Rotating a controller without keys raises KeyNotFoundError."""
        with pytest.raises(KeyNotFoundError, match="create one first"):
            store.rotate(DID)


class TestWrongMasterSecret:
    def test_signing_fails_cleanly(self, tmp_path: Path, store: FileKeyStore) -> None:
        """A wrong master secret gives KeyStoreError naming the setting, with no chained
        traceback and no key material."""
        store.import_seed(DID, SEED)
        with pytest.raises(KeyStoreError, match=r"wrong LEVERUP_SECRET_KEY\?") as caught:
            FileKeyStore(tmp_path, MasterSecret.generate()).signing_key(DID)
        assert caught.value.__cause__ is None
        assert caught.value.__suppress_context__
        for form in seed_forms(SEED):
            assert form.decode("latin-1") not in str(caught.value)

    def test_public_keys_fail(self, tmp_path: Path, store: FileKeyStore) -> None:
        """Publishing keys also requires the right master secret."""
        store.create(DID)
        with pytest.raises(KeyStoreError, match="cannot decrypt"):
            FileKeyStore(tmp_path, MasterSecret.generate()).public_keys(DID)

    def test_rotation_fails_closed(self, tmp_path: Path, store: FileKeyStore) -> None:
        """A wrong master secret never adds a key: the file is unchanged."""
        store.create(DID)
        before = key_file(tmp_path).read_bytes()
        with pytest.raises(KeyStoreError, match="cannot decrypt"):
            FileKeyStore(tmp_path, MasterSecret.generate()).rotate(DID)
        assert key_file(tmp_path).read_bytes() == before

    def test_new_controller_fails_closed(self, tmp_path: Path, store: FileKeyStore) -> None:
        """A wrong master secret cannot create keys for a new controller either."""
        store.create(DID)
        with pytest.raises(KeyStoreError, match="cannot decrypt"):
            FileKeyStore(tmp_path, MasterSecret.generate()).create(OTHER_DID)
        assert store.controllers() == [DID]


class TestTampering:
    @staticmethod
    def edit(tmp_path: Path, index: int, **changes: str) -> None:
        path = key_file(tmp_path)
        data = json.loads(path.read_text())
        data["keys"][index].update(changes)
        path.write_text(json.dumps(data))

    def test_ciphertext_moved_to_another_key_id(self, tmp_path: Path, store: FileKeyStore) -> None:
        """key-1's sealed seed pasted into key-2 does not decrypt there."""
        store.create(DID)
        store.rotate(DID)
        first = json.loads(key_file(tmp_path).read_text())["keys"][0]
        self.edit(tmp_path, 1, encrypted_seed=first["encrypted_seed"])
        with pytest.raises(KeyStoreError, match="cannot decrypt key key-2"):
            store.signing_key(DID)

    def test_ciphertext_moved_to_another_controller(
        self, tmp_path: Path, store: FileKeyStore
    ) -> None:
        """K3: tenant 1's sealed seed pasted into tenant 2's record does not decrypt there."""
        store.create(DID)
        store.create(OTHER_DID)
        first = json.loads(key_file(tmp_path).read_text())["keys"][0]
        self.edit(tmp_path, 1, encrypted_seed=first["encrypted_seed"])
        with pytest.raises(KeyStoreError, match="cannot decrypt"):
            store.signing_key(OTHER_DID)

    def test_swapped_public_key_is_never_published(
        self, tmp_path: Path, store: FileKeyStore
    ) -> None:
        """An attacker key written into the file is refused, not put in the DID document."""
        store.create(DID)
        attacker = Ed25519KeyPair.generate()
        self.edit(tmp_path, 0, public_key_multibase=encode_public_key(attacker.public_key))
        with pytest.raises(KeyStoreError):
            store.public_keys(DID)

    def test_corrupt_file(self, tmp_path: Path, store: FileKeyStore) -> None:
        """A file that is not the expected JSON raises KeyStoreError."""
        store.create(DID)
        key_file(tmp_path).write_text("{not json")
        with pytest.raises(KeyStoreError, match="corrupt"):
            store.list()


class TestListing:
    def test_empty_store(self, store: FileKeyStore) -> None:
        """A new store lists nothing and creates no file."""
        assert store.list() == []
        assert store.controllers() == []

    def test_list_filters_by_controller(self, store: FileKeyStore) -> None:
        """list() returns all records; list(controller) only that controller's."""
        store.create(OTHER_DID)
        store.create(DID)
        store.rotate(DID)
        assert len(store.list()) == 3
        assert [r.key_id for r in store.list(DID)] == ["key-1", "key-2"]
        assert store.controllers() == [DID, OTHER_DID]

    def test_public_keys_of_unknown_controller(self, store: FileKeyStore) -> None:
        """A controller without keys has no public keys (and no DID document)."""
        assert store.public_keys(DID) == []

    def test_reopened_store_sees_the_same_keys(
        self, tmp_path: Path, master: MasterSecret, store: FileKeyStore
    ) -> None:
        """A second store on the same directory and secret reads the same records and keys."""
        store.create(DID)
        store.rotate(DID)
        reopened = FileKeyStore(tmp_path, master)
        assert reopened.list() == store.list()
        assert reopened.signing_key(DID)[1] == store.signing_key(DID)[1]

    def test_concurrent_creates_lose_nothing(self, tmp_path: Path, master: MasterSecret) -> None:
        """Parallel writers (separate store objects) serialise on the lock: no key is lost."""
        controllers = [f"did:web:issuer.example:tenants:p{i}" for i in range(8)]

        def create(controller: str) -> None:
            FileKeyStore(tmp_path, master).create(controller)

        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(create, controllers))
        assert FileKeyStore(tmp_path, master).controllers() == sorted(controllers)
