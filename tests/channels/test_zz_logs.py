"""Runs after the end-to-end tests: the servers' logs hold no text, numbers or chat ids."""
from __future__ import annotations

from .conftest import BOT_TOKEN, USED_IDS, ChannelStack

SECRET_WORDS = ["knife", "zq4417", "kx5521", "jw8812", "bluebell", "copper kettle",
                "reads my messages", "checks my phone"]


def test_logs_hold_no_content_or_ids(channel_stack: ChannelStack) -> None:
    logs = channel_stack.logs().lower()
    assert logs, "the servers wrote logs"
    assert "traceback" not in logs
    for word in SECRET_WORDS:
        assert word not in logs, word
    for value in USED_IDS:
        assert value.lower() not in logs and value.lstrip("+") not in logs
    assert BOT_TOKEN.lower() not in logs
