"""5-fold cross-validation of the NLU pipeline; writes results/crossval/report.md, and
docs/nlu-crossvalidation.md with --write (a test run changes no tracked file).

Run with `make crossval`. Exits non-zero when the intent macro-F1 is below FLOOR.

The floor was 0.90 on 3,841 examples with one intent per message. Since 2026-11-30 the
training data also holds 2,752 messages in people's own words filed under who is writing
(victim, concerned_other, own_behaviour, young_person, danger) with their circumstances as
metadata, learned by helpline.nlu.circumstances. A gay man's message about his boyfriend is
now a `victim` example carrying lgbt and male, so the topic intents (male_victim, lgbt,
sexual_violence...) overlap with `victim` by design, and the intent F1 fell to 0.855 while
the route accuracy on never-read messages rose from 81.2% to 85.0% (docs/understanding.md).
Routes are what people get, so scripts/evaluate.py is the gate that matters; this floor
catches a collapse of the intents.
"""
from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "results" / "crossval"
FLOOR = 0.84
# Rasa shuffles the folds with numpy's global generator and no seed: seed it, so the folds
# (and so the figure) are the same on every run. Rasa also runs every trained fold over its
# own training part, for train scores nobody reads (the report is on the held-out parts):
# with 6,600 examples that was 55 s a fold, 4.6 of the run's 15 minutes. Skipped here.
SEEDED_RASA = """
import random, sys, numpy
random.seed(42)
numpy.random.seed(42)
import rasa.nlu.test as nlu_test
scored = nlu_test.combine_result


async def held_out_only(intent_metrics, entity_metrics, selection_metrics, processor, data,
                        intent_results=None, *rest):
    if intent_results is None:  # the fold's own training part
        return intent_metrics, entity_metrics, selection_metrics
    return await scored(intent_metrics, entity_metrics, selection_metrics, processor, data,
                        intent_results, *rest)


nlu_test.combine_result = held_out_only
from rasa.__main__ import main
sys.argv[0] = 'rasa'
main()
"""
COMMAND = [
    "rasa", "test", "nlu", "--cross-validation", "--folds", "5",
    "--config", "config.yml", "--nlu", "bot/data", "--out", "results/crossval",
]


def main() -> int:
    write = "--write" in sys.argv[1:]
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "3"}
    subprocess.run([sys.executable, "-c", SEEDED_RASA, *COMMAND[1:]], cwd=ROOT, env=env,
                   check=True, stdout=subprocess.DEVNULL)
    report = json.loads((OUT / "intent_report.json").read_text())
    macro = report["macro avg"]
    worst = sorted(
        (name, scores["f1-score"]) for name, scores in report.items()
        if isinstance(scores, dict) and "support" in scores and "avg" not in name
    )
    worst = sorted(worst, key=lambda item: item[1])[:5]
    examples = sum(scores["support"] for name, scores in report.items()
                   if isinstance(scores, dict) and "avg" not in name and name != "accuracy")
    lines = [
        "# NLU cross-validation",
        "",
        f"Command: `make crossval` (runs `{' '.join(COMMAND)}` with numpy's generator "
        "seeded, so the folds are the same every run).",
        "",
        f"Measured {datetime.date.today().isoformat()} on {examples} examples:",
        "",
        f"- intent macro-F1: **{macro['f1-score']:.3f}** (floor {FLOOR:.2f}; why it is no "
        "longer 0.90: scripts/crossval.py's docstring)",
        f"- macro precision {macro['precision']:.3f}, macro recall {macro['recall']:.3f}",
        f"- weakest intents: {', '.join(f'{name} {f1:.2f}' for name, f1 in worst)}",
        "",
        "The pipeline includes the deterministic danger check (helpline.nlu.components),",
        "exactly as the server runs it. Full per-intent figures: results/crossval/.",
        "",
    ]
    paths = [OUT / "report.md"] + ([ROOT / "docs" / "nlu-crossvalidation.md"] if write else [])
    for path in paths:
        path.write_text("\n".join(lines))
    print("\n".join(lines))
    return 0 if macro["f1-score"] >= FLOOR else 1


if __name__ == "__main__":
    sys.exit(main())
