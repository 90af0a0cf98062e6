"""Erasure and retention against Rasa's real SQLTrackerStore on SQLite and PostgreSQL."""
from __future__ import annotations

import asyncio
import sqlite3
import time
import uuid
from typing import Iterator

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from helpline import db, privacy
from helpline import safety_words as sw

SECRET_TEXT = "my-partner-took-my-phone-zq81"
OTHER_TEXT = "someone-else-still-here-kx55"


def save_conversation(store: SQLTrackerStore, sender_id: str, text: str,
                      timestamp: float | None = None) -> None:
    tracker = DialogueStateTracker(sender_id, slots=[])
    events = [
        ActionExecuted("action_listen"),
        UserUttered(text, {"name": "greet", "confidence": 1.0}),
        BotUttered(f"reply to {text}"),
    ]
    for event in events:
        if timestamp is not None:
            event.timestamp = timestamp
        tracker.update(event)
    asyncio.run(store.save(tracker))


def rows(url: str, sender_id: str) -> list[tuple]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(
                sa.text("SELECT sender_id, data FROM events WHERE sender_id = :s"),
                {"s": sender_id}))
    finally:
        engine.dispose()


@pytest.fixture
def sqlite_store(tmp_path) -> Iterator[tuple[SQLTrackerStore, str]]:
    path = tmp_path / "tracker.db"
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(path))
    yield store, f"sqlite:///{path}"
    store.engine.dispose()


@pytest.fixture
def postgres_store() -> Iterator[tuple[SQLTrackerStore, str]]:
    """A fresh database on the local PostgreSQL, dropped afterwards."""
    name = f"safety_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine("postgresql://postgres@127.0.0.1:5432/test",
                             isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sa.exc.OperationalError as error:  # pragma: no cover - no server here
        pytest.fail(f"PostgreSQL not reachable: {error.__class__.__name__} (.ci/run starts it)")
    store = SQLTrackerStore(Domain.empty(), dialect="postgresql", host="127.0.0.1",
                            port=5432, db=name, username="postgres")
    url = f"postgresql://postgres@127.0.0.1:5432/{name}"
    yield store, url
    store.engine.dispose()
    db.forget_engines()
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def test_sqlite_erase_removes_rows_and_bytes(sqlite_store, tmp_path) -> None:
    store, url = sqlite_store
    db_url = f"sqlite:///{tmp_path / 'ours.db'}"
    victim = privacy.pseudonymise("rest", "browser-session-1")
    other = privacy.pseudonymise("rest", "browser-session-2")
    save_conversation(store, victim, SECRET_TEXT)
    save_conversation(store, other, OTHER_TEXT)
    sw.set_word(victim, "bluebell", db_url)
    assert rows(url, victim)
    assert SECRET_TEXT.encode() in (tmp_path / "tracker.db").read_bytes()

    counts = privacy.erase(victim, tracker_url=url, db_url=db_url)

    assert counts["tracker.events"] == 3 and counts["safety_words"] == 1
    assert rows(url, victim) == []
    assert len(rows(url, other)) == 3
    assert sw.state(victim, db_url) == sw.WordState()
    for name in ("tracker.db", "tracker.db-wal", "tracker.db-journal"):
        path = tmp_path / name
        if path.exists():
            data = path.read_bytes()
            assert SECRET_TEXT.encode() not in data, name
            assert victim.encode() not in data, name
    assert OTHER_TEXT.encode() in (tmp_path / "tracker.db").read_bytes()
    # Rasa reads back an empty tracker: a fresh conversation.
    tracker = asyncio.run(store.retrieve(victim))
    assert tracker is None or not tracker.events


def test_sqlite_erase_in_wal_mode_truncates_the_wal(tmp_path) -> None:
    path = tmp_path / "tracker.db"
    url = f"sqlite:///{path}"
    with sa.create_engine(url).connect() as connection:
        connection.exec_driver_sql("PRAGMA journal_mode=WAL")
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(path))
    # Another process (the Rasa server) keeps the database open, so closing our connection
    # does not checkpoint and delete the WAL for us.
    keeper = sqlite3.connect(path)
    keeper.execute("SELECT count(*) FROM events").fetchall()
    victim = privacy.pseudonymise("rest", "wal-session")
    save_conversation(store, victim, SECRET_TEXT)
    assert SECRET_TEXT.encode() in (tmp_path / "tracker.db-wal").read_bytes()
    privacy.erase(victim, tracker_url=url, db_url=f"sqlite:///{tmp_path / 'ours.db'}")
    for file in tmp_path.glob("tracker.db*"):
        assert SECRET_TEXT.encode() not in file.read_bytes(), file.name
    keeper.close()
    store.engine.dispose()


def test_postgres_erase_removes_rows_and_vacuums(postgres_store) -> None:
    store, url = postgres_store
    victim = privacy.pseudonymise("rest", "pg-session-1")
    other = privacy.pseudonymise("rest", "pg-session-2")
    save_conversation(store, victim, SECRET_TEXT)
    save_conversation(store, other, OTHER_TEXT)
    sw.set_word(victim, "bluebell", url)  # our tables live in the same database here

    counts = privacy.erase(victim, tracker_url=url, db_url=url)

    assert counts["tracker.events"] == 3 and counts["safety_words"] == 1
    assert rows(url, victim) == []
    assert len(rows(url, other)) == 3
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        assert connection.execute(sa.text(
            "SELECT count(*) FROM safety_words WHERE conversation_id = :c"), {"c": victim}
        ).scalar() == 0
        dead, vacuumed = connection.execute(sa.text(
            "SELECT n_dead_tup, last_vacuum FROM pg_stat_user_tables "
            "WHERE relname = 'events'")).one()
        # VACUUM ran on the table (stats are reported asynchronously, so allow a moment).
        for _ in range(50):
            if vacuumed is not None:
                break
            time.sleep(0.1)
            connection.execute(sa.text("SELECT pg_stat_clear_snapshot()"))
            dead, vacuumed = connection.execute(sa.text(
                "SELECT n_dead_tup, last_vacuum FROM pg_stat_user_tables "
                "WHERE relname = 'events'")).one()
        assert vacuumed is not None
        assert dead == 0
    engine.dispose()


def test_retention_erases_only_old_conversations(sqlite_store, tmp_path, monkeypatch) -> None:
    store, url = sqlite_store
    db_url = f"sqlite:///{tmp_path / 'ours.db'}"
    now = time.time()
    old = privacy.pseudonymise("rest", "old")
    recent = privacy.pseudonymise("rest", "recent")
    orphan = privacy.pseudonymise("rest", "orphan-row")
    save_conversation(store, old, SECRET_TEXT, timestamp=now - 31 * 86400)
    save_conversation(store, recent, OTHER_TEXT, timestamp=now - 29 * 86400)
    sw.set_word(orphan, "bluebell", db_url)
    sw.set_word(recent, "bluebell", db_url)
    engine = privacy.engine_for(db_url, lambda: db_url)
    with engine.begin() as connection:
        connection.execute(sa.text("UPDATE safety_words SET updated_at = :t"),
                           {"t": now - 40 * 86400})

    monkeypatch.delenv("HELPLINE_RETENTION_DAYS", raising=False)
    assert privacy.purge_older_than(tracker_url=url, db_url=db_url, now=now) == 2
    assert rows(url, old) == [] and len(rows(url, recent)) == 3
    assert sw.state(orphan, db_url) == sw.WordState()
    # A conversation with recent events keeps its safety word even if the row is older.
    assert sw.state(recent, db_url).word_hash is not None

    monkeypatch.setenv("HELPLINE_RETENTION_DAYS", "7")
    assert privacy.retention_days() == 7
    assert privacy.purge_older_than(tracker_url=url, db_url=db_url, now=now) == 1
    assert rows(url, recent) == []


def test_pseudonymise_is_keyed_and_stable(monkeypatch) -> None:
    monkeypatch.setenv("HELPLINE_ID_SECRET", "one")
    first = privacy.pseudonymise("sms", "+447700900123")
    assert first == privacy.pseudonymise("sms", "+447700900123")
    assert first != privacy.pseudonymise("telegram", "+447700900123")
    assert "447700900123" not in first and len(first) == 64
    monkeypatch.setenv("HELPLINE_ID_SECRET", "two")
    assert privacy.pseudonymise("sms", "+447700900123") != first


def test_registered_tables_and_hooks_are_erased(tmp_path) -> None:
    db_url = f"sqlite:///{tmp_path / 'ours.db'}"
    engine = privacy.engine_for(db_url, lambda: db_url)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE queue_demo (conv TEXT, note TEXT)")
        connection.exec_driver_sql("CREATE TABLE audit_demo (conv TEXT, what TEXT)")
        connection.exec_driver_sql("INSERT INTO queue_demo VALUES ('c1', 'x'), ('c2', 'y')")
        connection.exec_driver_sql("INSERT INTO audit_demo VALUES ('c1', 'opened')")

    def stub(connection, conversation_id: str) -> None:
        connection.execute(sa.text("UPDATE audit_demo SET what = 'ended by the person' "
                                   "WHERE conv = :c"), {"c": conversation_id})

    before = (list(privacy.CONVERSATION_TABLES), list(privacy.ERASE_HOOKS))
    try:
        privacy.register_table("queue_demo", "conv")
        privacy.register_hook(stub)
        privacy.erase("c1", tracker_url=f"sqlite:///{tmp_path / 't.db'}", db_url=db_url)
    finally:
        privacy.CONVERSATION_TABLES[:] = before[0]
        privacy.ERASE_HOOKS[:] = before[1]
    with engine.connect() as connection:
        assert [r[0] for r in connection.exec_driver_sql("SELECT conv FROM queue_demo")] == [
            "c2"]
        assert connection.exec_driver_sql("SELECT what FROM audit_demo").scalar() == (
            "ended by the person")
