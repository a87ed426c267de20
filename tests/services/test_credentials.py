"""Credentials encrypted at rest (services.credentials), with key rotation and loud key errors."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select, text

from paas.core.errors import InvalidInput
from paas.services import accounts
from paas.services.accounts import AccountView
from paas.services.credentials import (
    CANARY_KEY,
    CredentialKeyError,
    CredentialVault,
    check_keys,
    new_key,
    rotate_keys,
)
from paas.store.schema import Account, AppMeta
from paas.store.unit import transaction

SECRET = "sk-live-THIS-IS-A-SECRET-123"


def stored_token(engine: Engine, account_id: int) -> str:
    with transaction(engine, write=False) as session:
        value = session.get(Account, account_id).credentials_encrypted  # type: ignore[union-attr]
        assert value is not None
        return value


def make(engine: Engine, clock: Any, vault: CredentialVault | None, name: str = "a",
         credentials: str | None = SECRET) -> Account:
    with transaction(engine) as session:
        return accounts.create_account(session, account_name=name, now=clock(), vault=vault,
                                       credentials=credentials)


def test_round_trip_and_never_plain_in_the_database(engine: Engine, clock: Any) -> None:
    vault = CredentialVault((new_key(),))
    account = make(engine, clock, vault)
    token = stored_token(engine, account.id)
    assert SECRET not in token
    assert vault.decrypt(token) == SECRET
    with transaction(engine, write=False) as session:
        for table in ("accounts", "app_meta"):
            for row in session.execute(text(f"SELECT * FROM {table}")):
                assert all(SECRET not in str(value) for value in row)
        assert session.get(AppMeta, CANARY_KEY) is not None


def test_views_never_carry_the_plain_credential(engine: Engine, clock: Any) -> None:
    vault = CredentialVault((new_key(),))
    account = make(engine, clock, vault)
    with transaction(engine, write=False) as session:
        view = accounts.describe_account(session, account.id, clock())
    assert "credentials" not in {field.name for field in fields(AccountView)}
    assert SECRET not in repr(view)


def test_credentials_without_a_key_are_refused(engine: Engine, clock: Any) -> None:
    with pytest.raises(InvalidInput):
        make(engine, clock, None)
    with transaction(engine, write=False) as session:
        assert list(session.scalars(select(Account))) == []


def test_update_replaces_and_clears_credentials(engine: Engine, clock: Any) -> None:
    vault = CredentialVault((new_key(),))
    account = make(engine, clock, vault)
    with transaction(engine) as session:
        accounts.update_account(session, account.id, {"credentials": "new-secret"}, now=clock(), vault=vault)
    assert vault.decrypt(stored_token(engine, account.id)) == "new-secret"
    with transaction(engine) as session:
        accounts.update_account(session, account.id, {"credentials": None}, now=clock(), vault=vault)
        assert session.get(Account, account.id).credentials_encrypted is None  # type: ignore[union-attr]


def test_rotate_keys_with_a_new_first_key(engine: Engine, clock: Any) -> None:
    old_key, new = new_key(), new_key()
    old_vault = CredentialVault((old_key,))
    first = make(engine, clock, old_vault, "a")
    second = make(engine, clock, old_vault, "b", "other-secret")
    make(engine, clock, old_vault, "c", None)
    both = CredentialVault((new, old_key))
    new_only = CredentialVault((new,))

    # Before rotation: the old key (alone or second) still decrypts; the new key alone cannot.
    assert both.decrypt(stored_token(engine, first.id)) == SECRET
    with pytest.raises(CredentialKeyError):
        new_only.decrypt(stored_token(engine, first.id))
    with transaction(engine, write=False) as session:
        check_keys(session, lambda: both)
        with pytest.raises(CredentialKeyError):
            check_keys(session, lambda: new_only)

    with transaction(engine) as session:
        assert rotate_keys(session, both) == 2

    # After: the new key alone reads everything (and the canary); the old key alone reads nothing.
    assert new_only.decrypt(stored_token(engine, first.id)) == SECRET
    assert new_only.decrypt(stored_token(engine, second.id)) == "other-secret"
    with pytest.raises(CredentialKeyError):
        old_vault.decrypt(stored_token(engine, first.id))
    with transaction(engine, write=False) as session:
        check_keys(session, lambda: new_only)
        with pytest.raises(CredentialKeyError):
            check_keys(session, lambda: old_vault)


def test_check_keys_with_a_wrong_key_fails_loudly(engine: Engine, clock: Any) -> None:
    make(engine, clock, CredentialVault((new_key(),)))
    wrong = CredentialVault((new_key(),))
    with transaction(engine, write=False) as session, pytest.raises(CredentialKeyError) as error:
        check_keys(session, lambda: wrong)
    assert error.value.code == "credential_key_error"


def test_check_keys_without_stored_credentials_needs_no_key(engine: Engine, clock: Any) -> None:
    def no_vault() -> CredentialVault:
        raise AssertionError("no key is needed when nothing is stored")

    with transaction(engine, write=False) as session:
        check_keys(session, no_vault)


def test_vault_rejects_bad_keys() -> None:
    with pytest.raises(CredentialKeyError):
        CredentialVault(())
    with pytest.raises(CredentialKeyError):
        CredentialVault(("not-a-fernet-key",))
    vault = CredentialVault((new_key(),))
    with pytest.raises(CredentialKeyError):
        vault.decrypt("garbage")
    with pytest.raises(CredentialKeyError):
        vault.check_canary(CredentialVault((new_key(),)).canary())
    with pytest.raises(CredentialKeyError):
        vault.check_canary(vault.encrypt("not the canary"))
    vault.check_canary(vault.canary())
    assert vault.encrypt("x") != vault.encrypt("x")  # random IV: equal secrets do not look equal


def test_the_key_file_is_written_whole_and_first_writer_wins(tmp_path: Path) -> None:
    from paas.services.credentials import new_key, write_key_file

    path = tmp_path / "keys" / "credential.keys"
    first, second = new_key(), new_key()
    write_key_file(path, (first,), exclusive=True)
    write_key_file(path, (second,), exclusive=True)  # a second process starting at once: the first file stays
    assert path.read_text(encoding="ascii").split() == [first]
    write_key_file(path, (second, first))  # a rotation replaces it whole
    assert path.read_text(encoding="ascii").split() == [second, first]
    assert path.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["credential.keys"]  # no temporary file left behind


def test_a_changed_key_file_is_read_again(tmp_path: Path) -> None:
    from paas.config import Settings
    from paas.services.credentials import key_file, new_key, vault_from_settings, write_key_file

    settings = Settings(data_dir=tmp_path, env="development")
    before = vault_from_settings(settings)  # creates the file
    fresh = new_key()
    write_key_file(key_file(settings), (fresh, *before.keys))
    after = vault_from_settings(settings)
    assert after.keys == (fresh, *before.keys)
    assert after.decrypt(before.encrypt("sk-x")) == "sk-x"
