"""SafetyGate and SafetyOverride, with real Rasa Message objects."""
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from helpline.nlu.components import EMPTY_PLACEHOLDER, SAFETY_FLAG, SafetyGate, SafetyOverride


def _create(component, config, tmp_path):
    return component.create(
        {**component.get_default_config(), **config},
        LocalModelStorage(tmp_path),
        Resource("test"),
        ExecutionContext(GraphSchema({}), "test"),
    )


def _classified(text: str, intent: str = "greet") -> Message:
    message = Message({TEXT: text})
    message.set(INTENT, {"name": intent, "confidence": 0.9})
    message.set(INTENT_RANKING_KEY, [{"name": intent, "confidence": 0.9},
                                     {"name": "danger", "confidence": 0.1}])
    return message


def test_gate_caps_text_but_sees_danger_at_the_end(tmp_path) -> None:
    gate = _create(SafetyGate, {"max_chars": 100}, tmp_path)
    text = "blah " * 20_000 + "he is outside with a knife"
    [message] = gate.process([Message({TEXT: text})])
    assert len(message.get(TEXT)) == 100
    assert message.get(SAFETY_FLAG) == "danger"


def test_gate_strips_markup_and_flags_empty_messages(tmp_path) -> None:
    gate = _create(SafetyGate, {}, tmp_path)
    markup, emoji, blank, words = gate.process([
        Message({TEXT: "<script>alert(1)</script><b></b>"}),
        Message({TEXT: "😀😀😀"}),
        Message({TEXT: "   "}),
        Message({TEXT: "<b>is this abuse</b>"}),
    ])
    assert markup.get(SAFETY_FLAG) == emoji.get(SAFETY_FLAG) == blank.get(SAFETY_FLAG) == "empty"
    assert markup.get(TEXT) == blank.get(TEXT) == EMPTY_PLACEHOLDER
    assert words.get(SAFETY_FLAG) is None
    assert words.get(TEXT).split() == ["is", "this", "abuse"]


def test_gate_caps_training_examples(tmp_path) -> None:
    gate = _create(SafetyGate, {"max_chars": 10}, tmp_path)
    data = gate.process_training_data(TrainingData([Message({TEXT: "x" * 50, INTENT: "greet"})]))
    assert data.training_examples[0].get(TEXT) == "x" * 10


def test_override_makes_danger_win(tmp_path) -> None:
    override = _create(SafetyOverride, {}, tmp_path)
    message = _classified("he is outside with a knife")
    message.set(SAFETY_FLAG, "danger")
    [result] = override.process([message])
    assert result.get(INTENT) == {"name": "danger", "confidence": 1.0}
    assert result.get(INTENT_RANKING_KEY)[0]["name"] == "danger"
    assert all(item["confidence"] == 0.0 for item in result.get(INTENT_RANKING_KEY)[1:])


def test_override_sends_empty_messages_to_fallback(tmp_path) -> None:
    override = _create(SafetyOverride, {}, tmp_path)
    message = _classified("😀")
    message.set(SAFETY_FLAG, "empty")
    [result] = override.process([message])
    assert result.get(INTENT)["name"] == "nlu_fallback"


def test_override_leaves_ordinary_messages_alone(tmp_path) -> None:
    override = _create(SafetyOverride, {}, tmp_path)
    [result] = override.process([_classified("hello")])
    assert result.get(INTENT) == {"name": "greet", "confidence": 0.9}
