"""The callback request over SMS: its typed answers (call or text, a safe time) never swallow
danger, and "no" ends it with nothing stored (SMS keeps "cancel" and "stop" for opting out)."""
from __future__ import annotations

from .conftest import ChannelStack
from .test_sms_e2e import DANGER, phone


def at_the_method_question(channel_stack: ChannelStack) -> str:
    number = phone()
    channel_stack.sms(number, "hello")
    channel_stack.sms(number, "yes")
    channel_stack.sms(number, "can i talk to a person")
    assert "safe for us to call" in " ".join(channel_stack.api.sms_to(number))
    channel_stack.sms(number, "yes")
    assert "a call or a text" in channel_stack.api.sms_to(number)[-1]
    return number


def test_danger_at_a_typed_answer_gets_999_and_ends_the_request(
        channel_stack: ChannelStack) -> None:
    number = at_the_method_question(channel_stack)
    before = len(channel_stack.api.sms_to(number))
    channel_stack.sms(number, DANGER)
    replies = channel_stack.api.sms_to(number)[before:]
    assert replies and replies[0].startswith("If you are in danger now, call 999."), replies
    assert not any("call or a text" in body or "Please answer" in body for body in replies)


def test_cancel_ends_the_request(channel_stack: ChannelStack) -> None:
    number = at_the_method_question(channel_stack)
    channel_stack.sms(number, "text")
    before = len(channel_stack.api.sms_to(number))
    channel_stack.sms(number, "No")
    replies = " ".join(channel_stack.api.sms_to(number)[before:])
    assert "we won't contact you" in replies, replies
