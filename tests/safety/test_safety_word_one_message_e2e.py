"""End to end over our REST channel: a safety word set in one message, then used."""
from __future__ import annotations

import json
import uuid

import pytest

from .stack import NEUTRAL_REPLY, SafetyStack
from .test_safety_rest_e2e import conversation_id, file_bytes, our_rows, post, tracker_rows


def written(stack: SafetyStack, cid: str) -> list[str]:
    """What Rasa holds as written by the person in this conversation."""
    return [json.loads(data).get("text") or "" for type_name, data
            in tracker_rows(stack, cid) if type_name == "user"]


def test_set_in_one_message_then_the_word_erases(safety_stack: SafetyStack,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    stack = safety_stack
    sender = f"one-message-{uuid.uuid4()}"
    cid = conversation_id(stack, sender, monkeypatch)
    assert post(stack, sender, "hello").status_code == 200

    reply = post(stack, sender, "My safety word is \"Otterburn Lane\" please").json()
    assert reply[0]["text"].startswith("Your safety word is set")
    assert len(reply) == 1 and reply[0]["recipient_id"] == sender
    chat = "he took my bank card zt6604"
    assert post(stack, sender, chat).status_code == 200
    assert chat in written(stack, cid)
    assert not [text for text in written(stack, cid) if "otterburn" in text.lower()
                or "safety word" in text.lower()], "the request never reached Rasa"

    final = post(stack, sender, "otterburn lane")
    assert final.json() == [{"recipient_id": sender, "text": NEUTRAL_REPLY}]
    assert tracker_rows(stack, cid) == []
    assert our_rows(stack, cid) == []
    assert chat.encode() not in file_bytes(stack) and cid.encode() not in file_bytes(stack)
    logs = stack.logs().lower()
    for text in ("otterburn", "zt6604"):
        assert text not in logs


def test_a_refused_word_gets_the_reason_and_never_reaches_rasa(
        safety_stack: SafetyStack, monkeypatch: pytest.MonkeyPatch) -> None:
    sender = f"one-message-stop-{uuid.uuid4()}"
    cid = conversation_id(safety_stack, sender, monkeypatch)
    reply = post(safety_stack, sender, "set my safe word to STOP").json()
    assert "STOP" in reply[0]["text"] and "reserve" in reply[0]["text"]
    assert written(safety_stack, cid) == []
    # Nothing was set: STOP is an ordinary message to Rasa afterwards.
    assert post(safety_stack, sender, "stop").json() != [
        {"recipient_id": sender, "text": NEUTRAL_REPLY}]


def test_danger_after_set_a_safety_word_gets_999(safety_stack: SafetyStack) -> None:
    """The two-step way: danger sent when the word is expected gets the 999 reply from Rasa,
    and is not the word."""
    sender = f"two-step-danger-{uuid.uuid4()}"
    assert post(safety_stack, sender, "set a safety word").json()[0]["text"].startswith(
        "Choose a safety word")
    reply = post(safety_stack, sender, "he's outside with a knife").json()
    assert reply[0]["text"].startswith("If you are in danger now, call 999."), reply
    again = post(safety_stack, sender, "he's outside with a knife").json()
    assert again[0]["text"].startswith("If you are in danger now, call 999."), "not erased"
