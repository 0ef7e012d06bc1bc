"""Preparing a training corpus once, and cross-validating pipelines on it.

Word segmentation is by far the costliest step, so every text (and its accent-stripped
copy) is prepared once, in parallel when there are many, and every fold of every
cross-validation reuses the prepared views.
"""

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
from joblib import Parallel, delayed
from numpy.typing import NDArray
from scipy.special import softmax
from sklearn.base import clone
from sklearn.model_selection import StratifiedKFold

from nlp.features import ComplaintPreprocessor, PipelineParams, build_pipeline
from nlp.normalize import strip_accents
from training.progress import Progress

_CHUNK: Final = 250
#: Below this many texts, starting worker processes costs more than it saves.
_PARALLEL_FROM: Final = 3000


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
        return np.empty((0, 3), dtype=object)
    return np.concatenate(parts)


@dataclass(frozen=True)
class PreparedCorpus:
    """Every training text prepared once, plus accent-stripped copies for augmentation.

    `stripped_views[j]` is the stripped copy of row `stripped_source[j]`; only rows that
    carry diacritics get a copy (a copy of a plain row would just weigh it twice).
    """

    views: NDArray[np.object_]
    labels: NDArray[np.str_]
    stripped_views: NDArray[np.object_]
    stripped_source: NDArray[np.int_]

    def rows(
        self, indices: NDArray[np.int_], augment: bool
    ) -> tuple[NDArray[np.object_], NDArray[np.str_]]:
        """The views and labels of `indices`, with their stripped copies when `augment`."""
        if not augment or len(self.stripped_source) == 0:
            return self.views[indices], self.labels[indices]
        copies = np.flatnonzero(np.isin(self.stripped_source, indices))
        views = np.concatenate([self.views[indices], self.stripped_views[copies]])
        labels = np.concatenate([self.labels[indices], self.labels[self.stripped_source[copies]]])
        return views, labels


def prepare_corpus(
    texts: Sequence[str], labels: Sequence[str], augment: bool, progress: Progress
) -> PreparedCorpus:
    """Prepare every text once and, when `augment`, its accent-stripped copy."""
    views = prepare_all(texts, progress)
    stripped = [strip_accents(text) for text in texts]
    source = np.asarray(
        [i for i, (a, b) in enumerate(zip(texts, stripped, strict=True)) if augment and a != b],
        dtype=np.int_,
    )
    if len(source):
        progress.say(f"Adding {len(source)} accent-stripped copies for training")
        stripped_views = prepare_all([stripped[i] for i in source], progress)
    else:
        stripped_views = np.empty((0, 3), dtype=object)
    return PreparedCorpus(views, np.asarray(labels), stripped_views, source)


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
    corpus: PreparedCorpus,
    params: PipelineParams,
    folds: int,
    seed: int,
    progress: Progress,
) -> HeldOut:
    """Out-of-fold logits from stratified k-fold; stripped copies join training folds only."""
    y = corpus.labels
    classes = sorted(set(y.tolist()))
    logits = np.zeros((len(y), len(classes)), dtype=np.float64)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    model = build_pipeline(params, seed)[1:]
    with progress.step(f"{folds}-fold cross-validation") as report:
        for fold, (train_idx, test_idx) in enumerate(splitter.split(corpus.views, y), start=1):
            X, y_train = corpus.rows(train_idx, params.augment_stripped)
            fitted = clone(model).fit(X, y_train)
            scores = np.asarray(fitted.decision_function(corpus.views[test_idx]))
            logits[test_idx] = scores if scores.ndim == 2 else np.column_stack([-scores, scores])
            report(fold, folds)
    y_index = np.asarray([classes.index(label) for label in y], dtype=np.int_)
    return HeldOut(classes, logits, y_index)
