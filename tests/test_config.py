"""config.get_settings: environment (PAAS_*) in, explicit overrides win, unsafe secrets refused outside development."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from pydantic import ValidationError

from paas.config import MIN_SECRET_LENGTH, get_settings


def test_default_database_is_a_sqlite_file_in_the_data_dir(tmp_path: Path) -> None:
    settings = get_settings()
    assert settings.data_dir == tmp_path / "data"
    assert settings.database_url is None
    assert settings.effective_database_url == f"sqlite:///{tmp_path / 'data' / 'paas.db'}"


def test_defaults_are_development_on_localhost(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PAAS_DATA_DIR")
    settings = get_settings()
    assert settings.env == "development"
    assert settings.secret_key is None
    assert (settings.host, settings.port) == ("127.0.0.1", 8000)
    assert settings.base_url == "http://127.0.0.1:8000"
    assert "paas-orchestrator" in str(settings.data_dir)


def test_database_url_from_the_environment_wins_over_the_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    url = "postgresql+psycopg://someone@db.example:5432/paas"
    monkeypatch.setenv("PAAS_DATABASE_URL", url)
    assert get_settings().effective_database_url == url


def test_explicit_override_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAAS_DATABASE_URL", "sqlite:///from-env.db")
    monkeypatch.setenv("PAAS_PORT", "9000")
    settings = get_settings(database_url="sqlite:///explicit.db", port=9100)
    assert settings.effective_database_url == "sqlite:///explicit.db"
    assert settings.port == 9100


def test_fields_are_read_with_the_paas_prefix_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAAS_PORT", "9001")
    monkeypatch.setenv("PAAS_HOST", "0.0.0.0")
    monkeypatch.setenv("PORT", "1234")
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://unprefixed@x/y")
    settings = get_settings()
    assert settings.port == 9001
    assert settings.host == "0.0.0.0"
    assert settings.database_url is None


def test_public_url_overrides_the_base_url_without_trailing_slash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAAS_PUBLIC_URL", "https://paas.example.org/")
    assert get_settings().base_url == "https://paas.example.org"


def test_out_of_range_values_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAAS_PORT", "70000")
    with pytest.raises(ValidationError):
        get_settings()


def test_production_without_a_secret_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAAS_ENV", "production")
    with pytest.raises(ValidationError, match="PAAS_SECRET_KEY"):
        get_settings()


@pytest.mark.parametrize("secret", ["short", "changeme", "x" * (MIN_SECRET_LENGTH - 1)])
def test_production_with_a_short_or_placeholder_secret_is_refused(
    monkeypatch: pytest.MonkeyPatch, secret: str
) -> None:
    monkeypatch.setenv("PAAS_ENV", "production")
    monkeypatch.setenv("PAAS_SECRET_KEY", secret)
    with pytest.raises(ValueError, match="at least 32"):
        get_settings()


def test_test_env_is_also_refused_without_a_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAAS_ENV", "test")
    with pytest.raises(ValidationError):
        get_settings()


def test_production_with_a_long_random_secret_works(monkeypatch: pytest.MonkeyPatch) -> None:
    secret = secrets.token_urlsafe(36)
    assert len(secret) == 48
    monkeypatch.setenv("PAAS_ENV", "production")
    monkeypatch.setenv("PAAS_SECRET_KEY", secret)
    settings = get_settings()
    assert settings.env == "production"
    assert settings.secret_key is not None
    assert settings.secret_key.get_secret_value() == secret
    assert secret not in repr(settings)


def test_development_accepts_no_secret_and_a_short_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAAS_ENV", "development")
    assert get_settings().secret_key is None
    monkeypatch.setenv("PAAS_SECRET_KEY", "dev")
    assert get_settings().secret_key is not None


def test_unknown_env_name_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAAS_ENV", "staging")
    with pytest.raises(ValidationError):
        get_settings()
