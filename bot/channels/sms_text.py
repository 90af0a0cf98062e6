"""Bot replies shaped for SMS: plain GSM-7 text, at most 3 segments, buttons as numbers.

- ``to_gsm7``: curly quotes, dashes and ellipses become plain ones, accents that GSM-7
  lacks are dropped, emoji and other symbols are removed.
- ``tidy_numbers``: UK phone numbers are written with plain spaces ("+44 (0)808-2000-247"
  becomes "0808 200 0247"), so they are easy to read and a phone offers to dial them. A
  regex finds numbers starting +44 or 0 with at least 9 more digits (999, 55 and 116 123
  never match); phonenumbers groups them in the UK national format. A number already
  written as plain spaced digits keeps the grouping its service publishes.
- ``compose``: the texts of one bot turn, with buttons as numbered options ("1 Yes").
- ``split``: the first part that fits in 3 segments, ending "Reply MORE for the rest.", and
  the rest. Cuts fall at a paragraph, then a sentence, then a space: never inside a number.
"""
from __future__ import annotations

import math
import re
import unicodedata
from typing import Any, Iterable

import phonenumbers

MAX_SEGMENTS = 3
SINGLE_SEGMENT = 160
MULTI_SEGMENT = 153  # septets per part once a message has a concatenation header
MORE_NOTE = "(Reply MORE for the rest.)"
OPTIONS_INTRO = "Reply with a number:"

GSM7_BASIC = frozenset(
    "@\u00a3$\u00a5\u00e8\u00e9\u00f9\u00ec\u00f2\u00c7\n\u00d8\u00f8\r\u00c5\u00e5"
    "\u0394_\u03a6\u0393\u039b\u03a9\u03a0\u03a8\u03a3\u0398\u039e\u00c6\u00e6\u00df\u00c9"
    " !\"#\u00a4%&'()*+,-./0123456789:;<=>?\u00a1ABCDEFGHIJKLMNOPQRSTUVWXYZ\u00c4\u00d6"
    "\u00d1\u00dc\u00a7\u00bfabcdefghijklmnopqrstuvwxyz\u00e4\u00f6\u00f1\u00fc\u00e0"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|\u20ac")  # each costs two septets

_REPLACEMENTS = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u2212": "-", "\u2022": "-", "\u00b7": "-",
    "\u2026": "...", "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\t": " ",
    "\u00d7": "x", "\u2122": "TM", "\u00a9": "(c)", "\r": "",
}

# A UK phone number: +44 (0)..., 0... or a short code like 999, 101, 116 123.
_PHONE = re.compile(
    r"(?<![\w+])(?:\+44\s?(?:\(0\)\s?)?|0)\d(?:[\s.\-]?\d){8,10}(?!\d)"
)
# Runs of digits, possibly split by single spaces: a cut never falls inside one.
_DIGIT_RUN = re.compile(r"\+?\d+(?: \d+)*")


def to_gsm7(text: str) -> str:
    """Plain GSM-7 text: known look-alikes replaced, other characters dropped."""
    out: list[str] = []
    for char in unicodedata.normalize("NFC", str(text)):
        char = _REPLACEMENTS.get(char, char)
        if all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in char):
            out.append(char)
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", char)
                       if not unicodedata.combining(c))
        if base and all(c in GSM7_BASIC for c in base):
            out.append(base)
        elif unicodedata.category(char).startswith("Z"):
            out.append(" ")
    cleaned = re.sub(r"[ ]{2,}", " ", "".join(out))
    cleaned = re.sub(r" *\n *", "\n", cleaned)
    return re.sub(r"\n{3,}", "\n\n", cleaned).strip()


def septets(text: str) -> int:
    """Length in GSM-7 septets (extension characters count twice)."""
    return sum(2 if char in GSM7_EXTENSION else 1 for char in text)


def is_gsm7(text: str) -> bool:
    return all(char in GSM7_BASIC or char in GSM7_EXTENSION for char in text)


def segments(text: str) -> int:
    """How many SMS segments a GSM-7 text takes."""
    length = septets(text)
    if length <= SINGLE_SEGMENT:
        return 1
    return math.ceil(length / MULTI_SEGMENT)


def _national(match: re.Match) -> str:
    original = match.group(0)
    if re.fullmatch(r"0\d+(?: \d+)+", original):
        return original  # already plain and spaced: keep the grouping services publish
    try:
        number = phonenumbers.parse(original, "GB")
    except phonenumbers.NumberParseException:
        return original
    if number.country_code != 44 or not phonenumbers.is_possible_number(number):
        return original
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def tidy_numbers(text: str) -> str:
    """UK phone numbers written with plain spaces in the usual groups."""
    return _PHONE.sub(_national, text)


def compose(messages: Iterable[dict[str, Any]]) -> tuple[str, list[str]]:
    """One SMS text for a bot turn, and the button payloads in the order they are numbered."""
    parts: list[str] = []
    payloads: list[str] = []
    for message in messages:
        text = message.get("text")
        if isinstance(text, str) and text.strip():
            parts.append(text.strip())
        lines = []
        for button in message.get("buttons") or []:
            title = str(button.get("title") or "").strip()
            payload = str(button.get("payload") or title).strip()
            if not title:
                continue
            payloads.append(payload)
            lines.append(f"{len(payloads)} {title}")
        if lines:
            parts.append("\n".join([OPTIONS_INTRO, *lines]))
    return shape_text("\n\n".join(parts)), payloads


def shape_text(text: str) -> str:
    """GSM-7 text with tidy phone numbers."""
    return to_gsm7(tidy_numbers(to_gsm7(text)))


def _protected(text: str) -> list[tuple[int, int]]:
    return [match.span() for match in _DIGIT_RUN.finditer(text)]


def _cut_point(text: str, budget: int) -> int:
    """Where to cut ``text`` so the head has at most ``budget`` septets."""
    limit = 0
    used = 0
    for index, char in enumerate(text):
        used += 2 if char in GSM7_EXTENSION else 1
        if used > budget:
            break
        limit = index + 1
    head = text[:limit]
    spans = _protected(text)

    def safe(position: int) -> bool:
        return not any(start < position < end for start, end in spans)

    floor = limit // 3  # don't cut so early that the first text is nearly empty
    for pattern in (r"\n\n", r"\n", r"[.!?:] ", r" "):
        for match in reversed(list(re.finditer(pattern, head))):
            position = match.start() + (1 if pattern == r"[.!?:] " else 0)
            if position > floor and safe(position):
                return position
    # No good place: cut before the number (or word) that crosses the limit.
    for start, end in spans:
        if start < limit < end and start > 0:
            return start
    return limit


def split(text: str, max_segments: int = MAX_SEGMENTS) -> tuple[str, str]:
    """(what to send now, what to keep for MORE); the first fits in ``max_segments``."""
    text = text.strip()
    whole = SINGLE_SEGMENT if max_segments == 1 else MULTI_SEGMENT * max_segments
    if septets(text) <= whole:
        return text, ""
    budget = whole - septets(MORE_NOTE) - 2  # "\n\n" before the note
    if any(char in GSM7_EXTENSION for char in text):
        budget -= max_segments  # an escape pair may not straddle two segments
    cut = _cut_point(text, budget)
    head, rest = text[:cut].rstrip(), text[cut:].strip()
    return f"{head}\n\n{MORE_NOTE}", rest


def option_choice(text: str, payloads: list[str]) -> str | None:
    """The payload a reply like "1" or "2." picks, or None."""
    value = str(text).strip().strip(".)!# ")
    if value.isdigit() and value.isascii():
        index = int(value)
        if 1 <= index <= len(payloads):
            return payloads[index - 1]
    return None
