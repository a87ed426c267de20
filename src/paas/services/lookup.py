"""Projects and accounts named the way people name them: by id or by name, in every door.

``"7"`` is id 7 (or, when no row has that id, the one named "7"); any other text is a name,
matched exactly, then without regard to case when that finds exactly one. Nothing found is a
NotFound that says what was asked for and suggests the closest names.
"""

from __future__ import annotations

import difflib
from typing import Any

from sqlalchemy.orm import Session

from paas.core.errors import NotFound
from paas.services.field_rules import MAX_ID
from paas.store import lookup as store
from paas.store.schema import Account, Project


def project_id(session: Session, ref: str | int) -> int:
    """The id of the project ``ref`` names (an id or a name)."""
    return _resolve(session, Project, Project.name, "project", ref)


def account_id(session: Session, ref: str | int) -> int:
    """The id of the account ``ref`` names (an id or an account name)."""
    return _resolve(session, Account, Account.account_name, "account", ref)


def _resolve(session: Session, model: Any, name_column: Any, what: str, ref: str | int) -> int:
    text = str(ref).strip()
    if not text:
        raise NotFound(f"name the {what} (its name or id)", {"field": what})
    if text.isdigit() and int(text) <= MAX_ID:
        found = store.id_if_exists(session, model, int(text))
        if found is not None:
            return found
    exact = store.ids_named(session, model, name_column, text, any_case=False)
    if len(exact) == 1:
        return exact[0]
    folded = store.ids_named(session, model, name_column, text, any_case=True)
    if len(folded) == 1:
        return folded[0]
    close = difflib.get_close_matches(text, store.all_names(session, name_column), n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(repr(name) for name in close)}?" if close else ""
    if text.isdigit():  # the words every door uses for a missing id
        raise NotFound(f"{what} {text} does not exist{hint}", {what: text, "suggestions": close})
    raise NotFound(f"no {what} named {text!r}{hint}", {what: text, "suggestions": close})
