"""Alembic migrations for our tables, on SQLite and on a throwaway PostgreSQL database
(tests/conftest.py's db_url)."""
from __future__ import annotations

import argparse

from alembic import command
from sqlalchemy import create_engine, inspect, text

from helpline import cli_db, db
from helpline.migrations import load_models


def _run(*argv: str) -> None:
    parser = argparse.ArgumentParser()
    cli_db.register(parser.add_subparsers())
    args = parser.parse_args(["db", *argv])
    assert args.func(args) == 0


def test_upgrade_creates_our_tables_and_matches_the_models(db_url: str) -> None:
    engine = create_engine(db_url, future=True)
    with engine.begin() as connection:  # Rasa's tracker table, which we must leave alone
        connection.execute(text("CREATE TABLE events (id INTEGER PRIMARY KEY, data TEXT)"))
        connection.execute(text("INSERT INTO events (id, data) VALUES (1, 'x')"))
    _run("upgrade", "--db-url", db_url)
    _run("upgrade", "--db-url", db_url)  # a second run is a no-op
    tables = set(inspect(engine).get_table_names())
    assert set(load_models().tables) <= tables
    assert {"handoff_queue", "handoff_audit", "safety_words", "dir_service"} <= tables
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM events")).scalar() == 1
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    # The models and the migrations agree (a model change without a migration fails here).
    command.check(cli_db.alembic_config(db_url))
    engine.dispose()


def test_head_has_exactly_the_tables_and_columns_of_the_models(db_url: str) -> None:
    """Made the way every process makes it (helpline.db), compared with Base.metadata."""
    engine = db.engine(db_url)
    metadata = load_models()
    inspector = inspect(engine)
    internal = {"alembic_version", "sqlite_sequence"}  # the latter: SQLite's AUTOINCREMENT
    assert set(inspector.get_table_names()) - internal == set(metadata.tables)
    for name, table in metadata.tables.items():
        columns = {c["name"]: c for c in inspector.get_columns(name)}
        assert set(columns) == {c.name for c in table.columns}, name
        for column in table.columns:
            assert columns[column.name]["nullable"] == column.nullable, (name, column.name)
        primary_key = inspector.get_pk_constraint(name)["constrained_columns"]
        assert set(primary_key) == {c.name for c in table.primary_key}, name


def test_downgrade_removes_only_our_tables(db_url: str) -> None:
    cli_db.upgrade(db_url)
    command.downgrade(cli_db.alembic_config(db_url), "base")
    engine = create_engine(db_url, future=True)
    left = set(inspect(engine).get_table_names()) & set(load_models().tables)
    engine.dispose()
    assert left == set()
