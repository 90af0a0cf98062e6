"""Danger gets 999 on SMS and Telegram whatever state the conversation is in (issue 11).

The safety rule: a message saying the person is in danger now is always answered with the
999 line, first. An adversarial run over the REST channel once found states where it was not
(typed answers of the callback form, the answer to "set a safety word", a chat an advisor
holds); this file drives the same states, and the others a person can reach, through the two
channels that were never probed: signed Twilio webhooks and Telegram webhook updates into
the real Rasa server and action server (``channel_stack``), with replies read from the
loopback fake of Twilio's and Telegram's APIs (fake_api.py).

Decisions:
- One test, parametrised over channel x state. Each state is put in place by talking to the
  bot as a person would (a button is pressed as the channel presses it: a numbered reply on
  SMS, a callback query on Telegram), and is checked to be reached before the danger message
  is sent, so a case can't pass by testing a different state than it names.
- What counts as the 999 reply: the first reply to the danger message starts with "If you
  are in danger now, call 999." and tells the silent-call route ("press 55"). Merely
  "contains 999" would pass wrongly: the greeting and the out-of-hours answer mention 999
  too, and they are what a misread danger message gets.
- The callback form is reached as tests/channels/test_sms_callback.py reaches it: asking for
  a person while no advisor is signed on (or out of hours) starts it on SMS and Telegram.
  These channels have the person's number, so the form never asks for one
  (``validate_callback_form.required_slots``); its first question, "is it safe for us to
  call or text this number?", is the number question here.
- Waiting in the queue and held by an advisor need the line open, which depends on the
  clock (advisor hours) for the escalation action; so, as tests/channels/
  test_telegram_notices.py does, the entry is queued with ``advisor_queue.enqueue`` while an advisor
  is signed on, and for "held" a real console process claims it (which pauses the bot
  through Rasa's HTTP API, as in production).
- Quick exit is "exit" on SMS (STOP opts out of all texts instead, and Twilio would block
  the reply) and /exit on Telegram.
- Beyond the states: a Telegram message edited into a danger message. It got only "Sorry, I
  can't read edited messages" (no 999) until the channel read edited messages like new ones.
"""
from __future__ import annotations

import itertools
import re
import time
from typing import Callable, Iterator

import pytest
import requests
from telegram import Bot, Update

from helpline import advisor_queue
from helpline.console import auth
from tests.handoff.conftest import PASSWORD, Console, login

from . import test_sms_e2e as sms
from . import test_telegram_e2e as tg
from .conftest import BOT_TOKEN, NEUTRAL_REPLY, ChannelStack

DANGER_LINE = "If you are in danger now, call 999."
ADVISOR = "dana"


class Person:
    """Someone writing to the helpline on one channel; `replies()` is what reached them."""

    def __init__(self, stack: ChannelStack, channel: str,
                 monkeypatch: pytest.MonkeyPatch) -> None:
        self.stack, self.channel = stack, channel
        if channel == "sms":
            self.number = sms.phone()
            self.conversation_id = sms.cid(self.number, monkeypatch)
        else:
            self.chat = tg.chat_id()
            self.conversation_id = tg.cid(self.chat, monkeypatch)

    def replies(self) -> list[str]:
        if self.channel == "sms":
            return self.stack.api.sms_to(self.number)
        return self.stack.api.texts_to_chat(self.chat)

    def say(self, words: str) -> list[str]:
        """Send a message; the replies it got."""
        before = len(self.replies())
        if self.channel == "sms":
            answer = self.stack.sms(self.number, words)
        else:
            answer = self.stack.telegram(tg.text(self.chat, words))
        assert answer.status_code == 200, answer.text
        return self.replies()[before:]

    def press(self, title: str) -> list[str]:
        """Choose the button `title` of the bot's last buttons, as the channel does it."""
        if self.channel == "sms":
            for _ in range(3):  # the options may be in the rest of a long reply
                option = re.search(rf"^(\d+) {re.escape(title)}$", self.replies()[-1], re.M)
                if option:
                    return self.say(option.group(1))
                self.say("more")
            raise AssertionError(f"no option {title!r} in {self.replies()[-1]!r}")
        keyboards = [c.fields["reply_markup"]["inline_keyboard"]
                     for c in self.stack.api.telegram("sendMessage", self.chat)
                     if "reply_markup" in c.fields]
        [payload] = [b["callback_data"] for row in keyboards[-1] for b in row
                     if b["text"] == title]
        press = {"update_id": next(tg._ids), "callback_query": {
            "id": str(next(tg._ids)), "chat_instance": "1", "data": payload,
            "from": {"id": self.chat, "is_bot": False, "first_name": "A"},
            "message": {"message_id": next(tg._ids), "date": int(time.time()), "text": "x",
                        "chat": {"id": self.chat, "type": "private"}}}}
        Update.de_json(press, Bot(BOT_TOKEN))  # a well-formed update
        before = len(self.replies())
        assert self.stack.telegram(press).status_code == 200
        return self.replies()[before:]


@pytest.fixture(scope="module")
def console(channel_console: Console) -> Console:
    """The channel stack's console, with an advisor who can sign on."""
    auth.create_user(ADVISOR, PASSWORD, "advisor", channel_console.db_url)
    return channel_console


@pytest.fixture
def advisor_on(channel_stack: ChannelStack) -> Iterator[str]:
    """An advisor signed on for this test only (other tests expect nobody on)."""
    db_url = f"sqlite:///{channel_stack.our_db}"
    advisor_queue.sign_on(ADVISOR, db_url=db_url)
    try:
        yield db_url
    finally:
        advisor_queue.sign_off(ADVISOR, db_url=db_url)


# ------------------------------------------------------------------------------ the states

def greeted(person: Person, _: pytest.FixtureRequest) -> None:
    assert "safe for you to talk" in " ".join(person.say("hello"))
    assert person.press("Yes, it's safe"), "the bot answered the button"


def asked_if_safe_to_contact(person: Person, request: pytest.FixtureRequest) -> None:
    greeted(person, request)
    asked = " ".join(person.say("can i talk to a person"))
    assert "safe for us to call or text this number" in asked, asked


def asked_call_or_text(person: Person, request: pytest.FixtureRequest) -> None:
    asked_if_safe_to_contact(person, request)
    assert "a call or a text" in " ".join(person.say("yes"))


def asked_safe_time(person: Person, request: pytest.FixtureRequest) -> None:
    asked_call_or_text(person, request)
    assert "safe time" in " ".join(person.say("text"))


def callback_requested(person: Person, request: pytest.FixtureRequest) -> None:
    asked_safe_time(person, request)
    assert "An advisor will text you" in " ".join(person.say("weekday mornings"))


def asked_for_safety_word(person: Person, _: pytest.FixtureRequest) -> None:
    person.say("hello")
    asked = " ".join(person.say("set a safety word"))
    assert "safety word" in asked.lower() and "is set" not in asked, asked


def waiting_in_queue(person: Person, request: pytest.FixtureRequest) -> None:
    db_url = request.getfixturevalue("advisor_on")
    person.say("hello")
    entry = advisor_queue.enqueue(person.conversation_id, person.channel, [], db_url=db_url)
    assert entry.status == advisor_queue.WAITING and entry.claimed_by is None


def held_by_advisor(person: Person, request: pytest.FixtureRequest) -> None:
    console = request.getfixturevalue("console")
    waiting_in_queue(person, request)
    entry = advisor_queue.active_for(person.conversation_id, db_url=console.db_url)
    session, token = login(console.url, ADVISOR, PASSWORD)
    claimed = session.post(f"{console.url}/api/c/{entry.id}/claim", timeout=30,
                           headers={"X-CSRF-Token": token})
    assert claimed.json()["status"] == advisor_queue.HELD, claimed.text
    tracker = requests.get(f"{person.stack.rasa_url}/conversations/"
                           f"{person.conversation_id}/tracker", timeout=30).json()
    assert tracker["paused"] is True
    assert person.say("are you there?") == [], "the bot is silent while the advisor holds it"


def erased_by_safety_word(person: Person, _: pytest.FixtureRequest) -> None:
    person.say("hello")
    person.say("set a safety word")
    assert person.say("Bluebell Tango")[-1].startswith("Your safety word is set")
    assert person.say("bluebell tango") == [NEUTRAL_REPLY]
    assert not person.stack.tracker_rows(person.conversation_id)


def erased_by_quick_exit(person: Person, _: pytest.FixtureRequest) -> None:
    person.say("hello")
    assert person.say("exit" if person.channel == "sms" else "/exit") == [NEUTRAL_REPLY]
    assert not person.stack.tracker_rows(person.conversation_id)


def fresh(person: Person, _: pytest.FixtureRequest) -> None:
    assert not person.replies()


State = Callable[[Person, pytest.FixtureRequest], None]
STATES: dict[str, tuple[State, str]] = {  # the state, and the danger message sent in it
    "fresh": (fresh, "hes outside with a knife"),
    "after-greeting-and-yes": (greeted, "he's strangling me"),
    "callback-safe-to-contact-question": (asked_if_safe_to_contact, "help he's got a knife"),
    "callback-call-or-text-question": (asked_call_or_text, "hes outside with a knife"),
    "callback-safe-time-question": (asked_safe_time, "he's strangling me"),
    "callback-requested": (callback_requested, "help he's got a knife"),
    "asked-for-safety-word": (asked_for_safety_word, "hes outside with a knife"),
    "waiting-in-queue": (waiting_in_queue, "help he's got a knife"),
    "held-by-advisor": (held_by_advisor, "he's strangling me"),
    "after-safety-word-erased": (erased_by_safety_word, "hes outside with a knife"),
    "after-quick-exit": (erased_by_quick_exit, "help he's got a knife"),
    "slash-message": (fresh, "/greet hes got a knife"),
}
@pytest.mark.parametrize("channel, state", list(itertools.product(("sms", "telegram"), STATES)))
def test_danger_gets_999(channel_stack: ChannelStack, monkeypatch: pytest.MonkeyPatch,
                         request: pytest.FixtureRequest, channel: str, state: str) -> None:
    person = Person(channel_stack, channel, monkeypatch)
    put_in_state, danger = STATES[state]
    put_in_state(person, request)
    replies = person.say(danger)  # the channels send replies before answering the webhook
    assert replies and replies[0].startswith(DANGER_LINE) and "press 55" in replies[0], replies


def test_danger_in_an_edited_telegram_message_gets_999(channel_stack: ChannelStack) -> None:
    """A person who edits a message they sent into a danger message (Telegram only)."""
    chat = tg.chat_id()
    first = tg.text(chat, "hello")
    channel_stack.telegram(first)
    before = len(channel_stack.api.texts_to_chat(chat))
    edited = tg.update(chat, kind="edited_message", text="help he's got a knife",
                       edit_date=int(time.time()))
    edited["edited_message"]["message_id"] = first["message"]["message_id"]
    assert channel_stack.telegram(edited).status_code == 200
    replies = channel_stack.api.texts_to_chat(chat)[before:]
    assert replies and replies[0].startswith(DANGER_LINE) and "press 55" in replies[0], replies
