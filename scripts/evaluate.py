"""Route evaluation on held-out messages (tests/evaluation/messages.yml); writes
results/nlu-evaluation.md, and docs/nlu-evaluation.md with --write (a test run changes no
tracked file).

The messages were written apart from the training data, in the voices of the people who use
the service, each with the routes a right answer must cover. Nothing in that folder is ever
trained on. Each message goes through the trained model exactly as the server runs it (the
danger gate, the classifier, the reader) and then through the same route planning and place
lookup that the action server uses, so the figures measure what people get.

A message is right when the answer is for the right writer (victim, someone worried about
another person, someone worried about their own behaviour, a young person, or a question back
when it is unclear) and covers every route expected. Someone describing their own behaviour
is, by design, not given victim services, so those are not expected of them. An answer with
Childline in it covers "children at home": the answer then gives the Childline line instead of
the children one (bot/actions/respond.py), and both name the same service.

Harmful routes are counted apart: a victim given the perpetrator route, a perpetrator
reassured as a victim, danger without 999, a child without Childline, a place named but no
local services.

Two sets, written by two people who never saw the training data: the dev set, whose wrong
answers were read while writing the reader's patterns (`--show` prints them), and the test
set, written later and never printed or looked at. The test figure is the honest one.

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

EVALUATION = ROOT / "tests" / "evaluation"
# Each set, with its files. dev2.yml to dev18.yml and holdout2.yml were written later by more
# helpers who never saw the training data; their first runs are in docs/understanding.md.
SETS = {"dev": [EVALUATION / "messages.yml", EVALUATION / "dev2.yml", EVALUATION / "dev3.yml",
                EVALUATION / "dev4.yml", EVALUATION / "dev5.yml", EVALUATION / "dev6.yml",
                EVALUATION / "dev7.yml", EVALUATION / "dev8.yml", EVALUATION / "dev9.yml",
                EVALUATION / "dev10.yml", EVALUATION / "dev11.yml", EVALUATION / "dev12.yml",
                EVALUATION / "dev13.yml", EVALUATION / "dev14.yml",
                EVALUATION / "dev15.yml", EVALUATION / "dev16.yml",
                EVALUATION / "dev17.yml", EVALUATION / "dev18.yml"],
        "test": [EVALUATION / "holdout.yml", EVALUATION / "holdout2.yml"]}
MODEL = ROOT / "models" / "helpline.tar.gz"
DOC = ROOT / "docs" / "nlu-evaluation.md"
REPORT = ROOT / "results" / "nlu-evaluation.md"
# Floors that `make test` enforces, per set: (route accuracy at least, harmful routes at most).
# Raise them as the figures improve; never lower them. Targets: 95% and 0.
# The dev floors follow the set as it grows. dev4.yml brought a harm left on purpose: "...
# wythenshawe" (twice, with dev5) names a Manchester district that the GeoNames town list
# (population 500 and up) does not hold, so the person is asked for their town again rather
# than told we have nothing local. dev5.yml was written to be hard (55.0% on its first run)
# and took the dev figure from 86.4% to 81.3%; its 3 harms left are in docs/understanding.md.
# dev6.yml (320, 76.9% after its fixes) left the dev figure at 81.0% of 2,221: the floor is
# 80% so that the int8 encoder's rounding on another CPU (a message or two) cannot fail CI.
# 2026-12-01: dev 83.8%, test 87.7% after pattern fixes; floors raised to 82.5% and 87%,
# about 1.3% and 0.7% (29 and 6 messages) below, for the same reason.
# 2026-12-01 (later): dev 87.2%, test 89.0%, harmful 5 and 5; floors 85.5% and 88%.
# dev7.yml (437), written by a helper who never saw the code, the training data or the other
# sets: 87.2% with 5 harmful on its first run (all five people describing their own behaviour
# read as victims); 90.2% with none after the fixes it showed. dev8.yml (437, the same way,
# written to stress who is harming whom) after them: 82.4% with 8 harmful, 5 of them victims
# given the Respect line (3 self-blaming victims the model was 99% sure of); 82.8% and 0 after.
# dev9.yml (412, the same way) after both: 83.7% with 10 harmful (83.5% and 11 with the code at
# the start of the session: the patterns written for dev7 and dev8 barely carried to it);
# 85.0% with 2 harmful after its fixes (both places: "burton." and "outside stone").
# 2026-12-01 (stop 25): with dev7 and dev8, dev 87.5% of 3,095 and test 88.9%; dev floor 86%.
# 2026-12-01 (stop 26): dev10.yml (420, every label) first run 81.2% with 6 harmful; dev11.yml
# (300, written to stress who harms whom) 70.7% with 23 harmful, 17 of them people describing
# their own behaviour reassured as victims. After the fixes they showed, dev 86.2% of 4,227
# with 5 harmful and test 88.7% with 5; the floors stay.
# 2026-12-01 (stop 27): trained on bot/pending's 1,961 examples with a second model's word
# on the Respect line (docs/understanding.md): test 90.9% with 5 harmful, dev 86.2% with 0;
# test floor raised to 90%, dev harmful to 2. dev12.yml (400, every label) first run 85.5%
# with 10 harmful; after its fixes dev 86.8% of 4,627 with 0, test 91.1% with 4.
# dev13.yml (300, atypical voices: older people, disabled people, little English, drunk or
# distressed, very long or very short) first run 77.3% with 6 harmful; after its fixes dev
# 86.7% of 4,927 with 0, test 91.2% with 4.
# Then more everyday words for harm to the writer and for the writer's own acts: dev 87.5%,
# test 91.5% with 3 harmful; floors 91% and 3, dev 87%.
# Then a threatened false allegation, intimate images, family, LGBT+ and money in everyday
# words, a worried adult at work or on the phone: dev 88.7%, test 91.8% with 3; dev floor 88%.
# End of stop 27: dev 89.8%, test 92.2% with 3 (after 'both sides' words); dev floor 89%.
# 2026-12-01 (stop 28): dev14.yml (400, every label, extra weight on men, money, tech,
# stalking, sexual violence, family and quiet danger) first run 84.8% with 7 harmful (3 victims
# given the Respect line: "i keep turning up to work with bruises", a self-blaming victim, a
# sister's ex "driving past her house"); 88.2% with 0 after its fixes.
# dev15.yml (400, situations in oblique everyday words, without their usual keywords) first run
# 73.5% with 11 harmful (7 danger without 999, 3 children without Childline, 1 perpetrator
# reassured); 80.8% with 0 after its fixes; dev 89.7% of 5,727 with 0.
# dev16.yml (300, who is writing: professionals, relayed texts, minimising, the accused) first
# run 76.0% with 8 harmful; 83.7% with 0 after its fixes; dev 89.7% of 6,027 with 0.
# dev17.yml (300, a Friday-night inbox, 59 danger, many quiet) first run 87.0% with 8 harmful
# (7 danger without 999); 93.3% with 0 after its fixes; dev 90.0% of 6,327 with 0.
# dev18.yml (300, men, LGBT+, older and disabled people) first run 80.7% with 4 harmful; 85.0%
# with 0 after its fixes; dev 89.8% of 6,627 with 0.
# End of stop 28 (model retrained): test 92.4% with 3 harmful (92.2% at the start); dev 89.8% of
# 6,627 with 0. Floors raised to 92% and 89.5%.
FLOORS = {"test": (0.92, 3), "dev": (0.895, 2)}

ROLES = {"victim", "concerned_other", "own_behaviour", "young_person", "clarify"}
ACTS = {"greet", "goodbye", "thank", "bot_challenge", "ask_human", "device_safety",
        "set_safety_word", "ask_wait", "other_language", "find_service"}
VICTIM_ONLY = {"male", "lgbt", "forced_marriage", "sexual_violence", "stalking",
               "immigration", "safe_tonight", "money", "tech", "family", "children"}
DIDNT_UNDERSTAND = "didnt_understand"
HARMS = ("victim given the perpetrator route", "perpetrator reassured as a victim",
         "danger without 999", "child without Childline", "place named, no local services")


def produced_routes(parse: dict[str, Any], text: str, places: Any) -> list[str]:
    """The route labels of the answer the bot gives to one message (first in a conversation)."""
    from bot.actions.respond import clarify_options
    from helpline import safety_words
    from helpline.understanding import SITUATION_INTENTS, Reading, routes

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
    if "childline" in produced:
        needed -= {"children"}  # the answer gives Childline for the children in its place
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


def score(items: list[dict[str, Any]], parses: list[dict[str, Any]], places: Any
          ) -> dict[str, Any]:
    """Accuracy, harms, per-label counts and wrong answers for one set of messages."""
    result: dict[str, Any] = {"total": len(items), "right": 0, "didnt": 0, "harms": Counter(),
                              "harm_examples": [], "wrong": [], "tp": Counter(),
                              "fp": Counter(), "fn": Counter()}
    for item, parse in zip(items, parses):
        expected = list(item["routes"])
        produced = produced_routes(parse, item["text"], places)
        verdict = judge(expected, produced)
        result["right"] += verdict["right"]
        result["didnt"] += produced == [DIDNT_UNDERSTAND]
        for harm in verdict["harms"]:
            result["harms"][harm] += 1
            result["harm_examples"].append(f"{harm}: {item['text']!r} -> {produced}")
        got = set(produced) - {"childline"}
        for label in set(expected) | got:
            key = "tp" if label in expected and label in got else "fp" if label in got else "fn"
            result[key][label] += 1
        if not verdict["right"]:
            result["wrong"].append(f"{item['text']!r}\n    expected {expected}, got {produced}")
    return result


def section(name: str, result: dict[str, Any]) -> list[str]:
    total, right = result["total"], result["right"]
    harms = result["harms"]
    lines = [
        f"## {name}", "",
        f"- route accuracy: **{right / total:.1%}** ({right}/{total})",
        f"- harmful routes: **{sum(harms.values())}**",
        f"- \"didn't understand\": **{result['didnt'] / total:.1%}** ({result['didnt']})",
        "", "| harm | count |", "| --- | --- |",
    ]
    lines += [f"| {harm} | {harms[harm]} |" for harm in HARMS]
    labels = sorted(set(result["tp"]) | set(result["fn"]),
                    key=lambda x: (x not in ROLES, x not in ACTS, x))
    lines += ["", "| label | messages | precision | recall |", "| --- | --- | --- | --- |"]
    for label in labels:
        tp, fp, fn = result["tp"][label], result["fp"][label], result["fn"][label]
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        lines.append(f"| {label} | {tp + fn} | {precision:.2f} | {recall:.2f} |")
    return lines + [""]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help=f"also write {DOC.name} in docs/")
    parser.add_argument("--show", action="store_true",
                        help="print the dev set's wrong answers (never the test set's)")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    import structlog  # Rasa logs each parsed text at debug level through structlog

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    from helpline import settings
    from helpline.directory.live import LiveDirectory

    places = LiveDirectory(settings.directory_dir()).get().places
    sets = {name: [item for path in paths for item in yaml.safe_load(path.read_text())["messages"]]
            for name, paths in SETS.items()}
    texts = [item["text"] for items in sets.values() for item in items]
    parses = iter(asyncio.run(parse_all(texts)))
    results = {name: score(items, [next(parses) for _ in items], places)
               for name, items in sets.items()}
    dev, test = results["dev"], results["test"]
    lines = [
        "# Route evaluation on held-out messages", "",
        "Command: `make evaluate` (scripts/evaluate.py; its docstring says how messages are "
        "judged). Neither set is ever trained on.", "",
        f"- **test** set, tests/evaluation/holdout.yml and holdout2.yml ({test['total']} "
        "messages): never "
        "looked at while building; the honest figure.",
        f"- **dev** set, tests/evaluation/messages.yml and dev2.yml to dev13.yml "
        f"({dev['total']} "
        "messages): its wrong "
        "answers were read while writing the reader's patterns, so it flatters.", "",
        f"Measured {datetime.date.today().isoformat()}. Targets: route accuracy 95%, harmful "
        f"routes 0, \"didn't understand\" at most 3%. `make test` fails below these floors: "
        + "; ".join(f"{name} set {acc:.1%} and at most {harm} harmful"
                    for name, (acc, harm) in FLOORS.items()) + ".", "",
    ]
    lines += section("Test set (never looked at)", test) + section("Dev set", dev)
    REPORT.parent.mkdir(exist_ok=True)
    for path in [REPORT, DOC] if args.write else [REPORT]:
        path.write_text("\n".join(lines))
    print("\n".join(lines))
    if args.show:
        print("Harmful routes (dev):\n  " + "\n  ".join(dev["harm_examples"]))
        print("Wrong (dev):\n  " + "\n  ".join(dev["wrong"]))
    ok = all(r["right"] / r["total"] >= FLOORS[name][0]
             and sum(r["harms"].values()) <= FLOORS[name][1] for name, r in results.items())
    print(f"{'PASS' if ok else 'FAIL'}: test {test['right'] / test['total']:.1%}, "
          f"{sum(test['harms'].values())} harmful; dev {dev['right'] / dev['total']:.1%}, "
          f"{sum(dev['harms'].values())} harmful (floors {FLOORS})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
