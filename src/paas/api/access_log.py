"""The access log never shows a secret in a URL: a login link's ``code`` (and any ``token``) in the
query string is replaced by ``[hidden]`` before uvicorn's access logger formats the line.

uvicorn logs ``(client, method, path with query, HTTP version, status)`` as the record's args;
the filter rewrites the path and lets the line through.
"""

from __future__ import annotations

import logging
import re

ACCESS_LOGGER = "uvicorn.access"
SECRET_PARAMETER = re.compile(r"(?i)([?&](?:code|token)=)[^&#\s]*")


def hide_secrets(target: str) -> str:
    return SECRET_PARAMETER.sub(r"\1[hidden]", target)


class HideSecretsInUrls(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(hide_secrets(item) if isinstance(item, str) else item for item in record.args)
        elif isinstance(record.msg, str):
            record.msg = hide_secrets(record.msg)
        return True


def install() -> None:
    """Add the filter to uvicorn's access logger (once: a worker may build its app twice)."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(item, HideSecretsInUrls) for item in logger.filters):
        logger.addFilter(HideSecretsInUrls())
