"""Ed25519 keys, Multikey, did:key / did:web, and the encrypted key store.

The only package that calls PyNaCl. Modules: :mod:`keys.errors` (the error tree),
:mod:`keys.ed25519` (sign / verify), :mod:`keys.multikey`, :mod:`keys.did`, :mod:`keys.store`,
:mod:`keys.cryptosuite` (``eddsa-rdfc-2022``) and :mod:`keys.ed25519_signature_2020` (the legacy
``Ed25519Signature2020`` suite, verification only).
"""

from __future__ import annotations

from keys.did import (
    MAX_VERIFICATION_METHODS,
    MIN_RSA_BITS,
    VerificationMethod,
    VerificationMethodType,
    did_key,
    did_key_verification_method,
    did_method,
    did_web,
    did_web_document,
    did_web_url,
    public_jwk,
    resolve_did_key,
    resolve_in_document,
)
from keys.ed25519 import Ed25519KeyPair, verify_signature
from keys.errors import (
    InvalidDidError,
    InvalidMultikeyError,
    InvalidSignatureError,
    KeyNotFoundError,
    KeysError,
    KeyStoreError,
    MasterSecretError,
    UnsupportedDidMethodError,
)
from keys.multikey import (
    decode_public_key,
    decode_secret_key,
    encode_public_key,
    encode_secret_key,
)
from keys.store import (
    FileKeyStore,
    KeyRecord,
    KeyStatus,
    KeyStore,
    MasterSecret,
    create_did_key,
    load_master_secret,
)

__all__ = [
    "MAX_VERIFICATION_METHODS",
    "MIN_RSA_BITS",
    "Ed25519KeyPair",
    "FileKeyStore",
    "InvalidDidError",
    "InvalidMultikeyError",
    "InvalidSignatureError",
    "KeyNotFoundError",
    "KeyRecord",
    "KeyStatus",
    "KeyStore",
    "KeyStoreError",
    "KeysError",
    "MasterSecret",
    "MasterSecretError",
    "UnsupportedDidMethodError",
    "VerificationMethod",
    "VerificationMethodType",
    "create_did_key",
    "decode_public_key",
    "decode_secret_key",
    "did_key",
    "did_key_verification_method",
    "did_method",
    "did_web",
    "did_web_document",
    "did_web_url",
    "encode_public_key",
    "encode_secret_key",
    "load_master_secret",
    "public_jwk",
    "resolve_did_key",
    "resolve_in_document",
    "verify_signature",
]
