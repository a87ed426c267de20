"""Every failure becomes the error envelope with the right status; nothing reaches the client as a 500
unless it is a real bug (and then without internals)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from paas.core import errors as domain
from paas.web.headers import security_headers

log = logging.getLogger("paas.api")

STATUS_OF = {
    domain.NotFound: 404,
    domain.Conflict: 409,
    domain.InvalidInput: 422,
    domain.Unauthorized: 401,
    domain.Forbidden: 403,
    domain.PayloadTooLarge: 413,
    domain.TooManyAttempts: 429,
}
HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 409: "conflict", 413: "payload_too_large", 415: "unsupported_media_type",
              422: "invalid_input", 429: "too_many_requests", 503: "unavailable"}


def error_response(status: int, code: str, message: str, details: Any = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    body = {"success": False, "error": {"code": code, "message": message, "details": details}}
    return JSONResponse(body, status_code=status, headers=headers)


def unavailable() -> JSONResponse:
    """503 with Retry-After: the database is busy or unreachable (the web pages answer the same)."""
    return error_response(503, "unavailable", "the database is busy or unreachable; retry shortly", None,
                          {"Retry-After": "1"})


def one_line(text: str) -> str:
    return " ".join(text.split())


def _status_for(error: domain.PaasError) -> int:
    for kind in type(error).__mro__:
        if kind in STATUS_OF:
            return STATUS_OF[kind]
    return 400


def _validation_details(error: RequestValidationError) -> list[dict[str, Any]]:
    return [
        {"loc": list(item.get("loc", ())), "msg": item.get("msg", ""), "type": item.get("type", "")}
        for item in error.errors()
    ]


def install(app: FastAPI) -> None:
    @app.exception_handler(domain.PaasError)
    async def on_domain_error(_: Request, error: domain.PaasError) -> JSONResponse:
        status = _status_for(error)
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        if status == 429:
            headers = {"Retry-After": str(error.details.get("retry_after_seconds", 1))}
        return error_response(status, error.code, error.message, error.details, headers)

    @app.exception_handler(RequestValidationError)
    async def on_validation_error(_: Request, error: RequestValidationError) -> JSONResponse:
        details = _validation_details(error)
        if any(item["type"] == "json_invalid" for item in details):
            return error_response(400, "invalid_json", "the request body is not valid JSON", details)
        return error_response(422, "invalid_input", "the request does not match the schema", details)

    @app.exception_handler(StarletteHTTPException)
    async def on_http_error(_: Request, error: StarletteHTTPException) -> JSONResponse:
        code = HTTP_CODES.get(error.status_code, "error")
        return error_response(error.status_code, code, str(error.detail), None, getattr(error, "headers", None))

    @app.exception_handler(IntegrityError)
    async def on_integrity_error(_: Request, error: IntegrityError) -> JSONResponse:
        # The services check first; this is a race another request won. Say so, keep internals out.
        log.info("integrity conflict: %s", error.orig)
        return error_response(409, "conflict", "the change clashes with a concurrent change; retry", None)

    # The database unreachable (connect timeout, refused, restarted under us), a lock or a statement
    # past its timeout, no free connection in the pool: nothing to fix in the request, retry soon.
    @app.exception_handler(OperationalError)
    @app.exception_handler(InterfaceError)
    async def on_operational_error(_: Request, error: OperationalError | InterfaceError) -> JSONResponse:
        log.warning("database unavailable or busy: %s", one_line(str(error.orig)))
        return unavailable()

    @app.exception_handler(PoolTimeout)
    async def on_pool_timeout(_: Request, error: PoolTimeout) -> JSONResponse:
        log.warning("no database connection free: %s", error)
        return unavailable()

    @app.exception_handler(Exception)
    async def on_bug(_: Request, error: Exception) -> JSONResponse:
        log.exception("unhandled error")
        # Answered outside every middleware (Starlette's error middleware): the headers come from here.
        return error_response(500, "internal_error", "internal error; see the server log", None,
                              security_headers())
