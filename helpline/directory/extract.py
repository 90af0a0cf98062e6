"""Understand what help someone wants and who they are, from their own words."""
from __future__ import annotations

import re
from dataclasses import dataclass

import spacy
from spacy.matcher import PhraseMatcher

from helpline.directory.model import Directory

GENERAL_NEED = "helpline"


@dataclass(frozen=True)
class Person:
    """What someone has told us about themselves that changes which services fit."""

    gender: str | None = None
    age: int | None = None
    lgbt: bool = False
    language: str | None = None


MALE = re.compile(r"\b(i'?m|i am|as) an? (man|bloke|guy|lad|male|dad|father)\b|\bmale victim|"
                  r"\bmy (wife|girlfriend|missus) (hits|is|keeps|has|controls|won'?t)", re.I)
FEMALE = re.compile(r"\b(i'?m|i am|as) an? (woman|girl|female|mum|mother)\b", re.I)
LGBT = re.compile(r"\b(lgbt\w*|gay|lesbian|bisexual|bi|trans|transgender|non-?binary|queer)\b",
                  re.I)
AGE = re.compile(r"\b(?:i'?m|i am|im|aged?)\s+(\d{1,2})\b(?!\s*(?:weeks|months|%))", re.I)
LANGUAGES = {"polish": "Polish", "polski": "Polish"}


class NeedFinder:
    """A spaCy PhraseMatcher over the words listed for each need in needs.yml."""

    def __init__(self, directory: Directory, nlp: spacy.language.Language | None = None) -> None:
        self.nlp = nlp or spacy.blank("en")
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        for need in directory.needs.values():
            self.matcher.add(need.id, [self.nlp.make_doc(w) for w in need.words])

    def needs(self, text: str) -> list[str]:
        """Need ids in the order they appear; the general helpline need only if nothing else."""
        doc = self.nlp.make_doc(text)
        found: list[str] = []
        for match_id, _start, _end in sorted(self.matcher(doc), key=lambda m: m[1]):
            need = self.nlp.vocab.strings[match_id]
            if need not in found:
                found.append(need)
        specific = [n for n in found if n != GENERAL_NEED]
        return specific or found

    def need(self, text: str) -> str | None:
        found = self.needs(text)
        return found[0] if found else None


def person_from_text(text: str) -> Person:
    gender = "men" if MALE.search(text) else "women" if FEMALE.search(text) else None
    age_match = AGE.search(text)
    age = int(age_match.group(1)) if age_match else None
    if age is not None and not 5 <= age <= 99:
        age = None
    language = next((v for k, v in LANGUAGES.items() if k in text.lower()), None)
    return Person(gender, age, bool(LGBT.search(text)), language)
