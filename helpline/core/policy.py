"""Rasa's RulePolicy, matching rules against the recent part of the conversation only.

On every prediction RulePolicy turns the conversation into one state per bot action, deep
copies all of them for a debug log line, and tests every rule against every state. That work
grows with the length of the conversation. A rule of n states can only depend on the last n
states: `RulePolicy._is_rule_applicable` accepts any state further back than the rule is
long, and a `conversation_start` rule fails on any state that is not the start. So matching
against the last (longest rule) states predicts exactly what matching against all of them
does, and only those states are computed (`recent_states`), replaying only the new events
for the second and later predictions of a turn.

Only a trained policy, loaded to serve, trims. Training and its contradiction check are
Rasa's own.
"""
from __future__ import annotations

import itertools
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Deque, Dict, FrozenSet, List, Optional, Text

from rasa.core.policies.rule_policy import (
    RULES,
    RULES_FOR_LOOP_UNHAPPY_PATH,
    RulePolicy,
)
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.events import (
    ActionExecuted,
    ActionReverted,
    ActiveLoop,
    Event,
    Restarted,
    SessionStarted,
    UserUtteranceReverted,
)
from rasa.shared.core.trackers import DialogueStateTracker

# Events that can change which earlier events count (DialogueStateTracker.applied_events):
# after one of these, the replay starts again from the beginning.
_REWINDING = (Restarted, SessionStarted, ActionReverted, UserUtteranceReverted, ActiveLoop)
_REPLAY = "_helpline_replay"  # attribute of the tracker that holds its _Replay


@dataclass
class _Replay:
    """A tracker's conversation replayed so far, kept on the tracker between predictions."""

    keep: int
    tracker: DialogueStateTracker  # the state after the replayed events
    seen: int  # how many of the tracker's events have been replayed
    last: Optional[Event]  # the last of them, to check the history was not replaced
    loops: FrozenSet[str]  # loop names, as applied_events uses them
    before: Deque[State] = field(default_factory=deque)  # before the latest bot actions


def _state(domain: Domain, tracker: DialogueStateTracker) -> State:
    return domain._clean_state(domain.get_active_state(tracker))


def _continued(tracker: DialogueStateTracker, keep: int) -> Optional[_Replay]:
    """The tracker's replay, if its new events can simply be added to it."""
    replay = getattr(tracker, _REPLAY, None)
    events = tracker.events
    if (replay is None or replay.keep != keep or not 0 < replay.seen <= len(events)
            or events[replay.seen - 1] is not replay.last):
        return None
    for event in itertools.islice(events, replay.seen, None):
        if isinstance(event, _REWINDING) or (
                isinstance(event, ActionExecuted) and event.action_name in replay.loops):
            return None
    return replay


def recent_states(tracker: DialogueStateTracker, domain: Domain, keep: int) -> List[State]:
    """The last `keep` of `tracker.past_states(domain)`, without computing the others.

    The conversation is replayed as `past_states` replays it (one state before each bot
    action, and one for now), but only the last `keep` states are built. The replay is kept
    on the tracker: the next prediction in the same turn replays only the new events.
    """
    replay = _continued(tracker, keep)
    if replay is None:
        loops = frozenset(event.name for event in tracker.events
                          if isinstance(event, ActiveLoop) and event.name)
        replay = _Replay(keep, tracker.init_copy(), 0, None, loops, deque(maxlen=keep - 1))
        new_events = tracker.applied_events()
    else:
        new_events = list(itertools.islice(tracker.events, replay.seen, None))
    for event in new_events:
        if isinstance(event, ActionExecuted):
            replay.before.append(_state(domain, replay.tracker))
        replay.tracker.update(event)
    replay.seen = len(tracker.events)
    replay.last = tracker.events[-1] if tracker.events else None
    setattr(tracker, _REPLAY, replay)
    return [*replay.before, _state(domain, replay.tracker)]


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class RecentRulePolicy(RulePolicy):
    """RulePolicy that, once trained, matches rules against the last states only."""

    keep_states: Optional[int] = None  # None: all states (while training)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "RecentRulePolicy":
        policy = super().load(config, model_storage, resource, execution_context, **kwargs)
        policy.keep_states = policy.longest_rule()
        return policy

    def longest_rule(self) -> int:
        """The number of states in the longest rule the policy learnt."""
        keys = [*self.lookup.get(RULES, {}), *self.lookup.get(RULES_FOR_LOOP_UNHAPPY_PATH, {})]
        return max((len(self._rule_key_to_state(key)) for key in keys), default=1)

    def _prediction_states(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        use_text_for_last_user_input: bool = False,
        rule_only_data: Optional[Dict[Text, Any]] = None,
    ) -> List[State]:
        if self.keep_states is None:
            return super()._prediction_states(
                tracker, domain, use_text_for_last_user_input, rule_only_data
            )
        # What Rasa's featurizer does for a rule policy (no rule-only turns to hide, no
        # history limit), on the recent states.
        states = recent_states(tracker, domain, self.keep_states)
        self.featurizer._choose_last_user_input([states], use_text_for_last_user_input)
        return states
