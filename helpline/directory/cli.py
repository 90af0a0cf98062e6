"""`helpline directory ...`: validate, import, export, lookups, search and serve."""
from __future__ import annotations

import argparse
from pathlib import Path

from helpline import settings
from helpline.directory.validate import load_directory

LOOKUPS_DIR = settings.ROOT / "bot" / "data" / "lookups"


def _folder(args: argparse.Namespace) -> Path:
    return Path(args.dir) if args.dir else settings.directory_dir()


def _load(args: argparse.Namespace):
    result = load_directory(_folder(args))
    args.warnings = len(result.warnings)
    for problem in result.problems:
        print(problem)
    if result.directory is None:
        print(f"{len(result.errors)} error(s): nothing was changed. Fix the lines above and "
              "run the command again.")
    return result.directory


def cmd_validate(args: argparse.Namespace) -> int:
    directory = _load(args)
    if directory is None:
        return 1
    active = sum(1 for s in directory.services.values() if s.offered)
    print(f"OK: {len(directory.services)} services ({active} active), "
          f"{len(directory.areas)} areas, {len(directory.needs)} needs, {args.warnings} warning(s)")
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

    directory = _load(args)
    if directory is None:
        return 1
    count = write_export(directory, Path(args.out))
    print(f"Wrote {count} services to {args.out}")
    return 0


def cmd_lookups(args: argparse.Namespace) -> int:
    from helpline.directory.lookups import write_lookups

    directory = _load(args)
    if directory is None:
        return 1
    print(f"Wrote {write_lookups(directory, Path(args.out))}")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
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
    for hit in search(directory, place.area_id, need, person_from_text(args.text)).hits:
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


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("directory", help="the service directory",
                                   description=__doc__)
    commands = parser.add_subparsers(dest="directory_command", required=True)

    def add(name: str, func, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("--dir", help="the directory folder (default: directory/)")
        sub.set_defaults(func=func)
        return sub

    add("validate", cmd_validate, "check every directory file; print file:line problems")
    sub = add("import", cmd_import, "validate, then load the directory into the database")
    sub.add_argument("--db-url", help="SQLAlchemy URL (default: HELPLINE_DB_URL or SQLite)")
    sub = add("export", cmd_export, "write an Open Referral (HSDS 3.0) JSON file")
    sub.add_argument("--out", default="var/directory-export.json")
    sub = add("lookups", cmd_lookups, "generate the Rasa place lookup table from areas.yml")
    sub.add_argument("--out", default=str(LOOKUPS_DIR))
    sub = add("search", cmd_search, "try a search as the bot would (for checking the data)")
    sub.add_argument("text")
    sub.add_argument("--need")
    sub = add("serve", cmd_serve, "serve the read-only Open Referral API (/services)")
    sub.add_argument("--db-url")
    sub.add_argument("--host", default="127.0.0.1")
    sub.add_argument("--port", type=int, default=8090)
