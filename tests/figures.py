"""Figures the reliability tests measure, for scripts/reliability.py (docs/reliability.md).

A test that measures one of issue 12's figures calls `record(name, bad, out_of)` with what it
counted, and asserts its target itself. When HELPLINE_FIGURES names a file (the script sets
it), each figure is appended to it as one JSON line; otherwise nothing is written. So the
figures come from the same requests the tests check, with no second copy of the test code.
"""
from __future__ import annotations

import json
import os

FORGED = "forged or replayed webhooks accepted"
HOSTILE = "hostile inputs answered 5xx (or not at all)"
DANGER = "danger messages without 999 first while a process was killed"
LOG_LINES = "log lines holding message text"
LOGINS = "parallel login attempts past the limit"


def record(name: str, bad: int, out_of: int) -> None:
    """Add one measurement: `bad` of `out_of` attempts missed the target."""
    path = os.environ.get("HELPLINE_FIGURES")
    if path:
        with open(path, "a", encoding="utf-8") as figures:
            figures.write(json.dumps({"name": name, "bad": bad, "out_of": out_of}) + "\n")
