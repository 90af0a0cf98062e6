"""DASH-informed risk signals and the priority they give."""
import pytest

from helpline import risk


@pytest.mark.parametrize("text, signal", [
    ("He said he's going to kill me", "threats_to_kill"),
    ("he threatened to kill me last night", "threats_to_kill"),
    ("he put his hands round my neck and I couldn't breathe", "strangulation"),
    ("she tried to strangle me", "strangulation"),
    ("he choked me", "strangulation"),
    ("he keeps a knife by the bed", "weapons"),
    ("I'm 20 weeks pregnant", "pregnancy"),
    ("it's getting worse every week", "escalating"),
    ("he hits the kids too", "children_at_risk"),
    ("my ex keeps following me home", "stalking"),
    ("I'm not safe at home", "not_safe"),
])
def test_detects_signal(text: str, signal: str) -> None:
    assert signal in risk.detect(text)


@pytest.mark.parametrize("text", [
    "hello", "I need some advice about my benefits", "we went to the park with the kids",
    "I'm killing time before work", "", None, 42,
])
def test_no_signal_in_ordinary_text(text) -> None:
    assert risk.detect(text) == set()


def test_priority_levels() -> None:
    assert risk.priority({"strangulation", "pregnancy"}) == risk.URGENT
    assert risk.priority({"pregnancy"}) == risk.HIGH
    assert risk.priority(set()) == risk.NORMAL


def test_intents_count_as_signals() -> None:
    assert risk.detect_all(["hi"], ["danger"]) == {"danger_now"}
    assert risk.priority(risk.detect_all([], ["stalking"])) == risk.HIGH
