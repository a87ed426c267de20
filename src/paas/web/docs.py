"""``/docs`` (Swagger UI) and ``/redoc``: the API's reference, from the vendored bundles only.

FastAPI's own pages load their scripts from a CDN and start them with an inline script; these
load ``/static/vendor/...`` and start from ``static/docs.js`` / ``static/redoc-init.js``, which
read the OpenAPI document's URL from the page's ``data-openapi-url``. Both pages are public, like
``/openapi.json``: "Authorize" in Swagger UI takes a token (the ``bearerAuth`` scheme).

Redoc's bundle injects ``<style>`` elements and starts its search in a ``blob:`` worker, so its
answer carries its own policy (``web.headers`` keeps a route's own header): inline styles and
blob workers are allowed there, scripts still come from this origin only.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from paas.web.headers import PAGE_POLICY
from paas.web.templating import render

router = APIRouter(include_in_schema=False)

REDOC_POLICY = PAGE_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'") + "; worker-src blob:"


def _openapi_url(request: Request) -> str:
    url: str | None = request.app.openapi_url
    return url or "/openapi.json"


@router.get("/docs", response_class=HTMLResponse)
def swagger_ui(request: Request) -> HTMLResponse:
    return render(request, "docs.html", None, openapi_url=_openapi_url(request), title="API docs")


@router.get("/redoc", response_class=HTMLResponse)
def redoc(request: Request) -> HTMLResponse:
    response = render(request, "redoc.html", None, openapi_url=_openapi_url(request), title="API reference")
    response.headers["Content-Security-Policy"] = REDOC_POLICY
    return response
