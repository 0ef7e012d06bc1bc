"""Evaluating a model on labeled data it has not seen."""

from collections.abc import Sequence
from typing import Any

from nlp.model import Classifier, Prediction
from training.data import Record
from training.metrics import compute_metrics
from training.review import coverage_at, expected_calibration_error, precision_at

_BATCH = 256


def predict_all(classifier: Classifier, texts: Sequence[str]) -> list[Prediction]:
    """Predictions for many texts, in batches, without explanations."""
    predictions: list[Prediction] = []
    for start in range(0, len(texts), _BATCH):
        predictions.extend(classifier.predict(texts[start : start + _BATCH], explain=0))
    return predictions


def evaluate_model(
    classifier: Classifier, records: Sequence[Record], threshold: float | None = None
) -> dict[str, Any]:
    """Metrics of `classifier` on labeled `records`, including review coverage and ECE.

    Args:
        classifier: the model.
        records: labeled complaints; `alt_label`, where present, also yields
            `accuracy_with_alt`.
        threshold: the review threshold to measure; the model's own by default.
    """
    predictions = predict_all(classifier, [record.text for record in records])
    labels = [str(record.label) for record in records]
    metrics = compute_metrics(
        labels,
        [prediction.label for prediction in predictions],
        alt_true=[record.alt_label for record in records],
    )
    threshold = classifier.review_threshold if threshold is None else threshold
    confidence = [prediction.confidence for prediction in predictions]
    correct = [p.label == label for p, label in zip(predictions, labels, strict=True)]
    metrics["review"] = {
        "threshold": threshold,
        "coverage": round(coverage_at(confidence, threshold), 4),
        "precision": round(precision_at(confidence, correct, threshold), 4),
    }
    metrics["ece"] = round(expected_calibration_error(confidence, correct), 4)
    metrics["model_version"] = classifier.version
    return metrics
