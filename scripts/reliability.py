"""Issue 12's reliability figures: `.venv/bin/python scripts/reliability.py`.

Runs the tests that measure them (real Rasa, action server, web chat and console processes;
Twilio and Telegram faked on loopback), collects what each counted (tests/figures.py), and
prints every figure against its target; writes docs/reliability.md with --write. Exits 1 when
a target is missed or a figure has fewer attempts than the issue asks for.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import figures  # noqa: E402

# The tests that count, and the least number of attempts each figure needs (issue 12).
TESTS = [
    "tests/channels/test_sms_replay.py",
    "tests/channels/test_telegram_replay.py",
    "tests/test_fuzz.py",
    "tests/production/test_supervision.py",
    "tests/test_logs_no_text.py",
    "tests/handoff/test_console_login.py",
]
LEAST = {figures.FORGED: 1000, figures.HOSTILE: 10_000, figures.DANGER: 1,
         figures.LOG_LINES: 1, figures.LOGINS: 25}


def measure() -> dict[str, list[int]]:
    """Run the tests; {figure: [bad, out_of]} summed over every test that recorded it."""
    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "figures.jsonl"
        path.touch()
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *TESTS],
            cwd=ROOT, env={**os.environ, "HELPLINE_FIGURES": str(path)})
        totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for line in path.read_text().splitlines():
            item = json.loads(line)
            totals[item["name"]][0] += item["bad"]
            totals[item["name"]][1] += item["out_of"]
    if result.returncode:
        print(f"pytest failed (exit {result.returncode}); figures below are partial.")
    return dict(totals)


def report(totals: dict[str, list[int]]) -> tuple[str, bool]:
    lines = ["| figure | measured | target | met |", "| --- | --- | --- | --- |"]
    met_all = True
    for name, least in LEAST.items():
        bad, out_of = totals.get(name, [0, 0])
        met = bad == 0 and out_of >= least
        met_all &= met
        lines.append(f"| {name} | {bad} of {out_of} | 0 of at least {least:,} | "
                     f"{'yes' if met else 'NO'} |")
    return "\n".join(lines), met_all


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="write docs/reliability.md")
    args = parser.parse_args()
    table, met = report(measure())
    print(table)
    if args.write:
        doc = ROOT / "docs" / "reliability.md"
        head = doc.read_text().split("<!-- figures -->")[0] if doc.exists() else ""
        doc.write_text(f"{head}<!-- figures -->\n{table}\n")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
