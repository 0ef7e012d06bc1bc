"""The review threshold and calibration error, on held-out predictions."""

import pytest

from training.review import (
    choose_review_threshold,
    coverage_at,
    expected_calibration_error,
    precision_at,
)


def test_review_threshold_is_the_lowest_that_reaches_the_precision() -> None:
    confidences = [0.99, 0.95, 0.9, 0.8, 0.7, 0.6]
    correct = [True, True, True, True, False, False]
    assert choose_review_threshold(confidences, correct, 0.95) == 0.8
    assert choose_review_threshold(confidences, correct, 0.8) == 0.7
    assert coverage_at(confidences, 0.8) == pytest.approx(4 / 6)
    assert precision_at(confidences, correct, 0.8) == 1.0


def test_review_threshold_reviews_everything_when_the_target_is_out_of_reach() -> None:
    assert choose_review_threshold([0.9, 0.8], [False, False], 0.95) == 1.0
    assert choose_review_threshold([], [], 0.95) == 1.0


def test_review_threshold_never_splits_tied_confidences() -> None:
    # Both 0.9s are routed or neither: the pair is 50% right, so the cut stays above them.
    assert choose_review_threshold([0.99, 0.9, 0.9], [True, True, False], 0.9) == 0.99


def test_ece_is_zero_when_confidence_matches_accuracy_and_large_when_not() -> None:
    assert expected_calibration_error([0.75] * 4, [True, True, True, False]) == pytest.approx(0)
    assert expected_calibration_error([0.99] * 4, [True, False, False, False]) == pytest.approx(
        0.74
    )
