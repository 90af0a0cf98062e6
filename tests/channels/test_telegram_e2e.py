"""Telegram end to end: webhook updates into the real Rasa server, calls to a fake Bot API."""
from __future__ import annotations

import random
import sqlite3
import time
from typing import Any

import pytest
from telegram import Bot, Update

from bot.channels.telegram import HELP_TEXT
from helpline import privacy

from .conftest import BOT_TOKEN, ID_SECRET, NEUTRAL_REPLY, USED_IDS, ChannelStack

DANGER = "he's outside with a knife"
_ids = iter(range(random.randint(10**6, 10**7), 10**9))


def chat_id() -> int:
    chat = random.randint(10**9, 9 * 10**9)
    USED_IDS.append(str(chat))
    return chat


def cid(chat: int, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("HELPLINE_ID_SECRET", ID_SECRET)
    return privacy.pseudonymise("telegram", str(chat))


def update(chat: int, kind: str = "message", **message: Any) -> dict[str, Any]:
    """Bot API JSON for an update, checked by building a real telegram.Update from it."""
    body = {"message_id": next(_ids), "date": int(time.time()),
            "chat": {"id": chat, "type": "private", "first_name": "A"},
            "from": {"id": chat, "is_bot": False, "first_name": "A"}, **message}
    data = {"update_id": next(_ids), kind: body}
    parsed = Update.de_json(data, Bot(BOT_TOKEN))
    assert parsed.update_id == data["update_id"]
    return parsed.to_dict()


def text(chat: int, words: str) -> dict[str, Any]:
    return update(chat, text=words)


def test_message_gets_a_reply(channel_stack: ChannelStack,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    chat = chat_id()
    assert channel_stack.telegram(text(chat, "hello")).status_code == 200
    sent = channel_stack.api.telegram("sendMessage", chat)
    assert sent and all(call.fields["text"] for call in sent)
    assert any("reply_markup" in call.fields for call in sent), "buttons become a keyboard"
    assert channel_stack.tracker_rows(cid(chat, monkeypatch))


def test_danger_phrase_gives_999_and_55(channel_stack: ChannelStack) -> None:
    chat = chat_id()
    channel_stack.telegram(text(chat, DANGER))
    texts = channel_stack.api.texts_to_chat(chat)
    assert texts[0].startswith("If you are in danger now, call 999.")
    assert "press 55" in texts[0]


@pytest.mark.parametrize("secret", [None, "", "wrong-secret"])
def test_wrong_or_missing_secret_is_refused(channel_stack: ChannelStack,
                                            secret: str | None) -> None:
    chat = chat_id()
    assert channel_stack.telegram(text(chat, "hello"), secret=secret).status_code == 403
    assert not channel_stack.api.telegram("sendMessage", chat)


def test_duplicate_update_id_is_processed_once(channel_stack: ChannelStack,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    chat = chat_id()
    data = text(chat, "hello")
    channel_stack.telegram(data)
    first = len(channel_stack.api.telegram("sendMessage", chat))
    assert channel_stack.telegram(data).status_code == 200
    assert len(channel_stack.api.telegram("sendMessage", chat)) == first
    users = [r for r in channel_stack.tracker_rows(cid(chat, monkeypatch)) if r[0] == "user"]
    assert len(users) == 1


def test_button_press_is_answered_and_handled(channel_stack: ChannelStack,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    chat = chat_id()
    channel_stack.telegram(text(chat, "hello"))
    keyboard = [c for c in channel_stack.api.telegram("sendMessage", chat)
                if "reply_markup" in c.fields][0]
    payload = keyboard.fields["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    press = {"update_id": next(_ids), "callback_query": {
        "id": str(next(_ids)), "chat_instance": "1", "data": payload,
        "from": {"id": chat, "is_bot": False, "first_name": "A"},
        "message": {"message_id": 5, "date": int(time.time()), "text": "x",
                    "chat": {"id": chat, "type": "private"}}}}
    Update.de_json(press, Bot(BOT_TOKEN))
    before = len(channel_stack.api.telegram("sendMessage", chat))
    assert channel_stack.telegram(press).status_code == 200
    assert any(c.method == "answerCallbackQuery" for c in channel_stack.api.calls)
    assert len(channel_stack.api.telegram("sendMessage", chat)) > before
    users = [r[1] for r in channel_stack.tracker_rows(cid(chat, monkeypatch)) if r[0] == "user"]
    assert payload in users[-1]


@pytest.mark.parametrize("kind", ["sticker", "photo"])
def test_messages_without_text_get_a_polite_reply(channel_stack: ChannelStack,
                                                  kind: str) -> None:
    chat = chat_id()
    if kind == "sticker":
        data = update(chat, sticker={"file_id": "s", "file_unique_id": "s", "width": 1,
                                     "height": 1, "is_animated": False, "is_video": False,
                                     "type": "regular"})
    elif kind == "photo":
        data = update(chat, photo=[{"file_id": "p", "file_unique_id": "p", "width": 1,
                                    "height": 1}])
    reply = channel_stack.telegram(data)
    assert reply.status_code == 200
    texts = channel_stack.api.texts_to_chat(chat)
    assert len(texts) == 1 and texts[0].startswith("Sorry")


def test_group_chat_is_refused_politely(channel_stack: ChannelStack,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    chat = -chat_id()
    data = update(chat, text="hello")
    data["message"]["chat"]["type"] = "group"
    assert channel_stack.telegram(data).status_code == 200
    assert channel_stack.api.texts_to_chat(chat)[0].startswith("Sorry")
    assert not channel_stack.tracker_rows(cid(chat, monkeypatch))


def test_help_states_the_48_hour_limit(channel_stack: ChannelStack) -> None:
    chat = chat_id()
    channel_stack.telegram(text(chat, "/help"))
    assert channel_stack.api.texts_to_chat(chat) == [HELP_TEXT]
    assert "48 hours" in HELP_TEXT


def _seed_messages(stack: ChannelStack, conversation: str, ids: list[int], age: float) -> None:
    with sqlite3.connect(stack.our_db) as connection:
        connection.executemany(
            "INSERT INTO telegram_messages (conversation_id, message_id, sent_at) "
            "VALUES (?, ?, ?)", [(conversation, i, time.time() - age) for i in ids])


def test_exit_erases_and_deletes_in_batches(channel_stack: ChannelStack,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    chat = chat_id()
    conversation = cid(chat, monkeypatch)
    first = text(chat, "my partner reads my messages kx5521")
    channel_stack.telegram(first)
    ours = [c for c in channel_stack.api.calls if c.method == "sendMessage"
            and str(c.fields["chat_id"]) == str(chat)]
    assert ours
    # An older conversation: 230 messages in the last day, 7 older than 48 hours.
    _seed_messages(channel_stack, conversation, list(range(1, 231)), age=86400)
    _seed_messages(channel_stack, conversation, list(range(500, 507)), age=50 * 3600)
    exit_update = text(chat, "/exit")
    assert channel_stack.telegram(exit_update).status_code == 200

    batches = [c.fields["message_ids"] for c in channel_stack.api.telegram("deleteMessages",
                                                                          chat)]
    assert [len(b) for b in batches][:2] == [100, 100] and all(len(b) <= 100 for b in batches)
    deleted = {i for batch in batches for i in batch}
    assert set(range(1, 231)) <= deleted
    assert first["message"]["message_id"] in deleted
    assert not deleted & set(range(500, 507)), "Telegram refuses messages over 48 hours old"
    assert channel_stack.api.texts_to_chat(chat)[-1] == NEUTRAL_REPLY
    assert not channel_stack.tracker_rows(conversation)
    for table in ("channel_contacts", "telegram_messages"):
        assert not channel_stack.our_rows(table, conversation)
    data = channel_stack.db_bytes()
    assert b"kx5521" not in data and str(chat).encode() not in data


def test_safety_word_erases_and_deletes(channel_stack: ChannelStack,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    chat = chat_id()
    conversation = cid(chat, monkeypatch)
    sent_updates = [text(chat, words) for words in
                    ("hello", "set a safety word", "Copper Kettle", "he checks my phone jw8812")]
    for data in sent_updates:
        channel_stack.telegram(data)
    assert channel_stack.tracker_rows(conversation)
    with sqlite3.connect(channel_stack.our_db) as connection:
        bot_ids = {r[0] for r in connection.execute(
            "SELECT message_id FROM telegram_messages WHERE conversation_id = ?",
            (conversation,))}
    channel_stack.telegram(text(chat, "copper kettle"))
    deleted = {i for c in channel_stack.api.telegram("deleteMessages", chat)
               for i in c.fields["message_ids"]}
    assert bot_ids and bot_ids <= deleted
    assert {d["message"]["message_id"] for d in sent_updates} <= deleted
    assert channel_stack.api.texts_to_chat(chat)[-1] == NEUTRAL_REPLY
    assert not channel_stack.tracker_rows(conversation)
    assert not channel_stack.our_rows("telegram_messages", conversation)
    assert b"jw8812" not in channel_stack.db_bytes()


def test_advisor_message_reaches_the_chat(channel_stack: ChannelStack,
                                          monkeypatch: pytest.MonkeyPatch) -> None:

    chat = chat_id()
    channel_stack.telegram(text(chat, "hello"))
    before = len(channel_stack.api.texts_to_chat(chat))
    channel_stack.send_as_advisor(cid(chat, monkeypatch))
    texts = channel_stack.api.texts_to_chat(chat)
    assert len(texts) == before + 1 and texts[-1].startswith("If you are in danger now")
