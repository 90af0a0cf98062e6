"""SMS end to end: the understanding issue's examples, with every part of a long reply read by
replying MORE, so no number is lost to the 3-segment limit."""
from __future__ import annotations

import random

import pytest

from bot.channels import sms_text
from tests.why_examples import WHY, check

from .conftest import USED_IDS, ChannelStack


def phone() -> str:
    number = f"+4477008{random.randint(10000, 99999)}"
    USED_IDS.append(number)
    return number


def whole_reply(stack: ChannelStack, number: str, message: str) -> str:
    assert stack.sms(number, message).status_code == 200
    bodies = list(stack.api.sms_to(number))
    for _ in range(5):
        if sms_text.MORE_NOTE not in bodies[-1]:
            break
        assert stack.sms(number, "MORE").status_code == 200
        bodies = list(stack.api.sms_to(number))
    for body in bodies:
        assert sms_text.is_gsm7(body) and sms_text.segments(body) <= 3, body
    return " ".join(bodies)


@pytest.mark.parametrize("message, must, must_not", WHY)
def test_why_examples_over_sms(channel_stack: ChannelStack, message: str, must: list[str],
                               must_not: list[str]) -> None:
    text = whole_reply(channel_stack, phone(), message)
    assert check(text, must, must_not) == [], text
