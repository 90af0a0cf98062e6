"""Telegram: the person is told in their chat when an advisor joins, leaves, hands back and
closes (helpline/console/notices.py).

The real Rasa server with the Telegram channel (channel_stack), pointed at the recording fake
of Telegram's Bot API (fake_api.py), and a real console process on the same database. The
console sends each notice as a bot event through Rasa's HTTP API on the person's latest
channel; the test reads what reached the fake Bot API's sendMessage for the person's chat.
The SMS version of this is tests/handoff/test_notices_sms.py; the web chat's is in
tests/handoff/test_handoff_browser.py.
"""
from __future__ import annotations

import pytest

from helpline import advisor_queue
from helpline.console import auth, notices
from tests.handoff.conftest import PASSWORD, Console, login
from tests.helpers import wait_for

from .conftest import ChannelStack
from .test_telegram_e2e import chat_id, cid, text

ADVISOR = "tess"


@pytest.fixture(scope="module")
def console(channel_console: Console) -> Console:
    """The channel stack's console, with the advisor who claims the chat."""
    auth.create_user(ADVISOR, PASSWORD, "advisor", channel_console.db_url)
    return channel_console


def test_telegram_person_is_told_when_an_advisor_joins_leaves_hands_back_and_closes(
        channel_stack: ChannelStack, console: Console, monkeypatch: pytest.MonkeyPatch) -> None:
    chat = chat_id()
    assert channel_stack.telegram(text(chat, "hello")).status_code == 200
    assert channel_stack.api.texts_to_chat(chat)  # the bot answered: the chat is known
    entry = advisor_queue.enqueue(cid(chat, monkeypatch), "telegram", [], db_url=console.db_url)
    session, token = login(console.url, ADVISOR, PASSWORD)
    headers = {"X-CSRF-Token": token}
    api = f"{console.url}/api/c/{entry.id}"

    def act(action: str, kind: str, status: str, name: str = "", **body: object) -> None:
        """Do ``action`` in the console; the chat gets exactly the notice of ``kind``."""
        before = len(channel_stack.api.texts_to_chat(chat))
        reply = session.post(f"{api}/{action}", json=body, headers=headers, timeout=30)
        assert reply.json() == {"status": status, "told": True}, reply.text
        sent = wait_for(lambda: channel_stack.api.texts_to_chat(chat)[before:], 15)
        assert sent == [notices.text(kind, name)]

    act("claim", notices.JOINED, advisor_queue.HELD)
    act("release", notices.LEFT, advisor_queue.WAITING)
    act("claim", notices.JOINED, advisor_queue.HELD)
    act("handback", notices.HANDED_BACK, advisor_queue.WITH_BOT)
    # With a first name set, the person is told who joined.
    named = session.post(f"{console.url}/api/me/name", json={"first_name": "Tess"},
                         headers=headers, timeout=10)
    assert named.status_code == 200, named.text
    act("claim", notices.JOINED, advisor_queue.HELD, "Tess")
    act("close", notices.CLOSED, advisor_queue.CLOSED, outcome="signposted")
    assert advisor_queue.get(entry.id, console.db_url).status == advisor_queue.CLOSED
    # Every notice went to this chat only, as a plain message (no buttons).
    notes = [c for c in channel_stack.api.telegram("sendMessage", chat)
             if c.fields.get("text") in {notices.text(k, n) for k, n in (
                 (notices.JOINED, ""), (notices.LEFT, ""), (notices.HANDED_BACK, ""),
                 (notices.JOINED, "Tess"), (notices.CLOSED, ""))}]
    assert len(notes) == 6 and not any("reply_markup" in c.fields for c in notes)
