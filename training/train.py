"""Training: cross-validate, fit on all data, write a versioned model folder.

Word segmentation is by far the costliest step, so every text is prepared once (in
parallel when there are many) and cross-validation runs on the prepared views.
"""

import hashlib
import json
import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import numpy as np
from joblib import Parallel, delayed
from numpy.typing import NDArray
from scipy.special import softmax
from sklearn.base import clone
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline

from nlp.calibration import fit_temperature
from nlp.features import ComplaintPreprocessor, PipelineParams, build_pipeline
from nlp.labels import LABELS
from nlp.persistence import save_model
from nlp.registry import promote, promoted_version
from training.data import Record
from training.metrics import compute_metrics
from training.progress import Progress
from training.review import (
    choose_review_threshold,
    coverage_at,
    expected_calibration_error,
    precision_at,
)

MODEL_NAME: Final = "triage-complaints"
_CHUNK: Final = 250
#: Below this many texts, starting worker processes costs more than it saves.
_PARALLEL_FROM: Final = 3000
#: Complaints routed without review must be right this often (held-out precision).
DEFAULT_TARGET_PRECISION: Final = 0.95


class TrainingDataError(ValueError):
    """Data that cannot train a model (too few rows, a label missing...)."""


@dataclass(frozen=True)
class TrainResult:
    """What `train_model` produced."""

    version: str
    path: Path
    cv_metrics: dict[str, Any]
    promoted: bool
    calibration: dict[str, Any]
    review: dict[str, Any]


def data_fingerprint(records: Sequence[Record]) -> str:
    """sha256 of the (text, label) pairs, independent of file order and names."""
    digest = hashlib.sha256()
    for text, label in sorted((record.text, record.label or "") for record in records):
        digest.update(json.dumps([text, label], ensure_ascii=False).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def _prepare_chunk(texts: list[str]) -> NDArray[np.object_]:
    prepared: NDArray[np.object_] = ComplaintPreprocessor().transform(texts)
    return prepared


def prepare_all(
    texts: Sequence[str], progress: Progress, n_jobs: int | None = None
) -> NDArray[np.object_]:
    """Normalise and segment every text once, in chunks, reporting progress.

    Args:
        texts: the raw texts.
        progress: where progress lines go.
        n_jobs: worker processes; by default all cores when there are many texts.
    """
    chunks = [list(texts[i : i + _CHUNK]) for i in range(0, len(texts), _CHUNK)]
    if n_jobs is None:
        n_jobs = (os.cpu_count() or 1) if len(texts) >= _PARALLEL_FROM else 1
    parts: list[NDArray[np.object_]] = []
    with progress.step(f"Segmenting {len(texts)} complaints") as report:
        if n_jobs == 1:
            results = (_prepare_chunk(chunk) for chunk in chunks)
        else:
            results = Parallel(n_jobs=n_jobs, return_as="generator")(
                delayed(_prepare_chunk)(chunk) for chunk in chunks
            )
        done = 0
        for part in results:
            parts.append(part)
            done += len(part)
            report(done, len(texts))
    if not parts:
        return np.empty((0, 2), dtype=object)
    return np.concatenate(parts)


def check_trainable(labels: Sequence[str], folds: int) -> None:
    """Refuse data a model cannot learn from: every label needs `folds` examples.

    Raises:
        TrainingDataError: naming the labels that are short.
    """
    counts = Counter(labels)
    short = [f"{label} ({counts.get(label, 0)})" for label in LABELS if counts[label] < folds]
    if short:
        raise TrainingDataError(
            f"every label needs at least {folds} examples for {folds}-fold cross-validation; "
            f"too few: {', '.join(short)}"
        )


@dataclass(frozen=True)
class HeldOut:
    """Out-of-fold predictions: what the model says about rows it did not train on."""

    classes: list[str]
    logits: NDArray[np.float64]
    y_index: NDArray[np.int_]

    def probabilities(self, temperature: float) -> NDArray[np.float64]:
        """Calibrated probabilities at `temperature`."""
        probabilities: NDArray[np.float64] = softmax(self.logits / temperature, axis=1)
        return probabilities

    def predicted(self) -> list[str]:
        """The winning label of each row."""
        return [self.classes[i] for i in np.argmax(self.logits, axis=1)]


def cross_validate(
    prepared: NDArray[np.object_],
    labels: Sequence[str],
    params: PipelineParams,
    folds: int,
    seed: int,
    progress: Progress,
) -> HeldOut:
    """Out-of-fold logits from stratified k-fold over the prepared views."""
    y = np.asarray(labels)
    classes = sorted(set(labels))
    logits = np.zeros((len(y), len(classes)), dtype=np.float64)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    model = build_pipeline(params, seed)[1:]
    with progress.step(f"{folds}-fold cross-validation") as report:
        for fold, (train_idx, test_idx) in enumerate(splitter.split(prepared, y), start=1):
            fitted = clone(model).fit(prepared[train_idx], y[train_idx])
            logits[test_idx] = fitted.decision_function(prepared[test_idx])
            report(fold, folds)
    y_index = np.asarray([classes.index(label) for label in labels], dtype=np.int_)
    return HeldOut(classes, logits, y_index)


def new_version(models_dir: Path, now: datetime | None = None) -> str:
    """A version name from the UTC time, e.g. `20261126-163712`, unique in `models_dir`."""
    base = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    version, suffix = base, 1
    while (models_dir / version).exists():
        suffix += 1
        version = f"{base}-{suffix}"
    return version


def train_model(
    records: Sequence[Record],
    models_dir: Path,
    seed: int = 0,
    folds: int = 5,
    params: PipelineParams | None = None,
    progress: Progress | None = None,
    data_files: Sequence[str] = (),
    target_precision: float = DEFAULT_TARGET_PRECISION,
) -> TrainResult:
    """Cross-validate, calibrate, fit on everything, save a new version, promote the first.

    The out-of-fold predictions of cross-validation serve three purposes: the reported
    metrics, the calibration temperature, and the review threshold (the lowest confidence
    at which held-out routes reach `target_precision`).

    Args:
        records: labeled complaints (every record must have a label).
        models_dir: where the version folder is created.
        seed: fixes the fold split and the classifier's randomness.
        folds: cross-validation folds (stratified).
        params: pipeline parameters; the defaults when None.
        progress: where progress lines go; silent when None.
        data_files: the training files' names, recorded in meta.json.
        target_precision: precision that complaints routed without review must reach.

    Raises:
        TrainingDataError: too little data for `folds`-fold cross-validation.
        OSError: the model folder could not be written.
    """
    params = params or PipelineParams()
    progress = progress or Progress(enabled=False)
    texts = [record.text for record in records]
    labels = [str(record.label) for record in records]
    check_trainable(labels, folds)
    prepared = prepare_all(texts, progress)
    held_out = cross_validate(prepared, labels, params, folds, seed, progress)
    cv_metrics = compute_metrics(labels, held_out.predicted())
    temperature = fit_temperature(held_out.logits, held_out.y_index)
    correct = (np.argmax(held_out.logits, axis=1) == held_out.y_index).tolist()
    raw_confidence = held_out.probabilities(1.0).max(axis=1).tolist()
    confidence = held_out.probabilities(temperature).max(axis=1).tolist()
    threshold = choose_review_threshold(confidence, correct, target_precision)
    calibration = {
        "method": "temperature",
        "temperature": round(temperature, 4),
        "ece_before": round(expected_calibration_error(raw_confidence, correct), 4),
        "ece_after": round(expected_calibration_error(confidence, correct), 4),
    }
    review = {
        "target_precision": target_precision,
        "threshold": round(threshold, 4),
        "coverage": round(coverage_at(confidence, threshold), 4),
        "precision": round(precision_at(confidence, correct, threshold), 4),
    }
    with progress.step("Fitting the final model on all rows") as report:
        pipeline = build_pipeline(params, seed)
        fitted = pipeline[1:].fit(prepared, np.asarray(labels))
        fitted.named_steps["clf"].set_params(temperature=temperature)
        final = Pipeline([("prep", pipeline.named_steps["prep"]), *fitted.steps])
        report(1, 1)
    version = new_version(models_dir)
    meta = {
        "name": MODEL_NAME,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "metrics": {"cross_validation": {**cv_metrics, "folds": folds, "seed": seed}},
        "params": params.to_dict(),
        "calibration": calibration,
        "review": review,
        "review_threshold": round(threshold, 4),
        "training_data": {
            "sha256": data_fingerprint(records),
            "rows": len(records),
            "files": list(data_files),
            "label_counts": dict(Counter(labels)),
        },
    }
    path = save_model(final, meta, models_dir, version)
    is_first = promoted_version(models_dir) is None
    if is_first:
        promote(models_dir, version, reason="first model trained")
    return TrainResult(version, path, cv_metrics, is_first, calibration, review)
