"""Opening hours: is a service open now, in Europe/London time?"""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from helpline.directory.model import DAYS, Schedule

LONDON = ZoneInfo("Europe/London")


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)


def london_now(now: datetime | None = None) -> datetime:
    now = now or datetime.now(timezone.utc)
    if now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    return now.astimezone(LONDON)


def is_open(schedules: tuple[Schedule, ...], now: datetime | None = None) -> bool | None:
    """True or False from the schedules; None when no hours are listed."""
    if not schedules:
        return None
    local = london_now(now)
    today = DAYS[local.weekday()]
    yesterday = DAYS[(local.weekday() - 1) % 7]
    minute = local.hour * 60 + local.minute
    for schedule in schedules:
        opens, closes = _minutes(schedule.opens_at), _minutes(schedule.closes_at)
        if opens < closes:
            if today in schedule.byday and opens <= minute < closes:
                return True
        else:  # runs past midnight
            if today in schedule.byday and minute >= opens:
                return True
            if yesterday in schedule.byday and minute < closes:
                return True
    return False


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
