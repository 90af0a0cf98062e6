"""action_handoff_wait ("how long will I have to wait?") with rasa_sdk's real Tracker and
CollectingDispatcher against a real SQLite queue."""
from __future__ import annotations

import time

from rasa_sdk.executor import ActionExecutor

from bot.actions.handoff import (
    FAILURE,
    ActionHandoffCallback,
    ActionHandoffEscalate,
    ActionHandoffWait,
)
from helpline import advisor_queue

from .test_handoff_actions import db, open_now, run, tracker  # noqa: F401 - db is a fixture


def ask(sender: str, channel: str = "rest"):
    return run(ActionHandoffWait(), tracker(sender, "how long will I have to wait?",
                                            channel=channel, intent="ask_wait"))


def test_queued_gives_place_estimate_and_what_to_do(db, monkeypatch) -> None:  # noqa: F811
    open_now(monkeypatch)
    run(ActionHandoffEscalate(), tracker("w1", "can I talk to someone"))
    run(ActionHandoffEscalate(), tracker("w2", "a person please"))
    texts, messages, events = ask("w2")
    assert events == []
    assert texts[0] == ("You are number 2 in the queue. I can't give you a reliable wait "
                        "time right now.")
    assert "keep writing" in texts[1] and "999" in texts[1] and "55" in texts[1]
    assert all(not m.get("buttons") for m in messages)
    texts, _, _ = ask("w1")
    assert texts[0].startswith("You are next in the queue.")
    # Asking does not change the queue; the place told is remembered, so the console's
    # place notice doesn't repeat it.
    assert [e.conversation_id for e in advisor_queue.waiting(db_url=db)] == ["w1", "w2"]
    assert [(e.place_told, e.place_told_at is not None)
            for e in advisor_queue.waiting(db_url=db)] == [(1, True), (2, True)]


def test_queued_with_recent_claims_gives_minutes(db, monkeypatch) -> None:  # noqa: F811
    open_now(monkeypatch)
    now = time.time()
    for index, ago in enumerate((2700, 2000, 1000)):  # advisors took three in the last hour
        entry = advisor_queue.enqueue(f"old-{index}", "rest", now=now - 3000, db_url=db)
        assert advisor_queue.claim(entry.id, "ann", now=now - ago, db_url=db)
    run(ActionHandoffEscalate(), tracker("w3", "person please"))
    texts, _, _ = ask("w3")
    # One claim every 15 minutes: next in the queue waits about 7 to 23 minutes.
    assert texts[0] == "You are next in the queue. The wait may be about 7 to 23 minutes."


def test_not_queued_says_so_and_offers_a_person(db) -> None:  # noqa: F811
    texts, messages, events = ask("w4")
    assert events == [] and len(messages) == 1
    assert "not waiting for an advisor" in texts[0]
    assert messages[0]["buttons"] == [{"title": "Talk to a person", "payload": "/ask_human"}]
    assert "0808" not in texts[0]  # no signposting
    assert advisor_queue.live(db_url=db) == []


def test_handed_back_to_the_bot_is_not_queued(db, monkeypatch) -> None:  # noqa: F811
    open_now(monkeypatch)
    run(ActionHandoffEscalate(), tracker("w5", "person please"))
    entry = advisor_queue.active_for("w5", db_url=db)
    assert advisor_queue.claim(entry.id, "ann", db_url=db) and advisor_queue.hand_back(entry.id, "ann", db_url=db)
    _, messages, _ = ask("w5")
    assert messages[0]["buttons"][0]["payload"] == "/ask_human"


def test_held_says_an_advisor_is_here(db, monkeypatch) -> None:  # noqa: F811
    open_now(monkeypatch)
    run(ActionHandoffEscalate(), tracker("w6", "person please"))
    assert advisor_queue.claim(advisor_queue.active_for("w6", db_url=db).id, "ann", db_url=db)
    texts, _, _ = ask("w6")
    assert texts == ["An advisor is already with you in this chat."]


def test_a_callback_request_is_not_the_chat_queue(db) -> None:  # noqa: F811
    run(ActionHandoffCallback(), tracker("w7", "yes", channel="sms", slots={
        "callback_safe": True, "callback_method": "call", "callback_time": "mornings"}))
    texts, messages, _ = ask("w7", channel="sms")
    assert "will call you at the time you gave" in texts[0] and "999" in texts[0]
    assert not messages[0].get("buttons")


def test_a_database_error_gives_the_failure_text(monkeypatch, tmp_path) -> None:
    # A real SQLite URL that can't be opened: the directory does not exist.
    monkeypatch.setenv("HELPLINE_DB_URL", f"sqlite:///{tmp_path / 'missing' / 'helpline.db'}")
    texts, messages, events = ask("w8")
    assert texts == [FAILURE] and events == []
    assert "999" in FAILURE and "0808 2000 247" in FAILURE


def test_the_action_server_registers_it() -> None:
    executor = ActionExecutor()
    executor.register_package("bot.actions")
    assert "action_handoff_wait" in executor.actions
    assert {"action_handoff_escalate", "action_handoff_cancel"} <= set(executor.actions)
