"""Messages that start with "/" are a person's words unless they are our button payloads.

Checked with Rasa's real Domain and Agent, and with Rasa's own parser of intent syntax:
what passes unchanged is a payload Rasa unpacks without a warning; everything else reaches
Rasa as plain text that its parser leaves alone.
"""
from __future__ import annotations

import json
import warnings
from types import SimpleNamespace

import pytest
from rasa.core.agent import Agent
from rasa.shared.core.domain import Domain
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.channels.common import as_person_text, domain_names, is_button_payload

DOMAIN = Domain.from_yaml("""
version: "3.1"
intents: [greet, affirm, deny, ask_human, find_service, danger]
entities: [place]
""")
INTENTS, ENTITIES = set(DOMAIN.intents), set(DOMAIN.entities)


def person_text(text: str) -> str:
    return as_person_text(text, INTENTS, ENTITIES)


def rasa_reads(text: str) -> tuple[Message, list[str]]:
    """What Rasa's intent-syntax parser makes of a text, and the warnings it raises."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        message = YAMLStoryReader.unpack_regex_message(Message({TEXT: text}), DOMAIN)
    return message, [str(w.message) for w in caught]


PAYLOADS = [
    "/greet", "/affirm", "/deny", "/ask_human", "  /ask_human ",
    '/find_service{"place": "Cheshire East"}',
    "/find_service" + json.dumps({"place": "Ynys Môn"}),  # as signposting builds it
    '/find_service{"place":"Bournemouth, Christchurch and Poole"}',
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_button_payloads_pass_unchanged(payload: str) -> None:
    assert is_button_payload(payload, INTENTS, ENTITIES)
    assert person_text(payload) == payload
    message, warned = rasa_reads(payload)
    assert message.get(INTENT) and not warned


TYPED = [
    ("/greet@1.0 hes got a knife", "greet@1.0 hes got a knife"),
    ("/help my husband hits me", "help my husband hits me"),
    ("/greet hes got a knife", "greet hes got a knife"),
    ("/greet@0.9", "greet@0.9"),
    ('/greet{"place": "Leeds"} he hits me', 'greet{"place": "Leeds"} he hits me'),
    ('/find_service{"place": "Leeds"}{"x": 1}', 'find_service{"place": "Leeds"}{"x": 1}'),
    ('/find_service{"town": "Leeds"}', 'find_service{"town": "Leeds"}'),
    ('/find_service{"place": 5}', 'find_service{"place": 5}'),
    ('/find_service{"place": ["Leeds"]}', 'find_service{"place": ["Leeds"]}'),
    ('/find_service{"place": "' + "x" * 101 + '"}', 'find_service{"place": "' + "x" * 101 + '"}'),
    ('/find_service{"place": "a\\nb"}', 'find_service{"place": "a\\nb"}'),
    ('/find_service{"place":\n"Leeds"}', 'find_service{"place":\n"Leeds"}'),
    ("/find_service{}", "find_service{}"),
    ("/find_service{", "find_service{"),
    ("/restart_everything", "restart_everything"),
    ("/Greet", "Greet"),
    ("//greet", "greet"),
    ("  / /greet he hits me", "greet he hits me"),
    ("/ greet", "greet"),
    ("/@1.0 he hits me", "@1.0 he hits me"),
    ("/{\"place\": \"Leeds\"}", "{\"place\": \"Leeds\"}"),
    ("/", ""),
    (" /// ", ""),
    ("/😢 help", "😢 help"),
]


@pytest.mark.parametrize("typed,read", TYPED)
def test_other_slash_messages_lose_their_leading_slashes(typed: str, read: str) -> None:
    assert not is_button_payload(typed, INTENTS, ENTITIES)
    assert person_text(typed) == read
    message, warned = rasa_reads(read)
    assert message.get(INTENT) is None and not warned


@pytest.mark.parametrize("text", [
    "he hits me", "my password is a/b", "  hello /greet", "", "   ", "\u200b/greet hi",
])
def test_messages_not_starting_with_a_slash_are_unchanged(text: str) -> None:
    assert person_text(text) == text


def test_before_the_fix_rasa_took_these_as_intents_and_logged_the_text() -> None:
    """Why this exists: Rasa's parser reads the person's words as an intent and warns with
    the whole message (the warning reaches the logs)."""
    message, warned = rasa_reads("/greet@1.0 hes got a knife")
    assert message.get(INTENT)["name"] == "greet"
    assert any("knife" in w for w in warned)


def test_domain_names_come_from_the_loaded_agent() -> None:
    app = SimpleNamespace(ctx=SimpleNamespace(agent=Agent(domain=DOMAIN)))
    intents, entities = domain_names(app)
    assert {"greet", "ask_human", "find_service"} <= intents and entities == {"place"}
    # Without a model nothing is a payload: every slash message is read as words.
    for no_model in (SimpleNamespace(ctx=SimpleNamespace(agent=Agent())), SimpleNamespace()):
        assert domain_names(no_model) == (frozenset(), frozenset())
        assert as_person_text("/greet", *domain_names(no_model)) == "greet"
