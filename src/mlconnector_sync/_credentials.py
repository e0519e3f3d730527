"""Credentials encrypted at rest in the state backend (Fernet; MultiFernet for rotation).

The master key comes from ``MLCONNECTOR_MASTER_KEY`` (or is passed in): one or more Fernet
keys separated by commas, the first used for new encryptions, all tried for reading. Rotating
to a new key re-encrypts every stored secret under it.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from mlconnector_http import Secret
from mlconnector_sync.state import StateStore

__all__ = ["MASTER_KEY_ENV", "CredentialError", "CredentialStore", "new_master_key"]

MASTER_KEY_ENV = "MLCONNECTOR_MASTER_KEY"


class CredentialError(Exception):
    """No master key, a wrong one, or a secret that is not stored."""


def new_master_key() -> str:
    """A fresh Fernet key, for ``MLCONNECTOR_MASTER_KEY``."""
    return Fernet.generate_key().decode()


def _fernets(keys: Sequence[str]) -> list[Fernet]:
    try:
        return [Fernet(key.strip().encode()) for key in keys if key.strip()]
    except (ValueError, TypeError):
        raise CredentialError(
            f"{MASTER_KEY_ENV} must be Fernet keys (url-safe base64 of 32 bytes), comma-separated"
        ) from None


class CredentialStore:
    """Named secrets (``"qad.password"``) encrypted in a state store."""

    def __init__(self, store: StateStore, keys: Sequence[str] | None = None) -> None:
        if keys is None:
            keys = os.environ.get(MASTER_KEY_ENV, "").split(",")
        if not any(k.strip() for k in keys):
            raise CredentialError(
                f"no master key: set {MASTER_KEY_ENV} (make one with `mlconnector credentials key`)"
            )
        self._store = store
        self._keys = _fernets(keys)
        self._fernet = MultiFernet(self._keys)

    def __repr__(self) -> str:
        return f"CredentialStore({len(self._store.secret_names())} secrets)"

    @property
    def fernet(self) -> MultiFernet:
        """The key ring, for other encrypted-at-rest stores (the PostgreSQL token store)."""
        return self._fernet

    def set(self, name: str, value: str | Secret) -> None:
        """Encrypt and store ``value`` under ``name``."""
        plain = value.reveal() if isinstance(value, Secret) else value
        self._store.put_secret(
            name, self._fernet.encrypt(plain.encode()), now=dt.datetime.now(dt.UTC)
        )

    def get(self, name: str) -> Secret | None:
        """The decrypted secret, wrapped so it never prints; ``None`` if not stored."""
        token = self._store.get_secret(name)
        if token is None:
            return None
        try:
            return Secret(self._fernet.decrypt(token).decode())
        except InvalidToken:
            raise CredentialError(
                f"{name} cannot be decrypted with the master key in {MASTER_KEY_ENV}"
            ) from None

    def names(self) -> list[str]:
        """The names of the stored secrets (never their values)."""
        return self._store.secret_names()

    def rotate(self, new_key: str) -> int:
        """Re-encrypt every secret under ``new_key`` (old keys still read); returns how many."""
        keys = [*_fernets([new_key]), *self._keys]
        rotated = MultiFernet(keys)
        count = 0
        for name in self._store.secret_names():
            token = self._store.get_secret(name)
            if token is None:
                continue
            try:
                fresh = rotated.rotate(token)
            except InvalidToken:
                raise CredentialError(f"{name} cannot be decrypted with the current key") from None
            self._store.put_secret(name, fresh, now=dt.datetime.now(dt.UTC))
            count += 1
        self._keys, self._fernet = keys, rotated
        return count
