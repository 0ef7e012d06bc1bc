"""Choosing the review threshold and measuring calibration, on held-out predictions."""

from collections.abc import Sequence

import numpy as np


def choose_review_threshold(
    confidences: Sequence[float], correct: Sequence[bool], target_precision: float
) -> float:
    """The lowest confidence threshold whose auto-routed complaints reach the precision.

    Complaints at or above the threshold are routed without review; their share of
    correct routes must be at least `target_precision`. The lowest such threshold routes
    the most complaints automatically. When no threshold reaches the target, 1.0 (review
    everything) is returned.
    """
    if not confidences:
        return 1.0
    order = np.argsort(-np.asarray(confidences, dtype=np.float64), kind="stable")
    sorted_conf = np.asarray(confidences, dtype=np.float64)[order]
    hits = np.cumsum(np.asarray(correct, dtype=np.float64)[order])
    precision = hits / np.arange(1, len(order) + 1)
    best = 1.0
    for i in range(len(order)):
        # A threshold can only sit between distinct confidences.
        if i + 1 < len(order) and sorted_conf[i + 1] == sorted_conf[i]:
            continue
        if precision[i] >= target_precision:
            best = float(sorted_conf[i])
    return best


def coverage_at(confidences: Sequence[float], threshold: float) -> float:
    """The share of complaints routed without review at `threshold`."""
    if not confidences:
        return 0.0
    return float(np.mean(np.asarray(confidences) >= threshold))


def precision_at(confidences: Sequence[float], correct: Sequence[bool], threshold: float) -> float:
    """The share of correct routes among complaints at or above `threshold`."""
    mask = np.asarray(confidences) >= threshold
    if not mask.any():
        return 1.0
    return float(np.asarray(correct, dtype=np.float64)[mask].mean())


def expected_calibration_error(
    confidences: Sequence[float], correct: Sequence[bool], bins: int = 15
) -> float:
    """ECE: the gap between confidence and accuracy, averaged over equal-width bins.

    0 means that, of the complaints given confidence 0.8, exactly 80% are routed right.
    """
    conf = np.asarray(confidences, dtype=np.float64)
    hit = np.asarray(correct, dtype=np.float64)
    if len(conf) == 0:
        return 0.0
    edges = np.linspace(0.0, 1.0, bins + 1)
    index = np.clip(np.digitize(conf, edges[1:-1], right=True), 0, bins - 1)
    error = 0.0
    for b in range(bins):
        members = index == b
        if members.any():
            error += members.mean() * abs(hit[members].mean() - conf[members].mean())
    return float(error)
