"""The SQLAlchemy engine and declarative base shared by our own tables, and how their schema
is made: by the Alembic migrations in helpline/migrations, and nothing else outside tests.

The first use of a database in a process (`engine`; `at_head` for an engine of your own)
brings it to the migrations' head, once per process per engine (`engine_for` keeps one engine
per URL). We chose that over "refuse to start unless at head, and have `helpline run` and
docker-compose upgrade first". Measured here (2 CPUs shared with other work, load ~6; a
fresh `python -c` each time; CPU time is the steadier number):

- a database already at head: 15 ms CPU on SQLite, 40 ms on PostgreSQL (15-55 ms wall),
  as `create_all(checkfirst=True)` cost before. That is reading the head revision from the
  migration files as text and one SELECT of alembic_version, without importing Alembic
  (importing it costs 0.13 s CPU). A refuse-to-start check would cost the same;
- a new, empty database: 0.24 s CPU (0.35-0.65 s wall) on SQLite or PostgreSQL, once per
  database, by the first process to find it behind (docker-compose's `migrate` job still
  upgrades before anything starts);
- `python -c "from helpline import db; db.engine(URL)"` on a database at head:
  median 0.72 s wall before and after (9 runs each, interleaved): start-up is unchanged;
- nothing has to remember to upgrade first: `make run`, the console, `helpline directory
  import`, `helpline console add-user` and every test that opens a fresh database get the
  schema the same way, and a process never runs on an older schema than its code expects.

Two processes starting at once (the Rasa and action servers under `helpline run`, two Rasa
replicas) must not both run the migrations: without the locks below, four processes on a new
database fail with "table ... already exists" (SQLite) or a duplicate pg_type (PostgreSQL);
tests/test_db.py checks this. On PostgreSQL the upgrade takes a transaction-level advisory
lock (`pg_advisory_xact_lock`) and runs inside that transaction, so the second process waits,
then finds the database at head and does nothing, and a failed upgrade is rolled back whole.
SQLite runs DDL outside transactions, so there the lock is `flock` on a file beside the
database (`<file>.migration-lock`, left in place: removing it while another process waits
would break the lock). SQLite's own locks can't serve: they are POSIX locks, which closing any
other handle on the database file in the process drops. An in-memory SQLite database belongs
to one process and needs no lock.

Rasa's tracker store makes its own `events` table; the migrations never touch it.
"""
from __future__ import annotations

import contextlib
import logging
import re
import threading
import weakref
from functools import cache
from typing import Iterator, Optional

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.orm import declarative_base
from sqlalchemy.pool import QueuePool

from helpline import settings

Base = declarative_base()

MIGRATIONS = settings.ROOT / "helpline" / "migrations"
# Any fixed 64-bit number: "helpline" in ASCII. Advisory locks are per database.
ADVISORY_LOCK_KEY = 0x68656C706C696E65


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


def engine(url: Optional[str] = None) -> Engine:
    """Our database (or the one at `url`), at the migrations' head (they make all our
    tables)."""
    return at_head(engine_for(url or settings.database_url()))


_AT_HEAD: "weakref.WeakSet[Engine]" = weakref.WeakSet()
_MIGRATING = threading.Lock()  # threads of one process wait for the first one's upgrade


def at_head(engine: Engine) -> Engine:
    """This engine's database, upgraded to head the first time this process uses the engine
    (engine_for keeps one engine per URL).

    An unreachable database raises (SQLAlchemy's OperationalError) and is tried again on the
    next use.
    """
    if engine in _AT_HEAD:
        return engine
    with _MIGRATING:
        if engine not in _AT_HEAD:
            with engine.connect() as connection:
                current = _current_revision(connection)
            head = head_revision()
            if head is None or current != head:
                upgrade(engine)
            _AT_HEAD.add(engine)
    return engine


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run the migrations up to `revision`, one process at a time (see the module's docstring)."""
    from alembic import command

    with _migration_lock(engine) as connection:
        config = alembic_config(engine.url.render_as_string(hide_password=False))
        config.attributes["connection"] = connection  # env.py migrates on it, under the lock
        if revision == "head" and _current_revision(connection) is None:
            _adopt(connection, config)
        command.upgrade(config, revision)
        connection.commit()


def _adopt(connection: Connection, config) -> None:  # noqa: ANN001 - alembic Config
    """A database whose tables were made by `create_all` (how processes made them before
    Alembic did, until 2026-11-30: every `make run` data directory) has our tables and no
    recorded revision, and upgrading it from nothing fails on the first CREATE TABLE. If its
    tables are exactly head's, record head; otherwise stop with what to do."""
    from alembic import command
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from helpline.migrations import load_models

    # Rasa's tracker store may share the database; anything else is ours. A new database
    # returns here without importing our models: importing them from the worker thread that
    # first uses the database raced with the server's own imports (AttributeError, then
    # "Table ... is already defined"), and every message got "can't take messages".
    if not set(inspect(connection).get_table_names()) - {"events", "alembic_version"}:
        return
    metadata = load_models()
    context = MigrationContext.configure(connection, opts={
        "include_name": lambda name, type_, _parents: type_ != "table" or name in metadata.tables,
        "compare_type": False})
    if compare_metadata(context, metadata):
        # Said in the log too: the channels log only an error's class (no text of a person).
        message = (f"{connection.engine.url.render_as_string()} has tables made by an older "
                   "version without a recorded migration, and they differ from this "
                   "version's. Back it up, then remove it (a development database) or bring "
                   "it to this version by hand and run `.venv/bin/alembic stamp head`.")
        logging.getLogger(__name__).error(message)
        raise RuntimeError(message)
    command.stamp(config, "head")


def alembic_config(url: str):  # noqa: ANN201 - alembic.config.Config, imported when needed
    """Alembic's configuration for the database at `url`, whatever the working directory."""
    from alembic.config import Config

    config = Config(str(settings.ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS))
    # ConfigParser interpolation: a literal % in a password must be doubled.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


@contextlib.contextmanager
def _migration_lock(engine: Engine) -> Iterator[Connection]:
    """A connection, in a transaction, that only one process at a time holds for this database."""
    database = engine.url.database
    if engine.dialect.name == "sqlite" and database not in (None, "", ":memory:"):
        import fcntl

        with open(f"{database}.migration-lock", "a") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)  # released when the file is closed
            with engine.connect() as connection:
                connection.begin()  # Alembic runs in it, and upgrade() commits it
                yield connection
        return
    with engine.connect() as connection:
        connection.begin()
        if engine.dialect.name == "postgresql":  # held until the transaction ends
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                               {"key": ADVISORY_LOCK_KEY})
        yield connection


def _current_revision(connection: Connection) -> Optional[str]:
    """The revision Alembic recorded in this database, None for a new one."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


@cache
def head_revision() -> Optional[str]:
    """The newest migration: the revision no other file revises, read from the files as text
    (asking Alembic means importing it: 0.13 s of CPU in every process).

    None unless that is exactly one revision (a branch, a merge): Alembic then decides.
    """
    made: set[str] = set()
    revised: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        made.update(re.findall(r"""^revision\b.*=\s*['"](\w+)['"]""", source, re.M))
        revised.update(re.findall(r"""^down_revision\b.*=\s*['"](\w+)['"]""", source, re.M))
    heads = made - revised
    return heads.pop() if len(heads) == 1 else None


def forget_engines() -> None:
    """Forget the cached engines and which databases were at head (for tests that drop one)."""
    engine_for.cache_clear()
    with _MIGRATING:
        _AT_HEAD.clear()
