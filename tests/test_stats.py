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
