"""Preparing a training corpus once, and cross-validating pipelines on it.

Word segmentation is by far the costliest step, so every text (and its accent-stripped
copy) is prepared once, in parallel when there are many. Each pipeline's TF-IDF features
are then built once over all of it, and the folds of cross-validation fit only the
classifier, in parallel processes when the corpus is large.
"""

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
from joblib import Parallel, delayed
from numpy.typing import NDArray
from scipy.sparse import csr_matrix
from scipy.special import softmax
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.model_selection import StratifiedKFold

from nlp.features import (
    ComplaintPreprocessor,
    PipelineParams,
    build_classifier,
    build_features,
)
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


@dataclass(frozen=True)
class Vectorized:
    """A prepared corpus as TF-IDF rows, from a feature union fitted once on all its text.

    Rows of `matrix` are the corpus's rows, then (when `augment`) their stripped copies.
    Fitting the vocabulary and IDF weights on every text (no labels are involved) rather
    than once per fold costs a fraction of a point of optimism in cross-validation and
    saves re-analysing every text five times; the final model reuses the same union.
    """

    corpus: PreparedCorpus
    features: ColumnTransformer
    matrix: csr_matrix
    augment: bool

    def rows(self, indices: NDArray[np.int_]) -> tuple[csr_matrix, NDArray[np.str_]]:
        """The feature rows and labels of `indices`, with their stripped copies if augmented."""
        corpus = self.corpus
        if not self.augment or len(corpus.stripped_source) == 0:
            return self.matrix[indices], corpus.labels[indices]
        copies = np.flatnonzero(np.isin(corpus.stripped_source, indices))
        chosen = np.concatenate([indices, len(corpus.labels) + copies])
        labels = np.concatenate(
            [corpus.labels[indices], corpus.labels[corpus.stripped_source[copies]]]
        )
        return self.matrix[chosen], labels


def vectorize(corpus: PreparedCorpus, params: PipelineParams, progress: Progress) -> Vectorized:
    """Fit `params`' feature union on every text of `corpus` (and copies) and transform it."""
    augment = params.augment_stripped and len(corpus.stripped_source) > 0
    views = np.concatenate([corpus.views, corpus.stripped_views]) if augment else corpus.views
    with progress.step(f"Building features of {len(views)} texts") as report:
        features = build_features(params)
        matrix = features.fit_transform(views).tocsr()
        report(1, 1)
    return Vectorized(corpus, features, matrix, augment)


def _fold_logits(
    classifier: Any, X: csr_matrix, y: NDArray[np.str_], held_out: csr_matrix
) -> NDArray[np.float64]:
    """Fit a fresh copy of `classifier` on one fold and score the held-out rows."""
    scores = np.asarray(clone(classifier).fit(X, y).decision_function(held_out))
    logits: NDArray[np.float64] = scores if scores.ndim == 2 else np.column_stack([-scores, scores])
    return logits


def _fit_all(classifier: Any, X: csr_matrix, y: NDArray[np.str_]) -> Any:
    """Fit a fresh copy of `classifier` on every row."""
    return clone(classifier).fit(X, y)


def cross_validate(
    vectorized: Vectorized,
    params: PipelineParams,
    folds: int,
    seed: int,
    progress: Progress,
    n_jobs: int | None = None,
) -> HeldOut:
    """Out-of-fold logits from stratified k-fold; stripped copies join training folds only.

    Folds are fitted in parallel worker processes when the corpus is large enough to
    pay for starting them (`n_jobs` overrides).
    """
    held_out, _ = cross_validate_and_fit(vectorized, params, folds, seed, progress, n_jobs, False)
    return held_out


def cross_validate_and_fit(
    vectorized: Vectorized,
    params: PipelineParams,
    folds: int,
    seed: int,
    progress: Progress,
    n_jobs: int | None = None,
    fit_all: bool = True,
) -> tuple[HeldOut, Any]:
    """`cross_validate`, plus (when `fit_all`) the classifier fitted on every row.

    The final fit does not need the folds' results, so it runs as one more parallel
    job beside them instead of after them.
    """
    y = vectorized.corpus.labels
    classes = sorted(set(y.tolist()))
    logits = np.zeros((len(y), len(classes)), dtype=np.float64)
    splits = list(StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed).split(y, y))
    classifier = build_classifier(params, seed)
    if n_jobs is None:
        n_jobs = min(folds, os.cpu_count() or 1) if len(y) >= _PARALLEL_FROM else 1
    everything = np.arange(len(y))

    def jobs() -> Iterator[tuple[Any, ...]]:
        if fit_all:
            yield (_fit_all, classifier, *vectorized.rows(everything))
        for train_idx, test_idx in splits:
            yield (
                _fold_logits,
                classifier,
                *vectorized.rows(train_idx),
                vectorized.matrix[test_idx],
            )

    steps = folds + int(fit_all)
    title = f"{folds}-fold cross-validation" + (" and the fit on all rows" if fit_all else "")
    fitted = None
    with progress.step(title) as report:
        if n_jobs == 1:
            results = (job[0](*job[1:]) for job in jobs())
        else:
            results = Parallel(n_jobs=n_jobs, return_as="generator")(
                delayed(job[0])(*job[1:]) for job in jobs()
            )
        outcomes = iter(results)
        if fit_all:
            fitted = next(outcomes)
            report(1, steps)
        for fold, ((_, test_idx), fold_logits) in enumerate(
            zip(splits, outcomes, strict=True), start=1 + int(fit_all)
        ):
            logits[test_idx] = fold_logits
            report(fold, steps)
    y_index = np.asarray([classes.index(label) for label in y], dtype=np.int_)
    return HeldOut(classes, logits, y_index), fitted
