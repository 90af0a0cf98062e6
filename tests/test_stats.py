"""Demand counters on real SQLite and PostgreSQL, small-number suppression, and the command."""
from __future__ import annotations

import itertools
import random
from datetime import date, datetime

from helpline import cli, stats
from helpline.directory.hours import LONDON

MONDAY = datetime(2026, 11, 30, 10, 0, tzinfo=LONDON)


def test_counters_add_up_per_day_and_area_and_ignore_unknown_measures(db_url: str) -> None:
    for _ in range(3):
        stats.count([("who", "victim"), ("circumstance", "money")], "tamworth", now=MONDAY,
                    db_url=db_url)
    stats.count([("who", "victim"), ("nonsense", "x"), ("who", "")], None, now=MONDAY,
                db_url=db_url)
    found = stats.figures(date(2026, 11, 30), date(2026, 11, 30), db_url=db_url)
    assert found.counts["who"]["victim"] == {"tamworth": 3, stats.NOT_GIVEN: 1}
    assert found.counts["circumstance"]["money"] == {"tamworth": 3}
    assert "nonsense" not in found.counts
    one_area = stats.figures(date(2026, 11, 1), date(2026, 11, 30), "tamworth", db_url=db_url)
    assert one_area.counts["who"]["victim"] == {"tamworth": 3}
    assert not stats.figures(date(2026, 12, 1), date(2026, 12, 31), db_url=db_url).counts


def test_a_broken_database_never_raises(tmp_path) -> None:
    stats.count([("who", "victim")], db_url=f"sqlite:///{tmp_path}/missing/dir/x.db")
    stats.flush()


def _lines(table: dict) -> list[list[tuple[str, str]]]:
    rows = list(table)
    columns = list(table[rows[0]])
    return [[(r, c) for c in columns] for r in rows] + [[(r, c) for r in rows] for c in columns]


def test_small_numbers_are_hidden_and_cannot_be_worked_out_from_totals() -> None:
    shown = stats.suppress({"victim": {"a": 12, "b": 3}, "own_behaviour": {"a": 9, "b": 7}})
    assert shown["victim"]["b"] == stats.HIDDEN
    # victim's total (15) would give b = 3, so a is hidden too; then b's column total, then
    # a's: in a 2 by 2 table all four cells go, and only the totals are shown.
    assert {shown[r][c] for r in ("victim", "own_behaviour") for c in "ab"} == {stats.HIDDEN}
    assert shown["victim"]["total"] == 15 and shown["total"]["total"] == 31
    wide = stats.suppress({"victim": {"a": 12, "b": 3, "c": 20}, "own_behaviour": {"a": 9,
                                                                                  "b": 7, "c": 8}})
    assert wide["victim"]["c"] == 20 and wide["own_behaviour"]["c"] == 8
    assert stats.suppress({"x": {"a": 0, "b": 8}})["x"] == {"a": 0, "b": 8, "total": 8}


def test_no_line_ever_has_exactly_one_hidden_cell() -> None:
    generator = random.Random(7)
    for _ in range(300):
        rows, columns = generator.randint(1, 5), generator.randint(1, 5)
        table = {f"r{r}": {f"c{c}": generator.choice([0, 1, 2, 4, 5, 6, 9, 30])
                           for c in range(columns)} for r in range(rows)}
        shown = stats.suppress(table)
        for r, c in itertools.product(table, table["r0"]):
            assert shown[r][c] == (stats.HIDDEN if 0 < table[r][c] < 5 else table[r][c]) \
                or shown[r][c] == stats.HIDDEN
        for line in _lines(shown):
            assert sum(shown[r][c] == stats.HIDDEN for r, c in line) != 1, (table, shown)


def test_the_command_prints_suppressed_tables_and_csv(tmp_path, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'helpline.db'}"
    for _ in range(6):
        stats.count([("who", "victim"), ("channel", "sms")], "halton", now=MONDAY, db_url=url)
    stats.count([("who", "young_person"), ("channel", "sms")], "halton", now=MONDAY, db_url=url)
    args = ["stats", "--from", "2026-11-01", "--to", "2026-11-30", "--db-url", url]
    assert cli.main(args) == 0
    printed = capsys.readouterr().out
    assert "Who was writing" in printed and "<5" in printed and "young_person" in printed
    assert cli.main([*args, "--csv"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0] == "Who was writing,halton,total"
    assert "young_person,<5,<5" in rows and "victim,<5,<5" in rows  # 6 would reveal the 1
    assert cli.main(["stats", "--from", "2026-12-01", "--to", "2026-11-01",
                     "--db-url", url]) == 2


# ------------------------------------------------ requests for a person (count_contact)

def test_wait_bands_have_whole_minute_bounds() -> None:
    assert [stats.wait_band(s) for s in (-3, 0, 59.9, 60, 299.9, 300, 899, 900, 3599, 3600,
                                         86400)] == \
        ["under_1", "under_1", "under_1", "1_to_5", "1_to_5", "5_to_15", "5_to_15", "15_to_60",
         "15_to_60", "over_60", "over_60"]


def test_each_ended_request_is_counted_once_on_the_day_it_ended(db_url: str) -> None:
    asked = MONDAY.timestamp()  # Monday 10:00
    monday_evening, tuesday = asked + 8 * 3600, asked + 24 * 3600

    def ended(kind, claimed_after, ended_after, outcome, closed=True, person=False, due=None):
        stats.count_contact(kind, asked, None if claimed_after is None else asked + claimed_after,
                            asked + ended_after, outcome, closed_by_advisor=closed,
                            by_person=person, due_at=due, db_url=db_url)

    ended("chat", 30, 900, "signposted")  # claimed within a minute
    ended("chat", 300, 400, "referral_made")  # claimed at exactly 5 minutes
    ended("chat", None, 3660, "ended_by_person", closed=False, person=True)  # left unclaimed
    ended("chat", None, 1200, "no_further_action", person=True)  # went quiet; closed for them
    ended("chat", None, 200, "no_further_action")  # staff took it off the queue unclaimed
    ended(None, None, 60, "ended_by_person", closed=False, person=True)  # erased unseen
    ended("callback", 3600, monday_evening - asked, "signposted", due=asked)  # done that day
    ended("callback", 3600, tuesday - asked, "signposted", due=asked)  # done the next day
    ended("callback", None, tuesday - asked, "ended_by_person", closed=False, person=True,
          due=asked)  # still undone after its day: missed
    ended("callback", None, 600, "ended_by_person", closed=False, person=True,
          due=tuesday)  # the person ended it before it fell due
    ended("callback", 60, 120, "signposted")  # no opening in sight: due the day it was asked

    def day(d: date) -> dict:
        found = stats.figures(d, d, db_url=db_url).counts
        return {(m, v): by_area for m, values in found.items() for v, by_area in values.items()}

    monday = day(date(2026, 11, 30))
    assert {k: v[stats.NOT_GIVEN] for k, v in monday.items()} == {
        ("wait", "under_1"): 1, ("wait", "1_to_5"): 1, ("wait", "5_to_15"): 1,
        ("wait", "15_to_60"): 1, ("wait", "over_60"): 1,
        ("handoff", "claimed"): 2, ("handoff", "abandoned"): 2, ("handoff", "removed"): 1,
        ("outcome", "signposted"): 3, ("outcome", "referral_made"): 1,
        ("outcome", "ended_by_person"): 3, ("outcome", "no_further_action"): 2,
        ("callback_end", "done"): 2, ("callback_end", "withdrawn"): 1}
    assert all(set(by_area) == {stats.NOT_GIVEN} for by_area in monday.values())
    tuesday_counts = day(date(2026, 12, 1))
    assert {k: v[stats.NOT_GIVEN] for k, v in tuesday_counts.items()} == {
        ("outcome", "signposted"): 1, ("outcome", "ended_by_person"): 1,
        ("callback_end", "late"): 1, ("callback_end", "missed"): 1}


def test_the_command_suppresses_the_new_cells_and_orders_the_bands(tmp_path, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'helpline.db'}"
    asked = MONDAY.timestamp()
    for n in range(9):  # 7 claimed after 2 minutes, 2 left after 20
        claimed = n < 7
        stats.count_contact("chat", asked, asked + 120 if claimed else None, asked + 1200,
                            "signposted" if claimed else "ended_by_person",
                            closed_by_advisor=claimed, by_person=not claimed, db_url=url)
    args = ["stats", "--from", "2026-11-30", "--to", "2026-11-30", "--db-url", url]
    assert cli.main([*args, "--csv"]) == 0
    rows = capsys.readouterr().out.splitlines()
    # 2 left is hidden, and so is the 7 claimed, or the total (9) would give it away.
    handoff = rows.index("Claimed or left,not_given,total")
    assert rows[handoff + 1:handoff + 4] == ["claimed,<5,<5", "abandoned,<5,<5", "total,9,9"]
    wait = rows.index("Time waited for an advisor,not_given,total")
    assert rows[wait + 1:wait + 4] == ["1_to_5,<5,<5", "15_to_60,<5,<5", "total,9,9"]
    outcome = rows.index("Outcome at close,not_given,total")
    assert rows[outcome + 1:outcome + 4] == ["ended_by_person,<5,<5", "signposted,<5,<5",
                                             "total,9,9"]
    assert cli.main(args) == 0
    printed = capsys.readouterr().out
    assert "Claimed or left" in printed and "Time waited for an advisor" in printed
    assert "7" not in printed.replace("2026-11-30", "")
