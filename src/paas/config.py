"""Settings: the one place that reads the environment.

Every field is documented (a convention test checks it) and read from ``PAAS_<FIELD>``.
Settings are built by :func:`get_settings`, never at import, so tests and doors can build
their own. Outside development an unset, short or placeholder secret is refused.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PLACEHOLDER_SECRETS = frozenset({"changeme", "change-me", "changethis", "secret", "dev", "development"})
MIN_SECRET_LENGTH = 32
MIN_DISTINCT_CHARACTERS = 12  # "aaaa...", "changeme" * 4 and the like are not secrets


class Settings(BaseSettings):
    """Runtime configuration of the service, the CLI and the MCP server."""

    model_config = SettingsConfigDict(env_prefix="PAAS_", extra="ignore", env_ignore_empty=True)

    env: Literal["development", "production", "test"] = Field(
        "development",
        description="Deployment mode. Anything but development refuses an unsafe secret_key.",
    )
    data_dir: Path = Field(
        default_factory=lambda: Path(platformdirs.user_data_dir("paas-orchestrator", appauthor=False)),
        description="Folder for the default SQLite database and local state.",
    )
    database_url: str | None = Field(
        None,
        description=(
            "SQLAlchemy URL. Unset: SQLite file paas.db in data_dir. "
            "PostgreSQL: postgresql+psycopg://user@host:5432/db."
        ),
    )
    secret_key: SecretStr | None = Field(
        None,
        description=(
            "Server secret, refused outside development unless it is at least 32 random characters. "
            "Nothing signs with it yet (tokens are random and stored hashed; credentials use "
            "PAAS_CREDENTIAL_KEYS); the dashboard's sessions and CSRF tokens will."
        ),
    )
    credential_keys: SecretStr | None = Field(
        None,
        description=(
            "Comma-separated Fernet keys for account credentials at rest: the first encrypts, all decrypt "
            "(`paas keys rotate` makes a new one). Unset in development: a key file in data_dir is used."
        ),
    )
    host: str = Field("127.0.0.1", description="Address `paas serve` binds to.")
    port: int = Field(8000, ge=1, le=65535, description="Port `paas serve` listens on.")
    public_url: str | None = Field(
        None, description="Base URL printed in login links; defaults to http://host:port."
    )
    max_body_bytes: int = Field(
        1024 * 1024, ge=1024, description="Largest request body accepted; larger ones get 413."
    )
    max_batch_body_bytes: int = Field(
        32 * 1024 * 1024, ge=1024, description="Largest body accepted by batch-create-accounts (10,000 rows)."
    )
    sqlite_busy_timeout_ms: int = Field(
        15000, ge=0, description="How long a SQLite writer waits for the lock before failing."
    )
    pg_connect_timeout_seconds: int = Field(
        3, ge=2, le=300, description="PostgreSQL: how long opening a connection may take before the request "
                                     "answers 503 (an unreachable server never hangs a worker)."
    )
    pg_lock_timeout_ms: int = Field(
        2000, ge=0, description="PostgreSQL: how long a statement waits for a lock another connection holds "
                                "before the request answers 503 (0: forever)."
    )
    pg_statement_timeout_ms: int = Field(
        15000, ge=0, description="PostgreSQL: the longest any one statement may run before it is cancelled and "
                                 "the request answers 503 (0: no limit; migrations never have one)."
    )
    db_pool_timeout_seconds: float = Field(
        5.0, gt=0, le=300, description="How long a request waits for a free connection of the pool before it "
                                       "answers 503."
    )
    login_link_minutes: int = Field(
        15, ge=1, description="How long a one-time login link printed by `paas serve` stays valid."
    )
    browser_session_days: int = Field(
        30, ge=1, description="How long the browser token made from a login link stays valid."
    )
    auth_failures_allowed: int = Field(
        10, ge=1, le=10_000,
        description="Failed authentications (bad tokens, login codes, sign-ins) a client address, or a token "
                    "prefix, may make within auth_failure_window_seconds; the one that reaches it blocks the key "
                    "for auth_block_seconds (429 with Retry-After, counted in the database: every process agrees).",
    )
    auth_failure_window_seconds: int = Field(
        300, ge=1, le=86_400, description="The window failed authentications are counted in, from the first one."
    )
    auth_block_seconds: int = Field(
        300, ge=1, le=86_400, description="How long a client address or token prefix that failed too often is refused."
    )
    rotation_margin_percent: int = Field(
        5, ge=0, le=50,
        description="Hysteresis of rotations: the next account must be at least this share of its quota "
                    "below its own threshold, so work never rotates onto an account that is due again at once.",
    )
    polish_url: str | None = Field(
        None, pattern=r"^https?://\S+$",
        description="Base URL of an OpenAI-compatible API (e.g. http://127.0.0.1:11434/v1) that may polish "
                    "briefings on request (`--polish`, `\"polish\": true`). Unset: polishing is off.",
    )
    polish_model: str = Field("", description="Model name sent to the polishing endpoint; needed with polish_url.")
    polish_api_key: SecretStr | None = Field(
        None, description="Bearer key for the polishing endpoint, if it needs one."
    )
    polish_timeout_seconds: float = Field(
        60.0, gt=0, le=600, description="How long to wait for the polishing endpoint before keeping the plain briefing."
    )
    alert_pool_min_credits: int = Field(
        50, ge=0, description="Alert (pool_low) when the enabled accounts counted in credits have fewer than this "
                              "many left between them. 0: never."
    )
    alert_runout_hours: float = Field(
        2.0, gt=0, le=24 * 31,
        description="Alert (runout) when an account's projected run-out comes before its next reset and within "
                    "this many hours.",
    )
    alert_cooldown_minutes: int = Field(
        30, ge=0, description="An alert cleared less than this many minutes ago is not raised again (no flapping)."
    )

    @model_validator(mode="after")
    def _polish_needs_a_model(self) -> Settings:
        if self.polish_url and not self.polish_model.strip():
            raise ValueError("PAAS_POLISH_MODEL must name a model when PAAS_POLISH_URL is set")
        return self

    @model_validator(mode="after")
    def _refuse_unsafe_secret(self) -> Settings:
        if self.env == "development":
            return self
        secret = self.secret_key.get_secret_value() if self.secret_key else ""
        weak = any(secret.lower().replace(word, "") == "" for word in PLACEHOLDER_SECRETS) if secret else True
        if len(secret) < MIN_SECRET_LENGTH or weak or len(set(secret)) < MIN_DISTINCT_CHARACTERS:
            raise ValueError(
                f"PAAS_SECRET_KEY must be set to a random value of at least {MIN_SECRET_LENGTH} "
                f"characters when PAAS_ENV={self.env} (try: python -c 'import secrets; "
                "print(secrets.token_urlsafe(48))')"
            )
        return self

    @property
    def effective_database_url(self) -> str:
        """The URL the store connects to: the explicit one, else SQLite in data_dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'paas.db'}"

    @property
    def base_url(self) -> str:
        """Where people reach the server, for printed links."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")


def get_settings(**overrides: object) -> Settings:
    """Build settings from the environment, with explicit overrides winning."""
    return Settings(**overrides)  # type: ignore[arg-type]


def settings_problem(error: ValidationError) -> str:
    """What is wrong with the environment, one clause per variable ("PAAS_PORT: Input should be ...")."""
    clauses = []
    for item in error.errors():
        message = str(item.get("msg", "invalid")).removeprefix("Value error, ")
        where = "_".join(str(part) for part in item.get("loc", ()))
        clauses.append(f"PAAS_{where.upper()}: {message}" if where else message)
    return "invalid settings: " + "; ".join(clauses)


def agent_log_folders() -> tuple[list[Path], list[Path]]:
    """Where Claude Code and Codex CLI keep their logs (the folders that exist), as the agents
    themselves read it: ``CLAUDE_CONFIG_DIR`` (comma-separated) else ``~/.config/claude`` and
    ``~/.claude``; ``CODEX_HOME`` else ``~/.codex``."""
    configured = [part.strip() for part in os.environ.get("CLAUDE_CONFIG_DIR", "").split(",") if part.strip()]
    claude = [Path(part).expanduser() for part in configured] or [Path("~/.config/claude").expanduser(),
                                                                  Path("~/.claude").expanduser()]
    codex = [Path(os.environ["CODEX_HOME"]).expanduser()] if os.environ.get("CODEX_HOME") else \
        [Path("~/.codex").expanduser()]
    return [folder for folder in claude if folder.is_dir()], [folder for folder in codex if folder.is_dir()]
