"""HelplineReader on real Rasa Message objects: when it changes the model's intent, and what
it stores for the action server."""
from __future__ import annotations

from typing import Any

from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from helpline.nlu.components import SAFETY_FLAG
from helpline.nlu.reader import HelplineReader
from helpline.understanding import READING

ENGLISH = {"he", "tracks", "my", "phone", "and", "reads", "all", "whatsapps", "hi", "im", "in",
           "i", "need", "to", "talk", "someone", "about", "relationship", "we", "had", "a",
           "row", "last", "night", "am", "is", "the", "crewe", "lichfield"}


def message(text: str, ranking: list[tuple[str, float]],
            entities: list[dict[str, Any]] | None = None, **data: Any) -> Message:
    top = ranking[0]
    msg = Message(data={TEXT: text, INTENT: {"name": top[0], "confidence": top[1]},
                        INTENT_RANKING_KEY: [{"name": n, "confidence": c} for n, c in ranking],
                        ENTITIES: entities or [], **data})
    HelplineReader({}, None, None, frozenset(ENGLISH)).process([msg])  # type: ignore[arg-type]
    return msg


def test_a_situation_the_model_took_for_device_safety_is_read_as_one() -> None:
    msg = message("he tracks my phone and reads all my whatsapps",
                  [("device_safety", 0.9), ("victim", 0.08)])
    assert msg.get(INTENT)["name"] == "victim"
    assert "tech" in msg.get(READING)["circumstances"]


def test_a_place_in_an_everyday_message_asks_for_local_services() -> None:
    place = [{"entity": "place", "value": "Lichfield", "start": 6, "end": 15}]
    msg = message("im in lichfield, i need to talk to someone about my relationship",
                  [("need_help", 0.6), ("concerned_other", 0.2)], place)
    assert msg.get(INTENT)["name"] == "find_service"
    assert message("hi", [("greet", 0.99)]).get(INTENT)["name"] == "greet"


def test_the_models_danger_reading_brings_999_first() -> None:
    msg = message("we had a row last night", [("victim", 0.6), ("danger", 0.3)])
    assert msg.get(INTENT)["name"] == "danger"
    calm = message("we had a row last night", [("victim", 0.8), ("danger", 0.1)])
    assert calm.get(INTENT)["name"] == "victim"


def test_another_language_gets_its_own_intent() -> None:
    msg = message("pomocy mój mąż mnie bije", [("victim", 0.5)])
    assert msg.get(INTENT)["name"] == "other_language"


def test_the_gates_danger_is_read_as_a_situation() -> None:
    msg = message("hi he has a knife", [("greet", 0.7)], **{SAFETY_FLAG: "danger"})
    assert msg.get(READING)["role"] == "victim"


def test_danger_the_model_thought_likely_is_read_with_a_writer() -> None:
    msg = message("cant talk on the phone hes in the room", [("device_safety", 0.64),
                                                                ("danger", 0.35)])
    assert msg.get(INTENT)["name"] == "danger"
    assert msg.get(READING)["role"] == "victim"


def test_a_plain_question_for_a_service_is_not_read_as_a_situation() -> None:
    msg = message("where do i find an idva", [("victim", 0.7), ("find_service", 0.2)])
    assert msg.get(INTENT)["name"] == "find_service"
    kept = message("where do i find an idva, he hits me", [("victim", 0.7)])
    assert kept.get(INTENT)["name"] == "victim"
