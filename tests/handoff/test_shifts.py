"""Shifts: the queue is offered only while someone is signed on within the hours; otherwise
the out-of-hours route and a missed count; people still waiting when the last advisor signs
off are told once (a real console process; Rasa is a small recording HTTP server)."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
import requests
from rasa_sdk.events import FollowupAction

from bot.actions import handoff
from bot.actions.handoff import ActionHandoffEscalate
from bot.channels import sms_text
from helpline import advisor_queue, stats
from helpline.console import shifts
from helpline.webchat import phone_links
from tests.helpers import wait_for

from .conftest import ALL_DAY, Console, FakeRasa, login
from .test_handoff_actions import closed_now, run, tracker


def open_now(monkeypatch) -> None:
    """Within the hours (all day), with nobody signed on."""
    monkeypatch.setenv("HELPLINE_ADVISOR_HOURS", ALL_DAY)


@pytest.fixture
def db(monkeypatch, sqlite_url: str) -> str:
    monkeypatch.setenv("HELPLINE_DB_URL", sqlite_url)
    return sqlite_url


# ------------------------------------------------------------------- the escalation

def test_nobody_signed_on_gets_the_out_of_hours_route_and_is_missed(db, monkeypatch) -> None:
    open_now(monkeypatch)
    assert shifts.line(db)["missed"] == 0
    texts, _, events = run(ActionHandoffEscalate(), tracker("alone", "can I talk to someone"))
    assert "not available at the moment" in texts[0] and handoff.HELPLINE in texts[0]
    assert "999" in texts[0] and events == []
    assert advisor_queue.active_for("alone", db_url=db) is None  # never queued to wait for nobody
    line = shifts.line(db)
    assert line["open"] is False and line["in_hours"] is True and line["missed"] == 1
    # On SMS the callback offer follows, as out of hours.
    texts, _, events = run(ActionHandoffEscalate(), tracker("sms-alone", "a person", channel="sms"),
                           {"forms": {"callback_form": {}}})
    assert events == [FollowupAction("callback_form")] and "contact you" in texts[1]
    assert shifts.line(db)["missed"] == 2
    # Unmet demand for the commissioners: two requests on hours with nobody signed on.
    asked = stats.figures(date.today(), date.today(), db_url=db).counts["escalation"]
    assert asked == {"no_advisor": {stats.NOT_GIVEN: 2}}


def test_signed_on_within_hours_is_queued(db, monkeypatch) -> None:
    open_now(monkeypatch)
    assert advisor_queue.sign_on("ann", db_url=db) and not advisor_queue.sign_on("ann", db_url=db)
    texts, _, _ = run(ActionHandoffEscalate(), tracker("queued", "can I talk to someone"))
    assert "You are next in the queue." in texts[0]
    assert advisor_queue.active_for("queued", db_url=db).status == advisor_queue.WAITING
    asked = stats.figures(date.today(), date.today(), db_url=db).counts["escalation"]
    assert asked == {"queued": {stats.NOT_GIVEN: 1}}
    assert shifts.line(db) == {"open": True, "in_hours": True, "signed_on": ["ann"],
                               "missed": 0, "closed_since": None}


def test_signed_on_out_of_hours_still_gets_the_route(db, monkeypatch) -> None:
    closed_now(monkeypatch)
    advisor_queue.sign_on("ann", db_url=db)
    texts, _, _ = run(ActionHandoffEscalate(), tracker("late", "can I talk to someone"))
    assert "next available" in texts[0] and advisor_queue.active_for("late", db_url=db) is None
    assert shifts.line(db)["missed"] == 1


def test_missed_counts_restart_when_the_line_opens_again(db, monkeypatch) -> None:
    open_now(monkeypatch)
    advisor_queue.record_missed(now=10, db_url=db)
    assert shifts.line(db, now=20)["missed"] == 1
    advisor_queue.sign_on("ann", now=30, db_url=db)
    assert shifts.line(db, now=40)["open"]
    advisor_queue.sign_off("ann", now=50, db_url=db)
    closed = shifts.line(db, now=60)
    assert closed["missed"] == 0 and closed["closed_since"] == 60
    advisor_queue.record_missed(now=70, db_url=db)
    assert shifts.line(db, now=80)["missed"] == 1


def test_the_closing_notice_gives_the_out_of_hours_route(monkeypatch) -> None:
    # Closed now, and back on a day with a long name: the longest "next available".
    monkeypatch.setattr(advisor_queue, "next_open", lambda: datetime(2026, 12, 30, 10, 30,
                                                             tzinfo=advisor_queue.LONDON))
    closed_now(monkeypatch)
    text = shifts.finished_text("sms")
    assert "finished for now" in text and handoff.HELPLINE in text and "999" in text
    assert "next available on Wednesday 30 December at 10:30am" in text
    assert "ask for a person" in text and "ask for a person" not in shifts.finished_text("rest")
    assert sms_text.is_gsm7(text) and sms_text.segments(text) <= 2
    assert {tel for _, _, tel in phone_links(text)} == {"tel:999", "tel:+448082000247"}
    assert shifts.finished_event("rest")["metadata"] == {"notice": shifts.FINISHED}


# ---------------------------------------------------------------------- the console

def shift(session: requests.Session, console: Console, csrf: str, on: Any) -> requests.Response:
    return session.post(console.url + "/api/shift", json={"on": on}, timeout=10,
                        headers={"X-CSRF-Token": csrf})


def test_last_advisor_signing_off_tells_the_waiting_once(open_console: Console, rasa: FakeRasa,
                                                         monkeypatch) -> None:
    monkeypatch.setenv("HELPLINE_ADVISOR_HOURS", ALL_DAY)
    ann, csrf = login(open_console.url, "ann", "correct horse battery staple")
    reply = shift(ann, open_console, csrf, True)
    assert reply.status_code == 200 and reply.json()["line"]["open"] is True
    assert ann.get(open_console.url + "/api/queue", timeout=10).json()["line"]["signed_on"] == ["ann"]
    waiting = advisor_queue.enqueue("waiting-at-close", "rest", [], db_url=open_console.db_url)
    reply = shift(ann, open_console, csrf, False)
    assert reply.status_code == 200 and reply.json()["line"]["open"] is False
    assert reply.json()["line"]["in_hours"] is True
    told = rasa.notices("waiting-at-close", shifts.FINISHED)
    assert len(told) == 1 and "finished for now" in told[0]["text"]
    assert rasa.appended[-1][2].get("output_channel") == "latest"  # sent to the person
    assert advisor_queue.get(waiting.id, open_console.db_url).closing_told_at is not None
    # Signing on and off again, and the watcher's later passes, tell nobody twice.
    shift(ann, open_console, csrf, True)
    shift(ann, open_console, csrf, False)
    advisor_queue.enqueue("second-waiting", "rest", [], db_url=open_console.db_url)  # arrives while closed
    wait_for(lambda: rasa.notices("second-waiting", shifts.FINISHED))
    assert len(rasa.notices("waiting-at-close", shifts.FINISHED)) == 1
    # Audited without any conversation content or entry number.
    actions = [(a.actor, a.action, a.entry_id) for a in advisor_queue.audit_log(20, open_console.db_url)
               if a.action.startswith("sign_")]
    assert actions[:4] == [("ann", "sign_off", None), ("ann", "sign_on", None)] * 2
    # The banner's data: closed, nobody on.
    line = ann.get(open_console.url + "/api/queue", timeout=10).json()["line"]
    assert line["open"] is False and line["signed_on"] == []


def test_shift_route_checks_its_input_and_the_csrf_token(open_console: Console) -> None:
    sue, csrf = login(open_console.url, "sue", "correct horse battery staple")
    for bad in ("yes", 1, None):
        reply = shift(sue, open_console, csrf, bad)
        assert reply.status_code == 400 and "sign on" in reply.json()["error"]
    assert sue.post(open_console.url + "/api/shift", data="[", timeout=10,
                    headers={"X-CSRF-Token": csrf}).status_code == 400
    assert sue.post(open_console.url + "/api/shift", json={"on": True}, timeout=10).status_code == 403
    assert shift(sue, open_console, csrf, True).json()["signed_on"] is True  # supervisors too
    assert shift(sue, open_console, csrf, False).json()["signed_on"] is False


def test_a_shift_ends_when_its_session_does(open_console: Console) -> None:
    bob, csrf = login(open_console.url, "bob", "correct horse battery staple")
    shift(bob, open_console, csrf, True)
    assert "bob" in advisor_queue.signed_on(open_console.db_url)
    bob.post(open_console.url + "/logout", headers={"X-CSRF-Token": csrf}, timeout=10)
    assert shifts.end_orphan_shifts(open_console.db_url) in (["bob"], [])  # or the watcher did
    wait_for(lambda: "bob" not in advisor_queue.signed_on(open_console.db_url))
    assert any(a.actor == "system:bob" and a.action == "sign_off"
               for a in advisor_queue.audit_log(50, open_console.db_url))
