"""The out-of-hours callback request, end to end over REST (the web chat's channel) with the real
Rasa server and action server: nobody is signed on in the test stack, so "talk to a person"
offers a callback.

Found by running the benchmark's script by hand: once the form asked for a number, every later
message, "he's outside with a knife" included, was taken as a bad number and answered "Please
type a UK mobile...": danger without 999, and no way out of the form.
"""
from __future__ import annotations

import itertools

import pytest

from tests.conftest import RestClient

DANGER = "he's outside with a knife"
_ids = itertools.count()


def at_the_number_question(rest: RestClient) -> str:
    person = f"callback-{next(_ids)}"
    rest.send(person, "hi")
    rest.send(person, "yes")
    assert any("safe for us to call" in text
               for text in rest.texts(person, "can i talk to a person")), "a callback is offered"
    assert any("What UK phone number" in text for text in rest.texts(person, "yes"))
    return person


def asks_for_a_number(texts: list[str]) -> bool:
    return any("UK mobile" in text or "phone number" in text for text in texts)


def test_danger_while_asked_for_a_number_gets_999_and_ends_the_request(rest: RestClient) -> None:
    person = at_the_number_question(rest)
    texts = rest.texts(person, DANGER)
    assert texts[0].startswith("If you are in danger now, call 999."), texts
    assert not asks_for_a_number(texts)
    assert not asks_for_a_number(rest.texts(person, "thank you")), "the request has ended"


def test_danger_at_the_first_question_gets_999_and_ends_the_request(rest: RestClient) -> None:
    person = f"callback-{next(_ids)}"
    rest.send(person, "hi")
    rest.send(person, "yes")
    rest.send(person, "can i talk to a person")
    texts = rest.texts(person, DANGER)
    assert texts[0].startswith("If you are in danger now, call 999."), texts
    assert not any("safe for us to call" in text for text in texts)


def test_cancel_ends_the_request_with_nothing_kept(rest: RestClient) -> None:
    person = at_the_number_question(rest)
    assert asks_for_a_number(rest.texts(person, "my ex keeps following me")), \
        "other words are a wrong answer, said so"
    texts = rest.texts(person, "cancel")  # "no" too (SMS keeps cancel for opting out)
    assert any("we won't contact you" in text for text in texts), texts
    assert not asks_for_a_number(rest.texts(person, "thank you"))


@pytest.mark.parametrize("time", ["weekday mornings", "tues 2-4"])
def test_a_number_then_the_rest_of_the_request(rest: RestClient, time: str) -> None:
    """"tues 2-4" is an answer: the model alone reads it as danger, so only the lexicon's
    danger interrupts a typed answer."""
    person = at_the_number_question(rest)
    assert not asks_for_a_number(rest.texts(person, "07400 123456"))
    texts = rest.texts(person, "ring me")
    assert any("safe time for us to contact you" in text for text in texts), texts
    texts = rest.texts(person, time)
    assert any("An advisor will call you" in text for text in texts), texts


def test_another_language_at_a_typed_question_gets_999_and_the_interpreter_line(
        rest: RestClient) -> None:
    person = at_the_number_question(rest)
    texts = rest.texts(person, "il a un couteau")
    assert "999" in texts[0] and "interpreter" in " ".join(texts), texts
    assert not asks_for_a_number(rest.texts(person, "thank you"))
