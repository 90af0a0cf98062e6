"""Anonymous demand figures for partnerships and commissioners: counters, not records.

When the assistant answers someone, a handful of counters go up by one: per day, per area
and per measure (who was writing, each circumstance, the channel, in or outside advisor hours,
danger, each service shown, places outside our areas, needs with no local service, safety
word and quick exit). A counter row is (day, area, measure, value, count). It holds no
conversation id, no text and no time finer than the day, so nothing in it points back to a
conversation, and erasing a conversation leaves the counts as they are: a count is not
personal data (docs/privacy.md says why, and what the counts can and cannot reveal).

Small numbers can still single someone out ("1 forced-marriage conversation in Halton on
Tuesday"), so every figure that leaves this module goes through `suppress`: any cell from 1
to 4 is shown as "<5", and where a line (a row or a column with its total) would have exactly
one hidden cell, the next smallest cell of that line is hidden too, so the total can't be
used to work it out.

Counting must never cost a person their answer: a failure to count is logged (without text)
and the turn goes on.
"""
from __future__ import annotations

import atexit
import logging
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Iterable, Mapping, Optional, Union

from sqlalchemy import Column, Integer, String, and_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from helpline import db, settings
from helpline.db import Base
from helpline.directory.hours import LONDON

log = logging.getLogger(__name__)

NOT_GIVEN, OUTSIDE = "not_given", "outside"
SMALL = 5  # cells under this are shown as "<5"
HIDDEN = "<5"
# The measures, in the order reports show them.
MEASURES = {
    "who": "Who was writing",
    "circumstance": "Circumstances",
    "channel": "Channel",
    "hours": "Advisor hours",
    "danger": "Danger shown",
    "service": "Services shown",
    "place_outside": "Places asked for outside our areas",
    "need_unmet": "Needs with no local service",
    "safety": "Safety word and quick exit",
    "escalation": "Asked for a person",  # queued, out_of_hours, no_advisor (on hours)
    "callback": "Callbacks",
}
Cell = Union[int, str]


class DemandCount(Base):
    __tablename__ = "demand_counts"

    day = Column(String(10), primary_key=True)  # London date, YYYY-MM-DD
    area = Column(String(64), primary_key=True)  # area id, "outside" or "not_given"
    measure = Column(String(32), primary_key=True)
    value = Column(String(80), primary_key=True)
    count = Column(Integer, nullable=False)


_engine = db.engine  # our database, at the migrations' head


def today(now: Optional[datetime] = None) -> str:
    return (now or datetime.now(LONDON)).astimezone(LONDON).date().isoformat()


# Counts wait in memory and are written together every FLUSH_SECONDS (and at exit): a write
# per answer cost the action server about 2 ms of SQLite commit and contended with the Rasa
# server's writes to the same file (make bench: 33.3 turns/s with it, 37.9 without). A process
# killed outright loses at most its last few seconds of counts.
FLUSH_SECONDS = 5.0
_pending: Counter = Counter()  # (database URL, day, area, measure, value) -> count
_lock = threading.Lock()
_flusher: Optional[threading.Thread] = None


def count(pairs: Iterable[tuple[str, str]], area: Optional[str] = None, *,
          now: Optional[datetime] = None, db_url: Optional[str] = None) -> None:
    """Add one to each (measure, value) counter for today and this area; never raises."""
    keys = {(measure, str(value)[:80]) for measure, value in pairs
            if measure in MEASURES and value}
    if not keys:
        return
    url, day = db_url or settings.database_url(), today(now)
    with _lock:
        for measure, value in keys:
            _pending[url, day, area or NOT_GIVEN, measure, value] += 1
    _start_flusher()


def flush() -> None:
    """Write the counts waiting in memory; never raises (a failed write loses its counts
    and says how many, rather than hold them forever for a database that may never come)."""
    with _lock:
        taken = dict(_pending)
        _pending.clear()
    by_url: dict[str, list[dict]] = defaultdict(list)
    for (url, day, area, measure, value), n in taken.items():
        by_url[url].append({"day": day, "area": area, "measure": measure, "value": value,
                            "count": n})
    for url, rows in by_url.items():
        try:
            engine = _engine(url)
            insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
            statement = insert(DemandCount.__table__).values(rows)
            statement = statement.on_conflict_do_update(
                index_elements=["day", "area", "measure", "value"],
                set_={"count": DemandCount.__table__.c.count + statement.excluded.count})
            with engine.begin() as connection:
                connection.execute(statement)
        except Exception as error:  # noqa: BLE001 - counting must never break anything
            log.warning("demand counters not updated (%d lost): %s", len(rows),
                        type(error).__name__)


def _flush_forever() -> None:
    while True:
        time.sleep(FLUSH_SECONDS)
        flush()


def _start_flusher() -> None:
    global _flusher
    if _flusher is None or not _flusher.is_alive():
        with _lock:
            if _flusher is None or not _flusher.is_alive():
                _flusher = threading.Thread(target=_flush_forever, name="demand-counts",
                                            daemon=True)
                _flusher.start()
                atexit.register(flush)


@dataclass(frozen=True)
class Figures:
    """Raw counts for a period: counts[measure][value][area]."""

    start: date
    end: date
    counts: Mapping[str, Mapping[str, Mapping[str, int]]]

    def areas(self) -> list[str]:
        return sorted({a for values in self.counts.values() for by_area in values.values()
                       for a in by_area})


def figures(start: date, end: date, area: Optional[str] = None,
            db_url: Optional[str] = None) -> Figures:
    """Counts from `start` to `end` inclusive, for one area or all."""
    flush()
    table = DemandCount.__table__
    where = and_(table.c.day >= start.isoformat(), table.c.day <= end.isoformat())
    if area:
        where = and_(where, table.c.area == area)
    counts: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    with _engine(db_url).connect() as connection:
        for row in connection.execute(select(table).where(where)):
            by_area = counts[row.measure][row.value]
            by_area[row.area] = by_area.get(row.area, 0) + row.count
    return Figures(start, end, counts)


def suppress(table: Mapping[str, Mapping[str, int]]) -> dict[str, dict[str, Cell]]:
    """A table of rows by columns, with a "total" column and a "total" row added, where every
    count from 1 to 4 is "<5" and no hidden count can be worked out from the rest of its row
    or column (each line with one hidden cell gets its next smallest cell hidden too)."""
    rows = list(table)
    columns = sorted({c for row in table.values() for c in row})
    full: dict[str, dict[str, int]] = {r: {c: int(table[r].get(c, 0)) for c in columns}
                                       for r in rows}
    for r in rows:
        full[r]["total"] = sum(full[r][c] for c in columns)
    full["total"] = {c: sum(full[r][c] for r in rows) for c in [*columns, "total"]}
    hidden = {(r, c) for r, line in full.items() for c, n in line.items() if 0 < n < SMALL}
    lines = [[(r, c) for c in full[r]] for r in full]
    lines += [[(r, c) for r in full] for c in full["total"]]
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(cell in hidden for cell in line) != 1:
                continue
            shown = [cell for cell in line if cell not in hidden and full[cell[0]][cell[1]] > 0]
            if shown:
                hidden.add(min(shown, key=lambda cell: (full[cell[0]][cell[1]], cell)))
                changed = True
    return {r: {c: HIDDEN if (r, c) in hidden else n for c, n in line.items()}
            for r, line in full.items()}


def report(found: Figures, labels: Optional[Mapping[str, str]] = None
           ) -> dict[str, dict[str, dict[str, Cell]]]:
    """Every measure as a suppressed table: value rows by area columns."""
    labels = labels or {}
    return {measure: suppress({labels.get(v, v): dict(by_area)
                               for v, by_area in sorted(found.counts[measure].items())})
            for measure in MEASURES if measure in found.counts}



def answers_by_week(start: date, end: date, area: Optional[str] = None,
                    db_url: Optional[str] = None) -> dict[str, int]:
    """Answers given per week (Monday's date), every week of the period present; each answer
    counts its channel once, so this is the sum over channels."""
    flush()
    table = DemandCount.__table__
    where = and_(table.c.day >= start.isoformat(), table.c.day <= end.isoformat(),
                 table.c.measure == "channel")
    if area:
        where = and_(where, table.c.area == area)
    monday = start - timedelta(days=start.weekday())
    weeks = {}
    while monday <= end:
        weeks[monday.isoformat()] = 0
        monday += timedelta(days=7)
    with _engine(db_url).connect() as connection:
        for row in connection.execute(select(table.c.day, table.c.count).where(where)):
            day = date.fromisoformat(row.day)
            weeks[(day - timedelta(days=day.weekday())).isoformat()] += row.count
    return weeks


def quarter(day: date) -> tuple[date, date]:
    """The calendar quarter holding `day`, as the council reports count them."""
    first = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    after = first.month + 3  # 13 is January of the next year
    following = date(first.year + after // 13, (after - 1) % 12 + 1, 1)
    return first, following - timedelta(days=1)
