"""Alembic environment: runs the package's migrations on the connection it is handed
(``config.attributes["connection"]``) or on ``sqlalchemy.url``. SQLite uses batch mode so
ALTERs become table copies."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from paas.store import schema as _tables  # noqa: F401  (the tables register on Base)
from paas.store.base import Base
from paas.store.db import make_engine

config = context.config
target_metadata = Base.metadata


def run_on(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_on(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    try:
        with engine.begin() as new_connection:
            run_on(new_connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    context.configure(
        url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata, literal_binds=True
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
