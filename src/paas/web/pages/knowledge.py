"""``/knowledge``: search the knowledge base by words and category (``services.knowledge``, as
``GET /api/knowledge``); operators add an entry and edit one in place (``add_knowledge``,
``update_knowledge``: the same rules as ``POST /api/knowledge`` and ``paas knowledge add``). Stored
text is only ever escaped: an entry holding markup shows it as text.

``?part=results`` answers the results alone. The results are not a live region: a re-fetch would
close an edit form someone is typing in; a search (or a reload) shows what others added.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from paas.api.deps import get_db
from paas.core.errors import PaasError
from paas.core.types import KnowledgeCategory
from paas.services import knowledge as service
from paas.services.field_rules import MAX_ID
from paas.services.views import KnowledgeOut
from paas.web.auth import Operator, Viewer, WebUser
from paas.web.templating import render

router = APIRouter(include_in_schema=False)
EntryId = Annotated[int, Path(ge=1, le=MAX_ID)]
RESULTS = 100
Text = Annotated[str, Form(max_length=200_000)]


def _search(request: Request, user: WebUser, query: str, category: str) -> tuple[object, str | None]:
    try:
        return get_db(request).read(lambda session: service.search_knowledge(
            session, category=category or None, query=query or None, limit=RESULTS, scope=user.scope)), None
    except PaasError as error:
        return get_db(request).read(lambda session: service.search_knowledge(
            session, limit=RESULTS, scope=user.scope)), error.message


@router.get("/knowledge", response_class=HTMLResponse)
def knowledge_page(request: Request, user: Viewer, query: str = "", category: str = "",
                   part: str | None = None) -> HTMLResponse:
    query, category = query[:500], category[:40]
    found, error = _search(request, user, query, category)
    name = "knowledge_results.html" if part == "results" else "knowledge.html"
    return render(request, name, user, status_code=422 if error else 200, active="/knowledge", title="Knowledge",
                  found=found, search={"query": query, "category": category}, search_error=error,
                  categories=list(KnowledgeCategory), form={})


@router.post("/knowledge", response_class=HTMLResponse)
def add_entry(request: Request, user: Operator, category: Annotated[str, Form(max_length=40)] = "",
              title: Annotated[str, Form(max_length=300)] = "", description: Text = "",
              tags: Annotated[str, Form(max_length=2000)] = "") -> Response:
    form = {"category": category, "title": title, "description": description, "tags": tags}
    try:
        fields = service.checked_entry({"category": category, "title": title,
                                        "description": description.strip() or None, "tags": tags.strip() or None})
        entry = get_db(request).run(lambda session: service.add_knowledge(
            session, category=fields["category"], title=fields["title"], description=fields["description"],
            tags=fields["tags"]))
    except PaasError as error:
        return render(request, "knowledge_form.html", user, status_code=422, form=form, error=error.message,
                      categories=list(KnowledgeCategory))
    if not request.headers.get("hx-request"):
        return RedirectResponse("/knowledge?" + urlencode({"query": entry.title}), status_code=303)
    return render(request, "knowledge_form.html", user, form={}, created=entry, categories=list(KnowledgeCategory))


@router.post("/knowledge/{entry_id}", response_class=HTMLResponse)
def edit_entry(request: Request, entry_id: EntryId, user: Operator, category: Annotated[str, Form(max_length=40)] = "",
               title: Annotated[str, Form(max_length=300)] = "", description: Text = "",
               tags: Annotated[str, Form(max_length=2000)] = "") -> Response:
    try:
        entry = get_db(request).run(lambda session: service.update_knowledge(
            session, entry_id, category=category, title=title, description=description.strip() or None,
            tags=tags.strip() or None, scope=user.scope))
    except PaasError as error:
        form = {"category": category, "title": title, "description": description, "tags": tags}
        return render(request, "knowledge_edit.html", user, status_code=404 if error.code == "not_found" else 422,
                      entry_id=entry_id, form=form, error=error.message, categories=list(KnowledgeCategory))
    if not request.headers.get("hx-request"):
        return RedirectResponse("/knowledge?" + urlencode({"query": entry.title}), status_code=303)
    return render(request, "knowledge_edit.html", user, entry_id=entry_id, form=form_of(entry), saved=entry,
                  categories=list(KnowledgeCategory))


def form_of(entry: KnowledgeOut) -> dict[str, str]:
    return {"category": entry.category.value, "title": entry.title, "description": entry.description or "",
            "tags": entry.tags or ""}
