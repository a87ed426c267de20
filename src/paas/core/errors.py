"""Domain errors. Every door maps these to its own answer (HTTP status, CLI exit code, MCP error).

Each error carries a stable machine-readable ``code``, a human ``message`` and optional
``details`` (a JSON-able dict). Doors must never invent their own wording for these cases.
"""

from __future__ import annotations

from typing import Any


class PaasError(Exception):
    """Base of every error the domain and services raise on purpose."""

    code = "error"

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}


class NotFound(PaasError):
    """A named record does not exist."""

    code = "not_found"


class Conflict(PaasError):
    """The request clashes with the current state: a duplicate name, a leased account, a replayed key."""

    code = "conflict"


class InvalidInput(PaasError):
    """Input that passed type checks but breaks a domain rule."""

    code = "invalid_input"


class Unauthorized(PaasError):
    """No credentials, or credentials that are unknown, revoked or expired."""

    code = "unauthorized"


class Forbidden(PaasError):
    """Valid credentials whose role does not allow the action."""

    code = "forbidden"


class TooManyAttempts(PaasError):
    """Too many failed authentications from this client or for this token prefix; ``details`` says
    ``retry_after_seconds``."""

    code = "too_many_requests"


class PayloadTooLarge(PaasError):
    """A body or batch over the configured limit."""

    code = "payload_too_large"


class TranscriptFormatError(InvalidInput):
    """A transcript that claims a format but breaks it; ``details`` names the line or offset."""

    code = "transcript_format_error"


class NoAccountAvailable(Conflict):
    """No account can take the work now; ``details`` says when the soonest one resets."""

    code = "no_account_available"
