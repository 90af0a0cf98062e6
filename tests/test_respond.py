"""action_respond and action_clarify, with real rasa_sdk objects and the real directory files."""
from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.respond import (
    CLARIFY_ROLE,
    PARTS,
    ActionClarify,
    ActionRespond,
    clarify_options,
    numbers,
)
from helpline import settings
from helpline.directory.live import Loaded, build
from helpline.directory.validate import load_directory
from helpline.understanding import READING, read

NUMBER = re.compile(r"\b0\d{3}(?: ?\d{3,4}){1,2}\b")


@pytest.fixture(scope="module")
def loaded() -> Loaded:
    result = load_directory(settings.ROOT / "directory")
    assert result.directory is not None
    return build(result.directory)


def tracker(text: str, intent: str, events: list[dict] | None = None,
            slots: dict[str, Any] | None = None) -> Tracker:
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": [],
              READING: read(text, intent).as_dict()}
    user = {"event": "user", "text": text, "parse_data": latest}
    return Tracker("test", slots or {}, latest, [*(events or []), user], False, None, {},
                   "action_listen")


def answer(loaded: Loaded, text: str, intent: str, **kwargs: Any) -> tuple[str, list[dict]]:
    dispatcher = CollectingDispatcher()
    ActionRespond().answer(dispatcher, tracker(text, intent, **kwargs), loaded)
    assert len(dispatcher.messages) == 1, "one composed answer"
    return dispatcher.messages[0]["text"] or "", dispatcher.messages[0]["buttons"]


def test_every_number_comes_from_a_sourced_national_service(loaded: Loaded) -> None:
    phones = numbers(loaded)
    for label, template in PARTS.items():
        text = template.format_map(phones)
        assert "{" not in text, label
        for number in NUMBER.findall(text):
            service = next(s for s in loaded.directory.services.values()
                           if s.phones and s.phones[0].number == number)
            assert service.source and service.last_reviewed, (label, number)


def test_gay_man_strangled_gets_galop_and_mens_line_after_the_danger_reply(loaded) -> None:
    danger_turn = [{"event": "action", "name": "utter_danger"}]
    text, _ = answer(loaded, "gay lad here, my boyfriend strangled me last week", "danger",
                     events=[{"event": "bot", "text": "..."}])
    assert "0800 999 5428" in text and "0808 801 0327" in text
    # After utter_danger in the same turn, the opening and helpline are not repeated.
    dispatcher = CollectingDispatcher()
    message = "gay lad here, my boyfriend strangled me last week"
    track = tracker(message, "danger")
    track.events.insert(len(track.events), danger_turn[0])
    ActionRespond().answer(dispatcher, track, loaded)
    led = dispatcher.messages[0]["text"]
    assert "0800 999 5428" in led and "0808 2000 247" not in led


def test_victim_answer_order_and_helpline(loaded: Loaded) -> None:
    text, _ = answer(loaded, "my partner won't let me see my friends and takes my wages",
                     "victim")
    assert text.index("not your fault") < text.index("economic abuse") \
        < text.index("0808 2000 247")
    assert "automated assistant" in text  # first contact says what this is
    assert "town or postcode" in text  # no place yet: ask for it
    assert text.rstrip().endswith("Call 999.")


def test_own_behaviour_gets_respect_and_never_reassurance(loaded: Loaded) -> None:
    text, _ = answer(loaded, "i'm a bloke and i hit my wife", "own_behaviour")
    assert "0808 802 4040" in text
    assert "not your fault" not in text and "0808 801 0327" not in text


def test_unclear_roles_get_one_question_with_buttons(loaded: Loaded) -> None:
    text, buttons = answer(loaded, "we hit each other all the time", "victim")
    assert "which fits best" in text
    assert [b["payload"] for b in buttons] == ["/victim", "/own_behaviour", "/concerned_other"]


def test_a_button_answer_keeps_what_was_read_before(loaded: Loaded) -> None:
    before = read("we hit each other and he took out loans in my name", "victim").as_dict()
    latest_text = "/victim"
    dispatcher = CollectingDispatcher()
    latest = {"text": latest_text, "intent": {"name": "victim", "confidence": 1.0},
              "entities": []}
    track = Tracker("t", {"reading": before}, latest, [{"event": "user", "text": latest_text}],
                    False, None, {}, "action_listen")
    ActionRespond().answer(dispatcher, track, loaded)
    text = dispatcher.messages[0]["text"]
    assert "not your fault" in text and "economic abuse" in text


def test_a_place_in_the_same_message_gives_local_services(loaded: Loaded) -> None:
    text, _ = answer(loaded, "I'm in Lichfield, I need to talk to someone about my relationship",
                     "victim")
    assert "Lichfield" in text and "town or postcode" not in text
    assert re.search(r"^1\. ", text, re.M), text


def test_a_local_service_without_a_number_comes_with_the_one_to_call(loaded: Loaded) -> None:
    # Trafford's advice line is run by Victim Support and has no local number of its own
    text, _ = answer(loaded, "im in Sale and my partner hits me", "victim")
    assert "Trafford domestic abuse information and advice line" in text, text
    assert "0808 168 9111" in text, text
    assert "No number listed" not in text


def test_a_child_gets_childline(loaded: Loaded) -> None:
    text, _ = answer(loaded, "im 14 and my mums boyfriend hits her", "young_person")
    assert "0800 1111" in text


def test_composed_answers_fit_a_phone_screen(loaded: Loaded) -> None:
    text, _ = answer(loaded, "gay bloke in Crewe, my bf raped me, stalks me, took my wages, "
                     "reads my phone and i have nowhere to go tonight", "victim")
    assert len(text) <= 1100, len(text)
    assert "0808 2000 247" in text


def test_clarify_offers_the_likeliest_readings() -> None:
    ranking = [{"name": "nlu_fallback", "confidence": 0.4},
               {"name": "stalking", "confidence": 0.3},
               {"name": "greet", "confidence": 0.2},
               {"name": "victim", "confidence": 0.15},
               {"name": "lgbt", "confidence": 0.01}]
    assert clarify_options(ranking) == ["stalking", "victim"]
    dispatcher = CollectingDispatcher()
    latest = {"text": "hmm", "intent": {"name": "nlu_fallback"}, "intent_ranking": ranking}
    asyncio.run(ActionClarify().run(dispatcher, Tracker("t", {}, latest, [], False, None, {},
                                                         "action_listen"), {}))
    payloads = [b["payload"] for b in dispatcher.messages[0]["buttons"]]
    assert payloads == ["/stalking", "/victim", "/ask_human"]


def test_clarify_with_nothing_plausible_says_so() -> None:
    dispatcher = CollectingDispatcher()
    latest = {"text": "🙂", "intent": {"name": "nlu_fallback"}, "intent_ranking": []}
    asyncio.run(ActionClarify().run(dispatcher, Tracker("t", {}, latest, [], False, None, {},
                                                         "action_listen"), {}))
    assert "didn't understand" in dispatcher.messages[0]["text"]


def test_a_child_asked_who_is_who_gets_the_buttons_and_childline(loaded: Loaded) -> None:
    text, buttons = answer(loaded, "im 14 and me and my boyfriend hit each other", "victim")
    assert text.startswith(CLARIFY_ROLE) and "Childline" in text and "0800 1111" in text
    assert len(buttons) == 3
    adult, _ = answer(loaded, "me and my boyfriend hit each other", "victim")
    assert adult == CLARIFY_ROLE
