"""The scikit-learn pipeline: raw complaint text -> text views -> TF-IDF -> classifier.

Views of each complaint feed one linear model (which ones is a parameter):
- words: the normalised text segmented into Vietnamese words, as word n-grams;
- chars: the normalised text stripped of diacritics, as character n-grams inside word
  boundaries, so "duong ngap" typed without accents meets "đường ngập";
- chars_accented: the same character n-grams over the normalised text with its
  diacritics, which tell "ngập" (flooded) from "ngáp" (yawn);
- syllables: the accent-stripped text as syllable n-grams (1 to `syllable_ngram_max`),
  split on spaces rather than by underthesea, which segments stripped text poorly.

The defaults (word unigrams, accented character n-grams, a linear SVM) are the best of
`training.selection.CANDIDATES` under cross-validation; the first release's word 1-2
grams over stripped character n-grams is one of those candidates. Training the main model
with accent-stripped copies of its rows was worth a point of cross-validated macro-F1 on
its own; beside the accent-invariant model it changes nothing (0.938 either way, real
complaints 0.842 either way) and doubles training time, so it is off by default.

`INVARIANT_PARAMS` describes the second, accent-invariant model (stripped syllable 1-2
grams, linear SVM), whose every view is computed from `strip_accents(normalize_text(text))`;
see `nlp.accents` for how its probabilities join the main model's.

Everything a pickled pipeline refers to lives in this importable module (no lambdas), so
a model file loads in any process that can import `nlp`.
"""

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any, Final, Self

import numpy as np
from numpy.typing import NDArray
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC

from nlp.calibration import TemperatureScaledClassifier
from nlp.normalize import normalize_text, strip_accents
from nlp.tokenize import segment

WORDS_COLUMN: Final = 0
CHARS_COLUMN: Final = 1
ACCENTED_COLUMN: Final = 2
#: The character views a model can use, by name.
CHAR_VIEWS: Final = ("stripped", "accented", "both", "none")
#: How many distinct words' character n-grams training remembers (a pure memo).
WORD_NGRAM_CACHE_SIZE: Final = 200_000
#: Keeps one-letter syllables such as "ở" and "k"; "_" joins the syllables of one word.
TOKEN_PATTERN: Final = r"(?u)\b\w+\b"


def prepare_text(text: str) -> tuple[str, str, str]:
    """The views of one complaint: (segmented words, accent-stripped text, normalised text).

    Examples:
        >>> prepare_text("ÙN TẮC giao thông")
        ('ùn_tắc giao_thông', 'un tac giao thong', 'ùn tắc giao thông')
    """
    normalized = normalize_text(text)
    return segment(normalized), strip_accents(normalized), normalized


class ComplaintPreprocessor(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Turn raw texts into an (n, 3) array of the views `prepare_text` makes.

    Stateless: `fit` learns nothing. Training code runs it once over the whole data set
    and cross-validates the rest of the pipeline on its output, so that the costly word
    segmentation is never repeated per fold.
    """

    def fit(self, texts: Iterable[str], y: object = None) -> Self:
        """Nothing to learn; present for the scikit-learn contract."""
        return self

    def transform(self, texts: Iterable[str]) -> NDArray[np.object_]:
        """Prepare every text; the output rows follow the input order."""
        rows = [prepare_text(text) for text in texts]
        prepared = np.empty((len(rows), 3), dtype=object)
        for i, (words, chars, accented) in enumerate(rows):
            prepared[i, WORDS_COLUMN] = words
            prepared[i, CHARS_COLUMN] = chars
            prepared[i, ACCENTED_COLUMN] = accented
        return prepared


@dataclass(frozen=True)
class PipelineParams:
    """The knobs of the default pipeline, recorded in every model's meta.json."""

    words: bool = True
    chars: str = "accented"
    model: str = "linear_svm"
    #: Training adds an accent-stripped copy of every marked complaint (inside each
    #: training fold only), so text typed without diacritics is seen as often as not.
    augment_stripped: bool = False
    word_ngram_max: int = 1
    word_min_df: int = 1
    char_ngram_min: int = 2
    char_ngram_max: int = 5
    char_min_df: int = 2
    #: Stripped syllable n-grams up to this length; 0 leaves the view out.
    syllable_ngram_max: int = 0
    c: float = 10.0
    class_weight: str | None = "balanced"
    max_iter: int = 3000

    def to_dict(self) -> dict[str, Any]:
        """The parameters as plain JSON-ready values."""
        return asdict(self)


#: The accent-invariant model: it reads only the accent-stripped text, so a complaint typed
#: with or without diacritics gets the same features (no stripped copies are needed).
INVARIANT_PARAMS: Final = PipelineParams(
    words=False, chars="none", syllable_ngram_max=2, augment_stripped=False
)


def char_wb_ngrams(word: str, low: int, high: int) -> list[str]:
    """The character n-grams scikit-learn's "char_wb" analyzer makes from one word.

    The word is padded with a space on each side; a word shorter than n yields itself
    once and ends the loop, as in scikit-learn.

    Examples:
        >>> char_wb_ngrams("ổ", 2, 4)
        [' ổ', 'ổ ', ' ổ ']
    """
    padded = f" {word} "
    size = len(padded)
    grams: list[str] = []
    for n in range(low, high + 1):
        if n >= size:
            grams.append(padded)
            break
        grams.extend(padded[i : i + n] for i in range(size - n + 1))
    return grams


@lru_cache(maxsize=WORD_NGRAM_CACHE_SIZE)
def _cached_char_wb_ngrams(word: str, low: int, high: int) -> tuple[str, ...]:
    return tuple(char_wb_ngrams(word, low, high))


class CharNgramVectorizer(TfidfVectorizer):  # type: ignore[misc]
    """TF-IDF over "char_wb" n-grams that remembers each word's n-grams.

    The same features as `TfidfVectorizer(analyzer="char_wb")`: a corpus repeats a few
    thousand syllables, so building their n-grams once saves a third of fitting time.
    """

    def _char_wb_ngrams(self, text_document: str) -> list[str]:
        low, high = self.ngram_range
        grams: list[str] = []
        for word in self._white_spaces.sub(" ", text_document).split():
            grams.extend(_cached_char_wb_ngrams(word, low, high))
        return grams


def _char_vectorizer(params: PipelineParams) -> TfidfVectorizer:
    return CharNgramVectorizer(
        analyzer="char_wb",
        ngram_range=(params.char_ngram_min, params.char_ngram_max),
        min_df=params.char_min_df,
        lowercase=False,
        sublinear_tf=True,
        dtype=np.float32,
    )


def build_features(params: PipelineParams) -> ColumnTransformer:
    """The TF-IDF feature union over the views `params` selects.

    Raises:
        ValueError: `params` selects no view, or an unknown character view.
    """
    if params.chars not in CHAR_VIEWS:
        raise ValueError(f"chars must be one of {CHAR_VIEWS}, not {params.chars!r}")
    branches: list[tuple[str, TfidfVectorizer, int]] = []
    if params.words:
        words = TfidfVectorizer(
            token_pattern=TOKEN_PATTERN,
            ngram_range=(1, params.word_ngram_max),
            min_df=params.word_min_df,
            lowercase=False,
            sublinear_tf=True,
            dtype=np.float32,
        )
        branches.append(("words", words, WORDS_COLUMN))
    if params.chars in ("stripped", "both"):
        branches.append(("chars", _char_vectorizer(params), CHARS_COLUMN))
    if params.chars in ("accented", "both"):
        branches.append(("chars_accented", _char_vectorizer(params), ACCENTED_COLUMN))
    if params.syllable_ngram_max > 0:
        syllables = TfidfVectorizer(
            token_pattern=TOKEN_PATTERN,
            ngram_range=(1, params.syllable_ngram_max),
            lowercase=False,
            sublinear_tf=True,
            dtype=np.float32,
        )
        branches.append(("syllables", syllables, CHARS_COLUMN))
    if not branches:
        raise ValueError("the pipeline needs at least one view (words, chars or syllables)")
    return ColumnTransformer(branches, sparse_threshold=1.0)


def build_classifier(params: PipelineParams, seed: int = 0) -> TemperatureScaledClassifier:
    """The linear classifier with a calibration temperature.

    `params.model` is "logreg" (multinomial logistic regression) or "linear_svm" (a linear
    support vector machine, one-vs-rest); both give probabilities through the temperature,
    which starts at 1 and is set by training from held-out predictions.

    Raises:
        ValueError: an unknown model name.
    """
    estimator: LogisticRegression | LinearSVC
    if params.model == "logreg":
        estimator = LogisticRegression(
            C=params.c,
            class_weight=params.class_weight,
            max_iter=params.max_iter,
            random_state=seed,
        )
    elif params.model == "linear_svm":
        estimator = LinearSVC(
            C=params.c / 10,
            class_weight=params.class_weight,
            max_iter=params.max_iter,
            random_state=seed,
        )
    else:
        raise ValueError(f"model must be 'logreg' or 'linear_svm', not {params.model!r}")
    return TemperatureScaledClassifier(estimator)


def build_pipeline(params: PipelineParams | None = None, seed: int = 0) -> Pipeline:
    """The whole untrained pipeline: preprocessing, features and classifier."""
    params = params or PipelineParams()
    return Pipeline(
        [
            ("prep", ComplaintPreprocessor()),
            ("features", build_features(params)),
            ("clf", build_classifier(params, seed)),
        ]
    )
