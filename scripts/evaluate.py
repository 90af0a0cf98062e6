"""Route evaluation on held-out messages (tests/evaluation/messages.yml); writes
docs/nlu-evaluation.md.

The messages were written apart from the training data, in the voices of the people who use
the service, each with the routes a right answer must cover. Nothing in that folder is ever
trained on. Each message goes through the trained model exactly as the server runs it (the
danger gate, the classifier, the reader) and then through the same route planning and place
lookup that the action server uses, so the figures measure what people get.

A message is right when the answer is for the right writer (victim, someone worried about
another person, someone worried about their own behaviour, a young person, or a question back
when it is unclear) and covers every route expected. Someone describing their own behaviour
is, by design, not given victim services, so those are not expected of them.

Harmful routes are counted apart: a victim given the perpetrator route, a perpetrator
reassured as a victim, danger without 999, a child without Childline, a place named but no
local services.

Rules and data are tuned by looking only at the "dev" half (even positions; `--show` prints
its wrong answers). The "test" half (odd positions) is never printed: its figure shows how far
the dev figure flatters.

Run with `make evaluate`. Exits non-zero below the floors (route accuracy, harmful routes).
"""
from __future__ import annotations

import argparse
import asyncio
import datetime
import logging
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

MESSAGES = ROOT / "tests" / "evaluation" / "messages.yml"
MODEL = ROOT / "models" / "helpline.tar.gz"
DOC = ROOT / "docs" / "nlu-evaluation.md"
# Floors that `make test` enforces. Raise them as the figures improve; never lower them.
FLOOR_ACCURACY = 0.80
FLOOR_HARM = 0

ROLES = {"victim", "concerned_other", "own_behaviour", "young_person", "clarify"}
ACTS = {"greet", "goodbye", "thank", "bot_challenge", "ask_human", "device_safety",
        "set_safety_word", "ask_wait", "other_language", "find_service"}
VICTIM_ONLY = {"male", "lgbt", "forced_marriage", "sexual_violence", "stalking",
               "immigration", "safe_tonight", "money", "tech", "family", "children"}
DIDNT_UNDERSTAND = "didnt_understand"


def produced_routes(parse: dict[str, Any], text: str, places: Any) -> list[str]:
    """The route labels of the answer the bot gives to one message (first in a conversation)."""
    from bot.actions.respond import clarify_options
    from helpline import safety_words
    from helpline.understanding import Reading, SITUATION_INTENTS, routes

    if safety_words.word_in_message(text) is not None:
        return ["set_safety_word"]
    intent = (parse.get("intent") or {}).get("name")
    danger = parse.get("helpline_safety") == "danger" or intent == "danger"
    reading = Reading.from_dict(parse.get("helpline_reading"))
    place = places.resolve(text).status in ("found", "outside", "ambiguous")
    if intent in SITUATION_INTENTS:
        labels = routes(reading, danger)
        if place and reading.role != "clarify":
            labels.append("place")
        return labels
    if intent == "nlu_fallback":
        return ["clarify_intent"] if clarify_options(parse.get("intent_ranking") or []) \
            else [DIDNT_UNDERSTAND]
    labels = [intent or DIDNT_UNDERSTAND]
    if intent == "find_service" and place:
        labels.append("place")
    return labels


def role_of(labels: list[str]) -> str:
    return next((x for x in labels if x in ROLES or x in ACTS), labels[0] if labels else "")


def judge(expected: list[str], produced: list[str]) -> dict[str, Any]:
    role, got_role = role_of(expected), role_of(produced)
    needed = set(expected) - {role}
    if role == "own_behaviour":
        needed -= VICTIM_ONLY
    if role == "clarify":
        needed = set()
    if role in ACTS:
        needed -= {"place"}
    harms = []
    if role in ("victim", "young_person", "concerned_other") and "own_behaviour" in produced:
        harms.append("victim given the perpetrator route")
    if role == "own_behaviour" and got_role in ("victim", "young_person"):
        harms.append("perpetrator reassured as a victim")
    if "danger" in expected and "danger" not in produced:
        harms.append("danger without 999")
    if role == "young_person" and "childline" not in produced:
        harms.append("child without Childline")
    if "place" in expected and "place" not in produced and got_role != "clarify":
        harms.append("place named, no local services")
    return {"right": got_role == role and needed <= set(produced), "harms": harms}


async def parse_all(texts: list[str]) -> list[dict[str, Any]]:
    from rasa.core.agent import Agent

    agent = Agent.load(str(MODEL))
    return [await agent.parse_message(text) for text in texts]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--show", action="store_true", help="print every wrong message")
    parser.add_argument("--all", action="store_true", help="include the test half")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    import structlog  # Rasa logs each parsed text at debug level through structlog

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    from helpline import settings
    from helpline.directory.live import LiveDirectory

    items = yaml.safe_load(MESSAGES.read_text())["messages"]
    texts = [item["text"] for item in items]
    parses = asyncio.run(parse_all(texts))
    places = LiveDirectory(settings.directory_dir()).get().places

    right = 0
    harms: Counter[str] = Counter()
    harm_examples: list[str] = []
    true_pos: Counter[str] = Counter()
    false_pos: Counter[str] = Counter()
    false_neg: Counter[str] = Counter()
    didnt = 0
    wrong: list[str] = []
    half_right = Counter()
    for index, (item, parse) in enumerate(zip(items, parses)):
        dev = index % 2 == 0
        expected = list(item["routes"])
        produced = produced_routes(parse, item["text"], places)
        verdict = judge(expected, produced)
        right += verdict["right"]
        half_right["dev" if dev else "test"] += verdict["right"]
        didnt += produced == [DIDNT_UNDERSTAND]
        for harm in verdict["harms"]:
            harms[harm] += 1
            if dev or args.all:
                harm_examples.append(f"{harm}: {item['text']!r} -> {produced}")
        got = set(produced) - {"childline"}
        for label in set(expected) | got:
            if label in expected and label in got:
                true_pos[label] += 1
            elif label in got:
                false_pos[label] += 1
            else:
                false_neg[label] += 1
        if not verdict["right"] and (dev or args.all):
            wrong.append(f"{item['text']!r}\n    expected {expected}, got {produced}")

    total = len(items)
    dev_total = (total + 1) // 2
    accuracy = right / total
    harm_total = sum(harms.values())
    labels = sorted(set(true_pos) | set(false_neg),
                    key=lambda x: (x not in ROLES, x not in ACTS, x))
    lines = [
        "# Route evaluation on held-out messages",
        "",
        "Command: `make evaluate` (scripts/evaluate.py; its docstring says how messages are "
        "judged).",
        f"Messages: {total} in tests/evaluation/messages.yml, written apart from the training "
        "data and never trained on.",
        "",
        f"Measured {datetime.date.today().isoformat()}:",
        "",
        f"- route accuracy: **{accuracy:.1%}** ({right}/{total}); floor {FLOOR_ACCURACY:.0%}, "
        "target 95%",
        f"- on the dev half (looked at while tuning): {half_right['dev'] / dev_total:.1%}; on "
        f"the test half (never looked at): {half_right['test'] / (total - dev_total):.1%}",
        f"- harmful routes: **{harm_total}**; floor {FLOOR_HARM}, target 0",
        f"- \"didn't understand\": **{didnt / total:.1%}** ({didnt}); target at most 3%",
        "",
        "## Harm table",
        "",
        "| harm | count |",
        "| --- | --- |",
    ]
    for harm in ("victim given the perpetrator route", "perpetrator reassured as a victim",
                 "danger without 999", "child without Childline",
                 "place named, no local services"):
        lines.append(f"| {harm} | {harms[harm]} |")
    lines += ["", "## Precision and recall by label", "",
              "| label | messages | precision | recall |", "| --- | --- | --- | --- |"]
    for label in labels:
        tp, fp, fn = true_pos[label], false_pos[label], false_neg[label]
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        lines.append(f"| {label} | {tp + fn} | {precision:.2f} | {recall:.2f} |")
    lines.append("")
    DOC.write_text("\n".join(lines))
    print("\n".join(lines))
    if harm_examples:
        print("Harmful routes (dev half):\n  " + "\n  ".join(harm_examples))
    if args.show:
        print("Wrong (dev half):\n  " + "\n  ".join(wrong))
    ok = accuracy >= FLOOR_ACCURACY and harm_total <= FLOOR_HARM
    print(f"{'PASS' if ok else 'FAIL'}: accuracy {accuracy:.1%} (floor {FLOOR_ACCURACY:.0%}), "
          f"harmful routes {harm_total} (floor {FLOOR_HARM})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
