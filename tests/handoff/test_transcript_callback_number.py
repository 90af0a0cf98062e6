"""The callback number stays out of the console's transcripts (issue 16), without a browser.

``webchat_callback_tracker.json`` holds the events of a real conversation, as Rasa's
``GET /conversations/<id>/tracker`` gave them during test_webchat_callback_browser.py: "hello",
"can I talk to a real person", yes it is safe, a number the form refused (Ofcom's drama mobile
07700 900123), one it took (Ofcom's drama London number 020 7946 0123), "call",
"weekday mornings". helpline.console.rasa_api.transcript turns them into the lines every
console view of a conversation shows.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path

from helpline.console.rasa_api import BUTTON_MARK, NUMBER_HIDDEN, transcript

RECORDED = json.loads((Path(__file__).parent / "webchat_callback_tracker.json").read_text())
NUMBERS = ("07700 900123", "020 7946 0123", "+442079460123", "7946", "7700")


def person_lines(events: list[dict]) -> list[str]:
    return [item["text"] for item in transcript(events) if item["who"] == "person"]


def test_both_answers_to_the_number_question_are_hidden_and_the_rest_shown() -> None:
    assert person_lines(RECORDED) == [
        "hello", "can I talk to a real person", "[button] Yes", NUMBER_HIDDEN, NUMBER_HIDDEN,
        "call", "weekday mornings"]
    lines = str(transcript(RECORDED))
    for number in NUMBERS:
        assert number not in lines, number
    # The bot's questions and answers are unchanged.
    bot = [item["text"] for item in transcript(RECORDED) if item["who"] == "bot"]
    assert sum("What UK phone number" in text for text in bot) == 2
    assert any(text.startswith("Please type a UK mobile or landline number") for text in bot)


def test_a_message_to_an_advisor_who_has_the_conversation_is_shown() -> None:
    """While paused the form does not run: what the person writes goes to the advisor."""
    asked = next(i for i, e in enumerate(RECORDED) if e["event"] == "user"
                 and e["text"] == "07700 900123")
    message = copy.deepcopy(RECORDED[asked])
    message["text"] = message["parse_data"]["text"] = "are you still there"
    events = RECORDED[:asked] + [{"event": "pause", "timestamp": message["timestamp"]}, message]
    assert person_lines(events)[-1] == "are you still there"


def test_a_pressed_button_shows_its_title_and_typed_slash_text_is_shown_as_typed() -> None:
    """The advisor sees "[button] Yes", not the payload "/affirm" (issue 16). Only the buttons
    offered since the person last wrote count: "/affirm" typed later is shown as typed."""
    pressed = next(i for i, e in enumerate(RECORDED) if e["event"] == "user"
                   and e["text"] == "/affirm")
    assert person_lines(RECORDED[:pressed + 1])[-1] == f"{BUTTON_MARK} Yes"
    typed = copy.deepcopy(RECORDED[pressed])
    events = RECORDED[:pressed + 1] + [typed]
    assert person_lines(events)[-2:] == [f"{BUTTON_MARK} Yes", "/affirm"]
    first_buttons = next(i for i, e in enumerate(RECORDED) if e["event"] == "bot"
                         and (e.get("data") or {}).get("buttons"))
    answer = copy.deepcopy(RECORDED[pressed])
    answer["text"] = "/deny"
    assert person_lines(RECORDED[:first_buttons + 1] + [answer])[-1] == \
        f"{BUTTON_MARK} No, it's not safe"
