"""The tuned classifier builds the same input matrix as Rasa's, from the real pipeline."""
from pathlib import Path

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.nlu.featurizers.sparse_featurizer.regex_featurizer import RegexFeaturizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from helpline import settings
from helpline.nlu.classifier import (
    SentenceCountVectorsFeaturizer,
    TunedLogisticRegressionClassifier,
)


def add_dense(message: Message) -> None:
    """A dense sentence feature, as the sentence encoder adds (a stand-in vector from the text:
    the classifier only needs dense columns after the sparse ones)."""
    text = message.get("text") or ""
    vector = np.array([[len(text) % 7, text.count("e"), text.count(" "), 1.0]]) / 10
    message.features.append(Features(vector, FEATURE_TYPE_SENTENCE, "text", "dense"))


def _component(cls, storage, name, **config):
    context = ExecutionContext(GraphSchema({}), "test")
    return cls.create({**cls.get_default_config(), **config}, storage, Resource(name), context)


def test_matrix_equals_rasas_and_predictions_match(tmp_path: Path) -> None:
    storage = LocalModelStorage(tmp_path)
    data = load_data(str(settings.ROOT / "bot" / "data" / "nlu"))
    data = data.merge(load_data(str(settings.ROOT / "bot" / "data" / "lookups")))
    # Every eighth example: the same matrices and predictions are compared, and training the
    # classifier on all 6,600 took 61 s of the unit run.
    data = TrainingData(data.training_examples[::8], lookup_tables=data.lookup_tables)
    tokenizer = _component(WhitespaceTokenizer, storage, "tokens")
    featurizers = [
        _component(RegexFeaturizer, storage, "regex", use_lookup_tables=True),
        _component(CountVectorsFeaturizer, storage, "words"),
        _component(CountVectorsFeaturizer, storage, "chars", analyzer="char_wb",
                   min_ngram=2, max_ngram=4),
    ]
    tokenizer.process_training_data(data)
    for featurizer in featurizers:
        featurizer.train(data)
        featurizer.process_training_data(data)
    for message in data.training_examples:
        add_dense(message)
    classifier = _component(TunedLogisticRegressionClassifier, storage, "classifier", C=10,
                            max_iter=1000, random_state=42)

    examples = data.intent_examples
    ours = classifier._create_X(examples)
    rasas = LogisticRegressionClassifier._create_X(classifier, examples)
    assert ours.shape == rasas.shape == (len(examples), ours.shape[1])
    assert ours.shape[1] > 1000
    assert (ours != rasas).nnz == 0

    classifier.train(data)
    new = [Message(data={"text": text}) for text in
           ["he takes all my money", "my mate is scared of her bf", "hiya"]]
    tokenizer.process(new)
    for featurizer in featurizers:
        featurizer.process(new)
    for message in new:
        add_dense(message)
    assert (classifier.clf.predict_proba(classifier._create_X(new)) ==
            classifier.clf.predict_proba(LogisticRegressionClassifier._create_X(classifier, new))
            ).all()

    # At run time the scores come from the features directly: the same ranking and
    # probabilities as scikit-learn's predict_proba on Rasa's matrix.
    expected = classifier.clf.predict_proba(LogisticRegressionClassifier._create_X(classifier, new))
    classifier.process(new)
    for message, row in zip(new, expected):
        ranking = message.get("intent_ranking")
        by_name = dict(zip(classifier.clf.classes_, row))
        assert [r["name"] for r in ranking] == sorted(by_name, key=lambda n: -by_name[n])[:10]
        for entry in ranking:
            assert abs(entry["confidence"] - by_name[entry["name"]]) < 1e-9
        assert message.get("intent")["name"] == classifier.clf.classes_[row.argmax()]


def test_the_sentence_only_featurizer_gives_rasas_sentence_features(tmp_path: Path) -> None:
    storage = LocalModelStorage(tmp_path)
    data = load_data(str(settings.ROOT / "bot" / "data" / "nlu"))
    data = TrainingData(data.training_examples[::20])
    tokenizer = _component(WhitespaceTokenizer, storage, "tokens")
    tokenizer.process_training_data(data)
    texts = ["he takes all my money", "my mate is scared of her bf", "hiya", "£20 a WEEK!!"]
    for config in ({}, {"analyzer": "char_wb", "min_ngram": 2, "max_ngram": 4}):
        ours = _component(SentenceCountVectorsFeaturizer, storage, "ours", **config)
        rasas = _component(CountVectorsFeaturizer, storage, "rasas", **config)
        ours.train(data)
        rasas.train(data)
        for_ours, for_rasas = ([Message(data={"text": t}) for t in texts] for _ in range(2))
        tokenizer.process(for_ours)
        tokenizer.process(for_rasas)
        ours.process(for_ours)
        rasas.process(for_rasas)
        for mine, theirs in zip(for_ours, for_rasas):
            sequence, sentence = mine.get_sparse_features("text")
            their_sequence, their_sentence = theirs.get_sparse_features("text")
            assert sequence is None and their_sequence is not None
            assert (sentence.features != their_sentence.features).nnz == 0
            assert sentence.features.shape[1] > 100
