"""Custom Rasa NLU components that put safety before the trained model.

`SafetyGate` is the first component of the pipeline, so it sees every message from every
channel. It checks the whole text for immediate danger, then strips markup and cuts what the
rest of the pipeline sees to `max_chars` (a 100 KB message must not exhaust the server's
memory).

`SafetyOverride` comes after the classifiers. When the gate saw danger it makes the intent
`danger` with full confidence, whatever the model thought; a message with no words at all
becomes `nlu_fallback`.
"""
from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from helpline import action_calls, graph_runner
from helpline.danger import in_danger

# Every Rasa process that serves our model imports this module: bound its waits for the
# action server and speed up its checks of the responses (see helpline.action_calls), and
# run the model's graph without dask's scheduler (helpline.graph_runner).
action_calls.install()
graph_runner.install()

DANGER_INTENT = "danger"
FALLBACK_INTENT = "nlu_fallback"
SAFETY_FLAG = "helpline_safety"  # "danger", "empty" or absent
EMPTY_PLACEHOLDER = "empty"
_HAS_WORD = re.compile(r"\w")
_MARKUP = re.compile(r"<(script|style)\b.*?(</\1\s*>|$)|<[^>]*>", re.IGNORECASE | re.DOTALL)


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER], is_trainable=False
)
class SafetyGate(GraphComponent):
    """Flags danger on the full text, then caps the text the model sees."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"max_chars": 2000}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.max_chars = int(config["max_chars"])

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SafetyGate":
        return cls(config)

    def _screen(self, message: Message) -> None:
        text = message.get(TEXT) or ""
        if in_danger(text):
            message.set(SAFETY_FLAG, "danger", add_to_output=True)
        words = _MARKUP.sub(" ", text[: self.max_chars * 4])[: self.max_chars]
        if not _HAS_WORD.search(words):
            if SAFETY_FLAG not in message.data:
                message.set(SAFETY_FLAG, "empty", add_to_output=True)
            # Featurizers fail on a message with no tokens: give the model a placeholder.
            words = EMPTY_PLACEHOLDER
        if words != text:
            message.set(TEXT, words)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._screen(message)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        for message in training_data.training_examples:
            text = message.get(TEXT)
            if text and len(text) > self.max_chars:
                message.set(TEXT, text[: self.max_chars])
        return training_data


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class SafetyOverride(GraphComponent):
    """Makes the gate's verdict final: danger always wins over the model."""

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SafetyOverride":
        return cls()

    @staticmethod
    def _force(message: Message, intent: Text) -> None:
        ranking: List[Dict[Text, Any]] = message.get(INTENT_RANKING_KEY) or []
        others = [
            {**item, "confidence": 0.0} for item in ranking if item.get("name") != intent
        ]
        message.set(INTENT, {"name": intent, "confidence": 1.0}, add_to_output=True)
        message.set(
            INTENT_RANKING_KEY,
            [{"name": intent, "confidence": 1.0}, *others],
            add_to_output=True,
        )

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            flag: Optional[Text] = message.get(SAFETY_FLAG)
            if flag == "danger":
                self._force(message, DANGER_INTENT)
            elif flag == "empty":
                self._force(message, FALLBACK_INTENT)
        return messages
