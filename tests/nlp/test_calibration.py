"""Temperature scaling: confidence that means what it says."""

import numpy as np
import pytest

from nlp.calibration import TemperatureScaledClassifier, fit_temperature
from nlp.model import Classifier


def test_calibration_fits_a_higher_temperature_for_overconfident_logits() -> None:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, size=600)
    logits = rng.normal(size=(600, 3))
    logits[np.arange(600), y] += 1.0
    # Scaled up tenfold, the same logits claim near-certainty they have not earned.
    assert fit_temperature(logits * 10, y) == pytest.approx(10 * fit_temperature(logits, y), 0.05)
    assert fit_temperature(logits * 10, y) > 3


def test_calibration_keeps_the_winner_and_the_coefficients() -> None:
    X = np.array([[0.0, 1.0], [1.0, 0.0], [0.0, 2.0], [2.0, 0.0]])
    y = np.array(["a", "b", "a", "b"])
    sharp = TemperatureScaledClassifier(temperature=1.0).fit(X, y)
    soft = TemperatureScaledClassifier(temperature=5.0).fit(X, y)
    assert list(sharp.predict(X)) == list(soft.predict(X)) == list(y)
    assert np.allclose(sharp.coef_, soft.coef_)
    assert soft.predict_proba(X).max() < sharp.predict_proba(X).max()
    assert np.allclose(soft.predict_proba(X).sum(axis=1), 1.0)


def test_calibration_temperature_is_stored_in_the_trained_model(classifier: Classifier) -> None:
    clf = classifier.pipeline.named_steps["clf"]
    assert clf.temperature == pytest.approx(classifier.meta["calibration"]["temperature"], 1e-3)
    assert 0 <= classifier.review_threshold <= 1
    assert classifier.meta["review"]["target_precision"] == 0.95


def test_secondary_label_appears_only_above_the_floor(classifier: Classifier) -> None:
    prediction = classifier.predict_one("Mưa to ngập đường, rác thải trôi khắp nơi bốc mùi hôi")
    runner_up = sorted(prediction.scores, key=prediction.scores.__getitem__)[-2]
    assert prediction.secondary_label(0.0) == runner_up
    assert prediction.secondary_label(1.0) is None
