"""The SQLAlchemy engine and declarative base shared by our own tables."""
from __future__ import annotations

import threading
from functools import cache
from typing import Optional, Sequence

from sqlalchemy import Table, create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.orm import declarative_base
from sqlalchemy.pool import QueuePool

from helpline import settings

Base = declarative_base()


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # Deleted rows are overwritten, not left in free pages (safety rule 5).
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(url: str | None = None) -> Engine:
    url = url or settings.database_url()
    parsed = make_url(url)
    # A server connection can drop between uses: test it first. A SQLite file can't.
    options: dict = {"pool_pre_ping": parsed.get_backend_name() != "sqlite"}
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        # SQLAlchemy 1.4 opens a new connection per use for SQLite files; pool them instead.
        options.update(poolclass=QueuePool, connect_args={"check_same_thread": False})
    engine = create_engine(url, future=True, **options)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


@cache
def engine_for(url: str) -> Engine:
    """One engine per database URL in this process."""
    return make_engine(url)


_CREATING = threading.Lock()


def engine_with(tables: Sequence[Table], url: Optional[str] = None) -> Engine:
    """Our database (or the one at `url`), with these tables created if they are missing."""
    engine = engine_for(url or settings.database_url())
    with _CREATING:  # two threads must not both find a table missing and create it
        _create_tables(engine, tuple(tables))
    return engine


@cache
def _create_tables(engine: Engine, tables: tuple[Table, ...]) -> None:
    try:
        Base.metadata.create_all(engine, tables=list(tables), checkfirst=True)
    except (IntegrityError, OperationalError, ProgrammingError):
        # Another process created them at the same moment: check again (an unreachable
        # database fails again and raises).
        Base.metadata.create_all(engine, tables=list(tables), checkfirst=True)


def forget_engines() -> None:
    """Forget the cached engines (for tests that drop a database)."""
    for cached in (engine_for, _create_tables):
        cached.cache_clear()

