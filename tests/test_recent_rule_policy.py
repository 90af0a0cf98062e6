"""RecentRulePolicy predicts exactly what Rasa's RulePolicy predicts, on real conversations.

A long conversation runs over REST through the real servers; its tracker is then replayed
prediction point by prediction point against the trained model's policy, once trimmed to
the recent states and once with all of them (Rasa's own code path).
"""
import copy
from typing import Iterator

import pytest
import requests
from rasa.core.agent import Agent
from rasa.shared.core.events import ActionExecuted, Event
from rasa.shared.core.trackers import DialogueStateTracker

from helpline import privacy
from helpline.core.policy import RecentRulePolicy, recent_states
from tests.conftest import RestClient, ensure_model

# Openings at the start and later, misunderstandings, danger, topics, a person, goodbyes:
# long enough that the trimmed states are a small part of the conversation.
SCRIPT = [
    "I need help", "yes", "is it abuse if he takes my money", "asdfgh qwerty", "zzzz xxxx",
    "I need help", "what is coercive control", "i'm worried about my friend", "hello",
    "my ex keeps following me", "can i talk to a person", "he's outside with a knife", "no",
    "I'm in Tamworth and need help", "what support is there near me", "ST13",
    "am i an abuser", "thank you", "bye", "hi", "yes", "forced marriage", "bye",
]


@pytest.fixture(scope="module")
def agent() -> Iterator[Agent]:
    yield Agent.load(str(ensure_model()))


def _policy(agent: Agent) -> RecentRulePolicy:
    nodes = agent.processor.graph_runner._instantiated_nodes.values()
    policies = [node._component for node in nodes
                if isinstance(node._component, RecentRulePolicy)]
    assert len(policies) == 1
    return policies[0]


def prediction_points(tracker: DialogueStateTracker) -> Iterator[DialogueStateTracker]:
    """The tracker as it was before each bot action was predicted."""
    events: list[Event] = []
    for event in tracker.events:
        if isinstance(event, ActionExecuted) and event.action_name != "action_session_start":
            yield DialogueStateTracker.from_events(tracker.sender_id, events, tracker.slots.values())
        events.append(event)


def recorded_conversation(rest: RestClient, rasa_stack, agent: Agent, sender: str
                          ) -> DialogueStateTracker:
    """SCRIPT sent over REST through the real servers, and the tracker Rasa kept of it."""
    for text in SCRIPT:
        rest.send(sender, text)
    conversation_id = privacy.pseudonymise("rest", sender)
    reply = requests.get(f"{rasa_stack.rasa_url}/conversations/{conversation_id}/tracker",
                         params={"include_events": "ALL"}, timeout=30)
    return DialogueStateTracker.from_dict(conversation_id, reply.json()["events"],
                                          agent.domain.slots)


def test_trimmed_predictions_equal_rasa_rule_policy(rest: RestClient, rasa_stack,
                                                    agent: Agent) -> None:
    tracker = recorded_conversation(rest, rasa_stack, agent, "long-conversation")

    policy = _policy(agent)
    assert policy.keep_states is not None and policy.keep_states < 10
    rasa_policy = copy.copy(policy)
    rasa_policy.keep_states = None  # Rasa's RulePolicy code path, all states

    # Rasa's path on a fresh tracker per prediction point; ours also on one tracker that
    # grows event by event, as in a turn, so that its replay is continued.
    keep = policy.keep_states
    growing = DialogueStateTracker.from_events(tracker.sender_id, [], agent.domain.slots)
    points = 0
    for point in prediction_points(tracker):
        for event in list(point.events)[len(growing.events):]:
            growing.update(event)
        points += 1
        full = point.past_states(agent.domain)
        assert recent_states(point, agent.domain, keep) == full[-keep:]
        assert recent_states(growing, agent.domain, keep) == full[-keep:]
        rasas = rasa_policy.predict_action_probabilities(point, agent.domain)
        for ours in (policy.predict_action_probabilities(point, agent.domain),
                     policy.predict_action_probabilities(growing, agent.domain)):
            assert ours.probabilities == rasas.probabilities
            assert ours.events == rasas.events
    assert points > 2 * len(SCRIPT)


def test_a_short_conversation_keeps_all_its_states(agent: Agent) -> None:
    tracker = DialogueStateTracker.from_events("short", [ActionExecuted("action_listen")],
                                               agent.domain.slots)
    assert recent_states(tracker, agent.domain, 10) == tracker.past_states(agent.domain)
