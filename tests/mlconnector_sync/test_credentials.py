"""Credentials are encrypted at rest, readable only with the master key, and rotate."""

from __future__ import annotations

import pytest

from mlconnector_http import Secret
from mlconnector_sync._credentials import CredentialError, CredentialStore, new_master_key
from mlconnector_sync.state import StateStore


def test_secrets_are_encrypted_at_rest_and_never_printed(store: StateStore) -> None:
    creds = CredentialStore(store, [new_master_key()])
    creds.set("qad.password", "hunter2-very-secret")
    raw = store.get_secret("qad.password")
    assert raw is not None
    assert b"hunter2" not in raw
    value = creds.get("qad.password")
    assert value == Secret("hunter2-very-secret")
    assert "hunter2" not in repr(value) + str(value) + repr(creds)
    assert creds.names() == ["qad.password"]
    assert creds.get("missing") is None


def test_a_wrong_or_missing_master_key_is_a_clear_error(
    store: StateStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    CredentialStore(store, [new_master_key()]).set("qad.password", "x")
    with pytest.raises(CredentialError, match="cannot be decrypted"):
        CredentialStore(store, [new_master_key()]).get("qad.password")
    monkeypatch.delenv("MLCONNECTOR_MASTER_KEY", raising=False)
    with pytest.raises(CredentialError, match="no master key"):
        CredentialStore(store)
    with pytest.raises(CredentialError, match="Fernet"):
        CredentialStore(store, ["not-a-key"])


def test_rotation_re_encrypts_under_the_new_key(store: StateStore) -> None:
    old, new = new_master_key(), new_master_key()
    creds = CredentialStore(store, [old])
    creds.set("a.password", "one")
    creds.set("b.client_secret", "two")
    before = store.get_secret("a.password")
    assert creds.rotate(new) == 2
    assert store.get_secret("a.password") != before
    only_new = CredentialStore(store, [new])
    assert only_new.get("a.password") == Secret("one")
    assert only_new.get("b.client_secret") == Secret("two")
    with pytest.raises(CredentialError):
        CredentialStore(store, [old]).get("a.password")
