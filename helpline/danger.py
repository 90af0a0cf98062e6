"""Deterministic detection of immediate danger in what a person wrote.

This runs on the whole message, before anything is cut for NLU, and it must never depend on
a trained model: a person saying "he's outside with a knife" always gets the 999 reply.
It errs on the side of caution: a false alarm costs a 999 reminder, a miss could cost a life.
"""
from __future__ import annotations

import re

# Text-speak and common misspellings, mapped to one spelling before matching.
_WORDS = {
    "hes": "he is", "shes": "she is", "hell": "he will", "shell": "she will",
    "theyll": "they will", "hed": "he would", "shed": "she would", "theyre": "they are", "im": "i am", "ive": "i have",
    "cant": "cannot", "cnt": "cannot", "carnt": "cannot", "can't": "cannot", "cannae": "cannot",
    "wont": "will not", "gonna": "going to", "gna": "going to", "gunna": "going to",
    "goin": "going", "gon": "going to", "wanna": "want to", "2nite": "tonight",
    "2night": "tonight", "tonite": "tonight", "tnite": "tonight", "2day": "today",
    "kil": "kill", "kll": "kill", "killl": "kill", "murda": "murder",
    "hittin": "hitting", "hitin": "hitting", "hiting": "hitting", "beatin": "beating",
    "punchin": "punching", "kickin": "kicking", "chokin": "choking", "stranglin": "strangling",
    "attackin": "attacking", "hurtin": "hurting", "bangin": "banging", "breakin": "breaking",
    "nife": "knife", "knif": "knife", "kniffe": "knife", "nive": "knife", "knive": "knife",
    "u": "you", "ur": "your", "r": "are", "n": "and", "b": "be", "pls": "please",
    "plz": "please", "pleas": "please", "hlp": "help", "halp": "help", "hes'": "he is",
    "outsid": "outside", "outide": "outside", "ouside": "outside", "dwnstairs": "downstairs",
    "bf": "boyfriend", "gf": "girlfriend", "hubby": "husband",
    "dangr": "danger", "dnger": "danger", "scard": "scared",
    "brethe": "breathe", "breath": "breathe", "cudnt": "could not", "couldnt": "could not",
}

_PERSON = (
    r"(he|she|they|him|her|them|partner|ex|husband|wife|boyfriend|girlfriend|dad|father|"
    r"mum|mother|brother|son|stepdad|uncle)"
)
_VIOLENT = (
    r"(hitting|beating|punching|kicking|strangling|choking|stabbing|attacking|hurting|battering|"
    r"slapping|throttling|smacking|bashing|strangle|choke|stab|attack|beat|batter|punch|kick)"
)
_VICTIM = r"(me|us|her|him|my (mum|mom|mam|sister|kids?|children|son|daughter|baby|nan))"
_WEAPON = r"(knife|knives|gun|guns|weapon|machete|blade|axe|hammer|baseball bat|crowbar|acid|petrol)"

_PATTERNS = [
    rf"\b{_VIOLENT} {_VICTIM}\b",
    rf"\b{_WEAPON}\b",
    r"\b(kill|murder|strangle|stab|shoot|burn) (me|us|her|him|myself|the kids|my)\b",
    r"\b(going to|will|gonna|wants to|want to|threatening to|threatened to|try to|trying to) "
    r"(kill|murder|hurt|strangle|stab)\b",
    r"\b(set|setting) fire\b",
    rf"\b{_PERSON} (is|are) (here|outside|downstairs|upstairs|at the door|in the house|"
    r"coming|coming back|back|on (his|her|their) way|banging|breaking|kicking|trying to get in|"
    r"smashing|forcing)\b",
    r"\b(breaking|kicking|banging|smashing|forcing) (in|down|on|at) (the|my|our) (door|window)s?\b",
    r"\bcannot (talk|speak|text)( right)?( now)?\b\W*(" + _PERSON + r"|$)",
    r"\b(in danger|not safe|unsafe)( right)? (now|here|tonight)\b",
    r"\bi am in danger\b",
    r"\b(fear|scared|afraid|frightened|terrified) for my (life|safety|kids|children)\b",
    r"\b(think|thinks|feel|scared|afraid|frightened|terrified) (he|she|they) (will|is going to|are going to) (kill|hurt)\b",
    r"\b(cannot|could not) breathe\b",
    r"\b(strangled|choked|throttled|strangling|choking|throttling)\b",
    r"\b(help me|help us|help) (now|quick|quickly|asap|immediately)\b",
    r"\b(bleeding|unconscious|passed out|knocked out)\b",
    r"\blocked (me|us) in\b",
    r"^\s*(sos|999|emergency)\W*$",
]
_MATCHER = re.compile("|".join(f"(?:{p})" for p in _PATTERNS))
_TOKEN = re.compile(r"[a-z0-9']+|[^a-z0-9'\s]+")


def normalise(text: str) -> str:
    """Lower-case, plain quotes, text-speak spelled out, letters repeated 3+ times cut to 2."""
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"([a-z])\1{2,}", r"\1\1", text)
    words = [_WORDS.get(token, _WORDS.get(token.replace("'", ""), token))
             for token in _TOKEN.findall(text)]
    return " ".join(words).replace("'", "")


def in_danger(text: str) -> bool:
    """True when the message says the person (or someone with them) may be in danger now."""
    if not text:
        return False
    return _MATCHER.search(normalise(text)) is not None
