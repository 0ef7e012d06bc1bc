"""The scikit-learn pipeline: raw complaint text -> two text views -> TF-IDF -> classifier.

Two views of each complaint feed one linear model:
- words: the normalised text segmented into Vietnamese words, as word 1-2 grams;
- chars: the normalised text stripped of diacritics, as character 2-5 grams inside word
  boundaries, so "duong ngap" typed without accents meets "đường ngập".

Everything a pickled pipeline refers to lives in this importable module (no lambdas), so
a model file loads in any process that can import `nlp`.
"""

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any, Final, Self

import numpy as np
from numpy.typing import NDArray
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from nlp.calibration import TemperatureScaledClassifier
from nlp.normalize import normalize_text, strip_accents
from nlp.tokenize import segment

WORDS_COLUMN: Final = 0
CHARS_COLUMN: Final = 1
#: Keeps one-letter syllables such as "ở" and "k"; "_" joins the syllables of one word.
TOKEN_PATTERN: Final = r"(?u)\b\w+\b"


def prepare_text(text: str) -> tuple[str, str]:
    """Both views of one complaint: (segmented words, accent-stripped text).

    Examples:
        >>> prepare_text("Đường Láng NGẬP sâu")
        ('đường láng_ngập sâu', 'duong lang ngap sau')
    """
    normalized = normalize_text(text)
    return segment(normalized), strip_accents(normalized)


class ComplaintPreprocessor(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Turn raw texts into an (n, 2) array of the two views `prepare_text` makes.

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
        prepared = np.empty((len(rows), 2), dtype=object)
        for i, (words, chars) in enumerate(rows):
            prepared[i, WORDS_COLUMN] = words
            prepared[i, CHARS_COLUMN] = chars
        return prepared


@dataclass(frozen=True)
class PipelineParams:
    """The knobs of the default pipeline, recorded in every model's meta.json."""

    word_ngram_max: int = 2
    word_min_df: int = 1
    char_ngram_min: int = 2
    char_ngram_max: int = 5
    char_min_df: int = 2
    c: float = 10.0
    class_weight: str | None = "balanced"
    max_iter: int = 3000

    def to_dict(self) -> dict[str, Any]:
        """The parameters as plain JSON-ready values."""
        return asdict(self)


def build_features(params: PipelineParams) -> ColumnTransformer:
    """The TF-IDF feature union over the two prepared views."""
    words = TfidfVectorizer(
        token_pattern=TOKEN_PATTERN,
        ngram_range=(1, params.word_ngram_max),
        min_df=params.word_min_df,
        lowercase=False,
        sublinear_tf=True,
        dtype=np.float32,
    )
    chars = TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(params.char_ngram_min, params.char_ngram_max),
        min_df=params.char_min_df,
        lowercase=False,
        sublinear_tf=True,
        dtype=np.float32,
    )
    return ColumnTransformer(
        [("words", words, WORDS_COLUMN), ("chars", chars, CHARS_COLUMN)],
        sparse_threshold=1.0,
    )


def build_classifier(params: PipelineParams, seed: int = 0) -> TemperatureScaledClassifier:
    """The linear classifier: multinomial logistic regression with a calibration temperature.

    The temperature starts at 1; training sets it from held-out predictions.
    """
    return TemperatureScaledClassifier(
        LogisticRegression(
            C=params.c,
            class_weight=params.class_weight,
            max_iter=params.max_iter,
            random_state=seed,
        )
    )


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
