"""High-risk signals in what a person wrote, informed by the DASH risk checklist.

Deterministic patterns, not a model: a miss here only loses priority (the person is still
offered an advisor), while a false alarm only moves someone up the queue. The signals set the
queue priority: ``urgent`` (threats to kill, strangulation or choking, weapons, danger now),
``high`` (pregnancy, escalating violence, children at risk, stalking, not safe), else
``normal``. The urgent signals are the 999 check's own (`helpline.danger.signals`): one
lexicon, so whatever gets the 999 reply is urgent in the queue. Nothing here logs or stores
the text.
"""
from __future__ import annotations

import re
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
HIGH_SIGNALS = frozenset(
    {"pregnancy", "escalating", "children_at_risk", "stalking", "not_safe"}
)
# Rasa intents that carry the same meaning as a signal.
INTENT_SIGNALS = {
    "danger": "danger_now",
    "stalking": "stalking",
    "children": "children_at_risk",
}


def detect(text: object) -> set[str]:
    """The high-risk signals found in one message (an empty set for non-text)."""
    if not isinstance(text, str) or not text.strip():
        return set()
    value = text.replace("\u2019", "'")
    return danger.signals(text) | {name for name, pattern in _COMPILED.items()
                                   if pattern.search(value)}


def detect_all(texts: Iterable[object], intents: Iterable[object] = ()) -> set[str]:
    """Signals across a conversation's messages and recognised intents."""
    found: set[str] = set()
    for text in texts:
        found |= detect(text)
    for intent in intents:
        if isinstance(intent, str) and intent in INTENT_SIGNALS:
            found.add(INTENT_SIGNALS[intent])
    return found


def priority(signals: Iterable[str]) -> str:
    """urgent / high / normal for a set of signals."""
    found = set(signals)
    if found & URGENT_SIGNALS:
        return URGENT
    if found & HIGH_SIGNALS:
        return HIGH
    return NORMAL
