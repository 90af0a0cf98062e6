"""End to end: the real Rasa server and action server, over the standard REST channel."""
from __future__ import annotations

import itertools
import re

import pytest
import requests

from tests.conftest import RestClient

_ids = itertools.count()


def sender() -> str:
    return f"test-{next(_ids)}"


def digits(texts: list[str]) -> str:
    return re.sub(r"\D", "", " ".join(texts))


def test_opening_says_what_this_is_and_asks_if_safe(rest: RestClient) -> None:
    [reply] = rest.send(sender(), "hello")
    text = reply["text"]
    assert "automated assistant" in text and "not a person" in text and "not the police" in text
    assert "safe for you to talk" in text and "see this screen" in text
    assert "leave quickly" in text
    assert [b["payload"] for b in reply["buttons"]] == ["/affirm", "/deny"]


def test_safe_and_not_safe_answers_follow_the_opening(rest: RestClient) -> None:
    person = sender()
    rest.send(person, "hi")
    assert "own words" in rest.texts(person, "yes")[0]
    other = sender()
    rest.send(other, "hi")
    assert any("close the chat" in text for text in rest.texts(other, "no"))


DANGER = [
    "he's hitting me",
    "he's outside with a knife",
    "I think he'll kill me tonight",
    "can't talk he's here",
    "hes hittin me pls",
    "hes gna kil me",
    "my bf is kickin the door in",
    "he's going mental smashing the house up and I'm hiding",
]


@pytest.mark.parametrize("message", DANGER)
def test_danger_first_reply_is_999_and_silent_solution(rest: RestClient, message: str) -> None:
    texts = rest.texts(sender(), message)
    assert texts[0] == "If you are in danger now, call 999."
    assert "press 55" in texts[1] and "Silent Solution" in texts[1]
    assert "08082000247" in digits(texts)


def test_danger_reply_needs_no_action_server(rasa_without_actions) -> None:
    client = RestClient(rasa_without_actions.rasa_url)
    texts = client.texts(sender(), "he's outside with a knife")
    assert texts[0] == "If you are in danger now, call 999."
    assert "press 55" in texts[1]


ROUTES = [
    ("is it abuse if he controls all my money", "08082000247", "not your fault"),
    ("what is coercive control", "08082000247", "16 or over"),
    ("im worried about my friend, her bf hits her", "08082000247", "believe them"),
    ("i think i'm the abusive one in my relationship", "08088024040", "Respect"),
    ("Mój mąż mnie bije i nie wiem co robić", "08082000247", "interpreter"),
    ("i'm a man and my wife hits me", "08088010327", "Men's Advice Line"),
    ("im gay and my boyfriend is abusive", "08009995428", "Galop"),
    ("my family want to force me to marry", "08005999247", "Karma Nirvana"),
    ("i was raped", "08085002222", "Rape Crisis"),
    ("my ex is stalking me", "08088020300", "Stalking"),
    ("my kids hear him shouting at me every night", "08001111", "Childline"),
    ("i'm on a spouse visa and have no recourse to public funds", "08082000247", "refuge"),
    ("can i talk to a real person", "08082000247", "advisor"),
    ("he checks my phone every night", "999", "a device they can't check"),
    ("are you a bot", "08082000247", "automated assistant"),
]


@pytest.mark.parametrize("message,number,words", ROUTES)
def test_each_route_gives_its_helpline(rest: RestClient, message: str, number: str,
                                       words: str) -> None:
    texts = rest.texts(sender(), message)
    assert number in digits(texts)
    assert words.lower() in " ".join(texts).lower()


def test_two_misunderstandings_offer_helpline_and_person(rest: RestClient) -> None:
    person = sender()
    first = rest.texts(person, "🙂🙂")
    assert "didn't understand" in first[0]
    second = " ".join(rest.texts(person, "🤷‍♀️"))
    assert "talk to a person" in second and "08082000247" in digits([second])


def test_goodbye_has_a_safety_reminder(rest: RestClient) -> None:
    texts = rest.texts(sender(), "bye")
    assert "999" in texts[0] and "55" in texts[0]


BAD_INPUT = [
    "",
    "   \n\t ",
    "😀😀😀🙏",
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)><b>hello</b>",
    "Mój mąż mnie bije i nie wiem co robić",
    "زوجي يضربني",
    "\u0000\u200b",
]


@pytest.mark.parametrize("message", BAD_INPUT)
def test_bad_input_gets_a_sensible_reply(rest: RestClient, message: str) -> None:
    texts = rest.texts(sender(), message)
    assert texts and all(texts)
    joined = " ".join(texts)
    assert "<script" not in joined and "<img" not in joined and "onerror" not in joined


def rss_bytes(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) * 1024


def test_100_kb_message_is_answered_and_the_server_survives(rasa_stack, rest: RestClient) -> None:
    server = next(p for p in rasa_stack.processes if "actions" not in p.args)
    before = rss_bytes(server.pid)
    texts = rest.texts(sender(), "he shouts at me and I don't know what to do. " * 2300)
    assert texts
    # Danger deep inside a long message is still seen, although NLU gets only the start.
    texts = rest.texts(sender(), "we argue a lot. " * 6500 + "now he's outside with a knife")
    assert texts[0] == "If you are in danger now, call 999."
    assert rss_bytes(server.pid) - before < 500 * 1024 * 1024
    assert rest.texts(sender(), "hello")


def test_malformed_bodies_never_get_a_5xx(rasa_stack) -> None:
    url = f"{rasa_stack.rasa_url}/webhooks/rest/webhook"
    for body in [b"", b"{not json", b'{"sender": "x"}', b"[]", "\udcff".encode("utf-8", "surrogatepass")]:
        reply = requests.post(url, data=body, headers={"Content-Type": "application/json"},
                              timeout=30)
        assert reply.status_code < 500, (body, reply.status_code)


def test_with_the_action_server_down_local_lookups_say_so_and_give_the_helpline(
        rasa_without_actions) -> None:
    client = RestClient(rasa_without_actions.rasa_url)
    text = " ".join(client.texts(sender(), "I'm in Tamworth and need help"))
    assert "can't look up local services" in text
    assert "999" in text and "0808 2000 247" in text
