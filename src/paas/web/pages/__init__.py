"""The dashboard's pages, one module per page; each module's ``router`` is listed here."""

from __future__ import annotations

from fastapi import APIRouter

from paas.web import docs, live
from paas.web.pages import accounts, accounts_bulk, alerts, analytics, handoff, knowledge, overview, projects, signin

ROUTERS: list[APIRouter] = [signin.router, live.router, docs.router, overview.router,
                           projects.router, handoff.router,
                           accounts.router, accounts_bulk.router,
                           analytics.router, knowledge.router, alerts.router]
