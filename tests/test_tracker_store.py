"""Our SQL tracker store writes the same rows as Rasa's and never duplicates or loses events."""
import asyncio
import sqlite3
from pathlib import Path

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from helpline.tracker_store import TrackerStore

DOMAIN = Domain.from_dict({"intents": ["greet"], "slots": {"place": {
    "type": "text", "mappings": [{"type": "custom"}]}}})


def _turn(text: str) -> list:
    return [UserUttered(text, {"name": "greet", "confidence": 0.9}),
            SlotSet("place", text), ActionExecuted("utter_greet"), BotUttered("Hello"),
            ActionExecuted("action_listen")]


async def _conversation(store) -> None:
    """Saves as Rasa's processor does, including a tracker it did not read and a new session."""
    tracker = DialogueStateTracker.from_events("p1", [ActionExecuted("action_listen")],
                                               DOMAIN.slots)
    await store.save(tracker)  # a new conversation
    for text in ("one", "two"):
        tracker = await store.retrieve("p1")
        for event in _turn(text):
            tracker.update(event)
        await store.save(tracker)
        await store.save(tracker)  # saving again adds nothing
    rebuilt = DialogueStateTracker.from_events(  # not read through the store
        "p1", [*tracker.events, *_turn("three")], DOMAIN.slots)
    await store.save(rebuilt)
    tracker = await store.retrieve("p1")
    for event in [ActionExecuted("action_session_start"), SessionStarted(),
                  ActionExecuted("action_listen"), *_turn("four")]:
        tracker.update(event)
    await store.save(tracker)
    tracker = await store.retrieve("p1")
    for event in _turn("five"):
        tracker.update(event)
    await store.save(tracker)


def _rows(path: Path) -> list:
    with sqlite3.connect(path) as connection:
        return connection.execute(
            "SELECT sender_id, type_name, intent_name, action_name, data FROM events "
            "ORDER BY id").fetchall()


def _without_timestamps(rows: list) -> list:
    import json

    def clean(data: str) -> dict:
        value = json.loads(data)
        value.pop("timestamp", None)
        value.get("parse_data", {}).pop("message_id", None)
        value.pop("message_id", None)
        return value

    return [(*row[:4], clean(row[4])) for row in rows]


def test_same_rows_as_rasas_store(tmp_path: Path) -> None:
    ours = TrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "ours.db"))
    rasas = SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "rasa.db"))
    asyncio.run(_conversation(ours))
    asyncio.run(_conversation(rasas))

    our_rows = _rows(tmp_path / "ours.db")
    assert _without_timestamps(our_rows) == _without_timestamps(_rows(tmp_path / "rasa.db"))
    user_texts = [row[4] for row in our_rows if row[1] == "user"]
    assert len(user_texts) == 5  # one per turn: nothing duplicated, nothing lost

    latest = asyncio.run(ours.retrieve("p1"))
    assert [e.text for e in latest.events if isinstance(e, UserUttered)] == ["four", "five"]
    full = asyncio.run(ours.retrieve_full_tracker("p1"))
    assert [e.text for e in full.events if isinstance(e, UserUttered)] == [
        "one", "two", "three", "four", "five"]
    assert full.get_slot("place") == "five"


def test_cached_events_give_the_same_trackers_and_erased_rows_are_gone(tmp_path: Path) -> None:
    """Events kept from earlier reads rebuild the same tracker as a store that parses every
    row; rows deleted from the database (erasure) are never returned from memory."""
    from rasa.shared.core.trackers import EventVerbosity

    path = tmp_path / "ours.db"
    store = TrackerStore(DOMAIN, dialect="sqlite", db=str(path))
    asyncio.run(_conversation(store))  # every turn read through the store: all cached
    fresh = TrackerStore(DOMAIN, dialect="sqlite", db=str(path))  # nothing cached
    for read in ("retrieve", "retrieve_full_tracker"):
        cached = asyncio.run(getattr(store, read)("p1")).current_state(EventVerbosity.ALL)
        parsed = asyncio.run(getattr(fresh, read)("p1")).current_state(EventVerbosity.ALL)
        assert cached == parsed, read

    with sqlite3.connect(path) as connection:
        connection.execute("DELETE FROM events WHERE sender_id = 'p1'")
    assert asyncio.run(store.retrieve("p1")) is None
    tracker = DialogueStateTracker.from_events("p1", _turn("again"), DOMAIN.slots)
    asyncio.run(store.save(tracker))  # the same person writes again: a new conversation
    again = asyncio.run(store.retrieve_full_tracker("p1"))
    assert [e.text for e in again.events if isinstance(e, UserUttered)] == ["again"]


def test_a_kept_tracker_is_the_saved_one_and_matches_a_rebuild_at_every_turn(tmp_path: Path
                                                                            ) -> None:
    from rasa.shared.core.trackers import EventVerbosity

    path = tmp_path / "ours.db"
    store = TrackerStore(DOMAIN, dialect="sqlite", db=str(path))
    tracker = DialogueStateTracker.from_events("p1", [ActionExecuted("action_listen")],
                                               DOMAIN.slots)
    asyncio.run(store.save(tracker))
    for text in ("one", "two", "three"):
        retrieved = asyncio.run(store.retrieve("p1"))
        assert retrieved is tracker, text  # kept: not rebuilt from the rows
        fresh = TrackerStore(DOMAIN, dialect="sqlite", db=str(path))
        assert retrieved.current_state(EventVerbosity.ALL) == asyncio.run(
            fresh.retrieve("p1")).current_state(EventVerbosity.ALL)
        for event in _turn(text):
            tracker.update(event)
        asyncio.run(store.save(tracker))
    assert asyncio.run(store.retrieve("p1")) is tracker
    again = asyncio.run(store.retrieve("p1"))  # handed out once: this one is rebuilt
    assert again is not tracker and again.get_slot("place") == "three"


def test_a_tracker_changed_without_saving_is_never_handed_out(tmp_path: Path) -> None:
    store = TrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "ours.db"))
    tracker = DialogueStateTracker.from_events("p1", _turn("one"), DOMAIN.slots)
    asyncio.run(store.save(tracker))
    taken = asyncio.run(store.retrieve("p1"))
    taken.update(SlotSet("place", "not saved"))
    assert asyncio.run(store.retrieve("p1")).get_slot("place") == "one"


def test_rows_written_elsewhere_or_erased_are_what_the_next_read_sees(tmp_path: Path) -> None:
    path = tmp_path / "ours.db"
    store = TrackerStore(DOMAIN, dialect="sqlite", db=str(path))
    other = TrackerStore(DOMAIN, dialect="sqlite", db=str(path))  # a second Rasa server
    tracker = DialogueStateTracker.from_events("p1", _turn("one"), DOMAIN.slots)
    asyncio.run(store.save(tracker))
    elsewhere = asyncio.run(other.retrieve("p1"))
    for event in _turn("two"):
        elsewhere.update(event)
    asyncio.run(other.save(elsewhere))
    assert asyncio.run(store.retrieve("p1")).get_slot("place") == "two"

    # Erased, then the same number of rows again under the same ids (SQLite reuses the
    # highest ids): the kept tracker's words must not come back.
    tracker = asyncio.run(store.retrieve("p1"))
    asyncio.run(store.save(tracker))
    with sqlite3.connect(path) as connection:  # new words, written at a new time
        connection.execute("UPDATE events SET data = replace(replace(data, '\"two\"', "
                           "'\"new\"'), '\"timestamp\": ', '\"timestamp\": 1') "
                           "WHERE sender_id = 'p1'")
    assert asyncio.run(store.retrieve("p1")).get_slot("place") == "new"
    asyncio.run(store.save(asyncio.run(store.retrieve("p1"))))
    with sqlite3.connect(path) as connection:
        connection.execute("DELETE FROM events WHERE sender_id = 'p1'")
    assert asyncio.run(store.retrieve("p1")) is None


def test_erasing_inside_the_server_drops_the_kept_tracker_at_once(tmp_path: Path) -> None:
    from helpline import privacy

    path = tmp_path / "ours.db"
    store = TrackerStore(DOMAIN, dialect="sqlite", db=str(path))
    asyncio.run(store.save(DialogueStateTracker.from_events("p1", _turn("one"), DOMAIN.slots)))
    assert store._kept.take("p1", store._mark(store.sessionmaker(), "p1")) is not None
    asyncio.run(store.save(asyncio.run(store.retrieve("p1"))))
    asyncio.run(privacy.erase_async("p1", store))
    assert "p1" not in store._kept._kept
    assert asyncio.run(store.retrieve("p1")) is None


def test_an_exit_word_drops_the_kept_tracker_at_once(tmp_path: Path) -> None:
    from helpline import safety_words

    store = TrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "ours.db"))
    asyncio.run(store.save(DialogueStateTracker.from_events("p1", _turn("one"), DOMAIN.slots)))
    assert "p1" in store._kept._kept
    screened = asyncio.run(safety_words.screen(
        "p1", "exit", tracker_store=store, db_url=f"sqlite:///{tmp_path / 'helpline.db'}"))
    assert screened is not None and screened.erased
    assert "p1" not in store._kept._kept
    assert asyncio.run(store.retrieve("p1")) is None
