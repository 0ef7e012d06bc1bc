"""Fast TF-IDF transforms for serving, read off a fitted feature union.

scikit-learn's `ColumnTransformer.transform` validates its input and builds the
character n-grams of every word afresh on each call. For one short complaint that
overhead is larger than the arithmetic, and it sits on the path of every HTTP request.
`CompiledFeatures` holds the same fitted vocabularies and IDF weights and computes the
same matrix directly, remembering which columns each word's n-grams map to, since the
same few thousand syllables make up nearly every complaint.

The output equals the feature union's up to float32 rounding (tested); the fitted union
stays the saved model, so nothing here changes what a model file holds. Training keeps
using scikit-learn, where fitting dominates and the checks are worth their cost.
"""

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_matrix
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer

from nlp.features import (
    ACCENTED_COLUMN,
    CHARS_COLUMN,
    TOKEN_PATTERN,
    WORDS_COLUMN,
    char_wb_ngrams,
)

#: How many distinct words each view remembers the n-gram columns of. Vietnamese is
#: written in syllables, and a few thousand of them cover almost all complaint text.
WORD_CACHE_SIZE: Final = 20_000

#: The view column each named branch of `nlp.features.build_features` reads.
_VIEW_COLUMNS: Final = {
    "words": WORDS_COLUMN,
    "chars": CHARS_COLUMN,
    "chars_accented": ACCENTED_COLUMN,
    "syllables": CHARS_COLUMN,
}


def _supported(vectorizer: TfidfVectorizer) -> bool:
    """Whether `vectorizer` is configured the way `build_features` configures one."""
    plain = (
        vectorizer.lowercase is False
        and vectorizer.preprocessor is None
        and vectorizer.tokenizer is None
        and vectorizer.strip_accents is None
        and vectorizer.stop_words is None
        and vectorizer.binary is False
        and vectorizer.use_idf is True
        and vectorizer.norm == "l2"
        and vectorizer.sublinear_tf is True
    )
    if vectorizer.analyzer == "char_wb":
        return plain
    return plain and vectorizer.analyzer == "word" and vectorizer.token_pattern == TOKEN_PATTERN


class CompiledBranch:
    """One fitted TF-IDF view: its vocabulary, IDF weights and first output column.

    `columns(word)` gives the (local) columns of a word's known n-grams, remembered per
    word; for a word view it is the word's own column, if known.
    """

    def __init__(self, name: str, vectorizer: TfidfVectorizer, view: int, offset: int) -> None:
        """Read the fitted state of `vectorizer`, which reads view column `view`."""
        self.name: Final = name
        self.view: Final = view
        self.offset: Final = offset
        self.is_words: Final = vectorizer.analyzer == "word"
        self.ngram_range: Final[tuple[int, int]] = tuple(vectorizer.ngram_range)
        self.vocabulary: Final[dict[str, int]] = vectorizer.vocabulary_
        self.idf: Final = np.asarray(vectorizer.idf_, dtype=np.float64)
        self.width: Final = len(self.idf)
        self.columns: Final = lru_cache(WORD_CACHE_SIZE)(self._columns)
        self._token: Final = re.compile(TOKEN_PATTERN)

    def _columns(self, word: str) -> tuple[int, ...]:
        vocabulary = self.vocabulary
        if self.is_words:
            column = vocabulary.get(word)
            return () if column is None else (column,)
        low, high = self.ngram_range
        found = (vocabulary.get(gram) for gram in char_wb_ngrams(word, low, high))
        return tuple(column for column in found if column is not None)

    def clear_cache(self) -> None:
        """Forget the remembered n-gram columns of every word."""
        self.columns.cache_clear()

    def occurrences(self, text: str) -> list[int]:
        """The local column of every feature occurrence in `text`, repeats included."""
        columns: list[int] = []
        if self.is_words:
            tokens = self._token.findall(text)
            for token in tokens:
                columns.extend(self.columns(token))
            low, high = self.ngram_range
            for n in range(max(low, 2), high + 1):
                for i in range(len(tokens) - n + 1):
                    column = self.vocabulary.get(" ".join(tokens[i : i + n]))
                    if column is not None:
                        columns.append(column)
        else:
            for word in text.split():
                columns.extend(self.columns(word))
        return columns

    def transform(
        self, texts: Sequence[str]
    ) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
        """The TF-IDF entries of `texts` as (row, local column, value), sorted by row, column.

        The same arithmetic as `TfidfTransformer` with sublinear tf: (1 + log count) times
        IDF, each row scaled to unit length. Done in a few array operations over the whole
        batch, since scipy's per-call checks cost more than the sums for one complaint.
        """
        keys: list[int] = []
        width = self.width
        for i, text in enumerate(texts):
            base = i * width
            keys.extend(base + column for column in self.occurrences(text))
        unique, counts = np.unique(np.asarray(keys, dtype=np.int64), return_counts=True)
        rows, columns = np.divmod(unique, width)
        values = (1.0 + np.log(counts)) * self.idf[columns]
        norms = np.sqrt(np.bincount(rows, weights=values * values, minlength=len(texts)))
        values /= norms[rows]
        return rows, columns, values


class CompiledFeatures:
    """The whole feature union, compiled: `transform` equals `ColumnTransformer.transform`."""

    def __init__(self, branches: Sequence[CompiledBranch], width: int) -> None:
        """Join `branches`, whose columns together span `width` output columns."""
        self.branches: Final = tuple(branches)
        self.width: Final = width

    @classmethod
    def from_union(cls, features: ColumnTransformer) -> "CompiledFeatures":
        """Compile a fitted feature union built by `nlp.features.build_features`.

        Raises:
            ValueError: the union is unfitted or holds a view this cannot reproduce
                exactly; loading code reports it as a model that is not ours.
        """
        branches: list[CompiledBranch] = []
        width = 0
        try:
            for name, vectorizer, column in features.transformers_:
                if name == "remainder" and vectorizer == "drop":
                    continue
                if _VIEW_COLUMNS.get(name) != column:
                    raise ValueError(f"unknown feature view {name!r} over column {column!r}")
                if not isinstance(vectorizer, TfidfVectorizer) or not _supported(vectorizer):
                    raise ValueError(f"the {name!r} view is not a TF-IDF view triage builds")
                indices = features.output_indices_[name]
                branch = CompiledBranch(name, vectorizer, column, indices.start)
                if indices.start != width or indices.stop - indices.start != branch.width:
                    raise ValueError(f"the {name!r} view's columns do not line up")
                branches.append(branch)
                width = indices.stop
        except (AttributeError, KeyError, TypeError) as error:
            raise ValueError(f"not a fitted feature union: {error}") from error
        if not branches:
            raise ValueError("the feature union has no views")
        return cls(branches, width)

    def transform(self, prepared: NDArray[Any]) -> csr_matrix:
        """The (n, width) float32 TF-IDF matrix of prepared views, one row per complaint."""
        count = len(prepared)
        parts = [branch.transform(prepared[:, branch.view].tolist()) for branch in self.branches]
        rows = np.concatenate([part[0] for part in parts])
        columns = np.concatenate(
            [part[1] + branch.offset for part, branch in zip(parts, self.branches, strict=True)]
        )
        values = np.concatenate([part[2] for part in parts])
        # Branches come in column order, so a stable sort by row keeps columns sorted.
        order = np.argsort(rows, kind="stable")
        indptr = np.zeros(count + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=count), out=indptr[1:])
        return csr_matrix(
            (values[order].astype(np.float32), columns[order], indptr),
            shape=(count, self.width),
        )
