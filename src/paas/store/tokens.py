"""API tokens, stored as SHA-256 hashes. The plain token exists only in the response that made it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from paas.store.schema import ApiToken, ApiTokenProject, Project


def find_by_hash(session: Session, token_hash: str) -> ApiToken | None:
    return session.scalars(select(ApiToken).where(ApiToken.token_hash == token_hash)).first()


def list_all(session: Session, *, include_revoked: bool) -> list[ApiToken]:
    statement = select(ApiToken).where(ApiToken.single_use.is_(False)).order_by(ApiToken.id)
    if not include_revoked:
        statement = statement.where(ApiToken.revoked_at.is_(None))
    return list(session.scalars(statement))


def count_usable_admins(session: Session) -> int:
    rows = session.scalars(
        select(ApiToken).where(
            ApiToken.role == "admin", ApiToken.revoked_at.is_(None), ApiToken.single_use.is_(False)
        )
    )
    return sum(1 for _ in rows)


def project_ids_of(session: Session, token_id: int) -> list[int]:
    """The projects a scoped token may see that still exist (the join drops a deleted project even
    where the foreign key's cascade did not run)."""
    return list(session.scalars(
        select(ApiTokenProject.project_id).join(Project, Project.id == ApiTokenProject.project_id)
        .where(ApiTokenProject.token_id == token_id).order_by(ApiTokenProject.project_id)))


def scope_rows(session: Session, token_ids: list[int]) -> dict[int, list[tuple[int, str]]]:
    """Per token, its (still existing) projects as (id, name), for listings."""
    found: dict[int, list[tuple[int, str]]] = {token_id: [] for token_id in token_ids}
    if not token_ids:
        return found
    rows = session.execute(
        select(ApiTokenProject.token_id, Project.id, Project.name)
        .join(Project, Project.id == ApiTokenProject.project_id)
        .where(ApiTokenProject.token_id.in_(token_ids)).order_by(Project.id))
    for token_id, project_id, name in rows:
        found[token_id].append((project_id, name))
    return found


def add_projects(session: Session, token_id: int, project_ids: list[int]) -> None:
    session.add_all(ApiTokenProject(token_id=token_id, project_id=project_id) for project_id in project_ids)
    session.flush()
