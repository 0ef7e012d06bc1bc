"""Compiled TF-IDF features equal scikit-learn's, for every kind of view we build."""

from dataclasses import replace

import numpy as np
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer

from nlp.accents import combine_probabilities, is_unaccented
from nlp.features import (
    INVARIANT_PARAMS,
    CharNgramVectorizer,
    ComplaintPreprocessor,
    PipelineParams,
    build_features,
    char_wb_ngrams,
)
from nlp.model import Classifier
from nlp.vectorize import CompiledFeatures
from training.data import Record

PARAMS = {
    "default": PipelineParams(),
    "accent-invariant": INVARIANT_PARAMS,
    "words 1-2, stripped chars": replace(PipelineParams(), word_ngram_max=2, chars="stripped"),
    "chars both": replace(PipelineParams(), words=False, chars="both"),
}
EXTRA_TEXTS = [
    "ĐƯỜNG NGẬP!!! ko đi đc",
    "   ",
    "a",
    "rác rác rác rác ở ngõ 12 Tây Sơn",
    "xxphone gọi mãi không ai nghe",
]


@pytest.mark.parametrize("name", list(PARAMS))
def test_compiled_transform_equals_the_feature_union(
    name: str, small_records: list[Record]
) -> None:
    texts = [record.text for record in small_records]
    prepared = ComplaintPreprocessor().transform(texts)
    union = build_features(PARAMS[name]).fit(prepared)
    check = ComplaintPreprocessor().transform(texts[:120] + EXTRA_TEXTS)
    expected = union.transform(check).toarray()
    got = CompiledFeatures.from_union(union).transform(check)
    assert got.dtype == np.float32
    assert got.shape == expected.shape
    np.testing.assert_allclose(got.toarray(), expected, atol=1e-6)


def test_classifier_probabilities_equal_the_pipeline(
    classifier: Classifier, small_records: list[Record]
) -> None:
    texts = [record.text for record in small_records[::7]] + EXTRA_TEXTS
    assert classifier.invariant is not None, "the default model has an accent-invariant part"
    prepared = classifier.pipeline.named_steps["prep"].transform(texts)
    expected = combine_probabilities(
        classifier.pipeline.predict_proba(texts),
        classifier.invariant.predict_proba(prepared),
        np.array([is_unaccented(text) for text in texts]),
    )
    predictions = classifier.predict(texts, explain=0)
    order = list(classifier.pipeline.classes_)
    got = np.array([[p.scores[label] for label in order] for p in predictions])
    np.testing.assert_allclose(got, expected, atol=1e-6)


def test_char_ngrams_match_scikit_learn() -> None:
    analyzer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5)).build_analyzer()
    for word in ("ổ", "gà", "ngập", "nghiêng"):
        assert char_wb_ngrams(word, 2, 5) == analyzer(word)


def test_a_union_with_a_foreign_view_is_refused(small_records: list[Record]) -> None:
    prepared = ComplaintPreprocessor().transform([r.text for r in small_records])
    union = ColumnTransformer([("words", TfidfVectorizer(analyzer="char"), 0)]).fit(prepared)
    with pytest.raises(ValueError, match="not a TF-IDF view"):
        CompiledFeatures.from_union(union)


def test_an_unfitted_union_is_refused() -> None:
    with pytest.raises(ValueError, match="not a fitted"):
        CompiledFeatures.from_union(build_features(PipelineParams()))


def test_the_caching_char_vectorizer_gives_scikit_learns_features(
    small_records: list[Record],
) -> None:
    texts = [record.text for record in small_records]
    ours = CharNgramVectorizer(analyzer="char_wb", ngram_range=(2, 5), lowercase=False)
    theirs = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), lowercase=False)
    expected = theirs.fit_transform(texts)
    got = ours.fit_transform(texts)
    assert ours.vocabulary_ == theirs.vocabulary_
    np.testing.assert_allclose(got.toarray(), expected.toarray())
