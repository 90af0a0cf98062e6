"""The understanding issue's "Why" examples: each message, what the answer must hold, and what
it must not. Shared by the REST and SMS end-to-end tests (digits only, so SMS shaping and
number spacing don't matter)."""
from __future__ import annotations

import re

HELPLINE, RESPECT, MENS, GALOP = "08082000247", "08088024040", "08088010327", "08009995428"
KARMA, RAPE_CRISIS, CHILDLINE = "08005999247", "08085002222", "08001111"

# (message, must contain (digits or words), must not contain)
WHY = [
    ("I'm scared of my husband", [HELPLINE, "not your fault"], [RESPECT]),
    ("my OH keeps telling me I'm going mad", [HELPLINE, "not your fault"], [RESPECT]),
    ("my partner won't let me see my friends and takes my wages",
     [HELPLINE, "economic abuse"], [GALOP]),
    ("he made me take out loans in my name", [HELPLINE, "economic abuse"], [GALOP]),
    ("i gave up work for him and now i have to beg him for nappy money",
     [HELPLINE, "economic abuse"], [RAPE_CRISIS]),
    ("gay man here, my boyfriend strangled me last week", ["999", "55", GALOP], [RESPECT]),
    ("my uncle is threatening to kill me for bringing shame on the family name",
     ["999", "55", KARMA], [RESPECT]),
    ("my manager keeps touching me in the stockroom", [RAPE_CRISIS], [KARMA]),
    ("I'm a man and I was raped by another man", [RAPE_CRISIS], [RESPECT]),
    ("is it my fault he gets angry?", ["not your fault", HELPLINE], ["incognito", RESPECT]),
    ("I'm in Lichfield, I need to talk to someone about my relationship",
     ["Pathway Project", HELPLINE], ["looking out for them"]),
    ("I hit my girlfriend", [RESPECT], ["not your fault", MENS]),
    ("17, my mum's new partner controls us both", [CHILDLINE], [RESPECT]),
]


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def check(text: str, must: list[str], must_not: list[str]) -> list[str]:
    """What is wrong with an answer (empty when right)."""
    problems = []
    for item in must:
        found = item in digits(text) if item.isdigit() else item.lower() in text.lower()
        if not found:
            problems.append(f"missing {item}")
    for item in must_not:
        found = item in digits(text) if item.isdigit() else item.lower() in text.lower()
        if found:
            problems.append(f"should not say {item}")
    return problems
