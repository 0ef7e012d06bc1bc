"""Model selection: cross-validate candidate pipelines on the same folds and pick one.

The candidates cover what the feature views and the classifier can be: word n-grams only,
character n-grams only, both, with and without diacritics, logistic regression against a
linear SVM. All are scored by the same stratified folds of the same prepared corpus.
"""

from dataclasses import dataclass, replace
from typing import Any, Final

from nlp.features import PipelineParams
from training.corpus import PreparedCorpus, cross_validate, vectorize
from training.metrics import compute_metrics
from training.progress import Progress

#: The candidates were compared training with accent-stripped copies, the best setting
#: for a model that meets text typed without diacritics on its own.
_LOGREG = PipelineParams(model="logreg", augment_stripped=True)

CANDIDATES: Final[dict[str, PipelineParams]] = {
    "words 1-2 only": replace(_LOGREG, word_ngram_max=2, chars="none"),
    "chars (stripped) only": replace(_LOGREG, words=False, chars="stripped"),
    "chars (stripped + accented) only": replace(_LOGREG, words=False, chars="both"),
    "words 1-2 + chars stripped": replace(_LOGREG, word_ngram_max=2, chars="stripped"),
    "words 1 + chars stripped": replace(_LOGREG, chars="stripped"),
    "words 1 + chars accented": _LOGREG,
    "words 1 + chars both": replace(_LOGREG, chars="both"),
    "words 1 + chars accented, no augmentation": replace(_LOGREG, augment_stripped=False),
    "words 1 + chars accented, linear SVM": replace(_LOGREG, model="linear_svm"),
}


@dataclass(frozen=True)
class CandidateScore:
    """One candidate's cross-validated scores."""

    name: str
    params: PipelineParams
    macro_f1: float
    accuracy: float
    per_label_f1: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary for meta.json and the model card."""
        return {
            "name": self.name,
            "params": self.params.to_dict(),
            "macro_f1": self.macro_f1,
            "accuracy": self.accuracy,
            "per_label_f1": self.per_label_f1,
        }


def compare_candidates(
    corpus: PreparedCorpus,
    folds: int,
    seed: int,
    progress: Progress,
    candidates: dict[str, PipelineParams] = CANDIDATES,
) -> list[CandidateScore]:
    """Cross-validate every candidate; best macro-F1 first (ties keep the listed order)."""
    scores: list[CandidateScore] = []
    for name, params in candidates.items():
        progress.say(f"Candidate: {name}")
        held_out = cross_validate(
            vectorize(corpus, params, progress), params, folds, seed, progress
        )
        metrics = compute_metrics(corpus.labels.tolist(), held_out.predicted())
        scores.append(
            CandidateScore(
                name,
                params,
                metrics["macro_f1"],
                metrics["accuracy"],
                {label: row["f1"] for label, row in metrics["per_label"].items()},
            )
        )
    return sorted(scores, key=lambda score: -score.macro_f1)
