"""A trained model in memory: predictions with scores and the words that decided them."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
from sklearn.pipeline import Pipeline

from nlp.accents import combine_probabilities, is_unaccented
from nlp.errors import InvalidInputError, ModelLoadError
from nlp.explain import Branch, Explainer, Term
from nlp.features import WORDS_COLUMN
from nlp.labels import LABELS

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

    With an `invariant` pipeline (the accent-invariant model: features and classifier
    over the same prepared views), text typed without diacritics is classified by it
    alone and marked text by the mean of both models' probabilities (`nlp.accents`).
    Explanations always come from the main pipeline's features.

    Build one with `nlp.persistence.load_model`, or directly from a pipeline fitted in
    this process. Thread-safe for prediction: it holds no mutable state.
    """

    def __init__(
        self, pipeline: Pipeline, meta: Mapping[str, Any], invariant: Pipeline | None = None
    ) -> None:
        """Check that `pipeline` (and `invariant`) are fitted over the six labels."""
        try:
            features = pipeline.named_steps["features"]
            clf = pipeline.named_steps["clf"]
            classes = [str(label) for label in clf.classes_]
            branches = tuple(
                Branch(
                    kind="words" if name == "words" else "chars",
                    vectorizer=features.named_transformers_[name],
                    offset=features.output_indices_[name].start,
                    strip=name == "chars",
                )
                for name, _, _ in features.transformers_
                if name in ("words", "chars", "chars_accented")
            )
        except (AttributeError, KeyError, TypeError) as error:
            raise ModelLoadError(f"not a fitted triage pipeline: {error}") from error
        if sorted(classes) != sorted(LABELS):
            raise ModelLoadError(f"the model's labels {classes} are not the six triage labels")
        if invariant is not None:
            try:
                invariant_classes = [str(label) for label in invariant.named_steps["clf"].classes_]
            except (AttributeError, KeyError, TypeError) as error:
                raise ModelLoadError(f"not a fitted invariant pipeline: {error}") from error
            if invariant_classes != classes:
                raise ModelLoadError(
                    f"the invariant model's labels {invariant_classes} differ from {classes}"
                )
        self.pipeline: Final = pipeline
        self.meta: Final = dict(meta)
        self.invariant: Final = invariant
        self._classes: Final = classes
        coef = np.asarray(clf.coef_, dtype=np.float64)
        self._directions: Final = coef - coef.mean(axis=0, keepdims=True)
        self._explainer: Final = Explainer(branches)

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
        matrix = self.pipeline.named_steps["features"].transform(prepared).tocsr()
        probabilities = self.pipeline.named_steps["clf"].predict_proba(matrix)
        if self.invariant is not None:
            unaccented = np.asarray([is_unaccented(text) for text in texts], dtype=bool)
            probabilities = combine_probabilities(
                probabilities, self.invariant.predict_proba(prepared), unaccented
            )
        predictions: list[Prediction] = []
        for i, row in enumerate(probabilities):
            best = int(np.argmax(row))
            scores = {label: float(row[self._classes.index(label)]) for label in LABELS}
            terms = self._explainer.explain(
                prepared[i, WORDS_COLUMN], matrix[i], self._directions[best], top=explain
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
