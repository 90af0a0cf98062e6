"""Place notices: a person waiting in the chat queue is told when their place moves up a lot
(a real console process on SQLite and PostgreSQL; Rasa is the small recording HTTP server)."""
from __future__ import annotations

import time
import uuid
from typing import Any, Iterator

import pytest
import requests
from sqlalchemy import create_engine

from bot.actions.handoff import wait_text
from bot.channels import sms_text
from helpline import advisor_queue
from helpline.console import notices, shifts
from tests.helpers import wait_for

from .conftest import ALL_DAY, Console, FakeRasa, serve_console


@pytest.fixture
def watched(db_url: str, rasa: FakeRasa, tmp_path_factory) -> Iterator[Console]:
    """A console (its watcher running) on a fresh database, talking to ``rasa``."""
    advisor_queue.engine(db_url)  # the schema at head before the console starts
    yield from serve_console(db_url, tmp_path_factory, rasa.url,
                             {"HELPLINE_ADVISOR_HOURS": ALL_DAY})


class People:
    """Chats (and callbacks) queued in order under names of their own for this test."""

    def __init__(self, db_url: str, rasa: FakeRasa) -> None:
        self.db_url, self.rasa = db_url, rasa
        self.run = uuid.uuid4().hex[:8]
        self.start = time.time() - 600
        self.count = 0

    def queue(self, name: str, kind: str = advisor_queue.CHAT) -> advisor_queue.QueueEntry:
        self.count += 1
        return advisor_queue.enqueue(f"{self.run}-{name}", "sms" if kind == advisor_queue.CALLBACK else "rest",
                             kind=kind, callback_method="text" if kind == advisor_queue.CALLBACK else None,
                             now=self.start + self.count, db_url=self.db_url)

    def claim(self, *entries: advisor_queue.QueueEntry) -> None:
        for entry in entries:
            assert advisor_queue.claim(entry.id, "ann", db_url=self.db_url)

    def told(self, entry: advisor_queue.QueueEntry) -> list[dict[str, Any]]:
        return self.rasa.notices(entry.conversation_id, shifts.PLACE)

    def place_told(self, entry: advisor_queue.QueueEntry) -> int | None:
        return advisor_queue.get(entry.id, self.db_url).place_told

    def watcher_passed(self) -> None:
        """Wait for a whole pass of the watcher after now: a chat queued now (behind
        everyone) has its place recorded only after everyone ahead was dealt with."""
        marker = advisor_queue.enqueue(f"{self.run}-marker-{uuid.uuid4().hex[:6]}", "rest",
                               db_url=self.db_url)
        wait_for(lambda: self.place_told(marker) is not None, timeout=15)


def test_the_rule() -> None:
    minute = shifts.PLACE_EVERY_SECONDS
    assert shifts.place_worth_telling(12, 6, None, 0)        # halved
    assert not shifts.place_worth_telling(12, 7, None, 0)    # not quite
    assert shifts.place_worth_telling(3, 1, 100, 101)        # now next: at once
    assert not shifts.place_worth_telling(1, 1, None, 0)     # told "next" already
    assert not shifts.place_worth_telling(4, 6, None, 0)     # further back: nothing
    assert not shifts.place_worth_telling(5, 2, 100, 100 + minute - 1)  # within the minute
    assert shifts.place_worth_telling(5, 2, 100, 100 + minute)


def test_the_notice_is_the_bots_wording_in_one_sms_segment() -> None:
    for place, estimate in ((999, None), (5, (3, 9)), (1, None)):
        event = shifts.place_event(place, estimate)
        assert wait_text(place, estimate) in event["text"] and "call 999" in event["text"]
        assert sms_text.is_gsm7(event["text"]) and sms_text.segments(event["text"]) == 1
        assert event["metadata"] == {"notice": notices.PLACE}
    assert notices.PLACE in notices.SHOWN  # the outbox and web chat keep the kind


def test_a_big_move_up_is_told_once_then_becoming_next(watched: Console, rasa: FakeRasa,
                                                        db_url: str, tmp_path) -> None:
    people = People(db_url, rasa)
    chats = [people.queue(f"p{n}") for n in range(1, 13)]
    callbacks = [people.queue(f"cb{n}", advisor_queue.CALLBACK) for n in range(1, 4)]
    last, callback = chats[-1], callbacks[-1]
    # First seen: the place is recorded, nobody is told (the escalation just told them).
    wait_for(lambda: people.place_told(last) == 12, timeout=15)
    people.watcher_passed()
    assert people.told(last) == []

    people.claim(*chats[:7], *callbacks[:2])  # 12th -> 5th: told once, with the new place
    wait_for(lambda: people.told(last), timeout=15)
    told_at = time.time()
    people.watcher_passed()
    [notice] = people.told(last)
    assert notice["text"].startswith(shifts.MOVED_UP)
    assert "You are number 5 in the queue." in notice["text"] and "call 999" in notice["text"]
    assert [q for c, e, q in rasa.appended if e is notice] == [
        {"output_channel": "latest", "execute_side_effects": "true"}]  # sent to the person
    assert people.place_told(last) == 5

    people.claim(chats[7])  # 5th -> 4th: not a big move
    people.watcher_passed()
    people.claim(*chats[8:10])  # 4th -> 2nd: halved since told, but within the minute
    people.watcher_passed()
    assert time.time() - told_at < shifts.PLACE_EVERY_SECONDS
    assert len(people.told(last)) == 1 and people.place_told(last) == 5

    people.claim(chats[10])  # now next: told at once
    wait_for(lambda: len(people.told(last)) == 2, timeout=15)
    assert "You are next in the queue." in people.told(last)[1]["text"]
    assert people.place_told(last) == 1

    # A callback is never told, though it is now first among the callbacks.
    assert rasa.notices(callback.conversation_id) == [] and people.place_told(callback) is None

    # A console restart sends nothing again: the place told is in the database.
    watched.stop()
    again = Console(db_url, rasa.url, tmp_path / "console-again.log",
                    {"HELPLINE_ADVISOR_HOURS": ALL_DAY})
    try:
        again.wait()
        people.watcher_passed()
        assert len(people.told(last)) == 2
    finally:
        again.stop()


def test_a_database_error_leaves_the_console_and_its_watcher_running(
        watched: Console, rasa: FakeRasa, db_url: str) -> None:
    people = People(db_url, rasa)
    chats = [people.queue(f"p{n}") for n in range(1, 4)]
    wait_for(lambda: people.place_told(chats[-1]) == 3, timeout=15)
    engine = create_engine(db_url, future=True)
    try:
        with engine.begin() as connection:  # every query of the queue now fails
            connection.exec_driver_sql("ALTER TABLE handoff_queue RENAME TO handoff_queue_away")
        try:
            wait_for(lambda: watched.log_path.read_text().count("Place notices failed (") >= 2,
                     timeout=15)
            assert watched.process.poll() is None
            assert requests.get(watched.url + "/login", timeout=10).status_code == 200
        finally:
            with engine.begin() as connection:
                connection.exec_driver_sql(
                    "ALTER TABLE handoff_queue_away RENAME TO handoff_queue")
    finally:
        engine.dispose()
    assert people.told(chats[-1]) == []
    people.claim(*chats[:2])  # 3rd -> next: the same watcher tells them
    wait_for(lambda: people.told(chats[-1]), timeout=15)
    assert conversation_ids_not_logged(watched, people)


def conversation_ids_not_logged(console: Console, people: People) -> bool:
    return people.run not in console.log_path.read_text()
