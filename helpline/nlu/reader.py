"""`HelplineReader`: reads each message for who is writing, their circumstances and age
(`helpline.understanding`), inside the pipeline so every channel gets the same reading.

It runs after the intent classifiers and before `SafetyOverride`, and puts its reading in the
parse data under ``helpline_reading`` (stored with the message; the action server composes the
answer from it). Two things it may change:

- A message not in English becomes intent ``other_language`` (999 and the 24-hour helpline,
  which can arrange an interpreter: a domain response, no action server needed). "English"
  means words seen in the training data, or common English words (scikit-learn's list).
- When the model gives a short everyday intent (``nlu_fallback``, ``bot_challenge``,
  ``find_service``...) but the words describe a situation (a circumstance, or who is harming
  whom: "he tracks my phone and reads all my whatsapps", "we hit each other"), the message is
  read as the likeliest situation in the model's ranking: an answer to what they said beats
  "I didn't understand" or a device-safety tip.
- A situation intent for a plain question for a service or about this chat, with nothing
  said about who harms whom ("where do i find an idva", "if he checks my phone will he see
  ive been on here"), becomes ``find_service`` or ``device_safety``.
- A short everyday intent with a place in it ("I'm in Lichfield, I need to talk to someone
  about my relationship") becomes ``find_service``: a place named is never dropped.

It also learns circumstances from examples (`helpline.nlu.circumstances`), on the same sentence
features as the intent classifier, to add what the patterns miss; and, as one more label of
the same model, whether the writer describes their own behaviour (own_behaviour examples
against all others), a second opinion that `helpline.understanding.role` asks for before the
intent model alone may give the Respect line.
"""
from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_TYPE,
    INTENT,
    INTENT_RANKING_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from helpline.danger import normalise
from helpline.nlu.circumstances import CircumstanceModel
from helpline.nlu.classifier import sentence_matrix
from helpline.nlu.components import SAFETY_FLAG
from helpline.understanding import (
    CIRCUMSTANCES,
    OWN,
    PROMOTABLE,
    READING,
    SITUATION_INTENTS,
    WORD,
    circumstances,
    describes_situation,
    plain_question,
    read,
)

OTHER_LANGUAGE_INTENT = "other_language"
FIND_SERVICE = "find_service"
DANGER_INTENT = "danger"
# The model's danger probability above which the 999 reply comes first, even when the
# deterministic lexicon saw nothing: a false alarm costs a 999 reminder, a miss much more.
DANGER_SHARE = 0.25
PLACE_ENTITY = "place"
_VOCABULARY_FILE = "vocabulary.json"
_CIRCUMSTANCE_FILE = "circumstances.npz"
LEARNED_LABELS = CIRCUMSTANCES + (OWN,)  # OWN: the writer's own behaviour, not a circumstance


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True
)
class HelplineReader(GraphComponent):
    """Adds the reading of each message; learns the English vocabulary from training data."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # share: the learned probability above which a circumstance is added; C and
        # dense_weight as for the intent classifier (helpline.nlu.classifier).
        return {"circumstance_share": 0.3, "C": 1.0, "dense_weight": 5.0}

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage,
                 resource: Resource, vocabulary: Optional[frozenset[str]] = None,
                 model: Optional[CircumstanceModel] = None) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.vocabulary = frozenset(vocabulary or ()) | ENGLISH_STOP_WORDS
        self.model = model

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage,
               resource: Resource, execution_context: ExecutionContext) -> "HelplineReader":
        return cls(config, model_storage, resource)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "HelplineReader":
        words, model = [], None
        try:
            with model_storage.read_from(resource) as directory:
                words = json.loads((directory / _VOCABULARY_FILE).read_text())
                if (directory / _CIRCUMSTANCE_FILE).exists():
                    model = CircumstanceModel.load(directory / _CIRCUMSTANCE_FILE)
        except (ValueError, OSError):
            pass
        return cls(config, model_storage, resource, frozenset(words), model)

    def train(self, training_data: TrainingData) -> Resource:
        words: set[str] = set()
        for example in training_data.training_examples:
            if example.get(INTENT) != OTHER_LANGUAGE_INTENT and example.get(TEXT):
                words.update(WORD.findall(normalise(example.get(TEXT))))
        for table in training_data.lookup_tables:
            for element in table.get("elements") or []:
                words.update(WORD.findall(normalise(str(element))))
        examples = [e for e in training_data.training_examples if e.get(TEXT)]
        features = sentence_matrix(examples, float(self.config["dense_weight"]))
        if features is not None and examples:
            labels = [_circumstances_of(e) + ([OWN] if e.get(INTENT) == OWN else [])
                      for e in examples]
            self.model = CircumstanceModel.fit(features, labels, LEARNED_LABELS,
                                               float(self.config["C"]))
        with self._model_storage.write_to(self._resource) as directory:
            (directory / _VOCABULARY_FILE).write_text(json.dumps(sorted(words)))
            if self.model is not None:
                self.model.save(directory / _CIRCUMSTANCE_FILE)
        self.vocabulary = frozenset(words) | ENGLISH_STOP_WORDS
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._read(message)
        return messages

    def _read(self, message: Message) -> None:
        text = message.get(TEXT) or ""
        intent = (message.get(INTENT) or {}).get("name")
        if intent in PROMOTABLE and describes_situation(normalise(text), intent):
            ranking: List[Dict[Text, Any]] = message.get(INTENT_RANKING_KEY) or []
            best = next((r for r in ranking if r.get("name") in SITUATION_INTENTS),
                        {"name": "victim", "confidence": 0.0})
            intent = best["name"]
            _set_intent(message, intent, best.get("confidence", 0.0))
        elif intent in PROMOTABLE and any(e.get(ENTITY_ATTRIBUTE_TYPE) == PLACE_ENTITY
                                          for e in message.get(ENTITIES) or []):
            intent = FIND_SERVICE  # "I'm in Lichfield, I need to talk to someone": local help
            _set_intent(message, intent, 1.0)
        elif intent in SITUATION_INTENTS and intent != DANGER_INTENT \
                and message.get(SAFETY_FLAG) != "danger":
            asked = plain_question(normalise(text))  # "where do i find an idva"
            if asked:
                intent = asked
                _set_intent(message, intent, 1.0)
        if message.get(SAFETY_FLAG) == "danger" and intent not in SITUATION_INTENTS:
            intent = "danger"  # SafetyOverride makes it so; read the message as a situation
        confidences = {r.get("name"): r.get("confidence", 0.0)
                       for r in message.get(INTENT_RANKING_KEY) or []}
        # Danger likely enough is read as danger, so the reading has a writer and circumstances:
        # "cant talk on the phone hes in the room" (device_safety first) had neither.
        promoted = intent != DANGER_INTENT and confidences.get(DANGER_INTENT, 0.0) >= DANGER_SHARE
        if promoted:
            intent = DANGER_INTENT
        # Only a situation gets circumstance routes, so only then is the model asked.
        learned, own_writer = self._learned(message) if intent in SITUATION_INTENTS \
            else ([], 0.0)
        reading = read(text, intent, self.vocabulary, confidences, learned, own_writer)
        if reading.other_language:
            _set_intent(message, OTHER_LANGUAGE_INTENT, 1.0)
        elif promoted:
            _set_intent(message, DANGER_INTENT, confidences[DANGER_INTENT])
        message.set(READING, reading.as_dict(), add_to_output=True)


    def _learned(self, message: Message) -> tuple[List[str], float]:
        """The circumstances learned from examples, and the probability that the writer
        describes their own behaviour (the second opinion `understanding.role` asks for)."""
        features = sentence_matrix([message], float(self.config["dense_weight"]))
        if self.model is None or features is None:
            return [], 0.0
        share = float(self.config["circumstance_share"])
        found = dict(zip(self.model.labels, self.model.probabilities(features)[0]))
        return [c for c in CIRCUMSTANCES if found.get(c, 0.0) >= share], float(found.get(OWN, 0.0))


def _circumstances_of(example: Message) -> List[str]:
    """The circumstances a training example holds: its metadata's list when it has one, else
    what the patterns and its topic intent give; none for conversational intents."""
    written = ((example.get("metadata") or {}).get("example") or {}).get("circumstances")
    if isinstance(written, list):
        return [c for c in written if c in CIRCUMSTANCES]
    intent = example.get(INTENT)
    if intent not in SITUATION_INTENTS:
        return []
    implied = SITUATION_INTENTS[intent]
    return circumstances(normalise(example.get(TEXT))) + ([implied] if implied else [])


def _set_intent(message: Message, name: str, confidence: float) -> None:
    message.set(INTENT, {"name": name, "confidence": confidence}, add_to_output=True)
