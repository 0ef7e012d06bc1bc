"""A trained model in memory: predictions with scores and the words that decided them."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_matrix
from scipy.special import softmax
from sklearn.pipeline import Pipeline

from nlp.accents import combine_probabilities, is_unaccented
from nlp.errors import InvalidInputError, ModelLoadError
from nlp.explain import Explainer, Term
from nlp.labels import LABELS
from nlp.tokenize import clear_cache as clear_segmenter_cache
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


@dataclass(frozen=True)
class LinearModel:
    """One fitted pipeline's features and linear weights, ready to score prepared views.

    The probabilities equal the pipeline's `predict_proba` (tested) without its per-call
    checks: softmax((features @ coef.T + intercept) / temperature).
    """

    classes: tuple[str, ...]
    features: CompiledFeatures
    weights: NDArray[np.float64]
    intercept: NDArray[np.float64]
    temperature: float
    directions: NDArray[np.float64]
    explainer: Explainer

    @classmethod
    def from_steps(cls, features: Any, clf: Any) -> "LinearModel":
        """Read a fitted feature union and `TemperatureScaledClassifier`.

        Raises:
            ModelLoadError: they are not fitted triage steps over the six labels.
        """
        try:
            classes = tuple(str(label) for label in clf.classes_)
            compiled = CompiledFeatures.from_union(features)
            coef = np.asarray(clf.coef_, dtype=np.float64)
            intercept = np.asarray(clf.estimator_.intercept_, dtype=np.float64)
            temperature = float(clf.temperature)
        except (AttributeError, KeyError, TypeError, ValueError) as error:
            raise ModelLoadError(f"not a fitted triage pipeline: {error}") from error
        if sorted(classes) != sorted(LABELS):
            raise ModelLoadError(
                f"the model's labels {list(classes)} are not the six triage labels"
            )
        if coef.shape != (len(classes), compiled.width) or intercept.shape != (len(classes),):
            raise ModelLoadError("the model's coefficients do not match its features")
        return cls(
            classes=classes,
            features=compiled,
            weights=np.ascontiguousarray(coef.T),
            intercept=intercept,
            temperature=temperature,
            directions=coef - coef.mean(axis=0, keepdims=True),
            explainer=Explainer(compiled.branches),
        )

    def score(self, prepared: NDArray[Any]) -> tuple[csr_matrix, NDArray[np.float64]]:
        """The feature matrix and calibrated probabilities of prepared views."""
        matrix = self.features.transform(prepared)
        logits = matrix @ self.weights + self.intercept
        probabilities: NDArray[np.float64] = softmax(logits / self.temperature, axis=1)
        return matrix, probabilities

    def explain(
        self, prepared: NDArray[Any], matrix: csr_matrix, row: int, label: int, top: int
    ) -> list[Term]:
        """The words of row `row` that pushed this model toward class index `label`.

        `matrix` is this model's feature matrix of `prepared`, as `score` returned it.
        """
        start, stop = matrix.indptr[row], matrix.indptr[row + 1]
        columns = matrix.indices[start:stop].tolist()
        values = dict(zip(columns, matrix.data[start:stop].tolist(), strict=True))
        return self.explainer.explain(prepared[row], values, self.directions[label], top=top)


class Classifier:
    """A fitted pipeline together with the meta.json that describes it.

    With an `invariant` pipeline (the accent-invariant model: features and classifier
    over the same prepared views), text typed without diacritics is classified by it
    alone and marked text by the mean of both models' probabilities (`nlp.accents`).
    Explanations come from the model that decided: the invariant one for text typed
    without diacritics (its stripped syllables), the main one otherwise.

    Build one with `nlp.persistence.load_model`, or directly from a pipeline fitted in
    this process. Thread-safe for prediction: it holds no mutable state.
    """

    def __init__(
        self, pipeline: Pipeline, meta: Mapping[str, Any], invariant: Pipeline | None = None
    ) -> None:
        """Check that `pipeline` (and `invariant`) are fitted over the six labels."""
        try:
            main_steps = (pipeline.named_steps["features"], pipeline.named_steps["clf"])
            invariant_steps = (
                None
                if invariant is None
                else (invariant.named_steps["features"], invariant.named_steps["clf"])
            )
        except (AttributeError, KeyError, TypeError) as error:
            raise ModelLoadError(f"not a fitted triage pipeline: {error}") from error
        self._main: Final = LinearModel.from_steps(*main_steps)
        self._invariant: Final = (
            None if invariant_steps is None else LinearModel.from_steps(*invariant_steps)
        )
        if self._invariant is not None and self._invariant.classes != self._main.classes:
            raise ModelLoadError(
                f"the invariant model's labels {list(self._invariant.classes)} differ from "
                f"{list(self._main.classes)}"
            )
        self.pipeline: Final = pipeline
        self.invariant: Final = invariant
        self.meta: Final = dict(meta)
        self._classes: Final = self._main.classes

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
        matrix, probabilities = self._main.score(prepared)
        unaccented = np.zeros(len(texts), dtype=bool)
        invariant_matrix = matrix
        if self._invariant is not None:
            unaccented = np.asarray([is_unaccented(text) for text in texts], dtype=bool)
            invariant_matrix, invariant_probabilities = self._invariant.score(prepared)
            probabilities = combine_probabilities(
                probabilities, invariant_probabilities, unaccented
            )
        predictions: list[Prediction] = []
        for i, row in enumerate(probabilities):
            best = int(np.argmax(row))
            scores = {label: float(row[self._classes.index(label)]) for label in LABELS}
            terms: list[Term] = []
            if explain > 0:
                # Explained by the model that decided: the invariant one alone decides
                # text typed without diacritics.
                part, part_matrix = self._main, matrix
                if unaccented[i] and self._invariant is not None:
                    part, part_matrix = self._invariant, invariant_matrix
                terms = part.explain(prepared, part_matrix, i, best, explain)
            predictions.append(
                Prediction(
                    label=self._classes[best],
                    confidence=float(row[best]),
                    scores=scores,
                    explanation=terms,
                )
            )
        return predictions

    def clear_caches(self) -> None:
        """Forget what the feature views and the segmenter remember, as after a restart.

        Predictions do not change; benchmarks use this to time text never seen before.
        """
        for part in (self._main, self._invariant):
            if part is not None:
                for branch in part.features.branches:
                    branch.clear_cache()
        clear_segmenter_cache()

    def predict_one(self, text: str, explain: int = 8) -> Prediction:
        """Classify a single complaint (see `predict`)."""
        return self.predict([text], explain=explain)[0]
