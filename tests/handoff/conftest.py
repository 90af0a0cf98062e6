"""Fixtures for the handoff tests: throwaway SQLite and PostgreSQL databases."""
from __future__ import annotations

import uuid
from typing import Iterator

import pytest
from sqlalchemy import create_engine

PG_ADMIN = "postgresql+psycopg2://postgres@127.0.0.1:5432/test"


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'helpline.db'}"


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A new PostgreSQL database, dropped afterwards; skipped if PostgreSQL is not running."""
    name = f"handoff_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT", future=True)
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except Exception as error:  # noqa: BLE001
        pytest.skip(f"PostgreSQL not available ({type(error).__name__})")
    url = f"postgresql+psycopg2://postgres@127.0.0.1:5432/{name}"
    try:
        yield url
    finally:
        from helpline import privacy, queue

        for cache in (queue._ready_engine, privacy._engine):
            cache.cache_clear()
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request) -> str:
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
