"""Tools for the partnership officers who edit directory/: which folder, preview, due, CSV.

Decisions:
- Which folder a command works on. Officers run the commands from wherever their terminal
  is. A folder or .yml files named on the command line are used (a file means the folder it
  is in: services refer to each other across files, so the whole folder is checked). With
  nothing named, the folder the officer is in is used when it holds areas.yml, or its
  `directory/` subfolder (the project folder). Only then does a command fall back to the
  helpline's own directory (HELPLINE_DIRECTORY_DIR, default directory/ in the project), and
  it says so: before, a check run from another folder quietly checked the project's files.
  Every command prints the folder it works on first.
- `preview` runs the bot's own code, not a copy: the reply is made by action_signpost
  (bot/actions/signposting.py, the action the bot runs for "find me a service" messages)
  from the folder's files, and the SMS is that reply passed through the SMS channel's own
  shaping (bot/channels/sms_text.py: GSM-7, 3 segments, "Reply MORE"). So a preview cannot
  drift from what people are sent. The language model is not run: the preview shows the
  answer to a request for services, the reply most directory edits change. It warns when the
  reply was shortened to fit in 3 text messages (services left out, numbers or an email
  dropped) and when the SMS needs a second text.
- `due`: a service is due for review 12 months after `last_reviewed` (the validator's
  warning after that, validate.REVIEW_MAX_DAYS); `due` lists those whose date is past or
  within 30 days, oldest first.
- The CSV is for people, not programs (the Open Referral JSON export is for those): one row
  per service, every field in words, UTF-8 with a byte-order mark so Excel opens accents and
  the pound sign correctly, and cells that would start a formula (=, +, -, @) prefixed with
  an apostrophe, as OWASP advises for CSV files opened in spreadsheets.
"""
from __future__ import annotations

import csv
import re
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from helpline import settings
from helpline.directory.export import _eligibility_text
from helpline.directory.hours import describe
from helpline.directory.model import Directory, Service
from helpline.directory.validate import AREAS_FILE, REVIEW_MAX_DAYS, YAML_SUFFIXES

if TYPE_CHECKING:  # live.py imports spaCy: only preview needs it, so validate stays quick
    from helpline.directory.live import Loaded

DUE_WITHIN_DAYS = 30
CSV_NAME = "directory-services.csv"


class OfficerError(Exception):
    """A mistake in how a command was run, in words for the person who ran it."""


@dataclass(frozen=True)
class Folder:
    path: Path
    note: str = ""  # how it was chosen, when the officer did not name it


def choose_folder(paths: list[str], given: str | None = None, cwd: Path | None = None
                  ) -> Folder:
    """The directory folder a command works on (see the module docstring)."""
    cwd = cwd or Path.cwd()
    if paths and given:
        raise OfficerError("Give the folder either as --dir or by name, not both.")
    if given:
        paths = [given]
    folders = set()
    for name in paths:
        path = Path(name).expanduser()
        if not path.exists():
            raise OfficerError(f"There is no file or folder called '{name}' (looked in {cwd}).")
        if path.is_dir():
            folders.add(path)
        elif path.suffix.lower() in YAML_SUFFIXES:
            folders.add(path.parent)
        else:
            raise OfficerError(f"'{name}' is not a directory file: give the folder that "
                               f"holds {AREAS_FILE}, or files ending .yml in it.")
    if len({f.resolve() for f in folders}) > 1:
        raise OfficerError("These files are in different folders: give files from one "
                           "directory folder at a time.")
    if folders:
        folder = folders.pop()
        if not (folder / AREAS_FILE).exists() and (folder / "directory" / AREAS_FILE).exists():
            folder = folder / "directory"  # the project folder: its directory/ is meant
        return Folder(folder)
    if (cwd / AREAS_FILE).exists():
        return Folder(Path("."), "the folder you are in")
    if (cwd / "directory" / AREAS_FILE).exists():
        return Folder(Path("directory"), "the directory folder of the project you are in")
    return Folder(settings.directory_dir(),
                  f"the helpline's own directory: you named no folder, and {cwd} has no "
                  f"{AREAS_FILE}. To use other files, name their folder, for example: "
                  "helpline directory validate path/to/directory")


def describe_folder(folder: Folder) -> str:
    shown = "this folder" if str(folder.path) == "." else str(folder.path)
    return f"Directory files in {shown}" + (f" ({folder.note})" if folder.note else "")


# -------------------------------------------------------------------------------- due
@dataclass(frozen=True)
class Due:
    service: Service
    due_on: date

    def line(self, today: date) -> str:
        s = self.service
        when = f"overdue since {self.due_on}" if self.due_on < today else f"due {self.due_on}"
        return (f"{s.file}:{s.line}: {s.name} ({s.id}, {s.status}): {when}; last reviewed "
                f"{s.last_reviewed}; source: {', '.join(s.source)}")


def due_entries(directory: Directory, today: date, within_days: int = DUE_WITHIN_DAYS
                ) -> list[Due]:
    """Services whose review date (12 months after last_reviewed) is past or near, oldest
    first."""
    limit = today + timedelta(days=within_days)
    due = [Due(s, s.last_reviewed + timedelta(days=REVIEW_MAX_DAYS))
           for s in directory.services.values()]
    return sorted((d for d in due if d.due_on <= limit),
                  key=lambda d: (d.due_on, d.service.file, d.service.line))


# -------------------------------------------------------------------------------- CSV
CSV_COLUMNS = ("id", "name", "organisation", "status", "offered to people", "areas", "needs",
               "phone numbers", "email", "web address", "opening hours", "how to reach",
               "referral only", "summary", "description", "who it is for", "languages",
               "see also", "source", "last reviewed", "review due", "file", "line")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_row(directory: Directory, service: Service) -> dict[str, str]:
    org = directory.organizations.get(service.organization_id)
    phones = "; ".join(
        p.number + (f" ({p.type})" if p.type != "voice" else "")
        + (f": {p.description}" if p.description else "") for p in service.phones)
    row = {
        "id": service.id, "name": service.name,
        "organisation": org.name if org else service.organization_id,
        "status": service.status, "offered to people": "yes" if service.offered else "no",
        "areas": "; ".join(directory.area_name(a) for a in service.service_areas),
        "needs": "; ".join(directory.needs[n].label if n in directory.needs else n
                           for n in service.needs),
        "phone numbers": phones, "email": service.email, "web address": service.url,
        "opening hours": describe(service.schedules),
        "how to reach": service.how_to_reach,
        "referral only": "yes" if service.referral_only else "no",
        "summary": service.summary, "description": service.description,
        "who it is for": _eligibility_text(service),
        "languages": "; ".join(service.languages), "see also": "; ".join(service.see_also),
        "source": "; ".join(service.source), "last reviewed": service.last_reviewed,
        "review due": service.last_reviewed + timedelta(days=REVIEW_MAX_DAYS),
        "file": service.file, "line": service.line,
    }
    return {key: _cell(value) for key, value in row.items()}


def write_csv(directory: Directory, path: Path) -> int:
    """One row per service, in file order; UTF-8 with a byte-order mark for Excel."""
    services = sorted(directory.services.values(), key=lambda s: (s.file, s.line))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for service in services:
            writer.writerow(csv_row(directory, service))
    return len(services)


# ---------------------------------------------------------------------------- preview
@dataclass
class Preview:
    understood: list[str]  # what the bot took from the message: place and need
    messages: list[dict[str, Any]]  # the bot's reply, as the web chat receives it
    sms: str  # the first text message
    sms_rest: str  # what is kept until the person replies MORE
    sms_segments: int
    warnings: list[str] = field(default_factory=list)

    def web_text(self) -> str:
        parts = []
        for message in self.messages:
            if message.get("text"):
                parts.append(message["text"])
            if message.get("buttons"):
                parts.append("Buttons: " + " | ".join(b["title"] for b in message["buttons"]))
        return "\n".join(parts)


def _bot_modules() -> tuple[Any, Any, Any]:
    with warnings.catch_warnings():  # rasa_sdk's dependencies warn about pkg_resources
        warnings.simplefilter("ignore")
        from rasa_sdk import Tracker

        from bot.actions import signposting
        from bot.channels import sms_text
    return Tracker, signposting, sms_text


def _understood(loaded: Loaded, place: Any, need: str | None) -> list[str]:
    directory = loaded.directory
    if place.status == "found":
        where = f"place: {place.name}, in {directory.areas[place.area_id].name} " \
                f"({place.area_id})"
    elif place.status == "ambiguous":
        where = f"place: {place.name}, in more than one area, so the bot asks which: " + \
                ", ".join(c.label for c in place.choices)
    elif place.status == "outside":
        where = f"place: {place.name}, outside the areas we list, so national services only"
    else:
        where = "place: none found, so the bot asks for a town or postcode"
    what = f"need: {need} ({directory.needs[need].label})" if need else \
        "need: none named, so any kind of help"
    return [where, what]


def _cut_warnings(text: str, hits: list[Any], service_line: Any) -> list[str]:
    """What the reply left out or shortened to fit in 3 text messages."""
    shown = {}
    for line in text.splitlines():
        match = re.match(r"^(\d+)\. (.+?): ", line)
        if match:
            shown[match[2]] = (int(match[1]), line)
    found = []
    left_out = [h.service.name for h in hits if h.service.name not in shown]
    if left_out:
        found.append("The reply (web chat and SMS alike) was cut to fit in 3 text messages: "
                     "left out " + ", ".join(left_out) + ".")
    for hit in hits:
        if hit.service.name not in shown:
            continue
        index, line = shown[hit.service.name]
        if line == service_line(hit, index, brief=False):
            continue
        lost = [p.number for p in hit.service.phones if p.number not in line]
        if hit.service.email and hit.service.email not in line:
            lost.append(hit.service.email)
        found.append(f"The reply was shortened to fit in 3 text messages: {hit.service.name}"
                     + (f" (left out {', '.join(lost)})" if lost else " (shorter wording)")
                     + ".")
    return found


def preview(loaded: Loaded, text: str, now: datetime | None = None) -> Preview:
    """What the bot replies to ``text`` on the web chat and by SMS (module docstring)."""
    Tracker, signposting, sms_text = _bot_modules()
    latest = {"text": text, "entities": [], "intent": {"name": "find_service"}}
    tracker = Tracker("preview", {}, latest, [], False, None, {}, None)
    from rasa_sdk.executor import CollectingDispatcher

    dispatcher = CollectingDispatcher()
    signposting.ActionSignpost().answer(dispatcher, tracker, loaded, now)
    messages = [{"text": m.get("text"), "buttons": m.get("buttons") or []}
                for m in dispatcher.messages]
    body, _payloads = sms_text.compose(messages)
    first, rest = sms_text.split(body)

    from helpline.directory.extract import person_from_text
    from helpline.directory.search import search

    need = loaded.needs.need(text)
    need = need if need in loaded.directory.needs else None
    place = signposting.resolve_place(loaded, tracker)
    result = None
    if place.status in ("found", "outside"):
        result = search(loaded.directory, place.area_id, need, person_from_text(text), now,
                        place=place.name)
    found = []
    if result is not None:
        reply = "\n".join(m["text"] or "" for m in messages)
        found += _cut_warnings(reply, list(result.hits), signposting.service_line)
    if rest:
        found.append(f"The SMS is longer than {sms_text.MAX_SEGMENTS} text messages: the part "
                     "after the first text is sent only if the person replies MORE.")
    return Preview(_understood(loaded, place, need), messages, first, rest,
                   sms_text.segments(first), found)
