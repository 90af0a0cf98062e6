"""Anonymous demand figures for partnerships and commissioners: counters, not records.

When the assistant answers someone, a handful of counters go up by one: per day, per area
and per measure (who was writing, each circumstance, the channel, in or outside advisor hours,
danger, each service shown, places outside our areas, needs with no local service, safety
word and quick exit, requests for a person and callbacks). A counter row is (day, area,
measure, value, count). It holds no
conversation id, no text and no time finer than the day, so nothing in it points back to a
conversation, and erasing a conversation leaves the counts as they are: a count is not
personal data (docs/privacy.md says why, and what the counts can and cannot reveal).

What happened to a request for a person is counted once, when it ends, from its contact
record (``count_contact``, called by helpline/console/records.py where a record is first
written): the record is written exactly once per queue entry (a unique entry number, even with
several console processes), whether an advisor closed it or the person ended it (safety word,
quick exit, left the queue), so each request is counted once and on the day it ended. Counting
on claim instead would count a chat twice when an advisor gives it back and another takes it.

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
    "wait": "Time waited for an advisor",  # WAIT_BANDS: one per chat, when it ends
    "handoff": "Claimed or left",  # claimed, abandoned (left unclaimed), removed (by staff)
    "outcome": "Outcome at close",  # the contact record's outcome, chats and callbacks
    "callback": "Callbacks",  # requested (bot/actions/handoff.py)
    "callback_end": "How callbacks ended",  # CALLBACK_ENDS: one per callback, when it ends
}
Cell = Union[int, str]

# Wait bands, in minutes from asking to being claimed (or, unclaimed, to the entry's end).
# Five bands, few enough that a quarter's cells mostly stay over the suppression threshold:
# under 1 minute (an advisor was free), 1-5 (the queue worked as meant), 5-15 (a wait a person
# in a risky home may not be able to keep a chat open for), 15-60 (long), and over an hour
# (the person was failed, or only a callback would have helped). The bounds are whole minutes
# because the wait estimate the person is told is in minutes (helpline/advisor_queue.py).
WAIT_BANDS = (("under_1", 1), ("1_to_5", 5), ("5_to_15", 15), ("15_to_60", 60),
              ("over_60", None))
# How a callback ended. Its due time is the first opening after the request
# (queue.callback_due); "by its due time" means by the end of that London day, since the
# counts know no finer time. "late" and "missed" are the callbacks not done by then.
CALLBACK_ENDS = {
    "done": "Done by the end of the day it fell due",
    "late": "Done later than that",
    "missed": "Never done: it ended undone after it fell due",
    "withdrawn": "Ended by the person before it fell due",
}
# Values shown in this order (others after them, alphabetically).
ORDER = {"wait": tuple(band for band, _ in WAIT_BANDS),
         "handoff": ("claimed", "abandoned", "removed"),
         "callback_end": tuple(CALLBACK_ENDS)}


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


def wait_band(seconds: float) -> str:
    """The WAIT_BANDS band of a wait (a negative one, from a clock step, is under 1)."""
    for band, below in WAIT_BANDS:
        if below is None or seconds < below * 60:
            return band
    raise AssertionError("the last band has no bound")


def _london(at: float) -> datetime:
    return datetime.fromtimestamp(at, LONDON)


def count_contact(kind: Optional[str], asked_at: Optional[float],
                  claimed_at: Optional[float], ended_at: float, outcome: str, *,
                  closed_by_advisor: bool, by_person: bool,
                  due_at: Optional[float] = None, db_url: Optional[str] = None) -> None:
    """Count a request for a person that has ended (its contact record was just written),
    on the day it ended; never raises.

    A chat: its wait band (asked to claimed, or asked to ended if never claimed), whether it
    was claimed, abandoned (the person left before anyone claimed it: ended it, or went quiet
    and an advisor closed it) or removed (staff closed it unclaimed), and its outcome.
    A callback: its outcome, and done, late, missed or withdrawn (CALLBACK_ENDS) against the
    end of its due day (``due_at``; the request's own day when no opening was in sight).
    An entry erased before the console saw it has no kind: only its outcome is counted.
    """
    pairs = [("outcome", outcome)]
    if kind == "chat":
        if asked_at is not None:
            pairs.append(("wait", wait_band((claimed_at or ended_at) - asked_at)))
        pairs.append(("handoff", "claimed" if claimed_at is not None
                      else "abandoned" if by_person else "removed"))
    elif kind == "callback":
        due = due_at if due_at is not None else asked_at
        on_time = due is None or _london(ended_at).date() <= _london(due).date()
        if closed_by_advisor:
            pairs.append(("callback_end", "done" if on_time else "late"))
        else:
            pairs.append(("callback_end", "withdrawn" if on_time else "missed"))
    count(pairs, now=_london(ended_at), db_url=db_url)


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
                               for v, by_area in _ordered(measure, found.counts[measure])})
            for measure in MEASURES if measure in found.counts}


def _ordered(measure: str, values: Mapping[str, Mapping[str, int]]) -> list:
    """A measure's values in ORDER (wait bands short to long), the rest alphabetically."""
    order = ORDER.get(measure, ())
    return sorted(values.items(), key=lambda item: (
        order.index(item[0]) if item[0] in order else len(order), item[0]))


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
