"""/exit is the exit command with spaces around it or addressed to the bot (issue 12, item 8)."""
from __future__ import annotations

import pytest

from bot.channels.telegram import command_of

from .conftest import NEUTRAL_REPLY, ChannelStack
from .test_telegram_e2e import chat_id, cid, text


@pytest.mark.parametrize("typed", [" /exit ", "/exit@helpline_test_bot", "\t/EXIT\n",
                                   " /exit@helpline_test_bot "])
def test_exit_command_with_spaces_or_bot_name(channel_stack: ChannelStack,
                                              monkeypatch: pytest.MonkeyPatch,
                                              typed: str) -> None:
    chat = chat_id()
    conversation = cid(chat, monkeypatch)
    first = text(chat, "my partner reads my messages")
    channel_stack.telegram(first)
    assert channel_stack.tracker_rows(conversation)
    assert channel_stack.telegram(text(chat, typed)).status_code == 200
    deleted = {i for c in channel_stack.api.telegram("deleteMessages", chat)
               for i in c.fields["message_ids"]}
    assert first["message"]["message_id"] in deleted
    assert channel_stack.api.texts_to_chat(chat)[-1] == NEUTRAL_REPLY
    assert not channel_stack.tracker_rows(conversation)
    assert not channel_stack.our_rows("channel_contacts", conversation)


@pytest.mark.parametrize("typed, command", [
    ("/exit", "/exit"), (" /exit ", "/exit"), ("/Exit@Some_Bot", "/exit"), ("/help", "/help"),
    ("/help he hits me", ""), ("exit", ""), ("/exit now", ""), ("/ exit", ""), ("", ""),
])
def test_command_of(typed: str, command: str) -> None:
    assert command_of(typed) == command
