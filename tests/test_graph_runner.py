"""helpline.graph_runner runs the model's graph with the same results as Rasa's dask runner.

The parse of varied messages (danger, markup, empty, long, another language, a place) and the
policies' prediction at every point of a long real conversation (over REST through the real
servers) are computed by both runners on the same loaded model and compared.
"""
from __future__ import annotations

import copy
from typing import Iterator

import pytest
from rasa.core.agent import Agent
from rasa.core.channels.channel import UserMessage
from rasa.engine.constants import PLACEHOLDER_MESSAGE, PLACEHOLDER_TRACKER
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.shared.core.trackers import DialogueStateTracker

from helpline import graph_runner
from tests.conftest import RestClient, ensure_model
from tests.test_recent_rule_policy import SCRIPT, prediction_points, recorded_conversation

TEXTS = SCRIPT + [
    "", "   ", "<b>he hit me</b><script>x</script>", "hes outside with a knife right now",
    "je suis en danger", "😢😢", "im in Leek ST13", "my boyfriend hits me. we're both lads",
    "i hit my wife last night and i need to stop", "/greet@1.0 hes got a knife",
    "help " * 20_000,
]


@pytest.fixture(scope="module")
def agent() -> Iterator[Agent]:
    yield Agent.load(str(ensure_model()))


def _runner(agent: Agent) -> DaskGraphRunner:
    runner = agent.processor.graph_runner
    assert DaskGraphRunner.run is graph_runner._run  # installed when the model loaded
    return runner


def test_every_parse_equals_the_dask_runners(agent: Agent) -> None:
    runner = _runner(agent)
    target = agent.processor.model_metadata.nlu_target
    slots = agent.domain.slots
    def parse(run, text: str) -> dict:
        tracker = DialogueStateTracker("graph-runner", copy.deepcopy(slots))
        inputs = {PLACEHOLDER_MESSAGE: [UserMessage(text, message_id="m")],
                  PLACEHOLDER_TRACKER: tracker}
        return run(runner, inputs, [target])[target][0].as_dict()

    for text in TEXTS:
        ours, rasa = parse(graph_runner._run, text), parse(graph_runner._dask_run, text)
        assert ours == rasa, text[:80]
        assert ours.get("intent"), text[:80]


def test_every_prediction_equals_the_dask_runners(rest: RestClient, rasa_stack,
                                                  agent: Agent) -> None:
    tracker = recorded_conversation(rest, rasa_stack, agent, "graph-runner-conversation")
    runner = _runner(agent)
    target = agent.processor.model_metadata.core_target
    points = 0
    for point in prediction_points(tracker):
        ours = graph_runner._run(runner, {PLACEHOLDER_TRACKER: copy.deepcopy(point)}, [target])
        rasa = graph_runner._dask_run(runner, {PLACEHOLDER_TRACKER: copy.deepcopy(point)},
                                      [target])
        assert ours[target] == rasa[target]
        assert max(ours[target].probabilities) > 0
        points += 1
    assert points >= len(SCRIPT)


def test_graphs_with_hooks_keep_dask(agent: Agent) -> None:
    """Training graphs carry caching and logging hooks; only hook-free graphs run in order."""
    runner = _runner(agent)
    assert graph_runner._hooked(runner) is False
