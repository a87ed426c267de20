"""Who may use the service, and what the service keeps about itself.

- ``api_tokens`` stores SHA-256 hashes, never tokens. A token with ``project_scoped`` set sees
  only the projects listed for it in ``api_token_projects``; when those projects are deleted
  it sees none (a scope never widens to "everything" by losing its rows).
- ``auth_throttle`` counts failed authentications per key (a client address, a token prefix),
  in the database so that several server processes share one count.
- ``idempotent_requests`` and ``app_meta`` are the service's own bookkeeping.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint, func, text
from sqlalchemy.orm import Mapped, mapped_column

from paas.core.types import Role
from paas.store.base import Base, UTCDateTime, one_of, utcnow


class ApiToken(Base):
    __tablename__ = "api_tokens"
    __table_args__ = (one_of("role", Role),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # First characters of the token, shown in listings so a person can tell tokens apart.
    prefix: Mapped[str] = mapped_column(String(16))
    # One-time login links are tokens that can be used once, then are revoked.
    single_use: Mapped[bool] = mapped_column(default=False, server_default=text("false"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, server_default=func.now())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Added: the token sees only the projects listed in api_token_projects (none when they are gone).
    project_scoped: Mapped[bool] = mapped_column(default=False, server_default=text("false"))


class ApiTokenProject(Base):
    """One project a scoped token may see. Deleting the project or the token deletes the row."""

    __tablename__ = "api_token_projects"

    token_id: Mapped[int] = mapped_column(ForeignKey("api_tokens.id", ondelete="CASCADE"), primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True,
                                            index=True)


class AuthThrottle(Base):
    """Failed authentications counted per key ("client:<address>", "prefix:<token prefix>").

    ``failures`` counts since ``window_started_at``; over the limit the key is refused until
    ``blocked_until``. A successful authentication writes nothing here.
    """

    __tablename__ = "auth_throttle"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class IdempotentRequest(Base):
    """A request made with an Idempotency-Key, and the answer it got, so a retry gets the same answer."""

    __tablename__ = "idempotent_requests"
    __table_args__ = (UniqueConstraint("scope", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(100))
    key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response_json: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, server_default=func.now())


class AppMeta(Base):
    """Small named values the application keeps about itself (e.g. the credential-key canary)."""

    __tablename__ = "app_meta"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
