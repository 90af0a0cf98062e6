"""End to end over REST: the understanding issue's examples get a right, composed answer."""
from __future__ import annotations

import itertools

import pytest

from tests.conftest import RestClient
from tests.why_examples import WHY, check

_ids = itertools.count()


@pytest.mark.parametrize("message, must, must_not", WHY)
def test_why_examples_over_rest(rest: RestClient, message: str, must: list[str],
                                must_not: list[str]) -> None:
    texts = rest.texts(f"why-{next(_ids)}", message)
    assert check(" ".join(texts), must, must_not) == [], texts
    if "999" in must:
        assert texts[0] == "If you are in danger now, call 999."


def test_a_slash_message_is_read_as_words_and_danger_still_wins(rest: RestClient) -> None:
    texts = rest.texts(f"why-{next(_ids)}", "/greet@1.0 hes got a knife")
    assert texts[0] == "If you are in danger now, call 999."


def test_a_message_in_another_language_gets_999_and_an_interpreter(rest: RestClient) -> None:
    joined = " ".join(rest.texts(f"why-{next(_ids)}", "Mój mąż mnie bije i nie wiem co robić"))
    assert "999" in joined and "interpreter" in joined and "0808 2000 247" in joined
    assert "press 55" in joined  # the Silent Solution, as every danger reply has


def test_unclear_roles_are_asked_with_buttons_and_the_answer_keeps_the_details(
        rest: RestClient) -> None:
    person = f"why-{next(_ids)}"
    [reply] = rest.send(person, "we hit each other and he took out loans in my name")
    assert [b["payload"] for b in reply["buttons"]] == ["/victim", "/own_behaviour",
                                                        "/concerned_other"]
    joined = " ".join(rest.texts(person, "/victim"))
    assert "not your fault" in joined and "economic abuse" in joined


def test_the_reply_to_which_town_is_read_as_a_place(rest: RestClient) -> None:
    person = f"why-{next(_ids)}"
    first = " ".join(rest.texts(person, "my husband controls everything i do"))
    assert "town or postcode" in first
    second = " ".join(rest.texts(person, "Leek"))
    assert "Staffordshire Moorlands" in second or "Leek" in second
