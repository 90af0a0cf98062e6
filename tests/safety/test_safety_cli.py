"""The `erase` and `retention` sub-commands, on real SQLite databases."""
from __future__ import annotations

import argparse
import sqlite3
import time

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain

from helpline import cli_privacy, privacy
from helpline import safety_words as sw

from .test_safety_erasure import SECRET_TEXT, save_conversation


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="helpline")
    cli_privacy.register(root.add_subparsers(dest="command", required=True))
    return root


def run(*argv: str) -> int:
    args = parser().parse_args(list(argv))
    return args.func(args)


def count(path, sender_id: str) -> int:
    with sqlite3.connect(path) as connection:
        return connection.execute(
            "SELECT count(*) FROM events WHERE sender_id = ?", (sender_id,)).fetchone()[0]


def test_erase_and_retention_commands(tmp_path, capsys, monkeypatch) -> None:
    tracker = tmp_path / "tracker.db"
    tracker_url, db_url = f"sqlite:///{tracker}", f"sqlite:///{tmp_path / 'ours.db'}"
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tracker))
    by_id = privacy.pseudonymise("rest", "person-a")
    by_raw = privacy.pseudonymise("rest", "person-b")
    old = privacy.pseudonymise("rest", "person-c")
    save_conversation(store, by_id, SECRET_TEXT)
    save_conversation(store, by_raw, "second")
    save_conversation(store, old, "third", timestamp=time.time() - 10 * 86400)
    sw.set_word(by_id, "bluebell", db_url)

    assert run("erase", by_id, "--tracker-url", tracker_url, "--db-url", db_url) == 0
    assert "Erased 4 row(s)" in capsys.readouterr().out
    assert count(tracker, by_id) == 0 and count(tracker, by_raw) == 3

    assert run("erase", "person-b", "--channel", "rest",
               "--tracker-url", tracker_url, "--db-url", db_url) == 0
    assert count(tracker, by_raw) == 0

    monkeypatch.setenv("HELPLINE_RETENTION_DAYS", "30")
    assert run("retention", "--tracker-url", tracker_url, "--db-url", db_url) == 0
    assert "Erased 0 conversation(s)" in capsys.readouterr().out
    assert run("retention", "--days", "7", "--tracker-url", tracker_url,
               "--db-url", db_url) == 0
    assert "Erased 1 conversation(s)" in capsys.readouterr().out
    assert count(tracker, old) == 0
    assert run("retention", "--days", "-1", "--tracker-url", tracker_url) == 2
    store.engine.dispose()
