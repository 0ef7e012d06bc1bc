"""Calibrated probabilities for a linear classifier, by temperature scaling.

A logistic regression trained with little regularisation on well-separated text is
over-confident: it says 0.99 where it is right 85% of the time, and then "needs review"
means nothing. Dividing its logits by one temperature T, fitted on held-out predictions,
fixes the confidence without changing which label wins or which words decide it.
"""

from typing import Any, Self

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax, softmax
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.linear_model import LogisticRegression


def fit_temperature(logits: NDArray[np.float64], y_index: NDArray[np.int_]) -> float:
    """The temperature that minimises the log-loss of softmax(logits / T) on held-out data.

    Args:
        logits: (n, k) decision scores of predictions the model did not train on.
        y_index: (n,) the column of the true label in `logits`.
    """
    if len(logits) == 0:
        return 1.0

    def loss(log_t: float) -> float:
        scaled = log_softmax(logits / np.exp(log_t), axis=1)
        return float(-scaled[np.arange(len(y_index)), y_index].mean())

    result = minimize_scalar(loss, bounds=(-3.0, 4.0), method="bounded")
    return float(np.exp(result.x))


class TemperatureScaledClassifier(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """A linear classifier whose probabilities are softmax(decision_function / temperature).

    Follows the scikit-learn contract: `__init__` only stores parameters, `fit` fits a
    clone of `estimator` and returns self. `coef_` is passed through so explanations
    read the underlying linear model.
    """

    def __init__(self, estimator: Any = None, temperature: float = 1.0) -> None:
        """Wrap `estimator` (LogisticRegression by default)."""
        self.estimator = estimator
        self.temperature = temperature

    def fit(self, X: Any, y: Any) -> Self:
        """Fit the wrapped estimator; the temperature is set, not learned, here."""
        base = self.estimator if self.estimator is not None else LogisticRegression()
        self.estimator_ = clone(base).fit(X, y)
        self.classes_ = self.estimator_.classes_
        return self

    @property
    def coef_(self) -> NDArray[np.float64]:
        """The wrapped linear model's coefficients (one row per class)."""
        coef: NDArray[np.float64] = self.estimator_.coef_
        return coef

    def decision_function(self, X: Any) -> NDArray[np.float64]:
        """The wrapped model's logits, before temperature scaling."""
        scores: NDArray[np.float64] = self.estimator_.decision_function(X)
        return scores

    def _logits(self, X: Any) -> NDArray[np.float64]:
        """One logit column per class; a binary model's single score becomes two."""
        scores = np.asarray(self.decision_function(X), dtype=np.float64)
        if scores.ndim == 1:
            scores = np.column_stack([np.zeros_like(scores), scores])
        return scores

    def predict_proba(self, X: Any) -> NDArray[np.float64]:
        """Calibrated probabilities, one column per class in `classes_` order."""
        probabilities: NDArray[np.float64] = softmax(self._logits(X) / self.temperature, axis=1)
        return probabilities

    def predict(self, X: Any) -> NDArray[Any]:
        """The most probable class (the same as the wrapped model's)."""
        predicted: NDArray[Any] = self.classes_[np.argmax(self._logits(X), axis=1)]
        return predicted
