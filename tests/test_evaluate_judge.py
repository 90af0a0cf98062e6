"""How scripts/evaluate.py judges one answer: the rules its figures rest on."""
from __future__ import annotations

from scripts.evaluate import judge


def test_the_right_writer_and_every_route_is_right() -> None:
    verdict = judge(["victim", "stalking", "place"], ["victim", "stalking", "tech", "place"])
    assert verdict == {"right": True, "harms": []}


def test_a_missing_route_is_wrong() -> None:
    assert not judge(["victim", "stalking"], ["victim", "tech"])["right"]


def test_childline_in_the_answer_covers_children_at_home() -> None:
    """The answer then gives the Childline line in place of the children one (respond.py)."""
    assert judge(["young_person", "children"], ["young_person", "childline"])["right"]
    assert not judge(["victim", "children"], ["victim"])["right"]


def test_harms_are_counted_apart_from_accuracy() -> None:
    assert judge(["victim"], ["own_behaviour"])["harms"] == ["victim given the perpetrator route"]
    assert judge(["own_behaviour"], ["victim"])["harms"] == ["perpetrator reassured as a victim"]
    assert judge(["victim", "danger"], ["victim"])["harms"] == ["danger without 999"]
    assert judge(["young_person"], ["young_person"])["harms"] == ["child without Childline"]
    assert judge(["victim", "place"], ["victim"])["harms"] == ["place named, no local services"]
    assert judge(["victim", "place"], ["clarify"])["harms"] == []  # asked first, then local help
