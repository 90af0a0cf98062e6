"""The deterministic safety-word matcher and the set-a-safety-word exchange."""
from __future__ import annotations

import pytest

from helpline import privacy
from helpline import safety_words as sw


@pytest.mark.parametrize("message", [
    "exit", "EXIT", "  Exit  ", "\texit\n", "quick exit", "Quick   Exit", "QUICK EXIT.",
    "exit!", "ｅｘｉｔ",  # full-width letters normalise to "exit"
])
def test_default_exit_words_match_whole_message(message: str) -> None:
    assert sw.is_exit_word(message)


@pytest.mark.parametrize("message", [
    "exiting the house", "exit the house", "exits", "the exit", "quick", "exit exit",
    "where is the exit?", "quickexit", "e x i t", "", "   ", "🙂", "<b>exit</b>", None, 42,
])
def test_near_misses_do_not_match(message: object) -> None:
    assert not sw.is_exit_word(message)


def test_exit_words_are_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HELPLINE_EXIT_WORDS", " Pineapple , red kite ,, ")
    assert sw.exit_words() == {"pineapple", "red kite"}
    assert sw.is_exit_word("RED KITE")
    assert not sw.is_exit_word("exit")
    monkeypatch.setenv("HELPLINE_EXIT_WORDS", "  ")
    assert sw.exit_words() == {"exit", "quick exit"}


def test_neutral_reply_is_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HELPLINE_NEUTRAL_REPLY", raising=False)
    assert sw.neutral_reply() == "Thanks for your message. Goodbye."
    monkeypatch.setenv("HELPLINE_NEUTRAL_REPLY", "Your parcel is on its way.")
    assert sw.neutral_reply() == "Your parcel is on its way."


@pytest.mark.parametrize("word", [
    "STOP", "stop", " Stop ", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "START",
    "YES", "UNSTOP", "HELP", "INFO", "REVOKE", "OPTOUT",
])
def test_twilio_reserved_words_are_refused_with_an_explanation(word: str) -> None:
    problem = sw.word_problem(word)
    assert problem is not None
    assert "reserve" in problem and word.strip().upper() in problem


@pytest.mark.parametrize("word", ["", "   ", "!!!", "x" * 41, "set a safety word"])
def test_unusable_words_are_refused(word: str) -> None:
    assert sw.word_problem(word) is not None


@pytest.mark.parametrize("word", ["ok", "OK", "thanks", "hello", "no", "what", "ok thanks"])
def test_everyday_replies_are_refused_so_a_chat_never_ends_by_chance(word: str) -> None:
    problem = sw.word_problem(word)
    assert problem is not None and "type it all the time" in problem


@pytest.mark.parametrize("word", ["bluebell", "Blue umbrella", "stopping", "helpful", "7788"])
def test_ordinary_words_are_accepted(word: str) -> None:
    assert sw.word_problem(word) is None


def test_word_hash_is_keyed_per_conversation_and_normalised() -> None:
    assert sw.word_hash("a", " Bluebell ") == sw.word_hash("a", "bluebell")
    assert sw.word_hash("a", "bluebell") != sw.word_hash("b", "bluebell")
    assert "bluebell" not in sw.word_hash("a", "bluebell")


def test_set_exchange_stores_only_a_hash(tmp_path) -> None:
    db_url = f"sqlite:///{tmp_path / 'ours.db'}"
    tracker_url = f"sqlite:///{tmp_path / 'tracker.db'}"
    cid = "c0ffee"
    kwargs = {"db_url": db_url, "tracker_url": tracker_url}

    assert sw.screen_sync(cid, "hello", **kwargs) is None
    assert sw.screen_sync(cid, "Set a safety word", **kwargs) == sw.Screened(
        [{"text": sw.PROMPT}])
    reply = sw.screen_sync(cid, "STOP", **kwargs)
    assert reply and "reserve" in reply.replies[0]["text"] and not reply.erased
    # A refusal ends the exchange: the next message goes to Rasa again.
    assert sw.screen_sync(cid, "bluebell", **kwargs) is None

    sw.screen_sync(cid, "set a safety word", **kwargs)
    reply = sw.screen_sync(cid, "Bluebell", **kwargs).replies
    assert reply[0]["text"].startswith("Your safety word is set")
    assert "bluebell" not in reply[0]["text"].lower()
    assert b"luebell" not in (tmp_path / "ours.db").read_bytes()
    assert sw.is_safety_word(cid, "  BLUEBELL ", db_url)
    assert not sw.is_safety_word(cid, "bluebells", db_url)
    assert not sw.is_safety_word("someone-else", "bluebell", db_url)

    assert sw.screen_sync(cid, "bluebell", **kwargs) == sw.Screened(
        [{"text": sw.neutral_reply()}], erased=True)
    # Erased with the conversation: the word is gone and a fresh conversation starts.
    assert sw.state(cid, db_url) == sw.WordState()
    assert sw.screen_sync(cid, "bluebell", **kwargs) is None


def test_a_forgotten_request_expires(tmp_path) -> None:
    db_url = f"sqlite:///{tmp_path / 'ours.db'}"
    kwargs = {"db_url": db_url, "tracker_url": f"sqlite:///{tmp_path / 'tracker.db'}"}
    sw.screen_sync("c1", "set a safety word", **kwargs)
    engine = privacy.engine_for(db_url, lambda: db_url)
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE safety_words SET updated_at = updated_at - 3600")
    # An hour later, an ordinary message is not taken as the safety word.
    assert sw.screen_sync("c1", "is this abuse", **kwargs) is None


def test_screen_with_rasa_in_memory_stores(tmp_path) -> None:
    """The async gate with Rasa's real in-memory tracker and lock stores."""
    import asyncio

    from rasa.core.lock_store import InMemoryLockStore
    from rasa.core.tracker_store import InMemoryTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    store, locks = InMemoryTrackerStore(Domain.empty()), InMemoryLockStore()
    db_url = f"sqlite:///{tmp_path / 'ours.db'}"
    tracker = DialogueStateTracker("c2", slots=[])
    tracker.update(UserUttered("something private"))

    async def scenario() -> sw.Screened:
        await store.save(tracker)
        passed = await sw.screen("c2", "hello", tracker_store=store,
                                 lock_store=locks, db_url=db_url)
        assert passed is None
        return await sw.screen("c2", "Exit", tracker_store=store,
                               lock_store=locks, db_url=db_url)

    assert asyncio.run(scenario()) == sw.Screened([{"text": sw.neutral_reply()}], erased=True)
    assert "c2" not in store.store
