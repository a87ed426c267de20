"""Projects and accounts named the way people name them: by id or by name, in every door.

``"7"`` is id 7 (or, when no row has that id, the one named "7"); any other text is a name,
matched exactly, then on its ``core.names.name_key`` (case and Unicode form folded: names are
unique on that key, so at most one row has it). Nothing found is a
NotFound that says what was asked for and suggests the closest names.
"""

from __future__ import annotations

import difflib
from typing import Any

from sqlalchemy.orm import Session

from paas.core.errors import NotFound
from paas.core.names import name_key
from paas.services.field_rules import MAX_ID
from paas.store import lookup as store
from paas.store.schema import Account, Project


def project_id(session: Session, ref: str | int) -> int:
    """The id of the project ``ref`` names (an id or a name)."""
    return _resolve(session, Project, (Project.name, Project.name_key), "project", ref)


def account_id(session: Session, ref: str | int) -> int:
    """The id of the account ``ref`` names (an id or an account name)."""
    return _resolve(session, Account, (Account.account_name, Account.account_name_key), "account", ref)


def _resolve(session: Session, model: Any, columns: tuple[Any, Any], what: str, ref: str | int) -> int:
    name_column, key_column = columns
    text = str(ref).strip()
    if not text:
        raise NotFound(f"name the {what} (its name or id)", {"field": what})
    if text.isdigit() and int(text) <= MAX_ID:
        found = store.id_if_exists(session, model, int(text))
        if found is not None:
            return found
    for column, value in ((name_column, text), (key_column, name_key(text))):
        named = store.ids_named(session, model, column, value)
        if len(named) == 1:
            return named[0]
    close = difflib.get_close_matches(text, store.all_names(session, name_column), n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(repr(name) for name in close)}?" if close else ""
    if text.isdigit():  # the words every door uses for a missing id
        raise NotFound(f"{what} {text} does not exist{hint}", {what: text, "suggestions": close})
    raise NotFound(f"no {what} named {text!r}{hint}", {what: text, "suggestions": close})
