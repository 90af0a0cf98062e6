"""Transfer and supervision (issue 16, part 4; helpline/console/supervision.py).

The queue functions run on real SQLite and PostgreSQL. The routes run in a real console
process; Rasa's HTTP API is a small real aiohttp server on loopback that keeps what the
console appends, so the tests see exactly what would reach the person (notices) and what
must not (a whisper). The whisper also runs in headless Chromium with two contexts.
"""
from __future__ import annotations

import json

import pytest
import requests

from helpline import advisor_queue, privacy
from helpline.console import notices

from .conftest import PASSWORD, Console, FakeRasa, logged_in, login

SECRET = "Ask her about the <b>locks</b> on the back door"


# ------------------------------------------------------------------------ queue functions

def test_transfer_only_to_a_colleague_signed_on(db_url: str) -> None:
    entry = advisor_queue.enqueue("t-1", "rest", ["weapons"], now=100.0, db_url=db_url)
    assert advisor_queue.claim(entry.id, "ann", now=110.0, db_url=db_url)
    assert not advisor_queue.transfer(entry.id, "ann", "bob", db_url=db_url)  # bob is not on
    assert not advisor_queue.transfer(entry.id, "ann", "ann", db_url=db_url)  # to oneself
    advisor_queue.sign_on("bob", db_url=db_url)
    assert not advisor_queue.transfer(entry.id, "carl", "bob", db_url=db_url)  # carl doesn't hold it
    assert advisor_queue.transfer(entry.id, "ann", "bob", db_url=db_url)
    moved = advisor_queue.get(entry.id, db_url)
    assert (moved.status, moved.claimed_by, moved.priority, moved.created_at,
            moved.claimed_at) == (advisor_queue.HELD, "bob", "urgent", 100.0, 110.0)
    assert not advisor_queue.transfer(entry.id, "ann", "bob", db_url=db_url)  # not ann's any more
    advisor_queue.sign_off("bob", db_url=db_url)  # bob may pass it on, but only to someone on
    assert not advisor_queue.transfer(entry.id, "bob", "ann", db_url=db_url)
    [note] = advisor_queue.staff_notes(entry.id, db_url=db_url)
    assert (note.kind, note.author, note.to_advisor, note.text) == (
        advisor_queue.TRANSFERRED, "ann", "bob", None)


def test_back_to_the_queue_keeps_priority_and_waiting_time(db_url: str) -> None:
    first = advisor_queue.enqueue("q-1", "rest", ["weapons"], now=100.0, db_url=db_url)
    advisor_queue.enqueue("q-2", "rest", [], now=50.0, db_url=db_url)
    later = advisor_queue.enqueue("q-3", "rest", ["weapons"], now=200.0, db_url=db_url)
    assert advisor_queue.claim(first.id, "ann", db_url=db_url)
    assert advisor_queue.place(advisor_queue.get(later.id, db_url), db_url) == 1
    assert advisor_queue.release(first.id, "ann", db_url)  # the console's "Leave: back to the queue"
    back = advisor_queue.get(first.id, db_url)
    assert (back.status, back.priority, back.created_at, back.claimed_by) == (
        advisor_queue.WAITING, "urgent", 100.0, None)
    assert advisor_queue.place(back, db_url) == 1  # ahead of the later urgent one, as before
    assert [e.id for e in advisor_queue.waiting(db_url=db_url)][:2] == [first.id, later.id]


def test_whisper_and_take_over_notes_live_only_with_the_conversation(db_url: str) -> None:
    entry = advisor_queue.enqueue("w-1", "rest", [], db_url=db_url)
    assert advisor_queue.whisper(entry.id, "sue", "hi", db_url=db_url) is None  # nobody holds it
    advisor_queue.claim(entry.id, "ann", db_url=db_url)
    for bad in ("", "   ", None, "x" * (advisor_queue.WHISPER_MAX + 1)):
        with pytest.raises(ValueError):
            advisor_queue.whisper(entry.id, "sue", bad, db_url=db_url)
    assert advisor_queue.whisper(entry.id, "sue", f"  {SECRET} ", db_url=db_url) == "ann"
    assert advisor_queue.take_over(entry.id, "ann", db_url=db_url) is None  # holds it already
    assert advisor_queue.take_over(entry.id, "sue", db_url=db_url) == "ann"
    assert advisor_queue.get(entry.id, db_url).claimed_by == "sue"
    assert advisor_queue.whisper(entry.id, "sue", "to myself", db_url=db_url) is None
    notes = advisor_queue.staff_notes(entry.id, db_url=db_url)
    assert [(n.kind, n.author, n.to_advisor, n.text) for n in notes] == [
        (advisor_queue.WHISPER, "sue", "ann", SECRET), (advisor_queue.TOOK_OVER, "sue", "ann", None)]
    assert [n.id for n in advisor_queue.staff_notes(entry.id, after=notes[0].id, db_url=db_url)] == [
        notes[1].id]
    assert advisor_queue.close(entry.id, "sue", "signposted", db_url=db_url)
    assert advisor_queue.staff_notes(entry.id, db_url=db_url) == []  # deleted at close

    erased = advisor_queue.enqueue("w-2", "rest", [], db_url=db_url)
    advisor_queue.claim(erased.id, "ann", db_url=db_url)
    advisor_queue.whisper(erased.id, "sue", SECRET, db_url=db_url)
    counts = privacy.erase("w-2", tracker_url=db_url, db_url=db_url)
    assert counts["handoff_whispers"] == 1
    assert advisor_queue.staff_notes(erased.id, db_url=db_url) == []


@pytest.mark.parametrize("name", ["", "A" * 30])
def test_the_transferred_notice_fits_an_sms_and_ends_with_999(name: str) -> None:
    from bot.channels import sms_text

    text = notices.text(notices.TRANSFERRED, name)
    assert sms_text.is_gsm7(text) and sms_text.segments(text) <= 2
    assert text.endswith(notices.IN_DANGER)
    assert text.startswith(f"{name}, another advisor," if name else "Another advisor")
    assert notices.TRANSFERRED in notices.SHOWN  # the outbox and web chat keep the kind


# --------------------------------------------------------------- the console, over HTTP

def signed_on(open_console: Console, name: str):
    session, token = login(open_console.url, name, PASSWORD)
    reply = session.post(open_console.url + "/api/shift", json={"on": True}, timeout=10,
                         headers={"X-CSRF-Token": token})
    assert reply.status_code == 200
    return session, {"X-CSRF-Token": token}


def audit_of(open_console: Console, entry_id: int) -> list[tuple[str, str]]:
    return sorted((a.actor, a.action) for a in advisor_queue.audit_log(1000, open_console.db_url)
                  if a.entry_id == entry_id)


def test_transfer_over_http_tells_the_person(open_console: Console, rasa: FakeRasa) -> None:
    from helpline.console import auth

    entry = advisor_queue.enqueue("http-transfer", "rest", ["stalking"], db_url=open_console.db_url)
    ann, ann_h = signed_on(open_console, "ann")
    bob, bob_h = signed_on(open_console, "bob")
    auth.set_first_name("bob", "Bob", open_console.db_url)
    url = f"{open_console.url}/api/c/{entry.id}/transfer"
    assert ann.post(url, json={"to": "bob"}, headers=ann_h,
                    timeout=10).status_code == 409  # not holding it yet
    assert ann.post(f"{open_console.url}/api/c/{entry.id}/claim", headers=ann_h,
                    timeout=10).status_code == 200
    for body, status, words in (({"to": "ann"}, 400, "choose a colleague"),
                                ({"to": "sue"}, 409, "sue is not signed on"),
                                ({"to": 5}, 400, "must name a colleague"), ({}, 400, "must")):
        reply = ann.post(url, json=body, headers=ann_h, timeout=10)
        assert reply.status_code == status and words in reply.json()["error"], body
    reply = ann.post(url, json={"to": "bob"}, headers=ann_h, timeout=10)
    assert reply.json() == {"status": "held", "claimed_by": "bob", "told": True}
    # Bob has it at once: his queue shows it held by him, and he can reply.
    snapshot = bob.get(open_console.url + "/api/queue", timeout=10).json()
    [row] = [e for e in snapshot["entries"] if e["id"] == entry.id]
    assert (row["claimed_by"], row["priority"]) == ("bob", "high")
    state = bob.get(f"{open_console.url}/api/c/{entry.id}/transcript", timeout=10).json()
    assert state["label"] == "With you" and state["can"]["reply"]
    assert ann.post(url, json={"to": "bob"}, headers=ann_h, timeout=10).status_code == 409
    # The person is told on their latest channel, with Bob's first name and 999.
    [joined, moved] = rasa.notices("http-transfer")
    assert joined["metadata"] == {"notice": "joined"}
    assert moved["metadata"] == {"notice": "transferred"}
    assert moved["text"] == notices.text(notices.TRANSFERRED, "Bob")
    assert ("ann", "transfer") in audit_of(open_console, entry.id)
    assert ("bob", "transfer_received") in audit_of(open_console, entry.id)
    auth.set_first_name("bob", "", open_console.db_url)


def notes_stream(session: requests.Session, url: str, names: set[str]) -> list[dict]:
    """Read the notes stream until events of every name in ``names`` came; return them."""
    got: list[dict] = []
    with session.get(url, stream=True, timeout=10) as reply:
        assert reply.status_code == 200
        name = None
        for line in reply.iter_lines(decode_unicode=True):
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                got.append({"event": name, "data": json.loads(line[6:])})
                if names <= {g["event"] for g in got}:
                    return got
    raise AssertionError("the stream ended early")


def test_whisper_and_take_over_over_http(open_console: Console, rasa: FakeRasa) -> None:
    entry = advisor_queue.enqueue("http-whisper", "rest", [], db_url=open_console.db_url)
    advisor_queue.claim(entry.id, "ann", db_url=open_console.db_url)
    sue, sue_token = login(open_console.url, "sue", PASSWORD)
    sue_h = {"X-CSRF-Token": sue_token}
    bob, bob_token = login(open_console.url, "bob", PASSWORD)
    base = f"{open_console.url}/api/c/{entry.id}"
    for action in ("whisper", "take-over"):  # advisors can't
        reply = bob.post(f"{base}/{action}", json={"text": "hi"}, timeout=10,
                         headers={"X-CSRF-Token": bob_token})
        assert reply.status_code == 403 and reply.json() == {"error": "Supervisors only."}
    for bad in ({"text": ""}, {"text": 5}, {"text": "x" * 501}):
        assert sue.post(f"{base}/whisper", json=bad, headers=sue_h,
                        timeout=10).status_code == 400
    reply = sue.post(f"{base}/whisper", json={"text": SECRET}, headers=sue_h, timeout=10)
    assert reply.json() == {"status": "sent", "to": "ann"}

    # The holder's notes stream carries it; an advisor not holding it gets no notes.
    ann, _ = login(open_console.url, "ann", PASSWORD)
    [note] = [g["data"] for g in notes_stream(ann, f"{open_console.url}/events/c/{entry.id}/notes",
                                              {"note"}) if g["event"] == "note"]
    assert (note["author"], note["to"], note["text"]) == ("sue", "ann", SECRET)
    others = notes_stream(bob, f"{open_console.url}/events/c/{entry.id}/notes", {"colleagues"})
    assert [g["event"] for g in others] == ["colleagues"]
    # Never to the person: nothing was sent to Rasa for this conversation.
    assert not [a for a in rasa.appended if a[0] == "http-whisper"]

    taken = sue.post(f"{base}/take-over", headers=sue_h, timeout=10)
    assert taken.json() == {"status": "held", "claimed_by": "sue", "taken_from": "ann",
                            "told": True}
    assert advisor_queue.get(entry.id, open_console.db_url).claimed_by == "sue"
    state = ann.get(f"{base}/transcript", timeout=10).json()
    assert state["label"] == "With sue" and not state["can"]["reply"]
    assert [n["metadata"]["notice"] for n in rasa.notices("http-whisper")] == [
        "transferred"]
    assert SECRET not in json.dumps(rasa.appended)
    assert sue.post(f"{base}/take-over", headers=sue_h, timeout=10).status_code == 409
    assert sue.post(f"{base}/whisper", json={"text": "x"}, headers=sue_h,
                    timeout=10).status_code == 409  # she holds it herself
    assert audit_of(open_console, entry.id) == [("sue", "take_over"), ("sue", "whisper")]
    assert SECRET not in repr([vars(a) for a in advisor_queue.audit_log(1000, open_console.db_url)])


# ------------------------------------------------------------------- headless Chromium

def page_for(browser, open_console: Console, name: str, path: str):
    tab = logged_in(browser, open_console, name)
    tab.goto(open_console.url + path)
    return tab


def test_whisper_in_the_browser(browser, open_console: Console, rasa: FakeRasa) -> None:
    """A supervisor's private note reaches the advisor's page, never the transcript; a
    take-over shows on the advisor's page at once."""
    entry = advisor_queue.enqueue("browser-whisper", "rest", [], db_url=open_console.db_url)
    advisor_queue.claim(entry.id, "ann", db_url=open_console.db_url)
    errors: list[str] = []
    ann = page_for(browser, open_console, "ann", f"/c/{entry.id}")
    sue = page_for(browser, open_console, "sue", f"/c/{entry.id}")
    for tab in (ann, sue):
        tab.on("pageerror", lambda e: errors.append(str(e)))
    assert ann.locator("#supervise").count() == 0  # no supervisor controls for ann
    sue.wait_for_selector("#whisper-text:enabled", timeout=10000)
    sue.fill("#whisper-text", SECRET)
    sue.click("#whisper-form button")
    sue.wait_for_selector("#message:has-text('Private note sent to ann.')", timeout=10000)
    ann.wait_for_selector("#whispers li", timeout=10000)
    assert ann.locator("#whispers li .text").inner_text() == SECRET  # text, not HTML
    assert ann.locator("#whispers li b").inner_text() == "sue to ann:"
    assert ann.locator("#whispers b").count() == 1  # the <b> in the note stayed text
    assert ann.is_hidden("#no-whispers")
    assert SECRET not in ann.locator("#transcript").inner_text()
    assert not [a for a in rasa.appended if a[0] == "browser-whisper"]

    sue.click("#take-over")
    ann.wait_for_selector("#status:text('With sue')", timeout=10000)
    ann.wait_for_selector("#message:has-text('sue now has this conversation')",
                          timeout=10000)
    ann.wait_for_selector("#whispers li.take_over", timeout=10000)
    assert ann.is_disabled("#reply textarea") and ann.is_disabled("#transfer-to")
    sue.wait_for_selector("#status:text('With you')", timeout=10000)
    assert sue.is_enabled("#reply textarea") and sue.is_disabled("#take-over")
    assert errors == []
    assert {("sue", "take_over"), ("sue", "whisper")} <= set(audit_of(open_console, entry.id))


def test_transfer_in_the_browser(browser, open_console: Console) -> None:
    """Ann picks Bob (signed on) from the transfer menu; Bob's queue shows it as his."""
    entry = advisor_queue.enqueue("browser-transfer", "rest", [], db_url=open_console.db_url)
    advisor_queue.claim(entry.id, "ann", db_url=open_console.db_url)
    signed_on(open_console, "bob")
    ann = page_for(browser, open_console, "ann", f"/c/{entry.id}")
    bob = page_for(browser, open_console, "bob", "/")
    ann.wait_for_selector("#transfer-to option[value=bob]", state="attached",
                          timeout=10000)
    assert ann.locator("#transfer-to option[value=ann]").count() == 0
    assert ann.is_disabled("#transfer button")  # nobody chosen yet
    ann.select_option("#transfer-to", "bob")
    ann.click("#transfer button")
    ann.wait_for_selector("#message:has-text('Transferred to bob.')", timeout=10000)
    ann.wait_for_selector("#status:text('With bob')", timeout=10000)
    assert ann.is_disabled("#reply textarea") and ann.is_disabled("#transfer-to")
    bob.wait_for_selector(f"#held tr[data-entry='{entry.id}'] td[data-col=status]"
                          ":text('With you')", timeout=10000)


# ------------------------------------------------- the whole stack: the person's outbox

def test_transfer_reaches_the_persons_outbox_and_a_whisper_never_does(handoff_stack) -> None:
    """Real Rasa, action server and console: the person on the REST channel is told of the
    transfer in their outbox; a whisper reaches neither their outbox nor their tracker."""
    from tests.conftest import RestClient

    from .test_handoff_e2e import escalate, outbox_notices, tracker

    stack, console = handoff_stack, handoff_stack.console
    person = "supervision-person"
    cid = privacy.pseudonymise("rest", person)
    rest = RestClient(stack.rasa_url)
    assert rest.texts(person, "hello")
    escalate(stack, cid)
    entry = advisor_queue.active_for(cid, db_url=stack.db_url)
    ann, ann_h = signed_on(console, "ann")
    bob, bob_h = signed_on(console, "bob")
    assert ann.post(f"{console.url}/api/c/{entry.id}/claim", headers=ann_h,
                    timeout=10).status_code == 200
    moved = ann.post(f"{console.url}/api/c/{entry.id}/transfer", json={"to": "bob"},
                     headers=ann_h, timeout=10)
    assert moved.json() == {"status": "held", "claimed_by": "bob", "told": True}
    told = outbox_notices(stack, person)
    assert [n["notice"] for n in told] == ["joined", "transferred"]
    assert told[1]["text"] == notices.text(notices.TRANSFERRED)
    assert tracker(stack, cid)["paused"] is True  # still with a person: the bot stays quiet
    assert rest.send(person, "ok thanks") == []

    # A supervisor whispers to Bob.
    from helpline.console import auth

    auth.create_user("sup", PASSWORD, "supervisor", stack.db_url)
    sup, sup_token = login(console.url, "sup", PASSWORD)
    whispered = sup.post(f"{console.url}/api/c/{entry.id}/whisper", json={"text": SECRET},
                         headers={"X-CSRF-Token": sup_token}, timeout=10)
    assert whispered.json() == {"status": "sent", "to": "bob"}
    reply = bob.post(f"{console.url}/api/c/{entry.id}/reply", json={"text": "Hello again"},
                     headers=bob_h, timeout=10)
    assert reply.status_code == 200
    events = json.dumps(tracker(stack, cid)["events"])
    assert "Hello again" in events and SECRET not in events
    outbox = requests.get(f"{stack.rasa_url}/webhooks/rest/outbox", timeout=10,
                          params={"sender": person, "after": 0}).json()
    assert "Hello again" in json.dumps(outbox) and SECRET not in json.dumps(outbox)
    for session, h in ((ann, ann_h), (bob, bob_h)):
        session.post(console.url + "/api/shift", json={"on": False}, headers=h, timeout=10)
