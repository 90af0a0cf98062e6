"""The queue on real SQLite and PostgreSQL databases: order, place, claim, close, erasure."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import datetime

import pytest
from sqlalchemy import text

from helpline import advisor_queue, privacy, settings
from helpline.directory.hours import LONDON


def test_priority_then_waiting_time(db_url: str) -> None:
    advisor_queue.enqueue("a", "rest", [], now=100, db_url=db_url)
    advisor_queue.enqueue("b", "rest", ["pregnancy"], now=200, db_url=db_url)
    advisor_queue.enqueue("c", "rest", ["strangulation"], now=300, db_url=db_url)
    advisor_queue.enqueue("d", "rest", ["stalking"], now=150, db_url=db_url)
    order = [e.conversation_id for e in advisor_queue.waiting(db_url=db_url)]
    assert order == ["c", "d", "b", "a"]
    places = {e.conversation_id: advisor_queue.place(e, db_url) for e in advisor_queue.waiting(db_url=db_url)}
    assert places == {"c": 1, "d": 2, "b": 3, "a": 4}


def test_asking_again_keeps_place_and_raises_priority(db_url: str) -> None:
    first = advisor_queue.enqueue("a", "rest", [], now=100, db_url=db_url)
    advisor_queue.enqueue("b", "rest", [], now=200, db_url=db_url)
    again = advisor_queue.enqueue("a", "rest", ["weapons"], now=300, db_url=db_url)
    assert again.id == first.id and again.created_at == 100
    assert again.priority == "urgent"
    assert len(advisor_queue.waiting(db_url=db_url)) == 2


def test_claim_is_exclusive_under_concurrency(db_url: str) -> None:
    entry = advisor_queue.enqueue("a", "rest", [], db_url=db_url)
    advisor_queue.engine(db_url)  # tables exist before the race
    barrier = threading.Barrier(12)
    wins: list[str] = []

    def take(name: str) -> None:
        barrier.wait()
        if advisor_queue.claim(entry.id, name, db_url=db_url):
            wins.append(name)

    threads = [threading.Thread(target=take, args=(f"adv{i}",)) for i in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(wins) == 1
    held = advisor_queue.get(entry.id, db_url)
    assert held.status == advisor_queue.HELD and held.claimed_by == wins[0]


def test_hand_back_then_close(db_url: str) -> None:
    entry = advisor_queue.enqueue("a", "sms", [], db_url=db_url)
    assert advisor_queue.claim(entry.id, "ann", db_url=db_url)
    assert not advisor_queue.hand_back(entry.id, "bob", db_url=db_url)  # not bob's
    assert advisor_queue.hand_back(entry.id, "ann", db_url=db_url)
    assert advisor_queue.get(entry.id, db_url).status == advisor_queue.WITH_BOT
    assert advisor_queue.claim(entry.id, "ann", db_url=db_url)  # can be picked up again
    with pytest.raises(ValueError):
        advisor_queue.close(entry.id, "ann", "made_up", db_url=db_url)
    with pytest.raises(ValueError):
        advisor_queue.close(entry.id, "ann", "signposted", "x" * 501, db_url=db_url)
    assert advisor_queue.close(entry.id, "ann", "signposted", "Gave refuge numbers", db_url=db_url)
    closed = advisor_queue.get(entry.id, db_url)
    assert (closed.status, closed.outcome, closed.note) == ("closed", "signposted",
                                                            "Gave refuge numbers")
    assert advisor_queue.live(db_url) == []


def test_erasure_deletes_the_persons_entries(db_url: str, tmp_path) -> None:
    tracker = f"sqlite:///{tmp_path / 'tracker.db'}"
    entry = advisor_queue.enqueue("secret-conv", "sms", ["weapons"], db_url=db_url)
    advisor_queue.claim(entry.id, "ann", db_url=db_url)
    advisor_queue.enqueue("secret-conv", "sms", [], kind=advisor_queue.CALLBACK, callback_method="text",
                  callback_time="mornings", db_url=db_url)
    other = advisor_queue.enqueue("other", "rest", [], db_url=db_url)
    counts = privacy.erase("secret-conv", tracker_url=tracker, db_url=db_url)
    assert counts["handoff_queue"] == 2
    assert advisor_queue.get(entry.id, db_url) is None
    again = advisor_queue.enqueue("new-conv", "rest", [], db_url=db_url)
    assert again.id > other.id  # an erased entry's number is never reused
    with advisor_queue.engine(db_url).connect() as connection:
        rows = connection.execute(text(
            "SELECT count(*) FROM handoff_queue WHERE conversation_id = 'secret-conv' "
            "OR callback_time IS NOT NULL")).scalar_one()
    assert rows == 0
    assert advisor_queue.get(other.id, db_url).status == advisor_queue.WAITING
    assert not advisor_queue.claim(entry.id, "bob", db_url=db_url)


def test_erasure_works_in_a_process_that_never_imported_the_queue(tmp_path) -> None:
    import subprocess
    import sys

    db_url = f"sqlite:///{tmp_path / 'ours.db'}"
    advisor_queue.enqueue("gone-conv", "rest", [], db_url=db_url)
    code = ("import sys; from helpline import privacy; "
            "assert 'helpline.advisor_queue' not in sys.modules; "
            f"privacy.erase('gone-conv', tracker_url='sqlite:///{tmp_path / 't.db'}', "
            f"db_url='{db_url}')")
    subprocess.run([sys.executable, "-c", code], check=True)
    assert advisor_queue.active_for("gone-conv", db_url=db_url) is None


def test_erased_bytes_gone_from_sqlite_file(tmp_path) -> None:
    db_url = f"sqlite:///{tmp_path / 'ours.db'}"
    advisor_queue.enqueue("conv-zebra-1234", "sms", [], kind=advisor_queue.CALLBACK,
                  callback_method="call", callback_time="after-nine-quokka", db_url=db_url)
    advisor_queue.leave("conv-zebra-1234", db_url)
    privacy.scrub(advisor_queue.engine(db_url), ["handoff_queue"])
    raw = (tmp_path / "ours.db").read_bytes()
    assert b"quokka" not in raw and b"conv-zebra-1234" not in raw


def test_estimate_is_none_without_history_then_from_claim_rate(sqlite_url: str) -> None:
    assert advisor_queue.estimate_minutes(3, db_url=sqlite_url) is None
    now = 10_000.0
    for i in range(4):
        entry = advisor_queue.enqueue(f"c{i}", "rest", [], now=now - 3000, db_url=sqlite_url)
        advisor_queue.claim(entry.id, "ann", now=now - 2400 + i * 600, db_url=sqlite_url)
    low, high = advisor_queue.estimate_minutes(2, now=now, db_url=sqlite_url)
    # 4 claims over 40 minutes: one every 10 minutes, so place 2 is about 20 minutes.
    assert low <= 20 <= high and high - low <= 25


def test_audit_log(sqlite_url: str) -> None:
    advisor_queue.audit("ann", "open", 7, db_url=sqlite_url)
    entry = advisor_queue.audit_log(db_url=sqlite_url)[0]
    assert (entry.actor, entry.action, entry.entry_id) == ("ann", "open", 7)


def test_figures(sqlite_url: str) -> None:
    advisor_queue.enqueue("a", "rest", ["weapons"], now=100, db_url=sqlite_url)
    b = advisor_queue.enqueue("b", "rest", [], now=100, db_url=sqlite_url)
    advisor_queue.claim(b.id, "ann", now=150, db_url=sqlite_url)
    figures = advisor_queue.figures(now=200, db_url=sqlite_url)
    assert figures.waiting == {"urgent": 1, "high": 0, "normal": 0}
    assert figures.held == 1 and figures.oldest_waiting_at == 100
    assert advisor_queue.figures(now=300, db_url=sqlite_url) == figures  # nothing changed: the same


def at(text_: str) -> datetime:
    return datetime.fromisoformat(text_).replace(tzinfo=LONDON)


def test_opening_hours_and_bank_holidays(monkeypatch) -> None:
    monkeypatch.setenv("HELPLINE_ADVISOR_HOURS", "mon-fri 09:00-17:00; sat 10:00-13:00")
    assert advisor_queue.is_open(at("2026-05-05T09:00"))  # Tuesday
    assert not advisor_queue.is_open(at("2026-05-05T17:00"))
    assert not advisor_queue.is_open(at("2026-05-04T10:00"))  # bank holiday Monday
    assert advisor_queue.next_open(at("2026-05-02T14:00")) == at("2026-05-05T09:00")
    assert advisor_queue.describe_time(at("2026-05-05T09:00"), at("2026-05-02T14:00")) == \
        "on Tuesday 5 May at 9am"
    assert advisor_queue.describe_time(at("2026-05-02T10:30"), at("2026-05-01T20:00")) == \
        "tomorrow at 10:30am"


def test_bank_holidays_come_from_a_maintained_calendar(monkeypatch) -> None:
    """England and Wales, every year (the old file ended in 2027), as GOV.UK lists them."""
    monkeypatch.setenv("HELPLINE_ADVISOR_HOURS", "mon-fri 09:00-17:00; sat 10:00-13:00")
    assert not advisor_queue.is_open(at("2030-08-26T10:00"))  # summer bank holiday 2030
    assert not advisor_queue.is_open(at("2031-12-25T10:00"))  # Christmas Day, a Thursday
    assert advisor_queue.is_open(at("2030-08-27T10:00"))
    # Boxing Day 2026 is a Saturday: the bank holiday is the Monday after, as on GOV.UK.
    assert advisor_queue.is_open(at("2026-12-26T10:00"))
    assert not advisor_queue.is_open(at("2026-12-28T10:00"))
    assert advisor_queue.next_open(at("2026-12-24T18:00")) == at("2026-12-26T10:00")
    assert advisor_queue.next_open(at("2026-12-26T14:00")) == at("2026-12-29T09:00")


def test_hours_on_bank_holidays_are_given_by_hol(monkeypatch) -> None:
    monkeypatch.setenv("HELPLINE_ADVISOR_HOURS", "mon-fri 09:00-17:00; hol 10:00-14:00")
    christmas = "2026-12-25"  # a Friday
    assert not advisor_queue.is_open(at(f"{christmas}T09:30"))
    assert advisor_queue.is_open(at(f"{christmas}T10:00"))
    assert not advisor_queue.is_open(at(f"{christmas}T14:00"))
    assert advisor_queue.next_open(at(f"{christmas}T08:00")) == at(f"{christmas}T10:00")


def test_open_all_day_with_24_00(monkeypatch) -> None:
    monkeypatch.setenv("HELPLINE_ADVISOR_HOURS", "mon-sun 00:00-24:00; hol 00:00-24:00")
    late = datetime.fromisoformat("2026-05-05T23:59:59").replace(tzinfo=LONDON)
    for moment in (at("2026-05-05T00:00"), late, at("2026-12-25T12:00")):
        assert advisor_queue.is_open(moment)
        assert advisor_queue.next_open(moment) == moment
    monkeypatch.setenv("HELPLINE_ADVISOR_HOURS", "fri 18:00-24:00; sat 00:00-02:00")
    assert advisor_queue.is_open(at("2026-05-08T23:30")) and advisor_queue.is_open(at("2026-05-09T01:30"))
    assert not advisor_queue.is_open(at("2026-05-09T02:00"))


def test_london_time_across_clock_change(monkeypatch) -> None:
    monkeypatch.setenv("HELPLINE_ADVISOR_HOURS", "mon-sun 09:00-17:00")
    summer_utc = datetime.fromisoformat("2026-07-01T08:30+00:00")  # 09:30 in London
    assert advisor_queue.is_open(summer_utc)


@pytest.mark.parametrize("spec,words", [
    ("weekdays 9-5", "write e.g. 'mon-fri 09:00-17:00"),
    ("mon-fri 09:00:00-17:00", "write e.g."),
    ("fri-mon 09:00-17:00", "days mon to sun"),
    ("mon-fri 09:00-24:30", "times from 00:00 to 24:00"),
    (";", "No opening hours"),
    ("mon-fri 17:00-09:00", "closes at 09:00, before it opens at 17:00"),
    ("mon-fri 17:00-09:00", "for hours past midnight, write two blocks"),
    ("sat 10:00-10:00", "an empty opening time"),
    ("mon-fri 24:00-24:00", "an empty opening time"),
])
def test_bad_hours_are_a_clear_error(monkeypatch, spec: str, words: str) -> None:
    monkeypatch.setenv("HELPLINE_ADVISOR_HOURS", spec)
    with pytest.raises(ValueError) as error:
        advisor_queue.opening_hours()
    assert str(error.value).startswith("HELPLINE_ADVISOR_HOURS: ") and words in str(error.value)


def test_bad_hours_stop_the_action_server_at_start_up() -> None:
    """Refused when the action server loads our actions, so no escalation ever meets them."""
    load = ("from rasa_sdk.executor import ActionExecutor; "
            "ActionExecutor().register_package('bot.actions'); print('loaded')")
    env = {**os.environ, "HELPLINE_ADVISOR_HOURS": "mon-fri 17:00-09:00"}
    bad = subprocess.run([sys.executable, "-c", load], env=env, capture_output=True, text=True,
                         cwd=settings.ROOT, timeout=120)
    assert bad.returncode != 0 and "loaded" not in bad.stdout
    assert "HELPLINE_ADVISOR_HOURS: Bad opening hours 'mon-fri 17:00-09:00': it closes at " \
        "09:00, before it opens at 17:00" in bad.stderr
    env["HELPLINE_ADVISOR_HOURS"] = "mon-sun 00:00-24:00"
    good = subprocess.run([sys.executable, "-c", load], env=env, capture_output=True, text=True,
                          cwd=settings.ROOT, timeout=120)
    assert good.returncode == 0 and "loaded" in good.stdout, good.stderr[-2000:]


def test_typing_flags_expire_and_clear(db_url: str) -> None:
    advisor_queue.set_typing("t", advisor_queue.PERSON, now=100, db_url=db_url)
    assert advisor_queue.typing_at("t", advisor_queue.PERSON, now=102, db_url=db_url) == 100
    assert advisor_queue.typing_at("t", advisor_queue.ADVISOR, now=102, db_url=db_url) is None
    assert advisor_queue.typing_at("t", advisor_queue.PERSON, now=100 + advisor_queue.TYPING_SECONDS,
                           db_url=db_url) is None  # stale
    advisor_queue.set_typing("t", advisor_queue.PERSON, now=110, db_url=db_url)
    advisor_queue.set_typing("t", advisor_queue.PERSON, False, db_url=db_url)  # the message was sent
    assert advisor_queue.typing_at("t", advisor_queue.PERSON, now=111, db_url=db_url) is None
    with pytest.raises(ValueError):
        advisor_queue.set_typing("t", "bot", db_url=db_url)


def test_typing_flags_are_erased_with_the_conversation(sqlite_url: str, tmp_path) -> None:
    advisor_queue.set_typing("gone", advisor_queue.ADVISOR, db_url=sqlite_url)
    counts = privacy.erase("gone", tracker_url=f"sqlite:///{tmp_path / 't.db'}",
                           db_url=sqlite_url)
    assert counts["handoff_typing"] == 1
    assert advisor_queue.typing_at("gone", advisor_queue.ADVISOR, db_url=sqlite_url) is None
