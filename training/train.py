"""Training: cross-validate, calibrate, fit on all data, write a versioned model folder."""

import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray
from sklearn.pipeline import Pipeline

from nlp.accents import combine_probabilities, is_unaccented
from nlp.calibration import fit_temperature
from nlp.errors import TriageError
from nlp.features import (
    INVARIANT_PARAMS,
    ComplaintPreprocessor,
    PipelineParams,
)
from nlp.labels import LABELS
from nlp.persistence import save_model
from nlp.registry import promote, promoted_version
from training.corpus import (
    HeldOut,
    PreparedCorpus,
    cross_validate_and_fit,
    prepare_corpus,
    vectorize,
)
from training.data import Record
from training.metrics import compute_metrics
from training.model_card import write_model_card
from training.progress import Progress
from training.review import (
    choose_review_threshold,
    coverage_at,
    expected_calibration_error,
    precision_at,
)
from training.selection import CANDIDATES, compare_candidates

MODEL_NAME: Final = "triage-complaints"
#: Complaints routed without review must be right this often (held-out precision).
DEFAULT_TARGET_PRECISION: Final = 0.95


class TrainingDataError(TriageError, ValueError):
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
    comparison: list[dict[str, Any]]


@dataclass(frozen=True)
class HeldOutRoutes:
    """Held-out probabilities of the model as it routes: main model, or both combined."""

    probabilities: NDArray[np.float64]
    raw_probabilities: NDArray[np.float64]
    invariant: dict[str, Any]


def held_out_routes(
    texts: Sequence[str],
    main: HeldOut,
    temperature: float,
    invariant: HeldOut | None,
    invariant_temperature: float,
) -> HeldOutRoutes:
    """Combine the two models' out-of-fold predictions the way `Classifier.predict` does.

    Without an invariant model, the main model's probabilities are returned as they are.
    `raw_probabilities` use temperature 1 for both models (for the ECE before calibration).
    """
    if invariant is None:
        return HeldOutRoutes(main.probabilities(temperature), main.probabilities(1.0), {})
    unaccented = np.asarray([is_unaccented(text) for text in texts], dtype=bool)
    probabilities = combine_probabilities(
        main.probabilities(temperature), invariant.probabilities(invariant_temperature), unaccented
    )
    raw = combine_probabilities(main.probabilities(1.0), invariant.probabilities(1.0), unaccented)
    labels = [main.classes[i] for i in main.y_index]
    summary = {
        "params": INVARIANT_PARAMS.to_dict(),
        "temperature": round(invariant_temperature, 4),
        "unaccented_rows": int(unaccented.sum()),
        "cv_macro_f1_main_alone": compute_metrics(labels, main.predicted())["macro_f1"],
        "cv_macro_f1_invariant_alone": compute_metrics(labels, invariant.predicted())["macro_f1"],
    }
    return HeldOutRoutes(probabilities, raw, summary)


def data_fingerprint(records: Sequence[Record]) -> str:
    """sha256 of the (text, label) pairs, independent of file order and names."""
    digest = hashlib.sha256()
    for text, label in sorted((record.text, record.label or "") for record in records):
        digest.update(json.dumps([text, label], ensure_ascii=False).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


#: From this many rows, the accent-invariant model trains in a second process.
_BACKGROUND_FROM: Final = 3000
#: From this many rows, three folds replace five: each held-out third still holds
#: thousands of rows per label, and training takes half the time.
LARGE_CORPUS_ROWS: Final = 50_000


def default_folds(rows: int) -> int:
    """Cross-validation folds for a corpus of `rows` rows: 5, or 3 for a large corpus."""
    return 3 if rows >= LARGE_CORPUS_ROWS else 5


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
class TrainedPart:
    """One pipeline trained on a prepared corpus: held-out logits, temperature, final fit."""

    held_out: HeldOut
    temperature: float
    pipeline: Pipeline


def train_part(
    corpus: PreparedCorpus,
    params: PipelineParams,
    folds: int,
    seed: int,
    n_jobs: int | None,
    progress: Progress | None = None,
) -> TrainedPart:
    """Cross-validate `params` on `corpus`, fit its temperature, then fit it on every row.

    A top-level function so that it can run in another process (`n_jobs` is then 1).
    """
    progress = progress or Progress(enabled=False)
    vectors = vectorize(corpus, params, progress)
    held_out, classifier = cross_validate_and_fit(
        vectors, params, folds, seed, progress, n_jobs=n_jobs
    )
    temperature = fit_temperature(held_out.logits, held_out.y_index)
    classifier.set_params(temperature=temperature)
    pipeline = Pipeline(
        [
            ("prep", ComplaintPreprocessor()),
            ("features", vectors.features),
            ("clf", classifier),
        ]
    )
    return TrainedPart(held_out, temperature, pipeline)


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
    folds: int | None = None,
    params: PipelineParams | None = None,
    progress: Progress | None = None,
    data_files: Sequence[str] = (),
    target_precision: float = DEFAULT_TARGET_PRECISION,
    compare: bool = False,
    accent_invariant: bool = True,
) -> TrainResult:
    """Cross-validate, calibrate, fit on everything, save a new version, promote the first.

    The out-of-fold predictions of cross-validation serve three purposes: the reported
    metrics, the calibration temperature, and the review threshold (the lowest confidence
    at which held-out routes reach `target_precision`).

    Args:
        records: labeled complaints (every record must have a label).
        models_dir: where the version folder is created.
        seed: fixes the fold split and the classifier's randomness.
        folds: cross-validation folds (stratified); by default `default_folds(len(records))`.
        params: pipeline parameters; the defaults when None.
        progress: where progress lines go; silent when None.
        data_files: the training files' names, recorded in meta.json.
        target_precision: precision that complaints routed without review must reach.
        compare: cross-validate every candidate in `training.selection.CANDIDATES` first
            and train the best one (its `params` then replace the given ones).
        accent_invariant: also train the accent-invariant model (`INVARIANT_PARAMS`),
            which decides text typed without diacritics and is averaged with the main
            model for marked text; metrics, calibration and threshold are of the two
            combined.

    Raises:
        TrainingDataError: too little data for `folds`-fold cross-validation.
        OSError: the model folder could not be written.
    """
    params = params or PipelineParams()
    progress = progress or Progress(enabled=False)
    texts = [record.text for record in records]
    labels = [str(record.label) for record in records]
    folds = folds or default_folds(len(labels))
    check_trainable(labels, folds)
    augment = params.augment_stripped or compare
    corpus = prepare_corpus(texts, labels, augment, progress)
    comparison: list[dict[str, Any]] = []
    if compare:
        scores = compare_candidates(corpus, folds, seed, progress, CANDIDATES)
        comparison = [score.to_dict() for score in scores]
        params = scores[0].params
        progress.say(f"Best by cross-validation: {scores[0].name}")
    invariant_part: TrainedPart | None = None
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
        # The accent-invariant model trains in its own process beside the main one:
        # building the main features leaves the second core idle otherwise.
        background = None
        if accent_invariant and len(labels) >= _BACKGROUND_FROM:
            background = pool.submit(train_part, corpus, INVARIANT_PARAMS, folds, seed, 1)
        main_part = train_part(corpus, params, folds, seed, None, progress)
        if accent_invariant:
            with progress.step("Accent-invariant model") as report:
                if background is not None:
                    invariant_part = background.result()
                else:
                    invariant_part = train_part(corpus, INVARIANT_PARAMS, folds, seed, 1)
                report(1, 1)
    held_out, temperature = main_part.held_out, main_part.temperature
    invariant_held_out = None if invariant_part is None else invariant_part.held_out
    invariant_temperature = 1.0 if invariant_part is None else invariant_part.temperature
    routes = held_out_routes(
        texts, held_out, temperature, invariant_held_out, invariant_temperature
    )
    predicted = np.argmax(routes.probabilities, axis=1)
    cv_metrics = compute_metrics(labels, [held_out.classes[i] for i in predicted])
    cv_summary = {**cv_metrics, "folds": folds, "seed": seed}
    correct = (predicted == held_out.y_index).tolist()
    raw_confidence = routes.raw_probabilities.max(axis=1).tolist()
    confidence = routes.probabilities.max(axis=1).tolist()
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
    final = main_part.pipeline
    invariant = None if invariant_part is None else invariant_part.pipeline[1:]
    version = new_version(models_dir)
    meta = {
        "name": MODEL_NAME,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "metrics": {"cross_validation": cv_summary},
        "params": params.to_dict(),
        "calibration": calibration,
        "review": review,
        "review_threshold": round(threshold, 4),
        "accent_invariant": routes.invariant,
        "selection": comparison,
        "training_data": {
            "sha256": data_fingerprint(records),
            "rows": len(records),
            "files": list(data_files),
            "label_counts": dict(Counter(labels)),
        },
    }
    path = save_model(
        final, meta, models_dir, version, write_extra=write_model_card, invariant=invariant
    )
    is_first = promoted_version(models_dir) is None
    if is_first:
        promote(models_dir, version, reason="first model trained")
    return TrainResult(version, path, cv_summary, is_first, calibration, review, comparison)
