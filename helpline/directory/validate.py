"""Check every directory file and build the in-memory Directory, with file:line problems.

- Phone numbers are checked against phonenumbers' UK ranges, and short codes against its
  short-number list (116 123, 999, 111, 101...), instead of the old digit count, which let
  a number with a digit missing ("0808 2000 24") or a fictional one (07700 900123) through.
  The directory writes numbers as digits and spaces, so we take off "+44" or the trunk 0 and
  build the number ourselves: phonenumbers.parse costs twice as much.
- Measured (2026-11-30, 2-core machine shared with other jobs, so figures vary by +-30%):
  `python -m helpline.cli directory validate` on the real directory takes 1.5 s of CPU
  before and 1.6 s after (wall 1.6-3.3 s either way, almost all imports); importing
  phonenumbers adds about 0.09 s and loading its UK data 0.03 s. Each number costs about
  70 us (0.7 s CPU per 10,000 numbers; phonenumbers.parse would make it 1.3 s), against
  2 us for the old regex.
- Opening times use the one hours model (hours.py): a block closing before it opens is an
  error that says how to write hours past midnight. Every bad time in a block is reported in
  the same run, with the 24-hour spelling when it can be read ("5pm": did you mean "17:00"?).
- Nothing can vanish by accident (issue 14). Only files ending .yml or .yaml are read, so a
  file deleted, or renamed by an editor ("wirral.yml.txt"), used to drop its services with
  "OK". Now: every area must keep at least one service naming it or its region, unless the
  officer retires it on purpose (`retired: <date>` on the area in areas.yml); every document
  listed in sources.yml must be named by some entry (this catches a deleted file whose area
  is also covered by a region-wide service from another file, as Wirral and Cheshire East
  are); at least one active national service with a number must remain; and a file whose
  name merely contains ".yml" is an error naming the file. These checks are skipped while a
  file cannot be read at all, so one syntax error does not bring a page of follow-on errors.
  Measured (2026-11-30, same machine): with these checks, validating scripts/
  bench_directory.py's 10,000 generated services takes 2.1 s (the issue's target: 10 s).
- The assistant's composed answers (helpline/answers.py) fill in national numbers
  by service id ("{galop-helpline}"); a renamed or deleted one used to pass here and lose its
  number at run time. Each id they use must be a service with a phone number (an error naming
  the sentence it completes); one that is not active gets a warning, because the answers give
  its number anyway. search.py's FALLBACK_ID is one of them (a test checks).
- `source:` names a document listed in sources.yml beside the YAML files (the five council
  reports, and any document an officer adds) or "national list". The list holds each
  document's file name and title, not the document: the reports are the councils' own text.
- Every field of a service is checked in one run, even when a required one is missing:
  officers fixed one error only to be shown the next ("closes_at 5pm" after the fix).
- A wrong value names the allowed ones and a "did you mean" (difflib) where one is close. A
  service area written as a town, postcode district or area name ("Birkenhead") says which
  area it belongs to and gives the id to write.
"""
from __future__ import annotations

import difflib
import hashlib
import re
import string
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable

import phonenumbers
from phonenumbers import shortnumberinfo

from helpline.answers import PARTS
from helpline.directory import hours
from helpline.directory.model import (
    DAYS,
    NATIONAL,
    NATIONAL_LIST,
    STATUSES,
    Area,
    Directory,
    Eligibility,
    Need,
    Organization,
    Phone,
    Schedule,
    Service,
)
from helpline.directory.yamlio import LineDict, LineList, YamlProblem, load_yaml, paused_gc

AREAS_FILE = "areas.yml"
NEEDS_FILE = "needs.yml"
SOURCES_FILE = "sources.yml"
REVIEW_MAX_DAYS = 365
NATIONAL_FILE = "national.yml"
YAML_SUFFIXES = (".yml", ".yaml")

PHONE_CHARS = re.compile(r"^\+?[\d ]+$")  # as services publish them: digits and spaces
EMAIL = re.compile(r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
URL = re.compile(r"^https?://[^\s]+\.[^\s]+$")
ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
CLOCK = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$")


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str
    level: str = "error"

    def __str__(self) -> str:
        prefix = "warning: " if self.level == "warning" else ""
        where = f"{self.file}:{self.line}" if self.line else self.file  # 0: the whole file
        return f"{where}: {prefix}{self.message}"


class Checker:
    """Collects problems for one file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(str(self.path), line, message))

    def warn(self, line: int, message: str) -> None:
        self.problems.append(Problem(str(self.path), line, message, "warning"))


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "yes/no"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a set of fields"
    if value is None:
        return "empty"
    return "text"


def did_you_mean(value: Any, allowed: Any) -> str:
    """" (did you mean 'x'?)" when one allowed value is close to ``value``, else ""."""
    options = [str(a) for a in allowed]
    close = difflib.get_close_matches(str(value), options, n=1)
    if not close:  # "Refuge" for "refuge", "Temporarily Closed" for "temporarily closed"
        by_lower = {o.lower(): o for o in options}
        close = difflib.get_close_matches(str(value).lower(), list(by_lower), n=1)
        close = [by_lower[c] for c in close]
    return f" (did you mean '{close[0]}'?)" if close else ""


def _unknown_fields(check: Checker, entry: LineDict, allowed: tuple[str, ...], what: str) -> None:
    for key in entry:
        if key not in allowed:
            check.error(entry.line_of(key), f"{what} has an unknown field '{key}'"
                        f"{did_you_mean(key, allowed)}")


def _text(check: Checker, entry: LineDict, key: str, what: str, required: bool) -> str | None:
    value = entry.get(key)
    if value is None or value == "":
        if required:
            check.error(entry.line, f"{what} is missing the required field '{key}'")
        return None
    if isinstance(value, (date, bool)) or not isinstance(value, (str, int, float)):
        check.error(entry.line_of(key), f"'{key}' should be text, not {_kind(value)}")
        return None
    return str(value).strip()


def _id(check: Checker, entry: LineDict, what: str) -> str | None:
    value = _text(check, entry, "id", what, True)
    if value and not ID.match(value):
        check.error(entry.line_of("id"), f"id '{value}' should use only small letters, numbers "
                    "and dashes (for example 'pathway-project-helpline')")
        return None
    return value


def _text_list(check: Checker, entry: LineDict, key: str, required: bool, what: str) -> list[str]:
    value = entry.get(key)
    if value is None or value == []:
        if required:
            check.error(entry.line, f"{what} is missing the required field '{key}'")
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        check.error(entry.line_of(key), f"'{key}' should be a list like [a, b], not {_kind(value)}")
        return []
    out = []
    for item in value:
        if not isinstance(item, (str, int)) or isinstance(item, bool):
            check.error(entry.line_of(key), f"each item in '{key}' should be text")
            continue
        out.append(str(item).strip())
    return out


def is_uk_phone(number: str) -> bool:
    """A number in a UK range phonenumbers knows, or a UK short code (116 123, 999, 101)."""
    if not PHONE_CHARS.match(number):
        return False
    digits = number.replace(" ", "")
    if digits.startswith("+44"):
        national, full = digits[3:], True
    elif digits.startswith("+"):
        return False
    elif digits.startswith("0"):
        national, full = digits[1:], True  # the trunk 0
    else:
        national, full = digits, False  # a short code
    if not national.isdigit() or national.startswith("0"):
        return False
    parsed = phonenumbers.PhoneNumber(country_code=44, national_number=int(national))
    return phonenumbers.is_valid_number(parsed) if full else \
        shortnumberinfo.is_valid_short_number(parsed)


def _phones(check: Checker, entry: LineDict, what: str) -> list[Phone]:
    value = entry.get("phones")
    if value is None:
        return []
    if not isinstance(value, list):
        check.error(entry.line_of("phones"), "'phones' should be a list of numbers (each starting "
                    "with '- number:')")
        return []
    phones = []
    lines = getattr(value, "lines", [entry.line_of("phones")] * len(value))
    for item, line in zip(value, lines):
        if not isinstance(item, dict):
            check.error(line, "each phone needs 'number:' and 'type:' on their own lines")
            continue
        item_check = LineDict() if not isinstance(item, LineDict) else item
        _unknown_fields(check, item_check, ("number", "type", "description"), "a phone")
        number = item.get("number")
        if not isinstance(number, str):
            check.error(item_check.line_of("number") if "number" in item else line,
                        "phone number missing or not in quotes: write it like \"01782 205500\"")
            continue
        if not is_uk_phone(number):
            check.error(item_check.line_of("number"), f"'{number}' is not a valid UK phone number")
            continue
        kind = item.get("type", "voice")
        if kind not in ("voice", "text"):
            check.error(item_check.line_of("type"), f"phone type '{kind}' should be voice or text")
            continue
        description = item.get("description") or ""
        phones.append(Phone(number.strip(), kind, str(description)))
    return phones


def _time_hint(value: Any) -> str:
    """The 24-hour spelling of a time written another way ("5pm", "9.30", "9:00")."""
    match = CLOCK.match(str(value).strip().lower()) if isinstance(value, str) else None
    if not match:
        return ""
    hour, minute, half = int(match[1]), int(match[2] or 0), match[3]
    if half and not 1 <= hour <= 12:
        return ""
    hour = hour % 12 + (12 if half == "pm" else 0) if half else hour
    if minute > 59 or hour > 24 or (hour == 24 and minute):
        return ""
    return f' (did you mean "{hour:02d}:{minute:02d}"?)'


def _schedules(check: Checker, entry: LineDict) -> list[Schedule]:
    value = entry.get("schedules")
    if value is None or value == []:
        return []
    if not isinstance(value, list):
        check.error(entry.line_of("schedules"), "'schedules' should be a list of opening times")
        return []
    out = []
    lines = getattr(value, "lines", [entry.line_of("schedules")] * len(value))
    for item, line in zip(value, lines):
        if not isinstance(item, LineDict):
            check.error(line, "each schedule needs freq, byday, opens_at and closes_at lines")
            continue
        _unknown_fields(check, item, ("freq", "byday", "opens_at", "closes_at", "description"),
                        "a schedule")
        freq = item.get("freq", "WEEKLY")
        if freq != "WEEKLY":
            check.error(item.line_of("freq"), f"schedule freq '{freq}' is not supported: use WEEKLY")
            continue
        byday = item.get("byday")
        days = [d.strip() for d in byday.split(",")] if isinstance(byday, str) else []
        if not days or any(d not in DAYS for d in days):
            check.error(item.line_of("byday"), "byday should list days like MO,TU,WE,TH,FR,SA,SU")
            continue
        opens, closes = item.get("opens_at"), item.get("closes_at")
        bad = False
        for key, value in (("opens_at", opens), ("closes_at", closes)):
            if value is None:
                check.error(item.line, f"this schedule is missing {key} (a time like \"09:00\")")
                bad = True
            elif not hours.is_time(value):
                check.error(item.line_of(key), f"{key} \"{value}\" should be a time on the "
                            "24-hour clock like \"09:00\" or \"17:30\" (\"24:00\" is midnight "
                            f"at the end of the day){_time_hint(value)}")
                bad = True
        if bad:
            continue
        try:
            hours.check_block(opens, closes)
        except ValueError as error:
            check.error(item.line_of("closes_at"), f"opening time {opens}-{closes}: {error}")
            continue
        out.append(Schedule(tuple(days), opens, closes, "WEEKLY", str(item.get("description", ""))))
    return out


def _eligibility(check: Checker, entry: LineDict) -> Eligibility:
    value = entry.get("eligibility")
    if value is None:
        return Eligibility()
    if not isinstance(value, LineDict):
        check.error(entry.line_of("eligibility"), "'eligibility' should be a set of fields")
        return Eligibility()
    _unknown_fields(check, value, ("gender", "min_age", "max_age", "risk_level", "self_referral",
                                   "lgbt_specialist"), "eligibility")
    gender = value.get("gender", "any")
    if gender not in ("any", "women", "men"):
        check.error(value.line_of("gender"), f"gender '{gender}' should be any, women or men")
        gender = "any"
    ages = {}
    for key in ("min_age", "max_age"):
        age = value.get(key)
        if age is not None and (not isinstance(age, int) or isinstance(age, bool)
                                or not 0 <= age <= 120):
            check.error(value.line_of(key), f"{key} should be a whole number of years")
            age = None
        ages[key] = age
    if ages["min_age"] is not None and ages["max_age"] is not None \
            and ages["min_age"] > ages["max_age"]:
        check.error(value.line_of("max_age"), "max_age is smaller than min_age")
    risk = value.get("risk_level", [])
    risk = [risk] if isinstance(risk, str) else risk
    if not isinstance(risk, list) or any(r not in ("standard", "medium", "high") for r in risk):
        check.error(value.line_of("risk_level"), "risk_level should list standard, medium or high")
        risk = []
    flags = {}
    for key in ("self_referral", "lgbt_specialist"):
        flag = value.get(key)
        if flag is not None and not isinstance(flag, bool):
            check.error(value.line_of(key), f"{key} should be true or false")
            flag = None
        flags[key] = flag
    return Eligibility(gender, ages["min_age"], ages["max_age"], tuple(risk),
                       flags["self_referral"], bool(flags["lgbt_specialist"]))


SERVICE_FIELDS = ("id", "organization", "name", "description", "summary", "needs", "status",
                  "phones", "email", "url", "schedules", "service_areas", "eligibility",
                  "languages", "referral_only", "how_to_reach", "see_also", "towns", "notes",
                  "source", "last_reviewed")


@dataclass
class Draft:
    """One service entry as written: the Service when it is complete, and the references
    checked against the other files even when it is not."""

    check: Checker
    entry: LineDict
    service: Service | None
    organization: str | None
    needs: list[str]
    areas: list[str]
    sources: list[str]
    see_also: list[str]
    towns: list[str]


def _service(check: Checker, entry: LineDict, file: str, today: date) -> Draft:
    what = "this service"
    _unknown_fields(check, entry, SERVICE_FIELDS, what)
    sid = _id(check, entry, what)
    org = _text(check, entry, "organization", what, True)
    name = _text(check, entry, "name", what, True)
    description = _text(check, entry, "description", what, True)
    needs = _text_list(check, entry, "needs", True, what)
    areas = _text_list(check, entry, "service_areas", True, what)
    source = _text_list(check, entry, "source", True, what)
    status = entry.get("status")
    if status is None:
        check.error(entry.line, f"{what} is missing the required field 'status'")
    elif status not in STATUSES:
        check.error(entry.line_of("status"), f"status '{status}' should be one of: "
                    + ", ".join(STATUSES) + did_you_mean(status, STATUSES))
        status = None
    reviewed = entry.get("last_reviewed")
    if reviewed is None:
        check.error(entry.line, f"{what} is missing the required field 'last_reviewed'")
    elif not isinstance(reviewed, date):
        check.error(entry.line_of("last_reviewed"), "last_reviewed should be a date like "
                    "2025-03-31 (year-month-day)")
        reviewed = None
    elif reviewed > today:
        check.error(entry.line_of("last_reviewed"), "last_reviewed is in the future")
    elif (today - reviewed).days > REVIEW_MAX_DAYS:
        check.warn(entry.line_of("last_reviewed"), f"{name or sid} was last reviewed on "
                   f"{reviewed}, more than 12 months ago: please check it against its source")
    email = _text(check, entry, "email", what, False)
    if email and not EMAIL.match(email):
        check.error(entry.line_of("email"), f"'{email}' is not a valid email address")
        email = None
    url = _text(check, entry, "url", what, False)
    if url and not URL.match(url):
        check.error(entry.line_of("url"), f"'{url}' should be a web address starting https://")
        url = None
    referral_only = entry.get("referral_only", False)
    if not isinstance(referral_only, bool):
        check.error(entry.line_of("referral_only"), "referral_only should be true or false")
        referral_only = False
    phones = _phones(check, entry, what)
    how = _text(check, entry, "how_to_reach", what, False) or ""
    if referral_only and phones:
        check.error(entry.line_of("phones"), "a referral-only service must not list a phone "
                    "number: explain in how_to_reach who refers people")
    if referral_only and not how:
        check.error(entry.line, "a referral-only service needs how_to_reach (who refers people)")
    # A contact that was written but is wrong has its own error above; this one is only for
    # an entry that gives no way at all to reach the service.
    if not (how or any(entry.get(key) for key in ("phones", "email", "url"))):
        check.error(entry.line, "give a phone, email or url from the source, or say in "
                    "how_to_reach how people reach this service (for example: referral by GP)")
    schedules = _schedules(check, entry)
    eligibility = _eligibility(check, entry)
    languages = _text_list(check, entry, "languages", False, what)
    summary = _text(check, entry, "summary", what, False) or ""
    see_also = _text_list(check, entry, "see_also", False, what)
    towns = _text_list(check, entry, "towns", False, what)
    notes = _text(check, entry, "notes", what, False) or ""
    service = None
    if None not in (sid, org, name, description, status, reviewed) and needs and areas \
            and source:
        service = Service(
            id=sid, organization_id=org, name=name, description=description,
            needs=tuple(needs), status=status, service_areas=tuple(areas), source=tuple(source),
            last_reviewed=reviewed, phones=tuple(phones), email=email, url=url,
            schedules=tuple(schedules), eligibility=eligibility, languages=tuple(languages),
            referral_only=referral_only, how_to_reach=how, summary=summary,
            see_also=tuple(see_also), towns=tuple(towns), notes=notes, file=file,
            line=entry.line)
    return Draft(check, entry, service, org, needs, areas, source, see_also, towns)


def _entries(check: Checker, data: LineDict, key: str) -> list[LineDict]:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, LineList):
        check.error(data.line_of(key), f"'{key}' should be a list of entries, each starting '- id:'")
        return []
    out = []
    for item, line in zip(value, value.lines):
        if isinstance(item, LineDict):
            out.append(item)
        else:
            check.error(line, f"each entry in '{key}' should be a set of fields starting '- id:'")
    return out


def _read(check: Checker) -> LineDict | None:
    try:
        data = load_yaml(check.path)
    except YamlProblem as problem:
        check.error(problem.line, problem.message)
        return None
    except OSError as error:
        check.error(1, f"cannot open the file ({error.strerror})")
        return None
    if data is None:
        check.error(1, "the file is empty")
        return None
    if not isinstance(data, LineDict):
        check.error(getattr(data, "line", 1), "the file should start with named sections "
                    "(like 'services:'), not " + _kind(data))
        return None
    return data


@dataclass
class Result:
    directory: Directory | None
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "warning"]


def directory_files(folder: Path) -> list[Path]:
    """Every YAML file in the folder (.yml or .yaml, any case), in a stable order."""
    return sorted(p for p in folder.iterdir()
                  if p.suffix.lower() in YAML_SUFFIXES and p.is_file()
                  and not p.name.startswith("."))


def _misnamed(folder: Path) -> list[Problem]:
    """Files that look like directory files but are not read ("wirral.yml.txt")."""
    problems = []
    for path in sorted(folder.iterdir()):
        name = path.name.lower()
        if path.is_file() and not name.startswith(".") and path.suffix.lower() not in \
                YAML_SUFFIXES and any(s in name for s in YAML_SUFFIXES):
            stem = path.name[:name.rindex(".y")]
            problems.append(Problem(str(path), 0, f"this file is not read, because its name "
                                    f"does not end in .yml: if it holds services, rename it "
                                    f"to {stem}.yml (Notepad may have added .txt); if it is an "
                                    "old copy, move it out of this folder"))
    return problems


def source_files(folder: Path) -> tuple[dict[str, int] | None, list[Problem]]:
    """The documents sources.yml lists, each with its line; None when the file is missing."""
    check = Checker(folder / SOURCES_FILE)
    if not check.path.exists():
        return None, []
    data = _read(check)
    found: dict[str, int] = {}
    for entry in _entries(check, data, "sources") if data is not None else []:
        name = entry.get("file")
        if not isinstance(name, str) or not name.strip():
            check.error(entry.line, "each document needs 'file:' (its file name) and 'title:'")
        else:
            found[name.strip()] = entry.line_of("file")
    return found, check.problems


def fingerprint(files: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _load_needs(check: Checker, data: LineDict) -> dict[str, Need]:
    needs: dict[str, Need] = {}
    for entry in _entries(check, data, "needs"):
        _unknown_fields(check, entry, ("id", "label", "words"), "this need")
        nid = _id(check, entry, "this need")
        label = _text(check, entry, "label", "this need", True)
        words = _text_list(check, entry, "words", False, "this need")
        if nid and nid in needs:
            check.error(entry.line_of("id"), f"duplicate need id '{nid}'")
        elif nid and label:
            needs[nid] = Need(nid, label, tuple(words))
    if not needs:
        check.error(data.line, "no needs are listed under 'needs:'")
    return needs


@dataclass
class Gazetteer:
    """What areas.yml holds, plus what the checks need that the Directory does not keep."""

    areas: dict[str, Area] = field(default_factory=dict)
    regions: dict[str, str] = field(default_factory=dict)
    common: set[str] = field(default_factory=set)
    elsewhere: set[str] = field(default_factory=set)  # real places outside our areas
    retired: set[str] = field(default_factory=set)  # areas retired on purpose: no services
    lines: dict[str, int] = field(default_factory=dict)  # area id -> line of its entry


def _load_areas(check: Checker, data: LineDict) -> Gazetteer:
    found = Gazetteer()
    regions = found.regions
    for entry in _entries(check, data, "regions"):
        _unknown_fields(check, entry, ("id", "name"), "this region")
        rid, name = _id(check, entry, "this region"), _text(check, entry, "name", "this region", True)
        if rid and rid in regions:
            check.error(entry.line_of("id"), f"duplicate region id '{rid}'")
        elif rid and name:
            regions[rid] = name
    areas = found.areas
    for entry in _entries(check, data, "areas"):
        what = "this area"
        _unknown_fields(check, entry, ("id", "name", "region", "places", "postcodes", "retired"),
                        what)
        aid, name = _id(check, entry, what), _text(check, entry, "name", what, True)
        region = _text(check, entry, "region", what, True)
        if region and region not in regions:
            check.error(entry.line_of("region"), f"region '{region}' is not in the regions list: "
                        + ", ".join(regions) + did_you_mean(region, regions))
        places = _text_list(check, entry, "places", False, what)
        codes = [c.upper().replace(" ", "") for c in _text_list(check, entry, "postcodes", False,
                                                               what)]
        for code in codes:
            if not re.match(r"^[A-Z]{1,2}\d[A-Z\d]?$", code):
                check.error(entry.line_of("postcodes"), f"'{code}' is not a postcode district "
                            "(the first half of a postcode, like ST13)")
        retired = entry.get("retired")
        if retired is not None and not isinstance(retired, date):
            check.error(entry.line_of("retired"), "retired should be the date you stopped "
                        "listing services for this area, like 2026-12-01 (year-month-day)")
        if aid and (aid in areas or aid in regions):
            check.error(entry.line_of("id"), f"duplicate area id '{aid}'")
        elif aid and name and region:
            areas[aid] = Area(aid, name, region, tuple(places), tuple(codes))
            found.lines[aid] = entry.line
            if isinstance(retired, date):
                found.retired.add(aid)
    found.common = set(_text_list(check, data, "common_words", False, "the gazetteer"))
    found.elsewhere = set(_text_list(check, data, "places_elsewhere", False, "the gazetteer"))
    for name in sorted(found.elsewhere):
        within = _areas_holding(name, areas)
        if within:
            check.error(data.line_of("places_elsewhere"), f"'{name}' is under places_elsewhere "
                        f"and is also a place in {' and '.join(a.name for a in within)}: keep it "
                        "in one list")
    if not areas:
        check.error(data.line, "no areas are listed under 'areas:'")
    return found


def _areas_holding(name: str, areas: dict[str, Area]) -> list[Area]:
    """The areas that list `name` as one of their places or postcode districts."""
    key = name.strip().lower()
    return [a for a in areas.values()
            if key in {p.lower() for p in a.places} or key.upper().replace(" ", "") in a.postcodes]


def _area_problem(area: str, gazetteer: Gazetteer) -> str:
    """Why a service_areas value is wrong, what to write instead, and the allowed ids."""
    key = area.strip().lower()
    names = {a.name.lower(): a.id for a in gazetteer.areas.values()}
    names.update({name.lower(): rid for rid, name in gazetteer.regions.items()})
    names.update({"national": NATIONAL})
    within = _areas_holding(area, gazetteer.areas)
    if key in names:
        message = f"'{area}' is the name of an area: service_areas uses its id, write " \
                  f"{names[key]}"
    elif within:
        kind = "a postcode district" if re.match(r"^[a-z]{1,2}\d", key) else "a place"
        message = (f"'{area}' is {kind} in " + " and ".join(a.name for a in within)
                   + ", not an area: service_areas lists whole council areas, so write "
                   + " or ".join(a.id for a in within))
    else:
        coverage = [*gazetteer.areas, *gazetteer.regions, NATIONAL]
        message = f"area '{area}' is not in areas.yml{did_you_mean(area, coverage)}"
    return (f"{message}. The areas are: {', '.join(gazetteer.areas)}; the regions (every area "
            f"in them): {', '.join(gazetteer.regions)}; and {NATIONAL} for national services")


def load_directory(folder: Path, today: date | None = None) -> Result:
    """Validate every file in `folder`; return a Directory only when there are no errors."""
    with paused_gc():
        return _load_directory(Path(folder), today)


def _load_directory(folder: Path, today: date | None) -> Result:
    today = today or date.today()
    problems: list[Problem] = []
    if not folder.is_dir():
        return Result(None, [Problem(str(folder), 0, "the directory folder does not exist")])
    files = directory_files(folder)
    names = {p.name for p in files}
    problems += _misnamed(folder)
    for required in (AREAS_FILE, NEEDS_FILE):
        if required not in names:
            problems.append(Problem(str(folder / required), 0, "this file is missing: put it "
                                    "back (the name must be exactly " + required + ")"))
    unread = False  # a file that could not be read at all: skip the whole-directory checks

    def special(name: str, build: Callable[[Checker, LineDict], Any]) -> Any:
        nonlocal unread
        check = Checker(folder / name)
        data = _read(check) if name in names else None
        unread = unread or data is None
        result = build(check, data) if data is not None else None
        problems.extend(check.problems)
        return result

    needs = special(NEEDS_FILE, _load_needs) or {}
    gazetteer = special(AREAS_FILE, _load_areas) or Gazetteer()
    areas, regions = gazetteer.areas, gazetteer.regions

    services: dict[str, Service] = {}
    organizations: dict[str, Organization] = {}
    drafts: list[Draft] = []
    for path in files:
        if path.name in (AREAS_FILE, NEEDS_FILE, SOURCES_FILE):
            continue
        check = Checker(path)
        data = _read(check)
        unread = unread or data is None
        if data is not None:
            _unknown_fields(check, data, ("organizations", "services"), "this file")
            if "services" not in data and "organizations" not in data:
                check.error(data.line, "this file has no 'services:' section")
            for entry in _entries(check, data, "organizations"):
                _unknown_fields(check, entry, ("id", "name", "description", "url", "email"),
                                "this organisation")
                oid = _id(check, entry, "this organisation")
                name = _text(check, entry, "name", "this organisation", True)
                desc = _text(check, entry, "description", "this organisation", True)
                if oid and oid in organizations:
                    check.error(entry.line_of("id"), f"duplicate organisation id '{oid}' (also "
                                "used in another entry)")
                elif oid and name and desc:
                    organizations[oid] = Organization(
                        oid, name, desc, _text(check, entry, "url", "", False),
                        _text(check, entry, "email", "", False))
            for entry in _entries(check, data, "services"):
                draft = _service(check, entry, path.name, today)
                drafts.append(draft)
                service = draft.service
                if service is None:
                    continue
                if service.id in services:
                    other = services[service.id]
                    check.error(entry.line_of("id"), f"duplicate service id '{service.id}' (also "
                                f"used at {other.file}:{other.line})")
                    continue
                services[service.id] = service
        problems.extend(check.problems)

    sources, listing_problems = source_files(folder)
    problems += listing_problems
    problems += _references(drafts, needs, gazetteer, organizations, services, sources)
    if not unread:
        problems += _nothing_vanished(folder, drafts, gazetteer, services, sources, today)
    problems = sorted(set(problems), key=lambda p: (p.file, p.line, p.message))
    if any(p.level == "error" for p in problems):
        return Result(None, problems)
    directory = Directory(services, organizations, areas, regions, needs,
                          frozenset(gazetteer.common), fingerprint(files),
                          places_elsewhere=frozenset(gazetteer.elsewhere))
    return Result(directory, problems)


def _references(drafts: list[Draft], needs: dict[str, Need], gazetteer: Gazetteer,
                organizations: dict[str, Organization], services: dict[str, Service],
                sources: set[str] | None) -> list[Problem]:
    """Each service's organisation, needs, areas, sources and see_also exist."""
    coverage = set(gazetteer.areas) | set(gazetteer.regions) | {NATIONAL}
    allowed_needs = ", ".join(needs)
    problems = []
    for draft in drafts:
        check, entry = draft.check, draft.entry
        check.problems = []
        if draft.organization and draft.organization not in organizations:
            check.error(entry.line_of("organization"), f"organisation '{draft.organization}'"
                        " is not listed under 'organizations:' in any file"
                        + did_you_mean(draft.organization, organizations))
        for need in draft.needs:
            if need not in needs and needs:
                check.error(entry.line_of("needs"), f"need '{need}' is not in needs.yml"
                            f"{did_you_mean(need, needs)}. The needs are: {allowed_needs}")
        for area in draft.areas:
            if area not in coverage and (gazetteer.areas or gazetteer.regions):
                check.error(entry.line_of("service_areas"), _area_problem(area, gazetteer))
        for item in draft.sources:
            if item == NATIONAL_LIST or sources is None or item in sources:
                continue
            listed = f" The documents listed are: {', '.join(sorted(sources))}." \
                if 0 < len(sources) <= 12 else ""
            check.error(entry.line_of("source"), f"source '{item}' is not a document listed in "
                        f"{SOURCES_FILE}{did_you_mean(item, [*sources, NATIONAL_LIST])}: name "
                        f"one exactly (add a new document to {SOURCES_FILE} first, with its "
                        f"file name and title), or write '{NATIONAL_LIST}' for the agreed "
                        f"national contacts.{listed}")
        places = {p.lower(): p for a in gazetteer.areas.values()
                  if a.id in draft.areas or a.region in draft.areas for p in (a.name, *a.places)}
        for town in draft.towns:
            if places and town.lower() not in places:
                check.error(entry.line_of("towns"), f"town '{town}' is not a place in this "
                            f"service's areas in {AREAS_FILE}{did_you_mean(town, places.values())}"
                            ": write a town or village listed there, spelt the same way")
        for other in draft.see_also:
            if other not in services:
                check.error(entry.line_of("see_also"), f"see_also '{other}' is not a service id"
                            + did_you_mean(other, services))
        problems.extend(check.problems)
        check.problems = []
    return problems


def _nothing_vanished(folder: Path, drafts: list[Draft], gazetteer: Gazetteer,
                      services: dict[str, Service], sources: set[str] | None,
                      today: date) -> list[Problem]:
    """Errors for what a deleted or renamed file leaves behind (see the module docstring)."""
    put_back = ("If a services file was deleted or renamed, put it back (its name must end "
                "in .yml).")
    problems = []
    named = {area for draft in drafts for area in draft.areas}
    areas_file = str(folder / AREAS_FILE)
    for area in gazetteer.areas.values():
        if area.id in gazetteer.retired or area.id in named or area.region in named:
            continue
        problems.append(Problem(areas_file, gazetteer.lines.get(area.id, 0), (
            f"{area.name} has no services: no entry in any file lists {area.id} (or its region "
            f"{area.region}) in service_areas. {put_back} If the helpline no longer lists "
            f"services for {area.name}, retire the area on purpose: add the line 'retired: "
            f"{today.isoformat()}' to its entry here, under 'name: {area.name}'.")))
    if sources is None:
        problems.append(Problem(str(folder / SOURCES_FILE), 0, (
            f"{SOURCES_FILE} is missing: it lists the documents that entries name in 'source:'. "
            f"Put it back beside {AREAS_FILE}.")))
    else:
        used = {item for draft in drafts for item in draft.sources}
        for name in sorted(set(sources) - used):
            problems.append(Problem(str(folder / SOURCES_FILE), sources[name], (
                f"no entry names the document '{name}' in 'source:'. {put_back} If the "
                f"document is not needed, remove it from {SOURCES_FILE}.")))
    if not any(s.offered and NATIONAL in s.service_areas and s.phones and not s.referral_only
               for s in services.values()):
        problems.append(Problem(str(folder / NATIONAL_FILE), 0, (
            "there is no active national service with a phone number (service_areas: "
            f"[{NATIONAL}]), so the helpline would have no number to give everywhere. "
            f"{put_back}")))
    problems += _answer_services(folder, drafts, services)
    return problems


def answer_services() -> dict[str, str]:
    """The ids of the services whose numbers the assistant's answers fill in (``{id}`` in
    helpline/answers.py), each with the first sentence that gives it."""
    needed: dict[str, str] = {}
    for text in PARTS.values():
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            for _, name, _, _ in string.Formatter().parse(sentence):
                if name:
                    needed.setdefault(name, sentence.replace("{" + name + "}", "[its number]"))
    return needed


def _answer_services(folder: Path, drafts: list[Draft],
                     services: dict[str, Service]) -> list[Problem]:
    """Each service the answers give a number for exists and has one (see answer_services)."""
    written = {draft.entry.get("id") for draft in drafts}  # an entry with errors of its own
    problems = []
    for sid, sentence in answer_services().items():
        need = (f"the assistant's answers need a service with id {sid} and a phone number, "
                f"for the sentence \"{sentence}\"")
        service = services.get(sid)
        if service is None and sid not in written:
            problems.append(Problem(str(folder / NATIONAL_FILE), 0, (
                f"{need}; it is missing (renamed or deleted?). Put the entry back with 'id: "
                f"{sid}' (an id never changes once used). If the service has closed, keep "
                "the entry and ask a developer to change that answer first.")))
        elif service is not None and not service.phones:
            problems.append(Problem(str(folder / service.file), service.line, (
                f"{need}; this entry has no phone number. Put its number back under "
                "'phones:', as its source gives it.")))
        elif service is not None and not service.offered:
            problems.append(Problem(str(folder / service.file), service.line, (
                f"{sid} is {service.status}, but the assistant's answers still give its number, "
                f"in \"{sentence}\". Ask a developer to change that answer while the service "
                "is not active."), "warning"))
    return problems
