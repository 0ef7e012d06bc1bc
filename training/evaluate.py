"""Evaluating a model on labeled data it has not seen."""

from collections.abc import Sequence
from typing import Any

from nlp.model import Classifier
from training.data import Record
from training.metrics import compute_metrics

_BATCH = 256


def evaluate_model(classifier: Classifier, records: Sequence[Record]) -> dict[str, Any]:
    """Accuracy, macro-F1, per-label table and confusion matrix of `classifier` on `records`.

    Records need a label; `alt_label`, where present, also yields `accuracy_with_alt`.
    """
    predicted: list[str] = []
    texts = [record.text for record in records]
    for start in range(0, len(texts), _BATCH):
        batch = classifier.predict(texts[start : start + _BATCH], explain=0)
        predicted.extend(prediction.label for prediction in batch)
    metrics = compute_metrics(
        [str(record.label) for record in records],
        predicted,
        alt_true=[record.alt_label for record in records],
    )
    metrics["model_version"] = classifier.version
    return metrics
