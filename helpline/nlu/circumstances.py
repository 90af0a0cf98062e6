"""Circumstances learned from examples, read alongside the reader's patterns.

The patterns in `helpline.understanding` are exact but narrow: "he gives me twenty quid a
week and has my card" names no word the money pattern knows. One logistic regression per
circumstance, on the same sentence features as the intent classifier (word and character
n-grams and the sentence embedding), adds a circumstance the patterns missed when it is
likely enough; it never removes one the patterns found.

What it learns from: training examples whose metadata lists their circumstances
(`circumstances: [money, tech]`, bot/data/nlu/readings_*.yml, written in people's own words
with negatives that use the same words without the circumstance), and, for the older
examples without that metadata, the circumstances the patterns and the topic intent give
(`male_victim` is "male"). Conversational examples ("hi", "thanks") are negatives for all.

The weights are kept as numpy arrays (no pickle), so loading a model runs no code.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression

MIN_POSITIVES = 5  # fewer examples than this: the label is never predicted


class CircumstanceModel:
    """One binary linear model per label (each circumstance, and the writer's own behaviour)."""

    def __init__(self, labels: Sequence[str], coef: np.ndarray, intercept: np.ndarray) -> None:
        self.labels = tuple(labels)
        self.coef = coef
        self.intercept = intercept
        # One row of weights per feature: a message's few non-zero features pick their rows
        # (0.01 ms a message, against 0.47 ms for scipy's sparse-times-dense product).
        self._weights = np.ascontiguousarray(coef.T)

    @classmethod
    def fit(cls, features: csr_matrix, found: Sequence[Iterable[str]], labels: Sequence[str],
            regularisation: float) -> "CircumstanceModel":
        sets = [set(f) for f in found]
        coef = np.zeros((len(labels), features.shape[1]), dtype=np.float32)
        intercept = np.full(len(labels), -30.0, dtype=np.float32)
        for row, label in enumerate(labels):
            target = np.array([label in s for s in sets])
            if target.sum() < MIN_POSITIVES or target.all():
                continue
            model = LogisticRegression(C=regularisation, solver="liblinear", random_state=42)
            model.fit(features, target)
            coef[row], intercept[row] = model.coef_[0], model.intercept_[0]
        return cls(labels, coef, intercept)

    def probabilities(self, features: csr_matrix) -> np.ndarray:
        rows = csr_matrix(features)
        scores = np.array([rows.data[a:b] @ self._weights[rows.indices[a:b]]
                           for a, b in zip(rows.indptr[:-1], rows.indptr[1:])],
                          dtype=np.float64).reshape(rows.shape[0], len(self.labels))
        return 1.0 / (1.0 + np.exp(-(scores + self.intercept)))

    def save(self, path: Path) -> None:
        np.savez(path, labels=np.array(self.labels), coef=self.coef, intercept=self.intercept)

    @classmethod
    def load(cls, path: Path) -> "CircumstanceModel":
        with np.load(path, allow_pickle=False) as data:
            return cls([str(x) for x in data["labels"]], data["coef"], data["intercept"])
