"""The REST channel's outbox: proactive messages (advisor replies) waiting for the web chat."""
from __future__ import annotations

import asyncio
import time

from bot.channels import outbox
from bot.channels.rest import HelplineRestInput
from helpline import privacy


def test_fetch_returns_newer_and_deletes_shown(db_url: str) -> None:
    first = outbox.put("conv-a", {"text": "Hi, I'm Ann", "advisor": True, "timestamp": 1.0},
                       db_url=db_url)
    second = outbox.put("conv-a", {"text": "Are you safe?"}, db_url=db_url)
    outbox.put("conv-b", {"text": "someone else"}, db_url=db_url)
    assert first is not None and second is not None and second > first
    assert outbox.fetch("conv-a", 0, db_url=db_url) == [
        {"id": first, "text": "Hi, I'm Ann", "advisor": True},
        {"id": second, "text": "Are you safe?"},
    ]
    # Fetching again without acknowledging returns the same rows (a lost reply is resent).
    assert [m["id"] for m in outbox.fetch("conv-a", 0, db_url=db_url)] == [first, second]
    assert outbox.fetch("conv-a", first, db_url=db_url) == [{"id": second, "text": "Are you safe?"}]
    assert outbox.fetch("conv-a", second, db_url=db_url) == []
    # Shown rows are gone from the table, not just skipped.
    assert outbox.fetch("conv-a", 0, db_url=db_url) == []
    assert [m["text"] for m in outbox.fetch("conv-b", 0, db_url=db_url)] == ["someone else"]


def test_empty_messages_are_not_stored_and_old_ones_are_pruned(sqlite_url: str) -> None:
    assert outbox.put("conv", {"text": "", "custom": {"x": 1}}, db_url=sqlite_url) is None
    outbox.put("conv", {"text": "old"}, db_url=sqlite_url,
               now=time.time() - outbox.KEEP_SECONDS - 10)
    outbox.put("conv", {"text": "new", "buttons": [{"title": "Yes", "payload": "/affirm"},
                                                   {"bad": 1}]}, db_url=sqlite_url)
    messages = outbox.fetch("conv", 0, db_url=sqlite_url)
    assert [m["text"] for m in messages] == ["new"]
    assert messages[0]["buttons"] == [{"title": "Yes", "payload": "/affirm"}]


def test_erasure_removes_the_outbox(sqlite_url: str, tmp_path) -> None:
    assert "rest_outbox" in [t.table for t in privacy.CONVERSATION_TABLES]
    outbox.put("conv-x", {"text": "private"}, db_url=sqlite_url)
    outbox.put("conv-y", {"text": "kept"}, db_url=sqlite_url)
    counts = privacy.erase("conv-x", tracker_url=f"sqlite:///{tmp_path / 't.db'}",
                           db_url=sqlite_url)
    assert counts.get("rest_outbox") == 1
    assert outbox.fetch("conv-x", 0, db_url=sqlite_url) == []
    assert len(outbox.fetch("conv-y", 0, db_url=sqlite_url)) == 1


def test_rest_channel_output_channel_writes_to_the_outbox(sqlite_url: str,
                                                          monkeypatch) -> None:
    monkeypatch.setenv("HELPLINE_DB_URL", sqlite_url)
    channel = HelplineRestInput().get_output_channel()
    assert channel is not None and channel.name() == "rest"
    # As Rasa's processor calls it for a bot event appended with output_channel=latest.
    asyncio.run(channel.send_response("conv-z", {"text": "Hello from Ann\n\nsecond paragraph",
                                                 "advisor": True, "timestamp": 5.0}))
    assert outbox.fetch("conv-z", 0, db_url=sqlite_url)[0]["text"] == (
        "Hello from Ann\n\nsecond paragraph")


def test_long_poll_wakes_when_a_message_is_sent(sqlite_url: str, monkeypatch) -> None:
    monkeypatch.setenv("HELPLINE_DB_URL", sqlite_url)
    channel = HelplineRestInput().get_output_channel()

    async def scenario() -> tuple[list, float, list]:
        start = time.monotonic()
        waiting = asyncio.create_task(outbox.wait_fetch("conv-w", 0, 10))
        await asyncio.sleep(0.3)
        await channel.send_response("conv-w", {"text": "from the advisor", "advisor": True})
        got = await waiting
        elapsed = time.monotonic() - start
        empty = await outbox.wait_fetch("conv-w", got[0]["id"], 0.2)
        return got, elapsed, empty

    got, elapsed, empty = asyncio.run(scenario())
    assert [m["text"] for m in got] == ["from the advisor"]
    assert elapsed < 0.6  # woken at once, not at the next re-check or the timeout
    assert empty == [] and not outbox._waiters
