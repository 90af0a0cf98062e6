"""Our schema is made by the Alembic migrations, once, on a database's first use in a process,
even when the first messages, or the first processes, arrive together."""
import re
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from helpline import cli_db, db, settings
from helpline.migrations import load_models

HEAD = ScriptDirectory.from_config(cli_db.alembic_config("sqlite://")).get_current_head()


def revision(url: str) -> str:
    with db.engine_for(url).connect() as connection:
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def test_the_head_read_from_the_files_is_alembics() -> None:
    assert db.head_revision() == HEAD


def test_concurrent_first_use_creates_the_tables_once(tmp_path) -> None:
    for attempt in range(5):
        url = f"sqlite:///{tmp_path / f'race-{attempt}.db'}"
        start = threading.Barrier(8)

        def first_use(start: threading.Barrier = start, url: str = url) -> None:
            start.wait()
            db.engine(url)

        with ThreadPoolExecutor(8) as pool:
            for future in [pool.submit(first_use) for _ in range(8)]:
                future.result()  # raises if a thread hit "table already exists"
        assert set(load_models().tables) <= set(inspect(db.engine_for(url)).get_table_names())
        assert revision(url) == HEAD


FIRST_USE = """
import sys, time
from helpline import db
time.sleep(max(0.0, float(sys.argv[2]) - time.time()))
db.engine(sys.argv[1])
"""


def test_processes_starting_together_upgrade_once(db_url: str) -> None:
    """Four processes use a new database at the same moment (SQLite, then PostgreSQL)."""
    at = time.time() + 6  # after every process has imported helpline.db
    processes = [subprocess.Popen([sys.executable, "-c", FIRST_USE, db_url, str(at)],
                                  cwd=settings.ROOT, stderr=subprocess.PIPE, text=True)
                 for _ in range(4)]
    for process in processes:
        _, errors = process.communicate(timeout=120)
        assert process.returncode == 0, errors[-2000:]
    assert revision(db_url) == HEAD
    assert set(load_models().tables) <= set(inspect(db.engine_for(db_url)).get_table_names())


def test_an_older_database_is_brought_to_head_on_first_use(db_url: str) -> None:
    cli_db.upgrade(db_url, "0008")
    assert "canned_responses" not in inspect(db.engine_for(db_url)).get_table_names()
    db.engine(db_url)
    assert revision(db_url) == HEAD
    assert "canned_responses" in inspect(db.engine_for(db_url)).get_table_names()


def test_product_code_never_creates_tables_itself() -> None:
    """Outside tests only the migrations make our schema (issue 13)."""
    offenders = [
        str(path.relative_to(settings.ROOT))
        for folder in ("helpline", "bot", "deploy", "scripts")
        for path in (settings.ROOT / folder).rglob("*.py")
        if re.search(r"\.create_all\(|\.create\(\s*(bind|engine|connection)", path.read_text())
    ]
    assert offenders == []


def test_a_database_made_before_migrations_ran_at_run_time_is_adopted(db_url: str) -> None:
    """Every `make run` data directory until 2026-11-30 was made by create_all, with no
    recorded revision: upgrading it from nothing failed on the first CREATE TABLE, and every
    message was refused as "database unavailable"."""
    metadata = load_models()
    metadata.create_all(db.make_engine(db_url))
    db.engine(db_url)
    assert revision(db_url) == HEAD


def test_an_unrecorded_database_that_differs_is_refused_with_what_to_do(db_url: str) -> None:
    metadata = load_models()
    tables = [t for name, t in metadata.tables.items() if name != "canned_responses"]
    metadata.create_all(db.make_engine(db_url), tables=tables)
    with pytest.raises(RuntimeError, match="alembic stamp head"):
        db.engine(db_url)


def test_a_new_database_is_made_without_importing_our_models(tmp_path) -> None:
    """The first use happens in a worker thread of a running server: importing every model
    module there raced with the server's own imports (seen as 503s at start-up)."""
    script = """
import sys
from helpline import db
from helpline.migrations import MODEL_MODULES
db.engine(sys.argv[1])
print(",".join(name for name in MODEL_MODULES if name in sys.modules))
"""
    url = f"sqlite:///{tmp_path / 'new.db'}"
    done = subprocess.run([sys.executable, "-c", script, url], capture_output=True, text=True,
                          timeout=120, cwd=settings.ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == ""
    assert revision(url) == HEAD
