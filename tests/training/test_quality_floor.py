"""The default model must keep its measured quality on real complaints.

Trains the default pipeline on data/train.csv and evaluates it on the real complaints in
../shared/real/dev.csv (never trained on). The floor is the measured macro-F1 (0.833 when
this test was written) minus two points; a change that drops below it fails here.
"""

import os
from pathlib import Path

import numpy as np
import pytest

from nlp.features import PipelineParams
from nlp.model import Classifier
from training.corpus import prepare_corpus
from training.data import load_records
from training.evaluate import evaluate_model
from training.progress import Progress
from training.train import fit_final

ROOT = Path(__file__).resolve().parents[2]
REAL_DEV = ROOT.parent / "shared" / "real" / "dev.csv"
MEASURED_MACRO_F1 = 0.833
FLOOR = MEASURED_MACRO_F1 - 0.02

pytestmark = pytest.mark.slow


def test_default_model_macro_f1_on_real_complaints_stays_above_the_floor() -> None:
    if not REAL_DEV.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{REAL_DEV} is missing: CI must run with ../shared beside the repo")
        pytest.skip(f"{REAL_DEV} not found (the shared folder is not beside this checkout)")
    records = load_records([ROOT / "data" / "train.csv"]).records
    params = PipelineParams()
    corpus = prepare_corpus(
        [r.text for r in records],
        [str(r.label) for r in records],
        params.augment_stripped,
        Progress(enabled=False),
    )
    pipeline = fit_final(corpus, params, seed=0, temperature=1.0)
    classifier = Classifier(pipeline, {"version": "quality-floor"})
    real = load_records([REAL_DEV]).records
    metrics = evaluate_model(classifier, real)
    assert metrics["macro_f1"] >= FLOOR, (
        f"macro-F1 on real complaints fell to {metrics['macro_f1']:.3f} "
        f"(floor {FLOOR:.3f}); per label: "
        + ", ".join(f"{k} {v['f1']:.2f}" for k, v in metrics["per_label"].items())
    )
    assert np.isclose(sum(r["support"] for r in metrics["per_label"].values()), len(real))
