"""High-risk signals in what a person wrote, informed by the DASH risk checklist.

Deterministic patterns, not a model: a miss here only loses priority (the person is still
offered an advisor), while a false alarm only moves someone up the queue. The signals set the
queue priority: ``urgent`` (threats to kill, strangulation or choking, weapons, serious
injury, danger now), ``high`` (any of those in the past, pregnancy, escalating violence,
children at risk, stalking, not safe), else ``normal``. Nothing here logs or stores the text.

The urgent signals are found by the 999 check's own lexicon (`helpline.danger.signals`), so
whatever it reads as danger is at least high here. But that lexicon errs towards the 999
reply and does not read tense: "he beat me last year" and "he used to lock me in" matched
``danger_now``, so people telling of past abuse were queued as urgent ahead of people in
danger now (issue 16's shift review: 4 of 8 test cases were urgent). Here a message that places what happened in the
past (``_PAST``: "last year", "used to", "years ago", "was hitting"...) and says nothing of
now (``_NOW``: "now", "tonight", "again", "is coming", "will"...) gives ``past_<signal>``
instead, which is high. Any sign of now keeps the urgent signal: a message with both ("he
beat me last night and he is coming back") stays urgent, and so does one with no time words
at all ("he beat me"). Only the queue reads tense; the 999 reply is unchanged.

``LABELS`` gives each signal in plain English for the console.
"""
from __future__ import annotations

import re
from itertools import zip_longest
from typing import Iterable

from helpline import danger

URGENT = "urgent"
HIGH = "high"
NORMAL = "normal"
PRIORITIES = (URGENT, HIGH, NORMAL)  # in queue order
RANK = {name: index for index, name in enumerate(PRIORITIES)}

_PATTERNS: dict[str, str] = {
    "pregnancy": r"\bpregnan\w*\b|\bexpecting a baby\b|\bjust had a baby\b|\bnewborn\b",
    "escalating": (
        r"\b(getting|got|is getting) (worse|more violent|more often)\b|\bescalat\w*\b"
        r"|\bworse than (before|ever)\b|\bmore and more (violent|often)\b"
    ),
    "children_at_risk": (
        r"\b(hurt|hit|hits|hitting|threaten\w*|abus\w*|harm\w*) (the |my |our )?"
        r"(kids|children|child|son|daughter|baby)\b|\b(kids|children) (are|were) (scared|hurt|"
        r"there|in danger)\b|\bin front of (the |my )?(kids|children)\b"
    ),
    "stalking": (
        r"\b(stalk\w*|follow(s|ed|ing)? me|tracking me|tracker on|turns? up at my|"
        r"watching (me|my house)|won'?t leave me alone)\b"
    ),
    "not_safe": r"\b(i'?m|i am|i feel|it'?s|it is) not safe\b|\bunsafe\b|\bscared for my life\b",
}
_COMPILED = {name: re.compile(pattern, re.IGNORECASE) for name, pattern in _PATTERNS.items()}
URGENT_SIGNALS = frozenset(danger.SIGNAL_PATTERNS)
PAST = "past_"  # prefix: an urgent signal told of in the past only
PAST_SIGNALS = frozenset(PAST + name for name in URGENT_SIGNALS)
HIGH_SIGNALS = frozenset(
    {"pregnancy", "escalating", "children_at_risk", "stalking", "not_safe"}
) | PAST_SIGNALS
# Rasa intents that carry the same meaning as a signal.
INTENT_SIGNALS = {
    "danger": "danger_now",
    "stalking": "stalking",
    "children": "children_at_risk",
}

LABELS = {
    "danger_now": "In danger now",
    "threats_to_kill": "Threats to kill",
    "strangulation": "Strangulation or choking",
    "weapons": "Weapon mentioned",
    "injury": "Injured",
    "pregnancy": "Pregnant or a new baby",
    "escalating": "Abuse getting worse",
    "children_at_risk": "Children at risk",
    "stalking": "Stalking",
    "not_safe": "Feels unsafe",
}
PRIORITY_LABELS = {URGENT: "Urgent", HIGH: "High", NORMAL: "Normal"}

# Read on danger.normalise(text): lower case, text-speak spelled out ("he'll" -> "he will").
_PAST = re.compile(
    r"\b(last (night|week|weekend|month|year|time|summer|winter|spring|autumn|christmas)|"
    r"yesterday|ago|used to|back then|in the past|previously|years back|when (i|we) (was|were)|"
    r"(was|were) (\w+ )?\w+(ing|ed)|before (we|i) (split|broke up|left|separated))\b")
_NOW = re.compile(
    r"\b(now|right now|at the moment|as we speak|tonight|today|this (morning|afternoon|"
    r"evening)|currently|still|again|just|any (minute|second|moment)|keeps?|"
    r"(he|she|they|i) (is|are|am)|will|going to|coming|on (his|her|their) way)\b")


def label(signal: str) -> str:
    """A signal in plain English ("past_weapons" -> "Weapon mentioned (earlier)")."""
    if signal.startswith(PAST) and signal[len(PAST):] in LABELS:
        return LABELS[signal[len(PAST):]] + " (earlier)"
    return LABELS.get(signal, signal.replace("_", " ").capitalize())


def labels(signals: Iterable[str]) -> list[str]:
    """The signals in plain English, the most urgent first."""
    return [label(s) for s in sorted(set(signals), key=lambda s: (
        RANK[priority({s})], not s.startswith(PAST), label(s)))]


def in_the_past(text: object) -> bool:
    """The message places what happened in the past and says nothing of now."""
    if not isinstance(text, str):
        return False
    words = danger.normalise(text)
    return bool(_PAST.search(words)) and not _NOW.search(words)


def detect(text: object) -> set[str]:
    """The high-risk signals found in one message (an empty set for non-text)."""
    if not isinstance(text, str) or not text.strip():
        return set()
    value = text.replace("\u2019", "'")
    urgent = danger.signals(text)
    if urgent and in_the_past(text):
        urgent = {PAST + name for name in urgent}
    return urgent | {name for name, pattern in _COMPILED.items() if pattern.search(value)}


def detect_all(texts: Iterable[object], intents: Iterable[object] = ()) -> set[str]:
    """Signals across a conversation's messages and the intents recognised in them (paired
    in order: an intent read as danger in a message about the past counts as past)."""
    found: set[str] = set()
    for text, intent in zip_longest(texts, intents):
        found |= detect(text)
        if isinstance(intent, str) and intent in INTENT_SIGNALS:
            signal = INTENT_SIGNALS[intent]
            if signal in URGENT_SIGNALS and in_the_past(text):
                signal = PAST + signal
            found.add(signal)
    return found


def priority(signals: Iterable[str]) -> str:
    """urgent / high / normal for a set of signals."""
    found = set(signals)
    if found & URGENT_SIGNALS:
        return URGENT
    if found & HIGH_SIGNALS:
        return HIGH
    return NORMAL
