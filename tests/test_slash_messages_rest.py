"""End to end over REST: a message that starts with "/" is read as the person's words.

Rasa would otherwise take "/greet@1.0 hes got a knife" as the intent greet (no 999 reply)
and log the whole message in a warning. Button payloads still work.
"""
from __future__ import annotations

import itertools

from helpline.run import Stack
from tests.conftest import RestClient

_ids = itertools.count()

DANGER = "/greet@1.0 hes got a knife"
TYPED = "/help my husband qz5538 hits me"


def sender() -> str:
    return f"slash-{next(_ids)}"


def logs(stack: Stack) -> str:
    """Everything the stack's servers have logged so far (as tests/channels/test_zz_logs)."""
    return "\n".join(p.read_text(errors="replace") for p in sorted(stack.log_dir.glob("*.log")))


def test_slash_danger_gets_999_and_no_log_holds_the_text(rasa_stack: Stack,
                                                         rest: RestClient) -> None:
    texts = rest.texts(sender(), DANGER)
    assert texts[0] == "If you are in danger now, call 999."
    assert "press 55" in texts[1]
    assert rest.texts(sender(), TYPED)
    # A later turn on another conversation: whatever the first turns logged is written.
    assert rest.texts(sender(), "hello")
    written = logs(rasa_stack).lower()
    assert written, "the servers write logs"
    for text in ("got a knife", "qz5538", "greet@1.0"):
        assert text not in written, text


def test_button_payloads_still_work(rest: RestClient) -> None:
    person = sender()
    rest.send(person, "hi")
    assert "own words" in rest.texts(person, "/affirm")[0]
