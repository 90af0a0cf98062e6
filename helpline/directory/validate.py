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
  error that says how to write hours past midnight.
"""
from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Callable

import phonenumbers
from phonenumbers import shortnumberinfo

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
REVIEW_MAX_DAYS = 365

PHONE_CHARS = re.compile(r"^\+?[\d ]+$")  # as services publish them: digits and spaces
EMAIL = re.compile(r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
URL = re.compile(r"^https?://[^\s]+\.[^\s]+$")
ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
SOURCE_FILE = re.compile(r"^[\w.-]+\.txt$")


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str
    level: str = "error"

    def __str__(self) -> str:
        prefix = "warning: " if self.level == "warning" else ""
        return f"{self.file}:{self.line}: {prefix}{self.message}"


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


def _unknown_fields(check: Checker, entry: LineDict, allowed: tuple[str, ...], what: str) -> None:
    for key in entry:
        if key not in allowed:
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            check.error(entry.line_of(key), f"{what} has an unknown field '{key}'{hint}")


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
        bad = [k for k, v in (("opens_at", opens), ("closes_at", closes))
               if not hours.is_time(v)]
        if bad:
            check.error(item.line_of(bad[0]), f"{bad[0]} should be a time in quotes like \"09:00\" "
                        "(24-hour clock; \"24:00\" means midnight at the end of the day)")
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
                  "languages", "referral_only", "how_to_reach", "see_also", "notes", "source",
                  "last_reviewed")


def _service(check: Checker, entry: LineDict, file: str, today: date) -> Service | None:
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
                    + ", ".join(STATUSES))
        status = None
    for item in source:
        if item != NATIONAL_LIST and not SOURCE_FILE.match(item):
            check.error(entry.line_of("source"), f"source '{item}' should be a seed file name "
                        f"(like 001_589c176e9c6d0884.txt) or '{NATIONAL_LIST}'")
    reviewed = entry.get("last_reviewed")
    if reviewed is None:
        check.error(entry.line, f"{what} is missing the required field 'last_reviewed'")
    elif not isinstance(reviewed, date):
        check.error(entry.line_of("last_reviewed"), "last_reviewed should be a date like 2025-03-31")
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
    if not (phones or email or url or how):
        check.error(entry.line, "give a phone, email or url from the source, or say in "
                    "how_to_reach how people reach this service (for example: referral by GP)")
    if None in (sid, org, name, description, status, reviewed) or not (needs and areas and source):
        return None
    return Service(
        id=sid, organization_id=org, name=name, description=description, needs=tuple(needs),
        status=status, service_areas=tuple(areas), source=tuple(source), last_reviewed=reviewed,
        phones=tuple(phones), email=email, url=url, schedules=tuple(_schedules(check, entry)),
        eligibility=_eligibility(check, entry),
        languages=tuple(_text_list(check, entry, "languages", False, what)),
        referral_only=referral_only, how_to_reach=how,
        summary=_text(check, entry, "summary", what, False) or "",
        see_also=tuple(_text_list(check, entry, "see_also", False, what)),
        notes=_text(check, entry, "notes", what, False) or "", file=file, line=entry.line)


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
    """Every YAML file in the folder, in a stable order."""
    return sorted(p for p in folder.iterdir() if p.suffix in (".yml", ".yaml") and p.is_file())


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


def _load_areas(check: Checker, data: LineDict) -> tuple[dict[str, Area], dict[str, str], set]:
    regions: dict[str, str] = {}
    for entry in _entries(check, data, "regions"):
        _unknown_fields(check, entry, ("id", "name"), "this region")
        rid, name = _id(check, entry, "this region"), _text(check, entry, "name", "this region", True)
        if rid and rid in regions:
            check.error(entry.line_of("id"), f"duplicate region id '{rid}'")
        elif rid and name:
            regions[rid] = name
    areas: dict[str, Area] = {}
    for entry in _entries(check, data, "areas"):
        what = "this area"
        _unknown_fields(check, entry, ("id", "name", "region", "places", "postcodes"), what)
        aid, name = _id(check, entry, what), _text(check, entry, "name", what, True)
        region = _text(check, entry, "region", what, True)
        if region and region not in regions:
            check.error(entry.line_of("region"), f"region '{region}' is not in the regions list")
        places = _text_list(check, entry, "places", False, what)
        codes = [c.upper().replace(" ", "") for c in _text_list(check, entry, "postcodes", False,
                                                               what)]
        for code in codes:
            if not re.match(r"^[A-Z]{1,2}\d[A-Z\d]?$", code):
                check.error(entry.line_of("postcodes"), f"'{code}' is not a postcode district "
                            "(the first half of a postcode, like ST13)")
        if aid and (aid in areas or aid in regions):
            check.error(entry.line_of("id"), f"duplicate area id '{aid}'")
        elif aid and name and region:
            areas[aid] = Area(aid, name, region, tuple(places), tuple(codes))
    common = set(_text_list(check, data, "common_words", False, "the gazetteer"))
    if not areas:
        check.error(data.line, "no areas are listed under 'areas:'")
    return areas, regions, common


def load_directory(folder: Path, today: date | None = None) -> Result:
    """Validate every file in `folder`; return a Directory only when there are no errors."""
    with paused_gc():
        return _load_directory(folder, today)


def _load_directory(folder: Path, today: date | None) -> Result:
    today = today or date.today()
    problems: list[Problem] = []
    if not folder.is_dir():
        return Result(None, [Problem(str(folder), 0, "the directory folder does not exist")])
    files = directory_files(folder)
    names = {p.name for p in files}
    for required in (AREAS_FILE, NEEDS_FILE):
        if required not in names:
            problems.append(Problem(str(folder / required), 0, "this file is missing"))

    def special(name: str, build: Callable[[Checker, LineDict], Any]) -> Any:
        check = Checker(folder / name)
        data = _read(check) if name in names else None
        result = build(check, data) if data is not None else None
        problems.extend(check.problems)
        return result

    needs = special(NEEDS_FILE, _load_needs) or {}
    areas, regions, common = special(AREAS_FILE, _load_areas) or ({}, {}, set())

    services: dict[str, Service] = {}
    organizations: dict[str, Organization] = {}
    pending: list[tuple[Checker, LineDict, Service]] = []
    for path in files:
        if path.name in (AREAS_FILE, NEEDS_FILE):
            continue
        check = Checker(path)
        data = _read(check)
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
                service = _service(check, entry, path.name, today)
                if service is None:
                    continue
                if service.id in services:
                    other = services[service.id]
                    check.error(entry.line_of("id"), f"duplicate service id '{service.id}' (also "
                                f"used at {other.file}:{other.line})")
                    continue
                services[service.id] = service
                pending.append((check, entry, service))
        problems.extend(check.problems)

    coverage = set(areas) | set(regions) | {NATIONAL}
    for check, entry, service in pending:
        if service.organization_id not in organizations:
            check.error(entry.line_of("organization"), f"organisation '{service.organization_id}'"
                        " is not listed under 'organizations:' in any file")
        for need in service.needs:
            if need not in needs:
                close = difflib.get_close_matches(need, list(needs), n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                check.error(entry.line_of("needs"), f"need '{need}' is not in needs.yml{hint}")
        for area in service.service_areas:
            if area not in coverage:
                close = difflib.get_close_matches(area, sorted(coverage), n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                check.error(entry.line_of("service_areas"), f"area '{area}' is not in areas.yml"
                            f"{hint}")
        for other in service.see_also:
            if other not in services:
                check.error(entry.line_of("see_also"), f"see_also '{other}' is not a service id")
        problems.extend(check.problems)
        check.problems = []
    problems = sorted(set(problems), key=lambda p: (p.file, p.line, p.message))
    if any(p.level == "error" for p in problems):
        return Result(None, problems)
    directory = Directory(services, organizations, areas, regions, needs, frozenset(common),
                          fingerprint(files))
    return Result(directory, problems)
