"""The encrypted-at-rest store of issuer keys.

Seeds are sealed with PyNaCl ``SecretBox`` under a key derived from the master secret by keyed
BLAKE2b (person ``leverup-keys-v1``) over ``(controller, key_id, public key)``; a sealed seed
therefore opens only in its own record. The master secret comes from ``LEVERUP_SECRET_KEY``, a
0600 file, or (development only) ``<data_dir>/secret.key``, created on first start.
"""

from __future__ import annotations

from keys.store._base import KeyStoreBase, next_key_id
from keys.store._file import FileKeyStore
from keys.store._master import MASTER_SECRET_LENGTH, MasterSecret, load_master_secret
from keys.store._protocol import KeyStore, create_did_key
from keys.store._record import KeyRecord, KeyStatus, open_record, seal_record

__all__ = [
    "MASTER_SECRET_LENGTH",
    "FileKeyStore",
    "KeyRecord",
    "KeyStatus",
    "KeyStore",
    "KeyStoreBase",
    "MasterSecret",
    "create_did_key",
    "load_master_secret",
    "next_key_id",
    "open_record",
    "seal_record",
]
