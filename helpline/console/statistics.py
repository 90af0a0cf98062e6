"""The demand figures page (issue 15) for supervisors and commissioners: a quarter against the
quarter before, as the council reports compare them, with bar charts drawn on the server as
SVG (no script, so the console's Content-Security-Policy holds and the page prints as one
report), a filter by area, and a CSV export.

Every number comes from helpline.stats already suppressed: cells from 1 to 4 show as "<5",
and a bar for a hidden cell is drawn empty with "<5" beside it.
"""
from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any, Optional

from helpline import stats
from helpline.cli_stats import write_csv
from helpline.console import directory, records

ROLES = ("supervisor", "commissioner")  # who may see the figures
WHO = {"victim": "The person harmed", "concerned_other": "Someone worried about another",
       "own_behaviour": "Worried about their own behaviour", "young_person": "A young person",
       "clarify": "Not yet clear", "unknown": "Not said"}
CIRCUMSTANCES = {"male": "A man", "lgbt": "LGBT+", "forced_marriage": "Forced marriage or 'honour'",
                 "sexual_violence": "Rape or sexual violence", "stalking": "Stalking",
                 "children": "Children at home", "immigration": "Immigration status",
                 "safe_tonight": "Somewhere safe tonight", "money": "Money", "tech": "Tech",
                 "family": "Family or carer"}
CHANNELS = {"web_chat": "Web chat", "sms": "SMS", "telegram": "Telegram", "other": "Other"}
HOURS = {"in": "Advisors on hours", "out": "Out of hours"}
SPECIAL_AREAS = {stats.OUTSIDE: "Outside our areas", stats.NOT_GIVEN: "Place not given"}
# The escalation funnel, stage by stage: asked and queued, how long they waited, whether an
# advisor claimed it or the person left first, and the outcome recorded at close.
WAITS = {"under_1": "Waited under 1 minute", "1_to_5": "Waited 1 to 5 minutes",
         "5_to_15": "Waited 5 to 15 minutes", "15_to_60": "Waited 15 to 60 minutes",
         "over_60": "Waited over an hour"}
HANDOFF = {"claimed": "Claimed by an advisor", "abandoned": "Left before an advisor claimed",
           "removed": "Removed unclaimed by staff"}
OUTCOMES = {key: "Outcome: " + label.lower() for key, label in records.OUTCOME_LABELS.items()}
# Short labels for the chart; the page explains each (stats.CALLBACK_ENDS).
CALLBACKS = {"requested": "Callbacks requested", "done": "Done on the day due",
             "late": "Done later", "missed": "Missed (never done)",
             "withdrawn": "Withdrawn by the person"}


def areas() -> dict[str, str]:
    """Area ids and names for the filter, ours by name, then outside and not given."""
    loaded = directory.live().get()
    names = {a.id: a.name for a in loaded.directory.areas.values()} if loaded else {}
    return {**dict(sorted(names.items(), key=lambda item: item[1])), **SPECIAL_AREAS}


def _total(table: dict, row: str) -> Any:
    return table.get(row, {}).get("total", 0) if table else 0


def _bars(rows: dict[str, Any], labels: dict[str, str]) -> list[dict[str, Any]]:
    """Bars for a chart: label, shown value ("<5" or a number) and length in percent."""
    numbers = [v for v in rows.values() if isinstance(v, int)]
    top = max(numbers, default=0) or 1
    return [{"label": labels.get(key, key), "value": value,
             "percent": round(100 * value / top) if isinstance(value, int) else 0}
            for key, value in rows.items()]


def _column(table: dict, labels: dict[str, str]) -> list[dict[str, Any]]:
    """One bar per row of a suppressed table (its total), in the order of `labels`."""
    rows = {key: table[key]["total"] for key in labels if key in table}
    rows.update({key: line["total"] for key, line in table.items()
                 if key not in labels and key != "total"})
    return _bars(rows, labels)


def _stages(tables: dict, stages: list[tuple[str, dict[str, str]]]) -> list[dict[str, Any]]:
    """Bars for a chart drawn from several measures, each (measure, {value: label}) in
    order: each bar is its row's total in that measure's own suppressed table."""
    rows = {label: tables[measure][key]["total"] for measure, labels in stages
            for key, label in labels.items() if key in tables.get(measure, {})}
    return _bars(rows, {})


def figures(start: date, end: date, area: Optional[str], db_url: str) -> dict[str, Any]:
    """Everything the page shows, suppressed (blocking: database reads)."""
    previous_end = start - timedelta(days=1)
    previous_start = stats.quarter(previous_end)[0]
    now = stats.report(stats.figures(start, end, area, db_url))
    before = stats.report(stats.figures(previous_start, previous_end, area, db_url))
    weeks = stats.suppress({"answers": stats.answers_by_week(start, end, area, db_url)})
    compared = [("Answers given", "channel", "total")] + \
        [(label, "who", key) for key, label in WHO.items()] + \
        [("Danger shown", "danger", "yes"), ("Out of hours", "hours", "out"),
         ("Asked for a person", "escalation", "total"),
         ("Asked for a person with no advisor on shift", "escalation", "out_of_hours"),
         ("Asked on hours with nobody signed on", "escalation", "no_advisor"),
         ("Claimed by an advisor", "handoff", "claimed"),
         ("Left before an advisor claimed", "handoff", "abandoned"),
         ("Callbacks requested", "callback", "requested"),
         ("Callbacks done by the end of the day due", "callback_end", "done"),
         ("Callbacks done later", "callback_end", "late"),
         ("Callbacks never done", "callback_end", "missed"),
         ("Safety word or quick exit", "safety", "total")]
    names = areas()
    by_area = now.get("channel", {}).get("total", {})
    return {
        "start": start, "end": end, "previous": (previous_start, previous_end),
        "compare": [{"label": label, "now": _total(now.get(measure, {}), row),
                     "before": _total(before.get(measure, {}), row)}
                    for label, measure, row in compared],
        "weeks": _bars({k: v for k, v in weeks["answers"].items() if k != "total"}, {}),
        "by_area": _bars({a: n for a, n in by_area.items() if a != "total"}, names),
        "needs": _column(now.get("circumstance", {}), CIRCUMSTANCES),
        "channels": _column(now.get("channel", {}), CHANNELS),
        "hours": _column(now.get("hours", {}), HOURS),
        "outside": _column(now.get("place_outside", {}), {}),
        "unmet": _column(now.get("need_unmet", {}), {}),
        "funnel": _stages(now, [("escalation", {"queued": "Asked for a person and queued"}),
                                ("wait", WAITS), ("handoff", HANDOFF), ("outcome", OUTCOMES)]),
        "callbacks": _stages(now, [("callback", CALLBACKS), ("callback_end", CALLBACKS)]),
        "ends": stats.CALLBACK_ENDS,
        "empty": not now,
    }


def period(query: Any) -> tuple[date, date, Optional[str]]:
    """The quarter asked for (?quarter=2026-10-01, any day in it) and the area; ValueError
    with a sentence for the person when either is wrong."""
    asked = query.get("quarter", "")
    try:
        day = date.fromisoformat(asked) if asked else date.today()
    except ValueError:
        raise ValueError("The quarter should be a date like 2026-10-01.") from None
    area = query.get("area") or None
    if area is not None and area not in areas():
        raise ValueError("There is no such area.")
    start, end = stats.quarter(day)
    return start, end, area


def quarters(start: date, count: int = 8) -> list[date]:
    """The first days of this quarter and the ones before, for the quarter menu."""
    return [stats.quarter(start - timedelta(days=92 * n))[0] for n in range(count)]


def csv_bytes(start: date, end: date, area: Optional[str], db_url: str) -> bytes:
    """The suppressed tables as CSV, UTF-8 with a byte-order mark so spreadsheets read it."""
    out = io.StringIO()
    write_csv(stats.report(stats.figures(start, end, area, db_url)), out)
    return ("\ufeff" + out.getvalue()).encode("utf-8")
