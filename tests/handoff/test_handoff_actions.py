"""The handoff actions with rasa_sdk's real Tracker and CollectingDispatcher."""
from __future__ import annotations

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.handoff import ActionHandoffCallback, ActionHandoffCancel, ActionHandoffEscalate
from helpline import advisor_queue
from helpline.directory import hours


@pytest.fixture
def db(monkeypatch, sqlite_url: str) -> str:
    monkeypatch.setenv("HELPLINE_DB_URL", sqlite_url)
    return sqlite_url


def open_now(monkeypatch) -> None:
    """Within hours, with an advisor signed on: escalations are queued."""
    monkeypatch.setenv("HELPLINE_ADVISOR_HOURS", "mon-sun 00:00-24:00; hol 00:00-24:00")
    advisor_queue.sign_on("tester")


def closed_now(monkeypatch) -> None:
    # Open for one minute a week, at an hour chosen not to be now.
    from datetime import datetime
    day = (datetime.now(advisor_queue.LONDON).weekday() + 3) % 7
    monkeypatch.setenv("HELPLINE_ADVISOR_HOURS", f"{hours.LINE_DAYS[day]} 09:00-09:01")


def tracker(sender: str, *texts: str, channel: str = "rest", intent: str = "ask_human",
            slots: dict | None = None) -> Tracker:
    events = [{"event": "user", "text": t, "input_channel": channel,
               "parse_data": {"intent": {"name": intent, "confidence": 1.0}}} for t in texts]
    latest = {"text": texts[-1] if texts else "", "intent": {"name": intent}}
    return Tracker(sender, slots or {}, latest, events, False, None, {}, "action_listen")


def run(action, t: Tracker, domain: dict | None = None):
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, t, domain or {})
    return [m.get("text") or "" for m in dispatcher.messages], dispatcher.messages, events


def test_escalation_queues_with_place_and_meanwhile(db, monkeypatch) -> None:
    open_now(monkeypatch)
    run(ActionHandoffEscalate(), tracker("first", "can I talk to someone"))
    texts, _, events = run(ActionHandoffEscalate(), tracker(
        "second", "he had his hands round my neck", "I want a real person"))
    assert events == []
    assert "You are next in the queue." in texts[0]  # urgent goes before "first"
    assert "can't give you a reliable wait time" in texts[0]
    assert "999" in texts[1] and "0808 2000 247" in texts[1] and "55" in texts[1]
    order = [e.conversation_id for e in advisor_queue.waiting(db_url=db)]
    assert order == ["second", "first"]
    assert advisor_queue.waiting(db_url=db)[0].priority == "urgent"
    texts, _, _ = run(ActionHandoffEscalate(), tracker("first", "hello?"))
    assert "number 2 in the queue" in texts[0]


def test_escalation_when_held_says_advisor_is_here(db, monkeypatch) -> None:
    open_now(monkeypatch)
    run(ActionHandoffEscalate(), tracker("c1", "person please"))
    entry = advisor_queue.active_for("c1", db_url=db)
    assert advisor_queue.claim(entry.id, "ann", db_url=db)
    texts, _, _ = run(ActionHandoffEscalate(), tracker("c1", "person please"))
    assert texts == ["An advisor is already with you in this chat."]


def test_out_of_hours_web_chat_gives_next_time_and_helpline(db, monkeypatch) -> None:
    closed_now(monkeypatch)
    texts, _, events = run(ActionHandoffEscalate(), tracker("c2", "person please"),
                           {"forms": {"callback_form": {}}})
    assert "next available" in texts[0] and "0808 2000 247" in texts[0]
    assert events == [] and advisor_queue.waiting(db_url=db) == []


def test_out_of_hours_sms_starts_callback_form(db, monkeypatch) -> None:
    closed_now(monkeypatch)
    _, _, events = run(ActionHandoffEscalate(), tracker("c3", "person", channel="sms"),
                       {"forms": {"callback_form": {}}})
    assert events == [FollowupAction("callback_form")]


def test_callback_request_goes_to_queue(db) -> None:
    t = tracker("c4", "yes", channel="sms", slots={
        "callback_safe": True, "callback_method": "text", "callback_time": "weekday mornings"})
    texts, _, _ = run(ActionHandoffCallback(), t)
    assert "will text you" in texts[0]
    [entry] = advisor_queue.waiting(kind=advisor_queue.CALLBACK, db_url=db)
    assert (entry.callback_method, entry.callback_time) == ("text", "weekday mornings")


def test_callback_not_safe_stores_nothing(db) -> None:
    t = tracker("c5", "no", channel="sms", slots={"callback_safe": False})
    run(ActionHandoffCallback(), t)
    assert advisor_queue.waiting(kind=advisor_queue.CALLBACK, db_url=db) == []


def test_cancel_leaves_queue(db, monkeypatch) -> None:
    open_now(monkeypatch)
    run(ActionHandoffEscalate(), tracker("c7", "person"))
    run(ActionHandoffCancel(), tracker("c7", "never mind"))
    assert advisor_queue.waiting(db_url=db) == [] and advisor_queue.active_for("c7", db_url=db) is None
