"""Which words of a complaint pushed the linear model toward its label.

For a linear model the push of one feature toward label k is its value times
(coef[k] - mean coef over labels). Features come in two kinds; both are folded back onto
the words of the complaint so staff see words, not character n-grams:
- word n-grams: a unigram's push goes to its word, a bigram's is shared by its two words;
- character n-grams of the accent-stripped text: each n-gram's push is shared by the
  words whose syllables contain it.
"""

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


@dataclass(frozen=True)
class Term:
    """One word of the complaint and how strongly it pushed toward the predicted label."""

    term: str
    weight: float


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
    """Folds per-feature contributions of a fitted two-view pipeline back onto words."""

    words: TfidfVectorizer
    chars: TfidfVectorizer
    words_offset: int
    chars_offset: int

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
        values = dict(zip(row.indices.tolist(), row.data.tolist(), strict=True))
        if not values or top <= 0:
            return []
        tokens = self.words.build_tokenizer()(segmented)
        weights: defaultdict[str, float] = defaultdict(float)
        self._add_word_ngrams(tokens, values, direction, weights)
        self._add_char_ngrams(tokens, values, direction, weights)
        ranked = sorted(
            ((term, weight) for term, weight in weights.items() if weight > 0),
            key=lambda item: item[1],
            reverse=True,
        )
        return [Term(term.replace("_", " "), round(weight, 4)) for term, weight in ranked[:top]]

    def _push(self, column: int, values: dict[int, float], direction: NDArray[np.float64]) -> float:
        return float(values.get(column, 0.0) * direction[column])

    def _add_word_ngrams(
        self,
        tokens: list[str],
        values: dict[int, float],
        direction: NDArray[np.float64],
        weights: defaultdict[str, float],
    ) -> None:
        vocabulary = self.words.vocabulary_
        grams: list[tuple[str, tuple[str, ...]]] = [(token, (token,)) for token in tokens]
        grams += [(f"{a} {b}", (a, b)) for a, b in pairwise(tokens)]
        occurrences = Counter(gram for gram, _ in grams)
        for gram, parts in grams:
            column = vocabulary.get(gram)
            if column is None:
                continue
            share = self._push(self.words_offset + column, values, direction)
            share /= occurrences[gram] * len(parts)
            for part in parts:
                weights[part] += share

    def _add_char_ngrams(
        self,
        tokens: list[str],
        values: dict[int, float],
        direction: NDArray[np.float64],
        weights: defaultdict[str, float],
    ) -> None:
        vocabulary = self.chars.vocabulary_
        low, high = self.chars.ngram_range
        grams_of: dict[str, list[str]] = {}
        occurrences: Counter[str] = Counter()
        for token in tokens:
            grams = [
                gram
                for syllable in strip_accents(token).split("_")
                for gram in _char_ngrams(syllable, low, high)
            ]
            grams_of[token] = grams
            occurrences.update(grams)
        for token in tokens:
            for gram in grams_of[token]:
                column = vocabulary.get(gram)
                if column is not None:
                    push = self._push(self.chars_offset + column, values, direction)
                    weights[token] += push / occurrences[gram]
