"""`helpline stats`: the anonymous demand figures (helpline.stats) for a date range and area,
as text tables or CSV, with every small number suppressed exactly as the console shows it."""
from __future__ import annotations

import argparse
import csv
import sys
from datetime import date, timedelta
from typing import TextIO

from helpline import stats


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-30") from None


def write_csv(tables: dict, out: TextIO) -> None:
    """One row per measure and value, one column per area, then the total."""
    writer = csv.writer(out)
    for measure, table in tables.items():
        columns = list(next(iter(table.values())))
        writer.writerow([stats.MEASURES[measure], *columns])
        for value, cells in table.items():
            writer.writerow([value, *(cells[c] for c in columns)])
        writer.writerow([])


def write_text(tables: dict, out: TextIO) -> None:
    for measure, table in tables.items():
        columns = list(next(iter(table.values())))
        width = max(len(v) for v in table) + 2
        out.write(f"\n{stats.MEASURES[measure]}\n")
        out.write(" " * width + "".join(f"{c:>14}" for c in columns) + "\n")
        for value, cells in table.items():
            out.write(f"{value:<{width}}" + "".join(f"{cells[c]!s:>14}" for c in columns) + "\n")


def _stats(args: argparse.Namespace) -> int:
    end = args.to or date.today()
    start = args.start or end - timedelta(days=90)
    if start > end:
        print(f"--from {start} is after --to {end}", file=sys.stderr)
        return 2
    found = stats.figures(start, end, args.area, db_url=args.db_url)
    tables = stats.report(found)
    area = args.area or "all areas"
    if args.csv:
        write_csv(tables, sys.stdout)
        return 0
    print(f"Demand from {start} to {end}, {area} (answers given; under 5 shown as <5)")
    if not tables:
        print("No answers counted in this period.")
        return 0
    write_text(tables, sys.stdout)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `stats` sub-command."""
    parser = subparsers.add_parser(
        "stats", help="anonymous demand figures for a date range and area")
    parser.add_argument("--from", dest="start", type=_day, default=None,
                        help="first day, YYYY-MM-DD (default: 90 days before --to)")
    parser.add_argument("--to", type=_day, default=None, help="last day (default: today)")
    parser.add_argument("--area", default=None,
                        help="an area id from directory/areas.yml, 'outside' or 'not_given'")
    parser.add_argument("--csv", action="store_true", help="write CSV to standard output")
    parser.add_argument("--db-url", default=None,
                        help="our database URL (default: HELPLINE_DB_URL)")
    parser.set_defaults(func=_stats)
