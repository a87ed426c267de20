"""/api/knowledge: search (category, q), and add entries (the original had no POST)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from paas.api.deps import Operator, SessionDep, Viewer
from paas.api.routes import errors, page_params
from paas.api.schemas import Created, KnowledgeCreate, Listing, PageInfo
from paas.core.types import KnowledgeCategory
from paas.services import knowledge as service
from paas.services.field_rules import SearchText
from paas.services.views import KnowledgeOut

router = APIRouter(tags=["knowledge"])
PageParams = Annotated[tuple[int, int], Depends(page_params())]


@router.get("/api/knowledge", response_model=Listing[KnowledgeOut], responses=errors())
def search_knowledge(session: SessionDep, caller: Viewer, page: PageParams, category: KnowledgeCategory | None = None,
                     q: Annotated[SearchText | None, Query(description="Words to find in title, "
                                                    "description and tags (all must match).")] = None,
                     ) -> Listing[KnowledgeOut]:
    limit, offset = page
    result = service.search_knowledge(session, category=category, query=q, limit=limit, offset=offset,
                                      scope=caller.scope)
    return Listing(data=result.items,
                   pagination=PageInfo(total=result.total, limit=limit, offset=offset))


@router.post("/api/knowledge", status_code=201, response_model=Created[KnowledgeOut],
             responses=errors(400, 404, 409, 413))
def add_knowledge(body: KnowledgeCreate, session: SessionDep, caller: Operator) -> Created[KnowledgeOut]:
    entry = service.add_knowledge(session, scope=caller.scope, **body.model_dump())
    return Created(id=entry.id, data=entry)
