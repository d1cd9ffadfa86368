"""The master secret and where it is loaded from (keys.load_master_secret)."""

from __future__ import annotations

import base64
import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from keys import MasterSecret, MasterSecretError, load_master_secret

RAW = bytes(range(1, 33))
HEX = RAW.hex()
B64URL = base64.urlsafe_b64encode(RAW).decode().rstrip("=")
PERSON = b"test"


def fingerprint(secret: MasterSecret) -> bytes:
    """Compare secrets without reading them: derive a key."""
    return secret.derive_key(person=PERSON, context=b"fingerprint")


def load(tmp_path: Path, **kwargs: object) -> MasterSecret:
    options: dict[str, object] = {
        "env_value": None,
        "file": None,
        "data_dir": tmp_path,
        "development": False,
    }
    options.update(kwargs)
    return load_master_secret(**options)  # type: ignore[arg-type]


def write_secret(path: Path, text: str, mode: int) -> Path:
    path.write_text(text, encoding="ascii")
    path.chmod(mode)
    return path


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    """Run with umask 000, so that only the code's own mode protects new files."""
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


class TestMasterSecret:
    def test_repr_is_redacted(self) -> None:
        """repr shows nothing of the secret."""
        text = repr(MasterSecret(RAW))
        assert text == "MasterSecret(<redacted>)"

    def test_rejects_31_bytes(self) -> None:
        """A 31-byte secret is refused."""
        with pytest.raises(MasterSecretError, match="32 bytes"):
            MasterSecret(RAW[:31])

    def test_rejects_a_repeated_byte(self) -> None:
        """32 zero bytes (a placeholder) are refused."""
        with pytest.raises(MasterSecretError, match="repeated byte"):
            MasterSecret(bytes(32))

    def test_generate_is_random(self) -> None:
        """Two generated secrets differ."""
        assert fingerprint(MasterSecret.generate()) != fingerprint(MasterSecret.generate())

    def test_derived_keys_depend_on_person_and_context(self) -> None:
        """Different person or context gives a different key."""
        secret = MasterSecret(RAW)
        keys = {
            secret.derive_key(person=b"a", context=b"x"),
            secret.derive_key(person=b"b", context=b"x"),
            secret.derive_key(person=b"a", context=b"y"),
        }
        assert len(keys) == 3


class TestExplicitValue:
    def test_accepts_hex(self, tmp_path: Path) -> None:
        """64 hex characters are 32 bytes."""
        assert fingerprint(load(tmp_path, env_value=HEX)) == fingerprint(MasterSecret(RAW))

    def test_accepts_upper_case_hex(self, tmp_path: Path) -> None:
        """Hex is case-insensitive."""
        assert fingerprint(load(tmp_path, env_value=HEX.upper())) == fingerprint(MasterSecret(RAW))

    def test_accepts_base64url(self, tmp_path: Path) -> None:
        """43 unpadded base64url characters are 32 bytes."""
        assert fingerprint(load(tmp_path, env_value=B64URL)) == fingerprint(MasterSecret(RAW))

    def test_accepts_padded_base64url(self, tmp_path: Path) -> None:
        """The padded form (44 characters) is accepted too."""
        assert fingerprint(load(tmp_path, env_value=B64URL + "=")) == fingerprint(MasterSecret(RAW))

    def test_ignores_surrounding_whitespace(self, tmp_path: Path) -> None:
        """A trailing newline from a .env file is tolerated."""
        assert fingerprint(load(tmp_path, env_value=f" {HEX}\n")) == fingerprint(MasterSecret(RAW))

    def test_rejects_short_hex(self, tmp_path: Path) -> None:
        """31 bytes of hex are refused."""
        with pytest.raises(MasterSecretError, match="got 62 characters"):
            load(tmp_path, env_value=HEX[:62])

    def test_rejects_short_base64url(self, tmp_path: Path) -> None:
        """31 bytes of base64url are refused."""
        short = base64.urlsafe_b64encode(RAW[:31]).decode().rstrip("=")
        with pytest.raises(MasterSecretError, match="LEVERUP_SECRET_KEY must be 32 bytes"):
            load(tmp_path, env_value=short)

    def test_rejects_standard_base64(self, tmp_path: Path) -> None:
        """'+' and '/' are not base64url."""
        value = base64.b64encode(b"\xfb" * 31 + b"\x01").decode().rstrip("=")
        assert "+" in value or "/" in value
        with pytest.raises(MasterSecretError):
            load(tmp_path, env_value=value)

    def test_rejects_non_canonical_base64url(self, tmp_path: Path) -> None:
        """A last character with unused bits set is not the canonical encoding."""
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        last = alphabet.index(B64URL[-1])
        assert last & 0b11 == 0  # the two low bits of the last character carry no data
        value = B64URL[:-1] + alphabet[last | 0b01]
        with pytest.raises(MasterSecretError):
            load(tmp_path, env_value=value)

    def test_rejects_an_empty_value(self, tmp_path: Path) -> None:
        """LEVERUP_SECRET_KEY= (set but empty) is an error, not "unset"."""
        with pytest.raises(MasterSecretError, match="got 0 characters"):
            load(tmp_path, env_value="", development=True)

    def test_rejects_a_passphrase(self, tmp_path: Path) -> None:
        """A human passphrase is refused, and not repeated in the message."""
        with pytest.raises(MasterSecretError) as caught:
            load(tmp_path, env_value="correct horse battery staple")
        assert "horse" not in str(caught.value)

    def test_takes_precedence_over_the_file(self, tmp_path: Path) -> None:
        """With both set, the explicit value wins and the file is not read."""
        unsafe = write_secret(tmp_path / "unsafe.key", "not even a secret", 0o644)
        assert fingerprint(load(tmp_path, env_value=HEX, file=unsafe)) == fingerprint(
            MasterSecret(RAW)
        )


class TestSecretFile:
    def test_accepts_a_0600_file(self, tmp_path: Path) -> None:
        """A 0600 file holding base64url and a newline is read."""
        path = write_secret(tmp_path / "secret", B64URL + "\n", 0o600)
        assert fingerprint(load(tmp_path, file=path)) == fingerprint(MasterSecret(RAW))

    def test_accepts_a_0400_file(self, tmp_path: Path) -> None:
        """A read-only owner file is fine."""
        path = write_secret(tmp_path / "secret", HEX, 0o400)
        assert fingerprint(load(tmp_path, file=path)) == fingerprint(MasterSecret(RAW))

    def test_refuses_a_0644_file(self, tmp_path: Path) -> None:
        """A world-readable secret file is refused, with the mode and the fix in the message."""
        path = write_secret(tmp_path / "secret", HEX, 0o644)
        with pytest.raises(MasterSecretError, match=r"group or others \(mode 0644\).*chmod 600"):
            load(tmp_path, file=path)

    def test_refuses_a_0640_file(self, tmp_path: Path) -> None:
        """A group-readable secret file is refused."""
        path = write_secret(tmp_path / "secret", HEX, 0o640)
        with pytest.raises(MasterSecretError, match="mode 0640"):
            load(tmp_path, file=path)

    def test_refuses_a_missing_file(self, tmp_path: Path) -> None:
        """A configured file that does not exist is an error, never a fallback."""
        with pytest.raises(MasterSecretError, match="cannot open"):
            load(tmp_path, file=tmp_path / "absent", development=True)

    def test_refuses_a_directory(self, tmp_path: Path) -> None:
        """A directory is not a secret file."""
        directory = tmp_path / "dir"
        directory.mkdir(mode=0o700)
        with pytest.raises(MasterSecretError, match="not a regular file"):
            load(tmp_path, file=directory)

    def test_refuses_an_ill_formed_file(self, tmp_path: Path) -> None:
        """A file holding something other than hex or base64url of 32 bytes is refused."""
        path = write_secret(tmp_path / "secret", "secret\n", 0o600)
        with pytest.raises(MasterSecretError, match="must be 32 bytes"):
            load(tmp_path, file=path)

    def test_refuses_a_binary_file(self, tmp_path: Path) -> None:
        """32 raw bytes are not an accepted encoding."""
        path = tmp_path / "secret"
        path.write_bytes(b"\xff" * 31 + b"\x01")
        path.chmod(0o600)
        with pytest.raises(MasterSecretError, match="must be 32 bytes"):
            load(tmp_path, file=path)


class TestDevelopmentSecret:
    def test_is_created_with_mode_0600(self, tmp_path: Path, permissive_umask: None) -> None:
        """In development a secret is created in data_dir/secret.key, 0600 even with umask 000."""
        data_dir = tmp_path / "var"
        load(tmp_path, data_dir=data_dir, development=True)
        path = data_dir / "secret.key"
        assert path.stat().st_mode & 0o777 == 0o600

    def test_creation_logs_a_development_warning(
        self, tmp_path: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        """Creating and using the development secret is logged as a warning."""
        with caplog.at_level(logging.WARNING, logger="keys"):
            load(tmp_path, development=True)
        messages = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
        assert any("created a DEVELOPMENT master secret" in m for m in messages)
        assert any("LEVERUP_SECRET_KEY in production" in m for m in messages)

    def test_is_reused_on_the_next_start(self, tmp_path: Path) -> None:
        """The second start reads the same secret."""
        first = load(tmp_path, development=True)
        second = load(tmp_path, development=True)
        assert fingerprint(first) == fingerprint(second)

    def test_file_holds_base64url(self, tmp_path: Path) -> None:
        """The created file holds 43 base64url characters and a newline."""
        load(tmp_path, development=True)
        text = (tmp_path / "secret.key").read_text(encoding="ascii")
        assert len(text) == 44
        assert text.endswith("\n")

    def test_refuses_a_loosened_development_file(self, tmp_path: Path) -> None:
        """A development secret later made 0644 is refused too."""
        load(tmp_path, development=True)
        (tmp_path / "secret.key").chmod(0o644)
        with pytest.raises(MasterSecretError, match="mode 0644"):
            load(tmp_path, development=True)

    def test_production_without_a_secret_fails(self, tmp_path: Path) -> None:
        """Outside development, no value and no file is an error."""
        with pytest.raises(MasterSecretError, match="no master secret"):
            load(tmp_path, development=False)
        assert not (tmp_path / "secret.key").exists()

    def test_production_ignores_a_development_secret(self, tmp_path: Path) -> None:
        """Outside development, an existing data_dir/secret.key is not used (and is named)."""
        load(tmp_path, development=True)
        with pytest.raises(MasterSecretError, match="development secret and is ignored"):
            load(tmp_path, development=False)
