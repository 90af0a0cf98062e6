"""Replayed Telegram updates: the secret token is the same on every request, so a captured
update can be sent again under a new update_id. A message (chat and message id) or button
press (callback query id) is taken once; after /exit a replay brings nothing back.
"""
from __future__ import annotations

import time

import pytest
from telegram import Bot, Update

from tests import figures

from .conftest import BOT_TOKEN, NEUTRAL_REPLY, ChannelStack
from .test_telegram_e2e import _ids, chat_id, cid, text

SECRET = "kq7731"


def press(chat: int, payload: str) -> dict:
    data = {"update_id": next(_ids), "callback_query": {
        "id": str(next(_ids)), "chat_instance": "1", "data": payload,
        "from": {"id": chat, "is_bot": False, "first_name": "A"},
        "message": {"message_id": 5, "date": int(time.time()), "text": "x",
                    "chat": {"id": chat, "type": "private"}}}}
    return Update.de_json(data, Bot(BOT_TOKEN)).to_dict()


def test_replays_under_a_new_update_id_are_refused_after_exit(
        channel_stack: ChannelStack, monkeypatch: pytest.MonkeyPatch) -> None:
    chat = chat_id()
    conversation = cid(chat, monkeypatch)
    message = text(chat, f"we hit each other {SECRET}")  # asked who: buttons
    assert channel_stack.telegram(message).status_code == 200
    keyboard = [c for c in channel_stack.api.telegram("sendMessage", chat)
                if "reply_markup" in c.fields][0]
    button = press(chat, keyboard.fields["reply_markup"]["inline_keyboard"][0][0]
                   ["callback_data"])
    assert channel_stack.telegram(button).status_code == 200
    assert channel_stack.telegram(text(chat, "/exit")).status_code == 200
    assert channel_stack.api.texts_to_chat(chat)[-1] == NEUTRAL_REPLY
    assert not channel_stack.tracker_rows(conversation)
    sent = len(channel_stack.api.calls)

    for update in (message, button):
        replay = {**update, "update_id": next(_ids)}
        reply = channel_stack.telegram(replay)
        figures.record(figures.FORGED, int(reply.status_code < 400), 1)
        assert reply.status_code == 403, reply.text
        assert channel_stack.telegram(update).status_code == 200  # Telegram's own retry
    assert len(channel_stack.api.calls) == sent, "nothing sent, answered or deleted"
    assert not channel_stack.tracker_rows(conversation)
    for table in ("channel_contacts", "telegram_messages"):
        assert not channel_stack.our_rows(table, conversation)
    assert SECRET.encode() not in channel_stack.db_bytes()


def test_a_replay_before_exit_is_refused_too(channel_stack: ChannelStack,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    chat = chat_id()
    message = text(chat, "hello")
    assert channel_stack.telegram(message).status_code == 200
    sent = len(channel_stack.api.texts_to_chat(chat))
    replay = {**message, "update_id": next(_ids)}
    status = channel_stack.telegram(replay).status_code
    figures.record(figures.FORGED, int(status < 400), 1)
    assert status == 403
    assert len(channel_stack.api.texts_to_chat(chat)) == sent
    users = [r for r in channel_stack.tracker_rows(cid(chat, monkeypatch)) if r[0] == "user"]
    assert len(users) == 1
