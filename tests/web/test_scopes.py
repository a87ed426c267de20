"""The dashboard signed in with a token scoped to projects: the browser token keeps the scope, and
every page shows only those projects (another's is the "no such project" page)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from paas.services import projects, tokens
from paas.store.unit import transaction


def test_a_browser_signed_in_with_a_scoped_token_sees_only_its_projects(anonymous: TestClient, engine: Engine,
                                                                        clock: Any) -> None:
    with transaction(engine) as session:
        mine = projects.create_project(session, name="Mine Project").id
        theirs = projects.create_project(session, name="Their Project").id
        token = tokens.create_token(session, role="operator", name="scoped", now=clock(), projects=[mine]).token
    signed = anonymous.post("/signin", data={"token": token, "next": "/projects"}, follow_redirects=False)
    assert signed.status_code == 303
    with transaction(engine, write=False) as session:
        browser = [item for item in tokens.list_tokens(session) if item.name == tokens.BROWSER_SESSION]
    assert [item.project_ids for item in browser] == [[mine]]  # the browser token keeps the scope
    listing = anonymous.get("/projects")
    assert listing.status_code == 200
    assert "Mine Project" in listing.text and "Their Project" not in listing.text
    assert anonymous.get(f"/projects/{mine}").status_code == 200
    hidden = anonymous.get(f"/projects/{theirs}")
    assert hidden.status_code == 404 and "Their Project" not in hidden.text
    assert f"project {theirs} does not exist" in hidden.text
    overview = anonymous.get("/", follow_redirects=False)
    assert (overview.status_code, overview.headers["location"]) == (303, "/projects")
    handoff = anonymous.get("/handoff")
    assert "Mine Project" in handoff.text and "Their Project" not in handoff.text
