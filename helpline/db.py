"""The SQLAlchemy engine and declarative base shared by our own tables."""
from __future__ import annotations

from functools import lru_cache

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import declarative_base, sessionmaker

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
    engine = create_engine(url, future=True, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


@lru_cache(maxsize=None)
def engine() -> Engine:
    return make_engine()


def session_factory(bind: Engine | None = None) -> sessionmaker:
    return sessionmaker(bind=bind or engine(), future=True, expire_on_commit=False)
