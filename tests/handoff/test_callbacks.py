"""Callbacks you can work (helpline/console/callbacks.py): due time, attempted, done, and the
stored number shown only to the advisor working the callback, each viewing audited."""
from __future__ import annotations

import re
from datetime import datetime

import yaml

from bot.channels import channel_store
from helpline import advisor_queue, settings
from helpline.console import callbacks, records
from helpline.directory.hours import LONDON

from .conftest import PASSWORD, Console, login

NUMBER = "+447700900123"  # Ofcom's drama range: never a real line


def request_callback(conversation: str, db_url: str) -> advisor_queue.QueueEntry:
    """What the SMS channel and the callback form store (bot/actions/handoff.py)."""
    channel_store.remember_address(conversation, "sms", NUMBER, db_url)
    return advisor_queue.enqueue(conversation, "sms", [], kind=advisor_queue.CALLBACK, callback_method="call",
                         callback_time="weekday mornings", db_url=db_url)


def test_due_time_and_attempts_in_the_database(db_url: str) -> None:
    entry = request_callback("cb-db", db_url)
    opening = advisor_queue.next_open(datetime.fromtimestamp(entry.created_at, LONDON))
    assert entry.callback_due_at == (opening.timestamp() if opening else None)
    assert advisor_queue.get(entry.id, db_url).callback_attempts == 0
    assert not advisor_queue.callback_attempted(entry.id, "ann", db_url=db_url)  # not held by ann
    assert advisor_queue.claim(entry.id, "ann", db_url=db_url)
    assert not advisor_queue.callback_attempted(entry.id, "bob", db_url=db_url)
    assert advisor_queue.callback_attempted(entry.id, "ann", db_url=db_url)
    found = advisor_queue.get(entry.id, db_url)
    assert (found.status, found.claimed_by, found.callback_attempts) == (advisor_queue.WAITING, None, 1)
    assert found.callback_attempted_at is not None


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def test_a_callback_from_request_to_done(console: Console) -> None:
    entry = request_callback("cb-console", console.db_url)
    page = f"{console.url}/callbacks/{entry.id}"
    ann, ann_token = login(console.url, "ann", PASSWORD)
    bob, bob_token = login(console.url, "bob", PASSWORD)

    # The queue lists it with its due time and attempts; the page opens.
    listed = [e for e in ann.get(console.url + "/api/queue", timeout=10).json()["entries"]
              if e["id"] == entry.id][0]
    assert listed["callback_due_at"] == entry.callback_due_at
    assert listed["callback_attempts"] == 0
    opened = ann.get(page, timeout=10)
    assert opened.status_code == 200 and "weekday mornings" in opened.text
    assert NUMBER not in opened.text and 'id="take"' in opened.text

    # Nobody sees the number before taking the callback.
    refused = ann.post(page + "/number", data={"csrf": ann_token}, timeout=10)
    assert refused.status_code == 409 and NUMBER not in refused.text
    assert ann.post(page + "/take", data={"csrf": ann_token}, timeout=10).status_code == 200
    assert advisor_queue.get(entry.id, console.db_url).claimed_by == "ann"
    other = bob.post(page + "/number", data={"csrf": bob_token}, timeout=10)
    assert other.status_code == 409 and NUMBER not in other.text
    assert NUMBER not in bob.get(page, timeout=10).text
    assert NUMBER not in ann.get(page, timeout=10).text  # only when asked

    shown = ann.post(page + "/number", data={"csrf": ann_token}, timeout=10)
    assert shown.status_code == 200 and NUMBER in shown.text
    views = [a for a in advisor_queue.audit_log(500, console.db_url) if a.action == callbacks.VIEWED]
    assert [(a.actor, a.entry_id) for a in views] == [("ann", entry.id)]
    for row in advisor_queue.audit_log(500, console.db_url):
        assert NUMBER not in f"{row.actor} {row.action} {row.entry_id}"
        assert "7700900123" not in f"{row.actor} {row.action}"

    # Attempted: one more attempt, and back in the list for the next try.
    assert ann.post(page + "/attempted", data={"csrf": ann_token}, timeout=10).ok
    found = advisor_queue.get(entry.id, console.db_url)
    assert (found.status, found.callback_attempts) == (advisor_queue.WAITING, 1)
    assert "1 (last at" in ann.get(page, timeout=10).text

    # Bob takes the next try and is done; Ann can no longer see the number.
    assert bob.post(page + "/take", data={"csrf": bob_token}, timeout=10).ok
    assert ann.post(page + "/number", data={"csrf": ann_token}, timeout=10).status_code == 409
    assert bob.post(page + "/number", data={"csrf": bob_token}, timeout=10).ok
    bad = bob.post(page + "/done", data={"csrf": bob_token, "outcome": "nope"}, timeout=10)
    assert bad.status_code == 400 and "Choose an outcome" in bad.text
    done = bob.post(page + "/done", data={"csrf": bob_token, "outcome": "signposted",
                                          "notes": "Reached them."}, timeout=10)
    assert done.ok and "This callback is finished: Signposted" in done.text
    assert advisor_queue.get(entry.id, console.db_url).status == advisor_queue.CLOSED
    record = records.for_entry(entry.id, console.db_url)
    assert (record.kind, record.advisor, record.outcome) == ("callback", "bob", "signposted")
    views = [a for a in advisor_queue.audit_log(500, console.db_url) if a.action == callbacks.VIEWED]
    assert sorted((a.actor, a.entry_id) for a in views) == [("ann", entry.id), ("bob", entry.id)]
    assert bob.post(page + "/number", data={"csrf": bob_token}, timeout=10).status_code == 409
    with open(console._log.name, encoding="utf-8", errors="replace") as log:
        assert "7700900123" not in log.read()


def test_a_chat_is_not_a_callback_and_erased_numbers_are_said(console: Console) -> None:
    chat = advisor_queue.enqueue("cb-chat", "rest", [], db_url=console.db_url)
    ann, token = login(console.url, "ann", PASSWORD)
    assert ann.get(f"{console.url}/callbacks/{chat.id}", timeout=10).status_code == 404
    entry = advisor_queue.enqueue("cb-erased", "sms", [], kind=advisor_queue.CALLBACK, callback_method="text",
                          db_url=console.db_url)  # no address stored
    page = f"{console.url}/callbacks/{entry.id}"
    assert ann.post(page + "/take", data={"csrf": token}, timeout=10).ok
    shown = ann.post(page + "/number", data={"csrf": token}, timeout=10)
    assert shown.ok and "No number is stored" in shown.text


# ------------------------------------------------------------------ the web chat's typed number

TYPED = "020 7946 0000"  # Ofcom's drama range for London: valid, never a real line


def test_uk_numbers_only_mobiles_and_landlines() -> None:
    assert advisor_queue.uk_number(TYPED) == advisor_queue.uk_number("+44 20 7946 0000") == "+442079460000"
    for bad in ("999", "0808 2000 247", "+33 1 23 45 67 89", "call me", "", None,
                "0" * 40):
        assert advisor_queue.uk_number(bad) is None, bad


def form_tracker(sender: str, channel: str):
    from rasa_sdk import Tracker

    events = [{"event": "user", "text": "x", "input_channel": channel}]
    return Tracker(sender, {"callback_safe": True}, {"text": "x"}, events, False, None,
                   {"name": "callback_form"}, "action_listen")


# The real domain's form and slots, as the action server is given them.
FORM_DOMAIN = {key: value for key, value in yaml.safe_load(
    (settings.ROOT / "domain.yml").read_text()).items() if key in ("forms", "slots")}


def test_web_chat_form_asks_for_a_number_and_keeps_it_only_in_our_table(
        db_url: str, monkeypatch) -> None:
    import asyncio

    from rasa_sdk.executor import CollectingDispatcher

    from bot.actions.handoff import ValidateCallbackForm, callback_offered
    from helpline import privacy

    monkeypatch.setenv("HELPLINE_DB_URL", db_url)
    form = ValidateCallbackForm()
    required = FORM_DOMAIN["forms"]["callback_form"]["required_slots"]
    web = asyncio.run(form.required_slots(required, CollectingDispatcher(),
                                          form_tracker("wc-1", "rest"), FORM_DOMAIN))
    assert web == ["callback_safe", "callback_number", "callback_method", "callback_time"]
    assert asyncio.run(form.required_slots(required, CollectingDispatcher(),
                                           form_tracker("wc-1", "sms"), FORM_DOMAIN)) == [
        "callback_safe", "callback_method", "callback_time"]  # SMS has its own number
    # Without the slot in the domain the web chat is not offered the form (as before).
    assert callback_offered("rest", FORM_DOMAIN) and callback_offered("sms", FORM_DOMAIN)
    assert not callback_offered("rest", {"forms": FORM_DOMAIN["forms"]})

    dispatcher = CollectingDispatcher()
    assert form.validate_callback_number("12345", dispatcher, form_tracker("wc-1", "rest"),
                                         FORM_DOMAIN) == {"callback_number": None}
    assert "UK mobile or landline" in dispatcher.messages[0]["text"]
    dispatcher = CollectingDispatcher()  # "999" is read as danger: the 999 reply, and it ends
    assert form.validate_callback_number("999", dispatcher, form_tracker("wc-1", "rest"),
                                         FORM_DOMAIN)["callback_number"] == "none"
    assert dispatcher.messages[0]["response"] == "utter_danger"
    assert advisor_queue.callback_number("wc-1", db_url) is None
    assert form.validate_callback_number(TYPED, CollectingDispatcher(),
                                         form_tracker("wc-1", "rest"), FORM_DOMAIN) == {
        "callback_number": "given"}  # the slot (and so the tracker) never holds it
    assert advisor_queue.callback_number("wc-1", db_url) == "+442079460000"
    privacy.erase("wc-1", tracker_url=db_url, db_url=db_url)
    assert advisor_queue.callback_number("wc-1", db_url) is None


def test_web_chat_callback_number_shown_to_the_taker(console: Console) -> None:
    advisor_queue.keep_callback_number("wc-console", "+442079460000", db_url=console.db_url)
    entry = advisor_queue.enqueue("wc-console", "rest", [], kind=advisor_queue.CALLBACK,
                          callback_method="call", callback_time="after 6pm",
                          db_url=console.db_url)
    ann, token = login(console.url, "ann", PASSWORD)
    page = f"{console.url}/callbacks/{entry.id}"
    assert ann.post(page + "/take", data={"csrf": token}, timeout=10).ok
    shown = ann.post(page + "/number", data={"csrf": token}, timeout=10)
    assert shown.ok and "+442079460000" in shown.text and "typed in the web chat" in shown.text
