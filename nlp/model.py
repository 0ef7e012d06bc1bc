"""A trained model in memory: predictions with scores and the words that decided them."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
from scipy.special import softmax
from sklearn.pipeline import Pipeline

from nlp.errors import InvalidInputError, ModelLoadError
from nlp.explain import Explainer, Term
from nlp.features import WORDS_COLUMN
from nlp.labels import LABELS
from nlp.vectorize import CompiledFeatures

#: Used when a model's meta.json names no review threshold of its own.
DEFAULT_REVIEW_THRESHOLD: Final = 0.6


@dataclass(frozen=True)
class Prediction:
    """The routing decision for one complaint.

    `scores` holds a probability for each of the six labels (summing to 1); `confidence`
    is the probability of `label`; `explanation` lists the words that pushed toward it.
    """

    label: str
    confidence: float
    scores: dict[str, float]
    explanation: list[Term]

    def needs_review(self, threshold: float) -> bool:
        """Whether a person should check this route: confidence under the threshold."""
        return self.confidence < threshold

    def secondary_label(self, floor: float) -> str | None:
        """The runner-up label when its probability reaches `floor`, else None.

        A complaint that names two problems ("ngập và rác bốc mùi") splits its probability
        between them; the runner-up tells staff which second department may care.
        """
        ranked = sorted(self.scores.items(), key=lambda item: item[1], reverse=True)
        label, score = ranked[1]
        return label if score >= floor else None


class Classifier:
    """A fitted pipeline together with the meta.json that describes it.

    Build one with `nlp.persistence.load_model`, or directly from a pipeline fitted in
    this process. Thread-safe for prediction: it holds no mutable state.
    """

    def __init__(self, pipeline: Pipeline, meta: Mapping[str, Any]) -> None:
        """Check that `pipeline` is a fitted triage pipeline over the six labels."""
        try:
            clf = pipeline.named_steps["clf"]
            classes = [str(label) for label in clf.classes_]
            features = CompiledFeatures.from_union(pipeline.named_steps["features"])
            coef = np.asarray(clf.coef_, dtype=np.float64)
            intercept = np.asarray(clf.estimator_.intercept_, dtype=np.float64)
            temperature = float(clf.temperature)
        except (AttributeError, KeyError, TypeError, ValueError) as error:
            raise ModelLoadError(f"not a fitted triage pipeline: {error}") from error
        if sorted(classes) != sorted(LABELS):
            raise ModelLoadError(f"the model's labels {classes} are not the six triage labels")
        if coef.shape != (len(classes), features.width) or intercept.shape != (len(classes),):
            raise ModelLoadError("the model's coefficients do not match its features")
        self.pipeline: Final = pipeline
        self.meta: Final = dict(meta)
        self._classes: Final = classes
        self._features: Final = features
        self._weights: Final = np.ascontiguousarray(coef.T)
        self._intercept: Final = intercept
        self._temperature: Final = temperature
        self._directions: Final = coef - coef.mean(axis=0, keepdims=True)
        self._explainer: Final = Explainer(features.branches)

    @property
    def version(self) -> str:
        """The model's version, as written in meta.json."""
        return str(self.meta.get("version", "unknown"))

    @property
    def review_threshold(self) -> float:
        """The confidence under which a route needs review, as chosen at training."""
        value = self.meta.get("review_threshold", DEFAULT_REVIEW_THRESHOLD)
        return float(value)

    def predict(self, texts: Sequence[str], explain: int = 8) -> list[Prediction]:
        """Classify complaints; one `Prediction` per text, in input order.

        Args:
            texts: raw complaint texts (any spelling; normalised here).
            explain: how many deciding words to return per complaint (0 for none).

        Raises:
            InvalidInputError: an item is not a string.
        """
        for position, text in enumerate(texts):
            if not isinstance(text, str):
                raise InvalidInputError(f"item {position} is {type(text).__name__}, not text")
        if not texts:
            return []
        prepared = self.pipeline.named_steps["prep"].transform(texts)
        matrix = self._features.transform(prepared)
        logits = matrix @ self._weights + self._intercept
        probabilities = softmax(logits / self._temperature, axis=1)
        predictions: list[Prediction] = []
        for i, row in enumerate(probabilities):
            best = int(np.argmax(row))
            scores = {label: float(row[self._classes.index(label)]) for label in LABELS}
            terms: list[Term] = []
            if explain > 0:
                start, stop = matrix.indptr[i], matrix.indptr[i + 1]
                columns = matrix.indices[start:stop].tolist()
                values = dict(zip(columns, matrix.data[start:stop].tolist(), strict=True))
                terms = self._explainer.explain(
                    prepared[i, WORDS_COLUMN], values, self._directions[best], top=explain
                )
            predictions.append(
                Prediction(
                    label=self._classes[best],
                    confidence=float(row[best]),
                    scores=scores,
                    explanation=terms,
                )
            )
        return predictions

    def predict_one(self, text: str, explain: int = 8) -> Prediction:
        """Classify a single complaint (see `predict`)."""
        return self.predict([text], explain=explain)[0]
