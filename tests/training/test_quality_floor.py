"""The default model must keep its measured quality on real complaints.

Trains the default model exactly as `triage train` does (main and accent-invariant parts,
cross-validated temperatures) on data/train.csv and evaluates it on the real complaints
in ../shared/real/dev.csv (never trained on), as written and with every diacritic
stripped. The floors are the measured macro-F1 (0.841 and 0.811 when this test was
written) minus two points; a change that drops below either fails here.
"""

import os
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from nlp.normalize import strip_accents
from nlp.persistence import load_model
from training.data import load_records
from training.evaluate import evaluate_model
from training.train import train_model

ROOT = Path(__file__).resolve().parents[2]
REAL_DEV = ROOT.parent / "shared" / "real" / "dev.csv"
MEASURED_MACRO_F1 = 0.841
MEASURED_STRIPPED_MACRO_F1 = 0.811
FLOOR = MEASURED_MACRO_F1 - 0.02
STRIPPED_FLOOR = MEASURED_STRIPPED_MACRO_F1 - 0.02

pytestmark = pytest.mark.slow


def _summary(metrics: dict[str, dict[str, dict[str, float]]]) -> str:
    return ", ".join(f"{k} {v['f1']:.2f}" for k, v in metrics["per_label"].items())


def test_default_model_macro_f1_on_real_complaints_stays_above_the_floor(
    tmp_path: Path,
) -> None:
    if not REAL_DEV.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{REAL_DEV} is missing: CI must run with ../shared beside the repo")
        pytest.skip(f"{REAL_DEV} not found (the shared folder is not beside this checkout)")
    records = load_records([ROOT / "data" / "train.csv"]).records
    trained = train_model(records, tmp_path / "models")
    classifier = load_model(trained.path)
    real = load_records([REAL_DEV]).records
    metrics = evaluate_model(classifier, real)
    assert metrics["macro_f1"] >= FLOOR, (
        f"macro-F1 on real complaints fell to {metrics['macro_f1']:.3f} "
        f"(floor {FLOOR:.3f}); per label: {_summary(metrics)}"
    )
    assert np.isclose(sum(r["support"] for r in metrics["per_label"].values()), len(real))
    stripped = [replace(r, text=strip_accents(r.text)) for r in real]
    stripped_metrics = evaluate_model(classifier, stripped)
    assert stripped_metrics["macro_f1"] >= STRIPPED_FLOOR, (
        f"macro-F1 on accent-stripped real complaints fell to "
        f"{stripped_metrics['macro_f1']:.3f} (floor {STRIPPED_FLOOR:.3f}); per label: "
        f"{_summary(stripped_metrics)}"
    )
