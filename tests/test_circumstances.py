"""Circumstances learned from examples (helpline.nlu.circumstances): the model on its own, and
in the trained pipeline, where it finds what the reader's patterns miss."""
from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np
import pytest
from scipy.sparse import csr_matrix

from helpline.nlu.circumstances import MIN_POSITIVES, CircumstanceModel
from helpline.understanding import circumstances, cues, normalise

MODEL = Path(__file__).resolve().parent.parent / "models" / "helpline.tar.gz"


def toy(rows: int = 60) -> tuple[csr_matrix, list[list[str]]]:
    """Feature 0 marks money, feature 1 marks tech, feature 2 is noise."""
    rng = np.random.default_rng(7)
    marks = rng.integers(0, 2, size=(rows, 3))
    found = [[name for name, on in zip(("money", "tech"), row[:2]) if on] for row in marks]
    return csr_matrix(marks.astype(float)), found


def test_each_circumstance_is_learned_apart_and_survives_saving(tmp_path: Path) -> None:
    features, found = toy()
    model = CircumstanceModel.fit(features, found, ("money", "tech", "stalking"), 10.0)
    new = csr_matrix(np.array([[1, 0, 1], [0, 1, 0], [1, 1, 0], [0, 0, 1]], dtype=float))
    likely = [[label for label, p in zip(model.labels, row) if p >= 0.5]
              for row in model.probabilities(new)]
    assert likely == [["money"], ["tech"], ["money", "tech"], []]
    direct = 1.0 / (1.0 + np.exp(-(new.toarray() @ model.coef.T + model.intercept)))
    assert np.allclose(model.probabilities(new), direct)
    model.save(tmp_path / "c.npz")
    loaded = CircumstanceModel.load(tmp_path / "c.npz")
    assert loaded.labels == ("money", "tech", "stalking")
    assert np.allclose(loaded.probabilities(new), model.probabilities(new))


def test_a_circumstance_with_too_few_examples_is_never_given() -> None:
    features, found = toy()
    found = [f + (["stalking"] if i < MIN_POSITIVES - 1 else []) for i, f in enumerate(found)]
    model = CircumstanceModel.fit(features, found, ("money", "stalking"), 10.0)
    assert (model.probabilities(features)[:, 1] < 1e-6).all()


@pytest.fixture(scope="module")
def agent():
    from rasa.core.agent import Agent

    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` first")
    return Agent.load(str(MODEL))


@pytest.mark.parametrize("text,expected", [
    ("he gives me twenty quid a week and keeps hold of my card", "money"),
    ("she makes me hand over everything i earn on payday", "money"),
    ("my brother in law and his mum treat me like a servant", "family"),
])
def test_the_trained_model_adds_what_the_patterns_miss(agent, text: str, expected: str) -> None:
    assert expected not in circumstances(normalise(text))  # the patterns alone miss it
    parse = asyncio.run(agent.parse_message(text))
    assert expected in parse["helpline_reading"]["circumstances"]


@pytest.mark.parametrize("text,respect", [
    ("i keep her away from her mates, they put ideas in her head", True),
    ("she keeps me away from my mates", False),
])
def test_the_trained_models_agree_on_the_writers_own_behaviour(agent, text: str,
                                                                respect: bool) -> None:
    # no words the patterns read as the writer's own: the intent model and the writer model
    # (helpline.nlu.reader) decide together
    assert not {"own", "victim"} & cues(normalise(text))
    parse = asyncio.run(agent.parse_message(text))
    assert (parse["helpline_reading"]["role"] == "own_behaviour") is respect
