"""Rasa's RulePolicy, matching rules against the recent part of the conversation only.

On every prediction RulePolicy turns the conversation into one state per bot action, deep
copies all of them for a debug log line, and tests every rule against every state. That work
grows with the length of the conversation. A rule of n states can only depend on the last n
states: `RulePolicy._is_rule_applicable` accepts any state further back than the rule is
long, and a `conversation_start` rule fails on any state that is not the start. So matching
against the last (longest rule) states predicts exactly what matching against all of them
does, and only those states are computed (`recent_states`).

Only a trained policy, loaded to serve, trims. Training and its contradiction check are
Rasa's own.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

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
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.trackers import DialogueStateTracker


def recent_states(tracker: DialogueStateTracker, domain: Domain, keep: int) -> List[State]:
    """The last `keep` of `tracker.past_states(domain)`, without computing the others.

    The conversation is replayed as `past_states` replays it (one state before each bot
    action, and one for now), but a state is only built for the last `keep` positions.
    """
    applied = tracker.applied_events()
    first = 1 + sum(isinstance(event, ActionExecuted) for event in applied) - keep
    replay = tracker.init_copy()
    states: List[State] = []
    position = 0
    for event in applied:
        if isinstance(event, ActionExecuted):
            if position >= first:
                states.append(domain._clean_state(domain.get_active_state(replay)))
            position += 1
        replay.update(event)
    states.append(domain._clean_state(domain.get_active_state(replay)))
    return states


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
