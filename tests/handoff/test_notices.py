"""What the person is told when an advisor joins, leaves, hands back or closes; how the
console and the web chat tell those notices apart; and tap-to-call links in the web chat."""
from __future__ import annotations

import pytest

from bot.actions import handoff
from bot.channels import outbox, sms_text
from helpline.console import auth, notices
from helpline.console.rasa_api import transcript
from helpline.webchat import phone_links


def test_joined_names_the_advisor_only_if_they_set_a_name() -> None:
    assert notices.text(notices.JOINED).startswith("An advisor has joined this chat.")
    assert notices.text(notices.JOINED, "Ann").startswith("Ann, an advisor, has joined")


@pytest.mark.parametrize("kind", notices.KINDS)
def test_every_notice_fits_an_sms_and_gives_only_known_numbers(kind: str) -> None:
    text = notices.text(kind, "A" * auth.FIRST_NAME_MAX)
    assert sms_text.is_gsm7(text) and sms_text.segments(text) <= 2
    numbers = {tel for _, _, tel in phone_links(text)}
    assert numbers <= {"tel:999", "tel:+448082000247"}
    if kind != notices.JOINED:  # back with the assistant, or on their own: the 999 route
        assert "tel:999" in numbers
    assert notices.event(kind)["metadata"] == {"notice": kind}


def test_the_helpline_number_is_the_bots_own() -> None:
    assert notices.HELPLINE == handoff.HELPLINE


def test_outbox_keeps_the_notice_kind_only_if_known(sqlite_url: str) -> None:
    outbox.put("n", {"text": "An advisor has joined", "notice": "joined", "timestamp": 1},
               db_url=sqlite_url)
    outbox.put("n", {"text": "odd", "notice": "<b>x</b>"}, db_url=sqlite_url)
    got = outbox.fetch("n", 0, db_url=sqlite_url)
    assert [(m["text"], m.get("notice")) for m in got] == [
        ("An advisor has joined", "joined"), ("odd", None)]


def test_console_transcript_marks_notices() -> None:
    items = transcript([
        {"event": "user", "text": "hi", "timestamp": 1.0},
        {"event": "pause", "timestamp": 2.0},
        {"event": "bot", "text": "An advisor has joined", "timestamp": 2.1,
         "metadata": {"notice": "joined"}},
        {"event": "bot", "text": "Hello", "timestamp": 3.0, "metadata": {"advisor": True}},
        {"event": "bot", "text": "Hi, I'm the assistant", "timestamp": 4.0},
    ])
    assert [i["who"] for i in items] == ["person", "system", "notice", "advisor", "bot"]
    assert [i["ts"] for i in items] == [1.0, 2.0, 2.1, 3.0, 4.0]


def test_first_names_are_letters_only(sqlite_url: str) -> None:
    assert auth.clean_first_name("  Mary  Ann ") == "Mary Ann"
    assert auth.clean_first_name("Zoë") == "Zoë"
    assert auth.clean_first_name("Ann\n") == "Ann"  # whitespace is collapsed, not refused
    for bad in ("<b>", "Ann!", "a" * 31, None):
        with pytest.raises(ValueError):
            auth.clean_first_name(bad)
    assert auth.set_first_name("ann", "Ann", sqlite_url) == "Ann"
    assert auth.first_name("ann", sqlite_url) == "Ann"
    auth.set_first_name("ann", "", sqlite_url)
    assert auth.first_name("ann", sqlite_url) == ""


# ------------------------------------------------------------------- tap-to-call links

@pytest.mark.parametrize("text, links", [
    ("Call the helpline on 0808 2000 247, or 999 in an emergency.",
     [[21, 34, "tel:+448082000247"], [39, 42, "tel:999"]]),
    ("Samaritans: 116 123.", [[12, 19, "tel:116123"]]),
    ("Childline 0800 1111 or +44 1782 222421", [[10, 19, "tel:+448001111"],
                                                [23, 38, "tel:+441782222421"]]),
    # JavaScript indices: an emoji is two UTF-16 units.
    ("\U0001F600 999", [[3, 6, "tel:999"]]),
])
def test_phone_numbers_become_links(text: str, links: list) -> None:
    assert phone_links(text) == links


@pytest.mark.parametrize("text", [
    "You have 123 messages", "It's 2024", "press 55 when asked", "x999y", "19999",
    "07700 900123",  # a drama number: not a real one, so no link
    "<a href='tel:1'>9</a>",
])
def test_no_link_where_there_is_no_real_number(text: str) -> None:
    assert phone_links(text) == []
