"""SMS shaping: GSM-7 only, at most 3 segments, numbers intact, numbered options."""
from __future__ import annotations

import re

import pytest

from bot.channels import sms_text

DANGER = (
    "If you are in danger now, call 999.\n\nIf you can't speak: on a mobile, dial 999, "
    "listen, then press 55 when asked. This is the Silent Solution.\n\nWhen you are safe, "
    "the National Domestic Abuse Helpline is free and open 24 hours: 0808 2000 247."
)


def test_curly_quotes_dashes_and_emoji_become_plain() -> None:
    text = sms_text.to_gsm7("He said \u201cgo\u201d \u2014 it\u2019s fine\u2026 \U0001F600 na\u00efve")
    assert text == 'He said "go" - it\'s fine... naive'
    assert sms_text.is_gsm7(text)


def test_segments() -> None:
    assert sms_text.segments("a" * 160) == 1
    assert sms_text.segments("a" * 161) == 2
    assert sms_text.segments("a" * 459) == 3
    assert sms_text.segments("a" * 460) == 4
    assert sms_text.segments("\u20ac" * 80) == 1


@pytest.mark.parametrize("raw, tidy", [
    ("+44 (0)808-2000-247", "0808 200 0247"),
    ("0808 2000 247", "0808 2000 247"),
    ("02079460000", "020 7946 0000"),
    ("+447700900123", "07700 900123"),
    ("0113.496.0000", "0113 496 0000"),
    ("+44 (0) 1782 205500", "01782 205500"),
    ("+44 161-123-4567", "0161 123 4567"),
])
def test_numbers_are_readable_and_diallable(raw: str, tidy: str) -> None:
    assert sms_text.shape_text(f"Call {raw} now.") == f"Call {tidy} now."


@pytest.mark.parametrize("text", [
    "Call 999, then press 55 when asked.",
    "Samaritans: 116 123. Childline: 0800 1111. Police: 101. NHS: 111.",
    "Call 01782 205500 or 0161 123 4567.",  # published grouping is kept
    "Reference 2026-05-04, 12 345 678 words.",
])
def test_short_codes_and_other_digits_are_left_alone(text: str) -> None:
    assert sms_text.shape_text(text) == text


def test_buttons_become_numbered_options() -> None:
    body, payloads = sms_text.compose([
        {"text": "Is it safe to talk?", "buttons": [
            {"title": "Yes, it\u2019s safe", "payload": "/affirm"},
            {"title": "No", "payload": "/deny"}]}])
    assert "1 Yes, it's safe" in body and "2 No" in body
    assert payloads == ["/affirm", "/deny"]
    assert sms_text.option_choice("1", payloads) == "/affirm"
    assert sms_text.option_choice(" 2. ", payloads) == "/deny"
    assert sms_text.option_choice("3", payloads) is None
    assert sms_text.option_choice("\u0661", payloads) is None  # Arabic-Indic digit one


@pytest.mark.parametrize("repeat", [2, 3, 5, 9])
def test_long_text_is_cut_with_more_never_mid_number(repeat: int) -> None:
    text = sms_text.shape_text("\n\n".join([DANGER] * repeat))
    head, rest = sms_text.split(text)
    assert sms_text.segments(head) <= 3 and sms_text.is_gsm7(head)
    assert head.endswith(sms_text.MORE_NOTE)
    body = head[: -len(sms_text.MORE_NOTE)].rstrip()
    assert (body + " " + rest).split() == text.split(), "nothing lost or duplicated"
    assert not re.search(r"\d$", body) or not re.match(r"^\d", rest)


def test_cut_falls_before_a_number_rather_than_inside_it() -> None:
    text = "x" * 420 + " Call 0808 2000 247 free at any time of the day or night please."
    head, rest = sms_text.split(text)
    assert "0808 2000 247" in rest and "0808" not in head
    assert sms_text.segments(head) <= 3


def test_short_text_is_not_cut() -> None:
    assert sms_text.split("Hello.") == ("Hello.", "")
