"""Which project a working directory belongs to: `paas projects link DIR --project P`.

An agent running in a linked directory, or anywhere below it, works on that project: the MCP
tools and the Claude Code hook need no project argument there. Paths are stored absolute and
resolved (symlinks followed), so ``.`` and ``/home/me/app/`` name the same link.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from paas.core.errors import InvalidInput, NotFound
from paas.services.lookup import project_id as find_project
from paas.services.views import View
from paas.store import links as store
from paas.store.schema import ProjectLink

MAX_PATH = 1000


def normalise(directory: str | Path) -> str:
    text = str(directory).strip()
    if not text or "\x00" in text:
        raise InvalidInput("name a directory", {"field": "directory"})
    resolved = str(Path(text).expanduser().resolve())
    if len(resolved) > MAX_PATH:
        raise InvalidInput(f"the directory's path is longer than {MAX_PATH} characters", {"field": "directory"})
    return resolved


def link(session: Session, directory: str | Path, project: str | int, *, now: datetime) -> tuple[str, int]:
    """Map ``directory`` to ``project`` (re-linking a directory to another project moves it)."""
    path = normalise(directory)
    if not Path(path).is_dir():
        raise InvalidInput(f"{path} is not a directory", {"field": "directory"})
    wanted = find_project(session, project)
    existing = store.find(session, path)
    if existing is not None:
        if existing.project_id == wanted:
            return path, wanted
        existing.project_id = wanted
    else:
        session.add(ProjectLink(path=path, project_id=wanted, created_at=now))
    session.flush()
    return path, wanted


def unlink(session: Session, directory: str | Path) -> str:
    path = normalise(directory)
    if not store.remove(session, path):
        raise NotFound(f"{path} is not linked to a project", {"directory": path})
    return path


def project_for_directory(session: Session, directory: str | Path) -> int | None:
    """The project linked to ``directory`` or its nearest linked parent; None when there is none."""
    path = Path(normalise(directory))
    found = store.project_of_any(session, [str(path), *(str(parent) for parent in path.parents)])
    return found[1] if found else None


def require_project(session: Session, project: str | int | None, directory: str | Path | None) -> int:
    """The project named, else the one linked to ``directory``; a clear error when neither says."""
    if project is not None and str(project).strip():
        return find_project(session, project)
    if directory is not None:
        found = project_for_directory(session, directory)
        if found is not None:
            return found
        raise InvalidInput(f"{normalise(directory)} is not linked to a project: name one, or run "
                       f"`paas projects link {normalise(directory)} --project P`", {"directory": str(directory)})
    raise InvalidInput("name the project (its name or id)", {"field": "project"})


def links_of(session: Session, project: str | int) -> list[str]:
    return store.of_project(session, find_project(session, project))


class LinkOut(View):
    """A linked working directory and its project."""

    path: str
    project_id: int
    project_name: str


def list_links(session: Session, project: str | int | None = None) -> list[LinkOut]:
    """Every link by path, or (``project``) that project's only (an unknown project is NotFound)."""
    wanted = find_project(session, project) if project is not None else None
    return [LinkOut(path=path, project_id=project_id, project_name=name)
            for path, project_id, name in store.with_projects(session, wanted)]
