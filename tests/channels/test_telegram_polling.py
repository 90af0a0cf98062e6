"""Polling mode: updates fetched with getUpdates go through the same handling as webhooks.

Rasa itself is replaced by a small reply function here; the end-to-end tests cover Rasa.
"""
from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from rasa.core.channels.channel import UserMessage

from bot.channels.telegram import TelegramInput

from .fake_api import FakeApi


def test_polling_fetches_and_answers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HELPLINE_DB_URL", f"sqlite:///{tmp_path / 'helpline.db'}")
    monkeypatch.setenv("HELPLINE_TRACKER_DB_URL", f"sqlite:///{tmp_path / 'tracker.db'}")
    api = FakeApi()
    seen: list[str] = []

    async def on_new_message(message: UserMessage) -> None:
        seen.append(message.sender_id)
        await message.output_channel.send_text_message(message.sender_id, "reply")

    update = {"update_id": 77, "message": {
        "message_id": 9, "date": int(time.time()), "text": "hello",
        "chat": {"id": 4242, "type": "private"}}}
    api.updates = [update, update]  # Telegram repeats an update: handled once

    async def run() -> None:
        channel = TelegramInput(token="1:abc", api_base=f"{api.url}/bot", polling=True)
        task = asyncio.create_task(channel.poll(None, on_new_message))
        for _ in range(100):
            if api.texts_to_chat(4242):
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    try:
        asyncio.run(run())
    finally:
        api.close()
    assert api.texts_to_chat(4242) == ["reply"]
    assert len(seen) == 1 and seen[0] != "4242", "Rasa sees a pseudonymous id"
    methods = [call.method for call in api.calls]
    assert methods[0] == "deleteWebhook" and "getUpdates" in methods
