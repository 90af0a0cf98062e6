"""Rasa's logistic-regression intent classifier, with its regularisation strength exposed.

Rasa 3.6 fixes scikit-learn's default C=1.0, which on our sparse word and character n-gram
counts gives timid confidences: too many clear messages fell under the fallback threshold.
C is measured by `make crossval` (docs/nlu-crossvalidation.md).

It also builds its input matrix more cheaply. Rasa's `_create_X` combines every featurizer's
sparse sequence features too (which it then ignores) and deep-copies features on the way:
about a tenth of a turn's time. Here the sentence features are joined in one `hstack`, in
the same order, so the matrix and the predictions are the same.

Dense sentence features (the sentence encoder's embedding, helpline.nlu.encoder) join the
same row, scaled by `dense_weight`: an L2-normalised embedding has entries near 0.05 while
the n-gram counts are whole numbers, so unscaled the regularised model all but ignores it.

At run time a message's scores are computed from its features directly, without building
the matrix: each non-zero feature picks its row of the weights (kept transposed and
contiguous), the way helpline.nlu.circumstances does. scikit-learn's `predict_proba` on the
one-row sparse matrix multiplied it against all ~50,000 feature rows: with the matrix build,
14% of the Rasa server's time under `make bench` (py-spy, 2026-11-30). The probabilities are
the same (tests/test_classifier.py).

Since only sentence features are read, `SentenceCountVectorsFeaturizer` gives the message
text only its sentence feature. Rasa's CountVectorsFeaturizer also transformed each token as
a document of its own for a sequence feature nobody reads: about half of its 6% of the Rasa
server's main thread under `make bench` (py-spy, 2026-12-01). The sentence features are
Rasa's own (tests/test_classifier.py).
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

import numpy as np
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix
from sklearn.utils.extmath import softmax


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True
)
class SentenceCountVectorsFeaturizer(CountVectorsFeaturizer):
    """CountVectorsFeaturizer that gives the message text its sentence feature only."""

    def _create_features(self, attribute: Text, all_tokens: List[List[Text]]) -> Any:
        if attribute != TEXT or not self.vectorizers.get(attribute):
            return super()._create_features(attribute, all_tokens)
        sentences = []
        for tokens in all_tokens:
            if not tokens:
                sentences.append(None)
                continue
            vector = self.vectorizers[attribute].transform([" ".join(tokens)])
            vector.sort_indices()
            sentences.append(vector.tocoo())
        return [None] * len(all_tokens), sentences


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class TunedLogisticRegressionClassifier(LogisticRegressionClassifier):
    """LogisticRegressionClassifier with `C` in its configuration."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**LogisticRegressionClassifier.get_default_config(), "C": 1.0,
                "dense_weight": 1.0}

    def __init__(
        self,
        config: Dict[Text, Any],
        name: Text,
        model_storage: ModelStorage,
        resource: Resource,
    ) -> None:
        super().__init__(config, name, model_storage, resource)
        self.clf.set_params(C=float(self.config["C"]))

    def train(self, training_data: TrainingData) -> Resource:
        self._weights = None  # worked out again from the new model on first use
        return super().train(training_data)

    def process(self, messages: List[Message]) -> List[Message]:
        """Rasa's `process`, with the scores computed from each message's features."""
        if getattr(self, "_weights", None) is None:
            # Ours is multinomial; anything else would go Rasa's way (checked once).
            multinomial = len(self.clf.classes_) > 2 and self.clf.solver != "liblinear" and \
                self.clf.multi_class in ("auto", "multinomial")
            self._weights = np.ascontiguousarray(self.clf.coef_.T) if multinomial else False
        if self._weights is False:
            return super().process(messages)
        for message in messages:
            scores = self._scores(message)
            if scores is None:  # no sentence features: Rasa's way
                return super().process(messages)
            probabilities = softmax(scores.reshape(1, -1))[0]  # as predict_proba does
            ranking = sorted(zip(self.clf.classes_, probabilities),
                             key=lambda pair: -pair[1])
            ranking = [{"name": name, "confidence": value} for name, value in ranking]
            message.set(INTENT, ranking[0], add_to_output=True)
            if self.config["ranking_length"] > 0:
                ranking = ranking[: self.config["ranking_length"]]
            message.set("intent_ranking", ranking, add_to_output=True)
        return messages

    def _scores(self, message: Message) -> Optional[np.ndarray]:
        """The decision function for one message (None without sentence features)."""
        row = sentence_matrix([message], float(self.config["dense_weight"]))
        if row is None:
            return None
        return self.clf.intercept_ + row.data @ self._weights[row.indices]

    def _create_X(self, messages: List[Message]) -> csr_matrix:
        matrix = sentence_matrix(messages, float(self.config["dense_weight"]))
        return super()._create_X(messages) if matrix is None else matrix  # None: Rasa's way


def sentence_matrix(messages: List[Message], dense_weight: float) -> Optional[csr_matrix]:
    """One row per message: every featurizer's sentence features, dense ones scaled by
    `dense_weight`; None when a message has no sentence features.

    Built from the features' own arrays: scipy's `hstack` and `vstack` of one-row matrices
    cost more than the whole prediction (4% of the Rasa server's time in the reader alone).
    """
    data, columns, ends = [], [], [0]
    width = 0
    for message in messages:
        sentence = [f for f in message.features
                    if f.attribute == TEXT and f.type == FEATURE_TYPE_SENTENCE]
        if not sentence:
            return None
        offset = 0
        for feature in sentence:
            values = feature.features
            if feature.is_sparse():
                row = values.tocoo(copy=False)
                data.append(row.data.astype(np.float64))
                columns.append(row.col + offset)
            else:
                vector = np.asarray(values, dtype=np.float64).ravel() * dense_weight
                present = np.flatnonzero(vector)
                data.append(vector[present])
                columns.append(present + offset)
            offset += values.shape[-1]
        ends.append(ends[-1] + sum(len(part) for part in data[-len(sentence):]))
        width = offset
    matrix = csr_matrix((np.concatenate(data), np.concatenate(columns), ends),
                        shape=(len(messages), width))
    matrix.sum_duplicates()  # as hstack gives: sorted columns, each once
    return matrix
