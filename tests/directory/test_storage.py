"""Import into SQLite and PostgreSQL: idempotent, complete, and replaced in one transaction."""
from __future__ import annotations

import json
import os
import uuid
from dataclasses import replace

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

from helpline.db import make_engine
from helpline.directory.storage import (
    DirPhone,
    DirPlace,
    DirService,
    import_directory,
    stored_record,
    stored_records,
)

PG_URL = os.environ.get("HELPLINE_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


def counts(engine) -> tuple[int, int, int]:
    with Session(engine) as session:
        return tuple(session.execute(select(func.count()).select_from(t)).scalar()
                     for t in (DirService, DirPhone, DirPlace))


def check_import(engine, loaded) -> None:
    directory = loaded.directory
    assert import_directory(engine, directory) is True
    first = counts(engine)
    assert first[0] == len(directory.services)
    assert first[1] == sum(len(s.phones) for s in directory.services.values())
    assert import_directory(engine, directory) is False  # unchanged: nothing to do
    assert counts(engine) == first
    forced = replace(directory, fingerprint=uuid.uuid4().hex)  # same content, forced re-import
    assert import_directory(engine, forced) is True
    assert counts(engine) == first
    with Session(engine) as session:
        record = stored_record(session, "pathway-project-helpline")
        assert record["phones"][0]["number"] == "01543 676800"
        assert stored_record(session, record["id"])["name"] == record["name"]
        total, page = stored_records(session, status="active", area="tamworth", limit=10)
        assert total >= 1 and all(r["status"] == "active" for r in page)


def test_sqlite_import_is_idempotent(tmp_path, loaded):
    engine = make_engine(f"sqlite:///{tmp_path / 'dir.db'}")
    check_import(engine, loaded)


@pytest.fixture()
def pg_engine():
    probe = create_engine(PG_URL, future=True)
    try:
        with probe.connect() as connection:
            connection.execute(text("select 1"))
    except Exception:
        pytest.fail("PostgreSQL not reachable at " + PG_URL + " (.ci/run starts it)")
    schema = "dir_test_" + uuid.uuid4().hex[:8]
    with probe.begin() as connection:
        connection.execute(text(f"create schema {schema}"))
    engine = create_engine(PG_URL, future=True,
                           connect_args={"options": f"-csearch_path={schema}"})
    yield engine
    engine.dispose()
    with probe.begin() as connection:
        connection.execute(text(f"drop schema {schema} cascade"))
    probe.dispose()


def test_postgresql_import_is_idempotent(pg_engine, loaded):
    check_import(pg_engine, loaded)
    with Session(pg_engine) as session:
        record = json.loads(session.execute(select(DirService.record).where(
            DirService.id == "national-domestic-abuse-helpline")).scalar())
    assert record["schedules"][0]["closes_at"] == "24:00"
