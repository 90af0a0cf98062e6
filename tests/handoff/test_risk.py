"""DASH-informed risk signals and the priority they give."""
import pytest

from helpline import risk


@pytest.mark.parametrize("text, signal", [
    ("He said he's going to kill me", "threats_to_kill"),
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
    assert risk.priority({"past_danger_now"}) == risk.HIGH
    assert risk.priority(set()) == risk.NORMAL


# Danger now is for now: told of in the past, the same acts are high, not urgent.
@pytest.mark.parametrize("text, signals", [
    ("he beat me last year", {"past_danger_now"}),
    ("he used to beat me", {"past_danger_now"}),
    ("my ex was hitting me when we were together", {"past_danger_now"}),
    ("he locked me in the bedroom last week", {"past_danger_now"}),
    ("years ago he dragged me down the stairs", {"past_danger_now"}),
    ("he broke my nose last year", {"past_injury"}),
    ("my ex strangled me years ago", {"past_strangulation"}),
    ("he threatened to kill me last month", {"past_threats_to_kill"}),
    ("last year he held a knife to me", {"past_weapons"}),
])
def test_past_incidents_are_high(text: str, signals: set) -> None:
    assert risk.detect(text) == signals
    assert risk.priority(risk.detect(text)) == risk.HIGH


@pytest.mark.parametrize("text", [
    "he is hitting me", "he's outside right now", "he just hit me", "he keeps hitting me",
    "he is beating me again", "he beat me",  # no time words: caution keeps it urgent
    "he beat me last night and he is coming back tonight",  # past and now: now wins
    "he beat me up yesterday and I'm scared he'll come back",
])
def test_present_danger_stays_urgent(text: str) -> None:
    assert "danger_now" in risk.detect(text)
    assert risk.priority(risk.detect(text)) == risk.URGENT


def test_intents_count_as_signals() -> None:
    assert risk.detect_all(["hi"], ["danger"]) == {"danger_now"}
    assert risk.priority(risk.detect_all([], ["stalking"])) == risk.HIGH
    # The intent is read with its own message: danger told of in the past is high.
    assert risk.detect_all(["he attacked me last year", "hi"], ["danger", "greet"]) == {
        "past_danger_now"}
    assert risk.detect_all(["he attacked me last year", "help"], ["other", "danger"]) == {
        "danger_now"}


def test_every_signal_has_a_plain_english_label() -> None:
    signals = risk.URGENT_SIGNALS | risk.HIGH_SIGNALS
    assert all("_" not in risk.label(s) for s in signals)
    assert risk.label("danger_now") == "In danger now"
    assert risk.label("children_at_risk") == "Children at risk"
    assert risk.label("past_weapons") == "Weapon mentioned (earlier)"


def test_labels_put_the_most_urgent_first() -> None:
    assert risk.labels({"pregnancy", "past_strangulation", "weapons", "stalking"}) == [
        "Weapon mentioned", "Strangulation or choking (earlier)", "Pregnant or a new baby",
        "Stalking"]
