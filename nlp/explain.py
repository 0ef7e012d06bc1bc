"""Which words of a complaint pushed the linear model toward its label.

For a linear model the push of one feature toward label k is its value times
(coef[k] - mean coef over labels). Features come from several views; all are folded back
onto the words of the complaint so staff see words, not character n-grams:
- word n-grams: a unigram's push goes to its word, a bigram's is shared by its two words;
- character n-grams (of the accent-stripped or the accented text): each n-gram's push is
  shared by the words whose syllables contain it.
"""

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import pairwise
from typing import Final

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import TfidfVectorizer

from nlp.normalize import strip_accents

_TOP_TERMS_DEFAULT: Final = 8
_WORD: Final = re.compile(r"(?u)\b\w+\b")


@dataclass(frozen=True)
class Term:
    """One word of the complaint and how strongly it pushed toward the predicted label."""

    term: str
    weight: float


@dataclass(frozen=True)
class Branch:
    """One fitted view of the feature union and where its columns start.

    `kind` is "words" or "chars"; `strip` tells a character view to compare against the
    accent-stripped syllables.
    """

    kind: str
    vectorizer: TfidfVectorizer
    offset: int
    strip: bool = False


def _char_ngrams(syllable: str, low: int, high: int) -> list[str]:
    """The n-grams `char_wb` makes from one syllable (padded with a space each side)."""
    padded = f" {syllable} "
    grams: list[str] = []
    for n in range(low, high + 1):
        grams.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
        if n >= len(padded):
            break
    return grams


@dataclass(frozen=True)
class Explainer:
    """Folds per-feature contributions of a fitted pipeline back onto words."""

    branches: tuple[Branch, ...]

    def explain(
        self,
        segmented: str,
        row: csr_matrix,
        direction: NDArray[np.float64],
        top: int = _TOP_TERMS_DEFAULT,
    ) -> list[Term]:
        """The `top` words with the largest positive push along `direction`.

        Args:
            segmented: the complaint's segmented words (the "words" view).
            row: the complaint's feature row (1 x n_features).
            direction: coef[label] minus the mean coefficient row, one value per feature.
            top: how many words to return at most.
        """
        if top <= 0:
            return []
        values = dict(zip(row.indices.tolist(), row.data.tolist(), strict=True))
        if not values:
            return []
        tokens = _WORD.findall(segmented)
        weights: defaultdict[str, float] = defaultdict(float)
        for branch in self.branches:
            if branch.kind == "words":
                self._add_word_ngrams(branch, tokens, values, direction, weights)
            else:
                self._add_char_ngrams(branch, tokens, values, direction, weights)
        ranked = sorted(
            ((term, weight) for term, weight in weights.items() if weight > 0),
            key=lambda item: item[1],
            reverse=True,
        )
        return [Term(term.replace("_", " "), round(weight, 4)) for term, weight in ranked[:top]]

    @staticmethod
    def _add_word_ngrams(
        branch: Branch,
        tokens: list[str],
        values: dict[int, float],
        direction: NDArray[np.float64],
        weights: defaultdict[str, float],
    ) -> None:
        vocabulary = branch.vectorizer.vocabulary_
        grams: list[tuple[str, tuple[str, ...]]] = [(token, (token,)) for token in tokens]
        if branch.vectorizer.ngram_range[1] >= 2:
            grams += [(f"{a} {b}", (a, b)) for a, b in pairwise(tokens)]
        occurrences = Counter(gram for gram, _ in grams)
        for gram, parts in grams:
            column = vocabulary.get(gram)
            if column is None:
                continue
            column += branch.offset
            share = values.get(column, 0.0) * float(direction[column])
            share /= occurrences[gram] * len(parts)
            for part in parts:
                weights[part] += share

    @staticmethod
    def _add_char_ngrams(
        branch: Branch,
        tokens: list[str],
        values: dict[int, float],
        direction: NDArray[np.float64],
        weights: defaultdict[str, float],
    ) -> None:
        vocabulary = branch.vectorizer.vocabulary_
        low, high = branch.vectorizer.ngram_range
        grams_of: dict[str, list[str]] = {}
        occurrences: Counter[str] = Counter()
        for token in tokens:
            form = strip_accents(token) if branch.strip else token
            grams = [
                gram for syllable in form.split("_") for gram in _char_ngrams(syllable, low, high)
            ]
            grams_of[token] = grams
            occurrences.update(grams)
        for token in tokens:
            for gram in grams_of[token]:
                column = vocabulary.get(gram)
                if column is not None:
                    column += branch.offset
                    push = values.get(column, 0.0) * float(direction[column])
                    weights[token] += push / occurrences[gram]
