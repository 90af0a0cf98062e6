"""Alembic environment: our metadata, the URL from HELPLINE_DB_URL (helpline.settings)."""
from __future__ import annotations

from alembic import context

from helpline import settings
from helpline.db import make_engine
from helpline.migrations import load_models

target_metadata = load_models()


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


def run_migrations_online() -> None:
    url = context.config.get_main_option("sqlalchemy.url") or settings.database_url()
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata,
                          include_name=include_name, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
