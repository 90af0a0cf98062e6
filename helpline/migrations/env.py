"""Alembic environment: our metadata, the URL from the Config (helpline.db.alembic_config).

helpline.db.upgrade hands over a connection that holds the migration lock: the revisions then
run on it, in its transaction, and our models are not imported: only comparing needs them,
and importing them pulls in Rasa's channels (1.2-2.4 s measured, against 0.35-0.65 s for the
whole upgrade of an empty database without them). Alembic's own command line (`alembic
revision --autogenerate`), `helpline db current|check` and downgrades open their own
connection and load the models.
"""
from __future__ import annotations

from alembic import context

from helpline import settings
from helpline.db import make_engine
from helpline.migrations import load_models

CONNECTION = context.config.attributes.get("connection")
target_metadata = None if CONNECTION is not None else load_models()


def include_name(name, type_, parent_names) -> bool:  # noqa: ANN001
    """Only our tables: never touch Rasa's tracker store (events) or anything else."""
    if type_ == "table":
        return name in target_metadata.tables
    return True


def run_migrations_offline() -> None:
    context.configure(url=context.config.get_main_option("sqlalchemy.url")
                      or settings.database_url(),
                      target_metadata=target_metadata, include_name=include_name,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_on(connection) -> None:  # noqa: ANN001 - a SQLAlchemy Connection
    context.configure(connection=connection, target_metadata=target_metadata,
                      include_name=include_name, render_as_batch=True)
    with context.begin_transaction():  # a no-op in helpline.db.upgrade's transaction
        context.run_migrations()


def run_migrations_online() -> None:
    if CONNECTION is not None:
        run_migrations_on(CONNECTION)
        return
    url = context.config.get_main_option("sqlalchemy.url") or settings.database_url()
    engine = make_engine(url)
    with engine.connect() as connection:
        run_migrations_on(connection)
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
