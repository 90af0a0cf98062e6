"""Opening hours, one model for the directory's services and the advice line's advisors.

- A block of hours is days, an opening time and a closing time: `Schedule` (model.py). Times
  are "HH:MM" on the 24-hour clock in Europe/London time; "24:00" is the end of the day, so
  "00:00"-"24:00" is open all day.
- A block ends on the day it starts. A closing time before the opening time ("17:00"-"09:00")
  is an error that says how to write hours past midnight (two blocks). Before this model,
  the directory read such a block as running overnight without a word, while the line's
  parser refused it; an officer who swapped the two times got "Closed now". Nothing in
  directory/ ran past midnight, so no entry changed meaning.
- Services write blocks as Open Referral schedules (byday MO,TU..., opens_at, closes_at),
  checked in validate.py with `check_block`. The line's hours are one setting,
  "mon-fri 09:00-17:00; sat 10:00-13:00" (`parse_line_hours`); helpline/advisor_queue.py refuses a
  bad one at start-up, so it can never break an escalation.
- Bank holidays (England and Wales) come from the `holidays` package, pinned in
  requirements.lock. Keeping only weekdays leaves exactly GOV.UK's list with its substitute
  days (checked equal to GOV.UK's 2025-2027 dates): a holiday falling on a weekend is
  moved to a weekday. The line is closed on them unless its hours give a `hol` block
  ("mon-sun 00:00-24:00; hol 00:00-24:00" is open every day of the year: the end-to-end
  tests and the handoff benchmark need that, and used to get it by pointing the old
  holidays-file variable at nothing). No variable adds closure days: nothing used it.
  Services' hours ignore bank holidays: their sources don't say.
- `import holidays` and the first look-up take about 0.26 s (measured), so the calendar
  loads at the first bank-holiday question and directory search never pays for it.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from helpline.directory.model import DAYS, Schedule

LONDON = ZoneInfo("Europe/London")
TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")
BANK_HOLIDAY = "BH"  # the day code of a bank holiday in the line's hours
LINE_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LINE_EXAMPLE = "'mon-fri 09:00-17:00; sat 10:00-13:00'"


def is_time(value: Any) -> bool:
    """ "HH:MM" from "00:00" to "24:00"."""
    return isinstance(value, str) and TIME.match(value) is not None


def minutes(hhmm: str) -> int:
    """Minutes since midnight: "09:30" is 570, "24:00" is 1440."""
    if not is_time(hhmm):
        raise ValueError(f'"{hhmm}" is not a time like "09:00" (24-hour clock)')
    hours, mins = hhmm.split(":")
    return int(hours) * 60 + int(mins)


def check_block(opens: str, closes: str) -> None:
    """ValueError, in words an officer understands, unless the block is a real opening time."""
    start, end = minutes(opens), minutes(closes)
    if start == end or start == 24 * 60:
        raise ValueError(f"it opens and closes at {opens}, an empty opening time")
    if end < start:
        raise ValueError(f"it closes at {closes}, before it opens at {opens}. Hours end on the "
                         "day they start: for hours past midnight, write two blocks, one until "
                         "24:00 and one from 00:00 the next day")


def parse_line_hours(spec: str) -> tuple[Schedule, ...]:
    """The line's hours: ``"mon-fri 09:00-17:00; sat 10:00-13:00; hol 10:00-14:00"``.

    Days are mon..sun, a range in week order ("sat-sun"), or ``hol`` for bank holidays.
    """
    blocks = []
    for part in (p.strip().lower() for p in spec.split(";")):
        if not part:
            continue
        try:
            days, span = part.split()
            opens, closes = span.split("-")
            if days == "hol":
                byday: tuple[str, ...] = (BANK_HOLIDAY,)
            else:
                first, _, last = days.partition("-")
                a, b = LINE_DAYS.index(first), LINE_DAYS.index(last or first)
                byday = DAYS[a:b + 1]
            if not byday or not (is_time(opens) and is_time(closes)):
                raise ValueError
        except ValueError:
            raise ValueError(f"Bad opening hours {part!r}: write e.g. {LINE_EXAMPLE}, days "
                             "mon to sun (or hol for bank holidays), times from 00:00 to 24:00"
                             ) from None
        try:
            check_block(opens, closes)
        except ValueError as error:
            raise ValueError(f"Bad opening hours {part!r}: {error}") from None
        blocks.append(Schedule(byday, opens, closes))
    if not blocks:
        raise ValueError(f"No opening hours in {spec!r}: write e.g. {LINE_EXAMPLE}")
    return tuple(blocks)


@lru_cache(maxsize=1)
def _england() -> Any:
    import holidays  # 0.26 s with the first look-up: only the line's hours need it

    return holidays.country_holidays("GB", subdiv="ENG")


def is_bank_holiday(day: date) -> bool:
    """A bank holiday in England and Wales (GOV.UK's list: weekdays, substitute days included)."""
    return day.weekday() < 5 and day in _england()


def london_now(now: datetime | None = None) -> datetime:
    """``now`` (default: the current time; naive means UTC) in Europe/London time."""
    now = now or datetime.now(timezone.utc)
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    return now.astimezone(LONDON)


def _day_code(day: date, bank_holidays: bool) -> str:
    return BANK_HOLIDAY if bank_holidays and is_bank_holiday(day) else DAYS[day.weekday()]


def is_open(schedules: tuple[Schedule, ...], now: datetime | None = None, *,
            bank_holidays: bool = False) -> bool | None:
    """True or False from the schedules; None when no hours are listed.

    With ``bank_holidays``, a bank holiday has only the ``hol`` blocks.
    """
    if not schedules:
        return None
    local = london_now(now)
    today = _day_code(local.date(), bank_holidays)
    minute = local.hour * 60 + local.minute
    return any(today in s.byday and minutes(s.opens_at) <= minute < minutes(s.closes_at)
               for s in schedules)


def next_open(schedules: tuple[Schedule, ...], now: datetime | None = None, *,
              bank_holidays: bool = False, within_days: int = 21) -> datetime | None:
    """When the schedules next open (``now`` if open), within ``within_days``; London time."""
    local = london_now(now)
    if is_open(schedules, local, bank_holidays=bank_holidays):
        return local
    for offset in range(within_days + 1):
        day = local.date() + timedelta(days=offset)
        code = _day_code(day, bank_holidays)
        for opens in sorted(minutes(s.opens_at) for s in schedules if code in s.byday):
            candidate = datetime.combine(day, datetime.min.time(), tzinfo=LONDON) + \
                timedelta(minutes=opens)
            if candidate > local:
                return candidate
    return None


def is_24_hours(schedules: tuple[Schedule, ...]) -> bool:
    """Open all day, every day."""
    days = {d for s in schedules if s.opens_at == "00:00" and s.closes_at == "24:00"
            for d in s.byday}
    return days == set(DAYS)


def describe(schedules: tuple[Schedule, ...]) -> str:
    """A short human description of the hours."""
    if not schedules:
        return ""
    if is_24_hours(schedules):
        return "24 hours, every day"
    parts = []
    for s in schedules:
        days = s.byday[0] if len(s.byday) == 1 else f"{s.byday[0]}-{s.byday[-1]}"
        names = days.replace("MO", "Mon").replace("TU", "Tue").replace("WE", "Wed")
        names = names.replace("TH", "Thu").replace("FR", "Fri").replace("SA", "Sat")
        parts.append(f"{names.replace('SU', 'Sun')} {s.opens_at}-{s.closes_at}")
    return ", ".join(parts)
