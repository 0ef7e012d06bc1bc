"""Which words of a complaint pushed the linear model toward its label.

For a linear model the push of one feature toward label k is its value times
(coef[k] - mean coef over labels). Features come from several views; all are folded back
onto the words of the complaint so staff see words, not character n-grams:
- word n-grams: a unigram's push goes to its word, a bigram's is shared by its two words;
- character n-grams (of the accent-stripped or the accented text): each n-gram's push is
  shared by the words whose syllables contain it;
- syllable n-grams of the accent-stripped text (the accent-invariant model) are credited
  like word n-grams, to the stripped syllables as the complaint spells them.
"""

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Final

import numpy as np
from numpy.typing import NDArray

from nlp.features import CHARS_COLUMN, WORDS_COLUMN
from nlp.normalize import strip_accents
from nlp.vectorize import CompiledBranch

_TOP_TERMS_DEFAULT: Final = 8
_WORD: Final = re.compile(r"(?u)\b\w+\b")


@dataclass(frozen=True)
class Term:
    """One word of the complaint and how strongly it pushed toward the predicted label."""

    term: str
    weight: float


@dataclass(frozen=True)
class Explainer:
    """Folds per-feature contributions of a compiled feature union back onto words."""

    branches: tuple[CompiledBranch, ...]

    def explain(
        self,
        views: Sequence[str],
        values: dict[int, float],
        direction: NDArray[np.float64],
        top: int = _TOP_TERMS_DEFAULT,
    ) -> list[Term]:
        """The `top` words with the largest positive push along `direction`.

        Args:
            views: the complaint's prepared views (`nlp.features.prepare_text`).
            values: the complaint's non-zero feature values, by column.
            direction: coef[label] minus the mean coefficient row, one value per feature.
            top: how many words to return at most.
        """
        if top <= 0 or not values:
            return []
        words = _WORD.findall(views[WORDS_COLUMN])
        weights: defaultdict[str, float] = defaultdict(float)
        for branch in self.branches:
            if branch.is_words:
                # Word views credit their own tokens: segmented words, or the syllables
                # of the accent-stripped text for the accent-invariant model.
                tokens = _WORD.findall(views[branch.view])
                _add_word_ngrams(branch, tokens, values, direction, weights)
            else:
                _add_char_ngrams(branch, words, values, direction, weights)
        ranked = sorted(
            ((term, weight) for term, weight in weights.items() if weight > 0),
            key=lambda item: item[1],
            reverse=True,
        )
        return [Term(term.replace("_", " "), round(weight, 4)) for term, weight in ranked[:top]]


def _add_word_ngrams(
    branch: CompiledBranch,
    tokens: list[str],
    values: dict[int, float],
    direction: NDArray[np.float64],
    weights: defaultdict[str, float],
) -> None:
    """Credit each word with its unigram's push and half of each bigram's it is in."""
    grams: list[tuple[str, tuple[str, ...]]] = [(token, (token,)) for token in tokens]
    if branch.ngram_range[1] >= 2:
        grams += [(f"{a} {b}", (a, b)) for a, b in pairwise(tokens)]
    occurrences = Counter(gram for gram, _ in grams)
    for gram, parts in grams:
        column = branch.vocabulary.get(gram)
        if column is None:
            continue
        column += branch.offset
        share = values.get(column, 0.0) * float(direction[column])
        share /= occurrences[gram] * len(parts)
        for part in parts:
            weights[part] += share


def _add_char_ngrams(
    branch: CompiledBranch,
    tokens: list[str],
    values: dict[int, float],
    direction: NDArray[np.float64],
    weights: defaultdict[str, float],
) -> None:
    """Share each character n-gram's push among the words whose syllables hold it."""
    strip = branch.view == CHARS_COLUMN
    columns_of: dict[str, list[int]] = {}
    occurrences: Counter[int] = Counter()
    for token in tokens:
        if token not in columns_of:
            form = strip_accents(token) if strip else token
            columns_of[token] = [
                column for syllable in form.split("_") for column in branch.columns(syllable)
            ]
        occurrences.update(columns_of[token])
    offset = branch.offset
    for token in tokens:
        for column in columns_of[token]:
            at = column + offset
            weights[token] += values.get(at, 0.0) * float(direction[at]) / occurrences[column]
