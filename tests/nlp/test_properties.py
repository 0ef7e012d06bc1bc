"""Properties over arbitrary Unicode: segmentation and classification never raise
anything but our own documented error, and spelling variants classify the same."""

import unicodedata

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from nlp.errors import InvalidInputError
from nlp.labels import LABELS
from nlp.model import Classifier
from nlp.tokenize import segment

# Every code point hypothesis knows, lone surrogates, controls and private use included.
ANY_TEXT = st.text(alphabet=st.characters(exclude_categories=()), max_size=400)
NASTY = [
    "",
    "\x00\x01\x1b[31m",
    "\ud800\udfff ngập",
    "שלום ngập مرحبا",
    "\u202e\u202dđường\u200b\u200c\u200d\ufeff",
    "😡🌧️🚗💩" * 50,
    "ﷺ" * 100,
    "x" * 50_000,
    "Đ\u0300\u0301\u0323\u0309",
]


@given(ANY_TEXT)
@example("\ud83d")
@settings(max_examples=150, deadline=None)
def test_properties_segment_never_raises_on_any_string(text: str) -> None:
    result = segment(text)
    assert isinstance(result, str)
    result.encode("utf-8")


@pytest.mark.parametrize("bad", [None, 3, b"bytes", ["ngập"]])
def test_properties_segment_refuses_non_strings_with_our_error(bad: object) -> None:
    with pytest.raises(InvalidInputError):
        segment(bad)  # type: ignore[arg-type]


@given(ANY_TEXT)
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_properties_classification_always_answers(classifier: Classifier, text: str) -> None:
    prediction = classifier.predict_one(text)
    assert prediction.label in LABELS
    assert sum(prediction.scores.values()) == pytest.approx(1.0, abs=1e-6)
    assert all(term.weight > 0 for term in prediction.explanation)


@pytest.mark.parametrize("text", NASTY)
def test_properties_nasty_strings_get_a_defined_answer(classifier: Classifier, text: str) -> None:
    assert classifier.predict_one(text).label in LABELS


VIETNAMESE = st.lists(
    st.sampled_from(
        ["ngập", "rác", "tắc", "đường", "hòa", "thủy", "khỏe", "phố", "ổ gà", ",", "."]
    ),
    max_size=30,
).map(" ".join)


@given(VIETNAMESE)
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_properties_nfc_and_nfd_classify_identically(classifier: Classifier, text: str) -> None:
    composed = classifier.predict_one(unicodedata.normalize("NFC", text), explain=0)
    decomposed = classifier.predict_one(unicodedata.normalize("NFD", text), explain=0)
    assert composed.scores == decomposed.scores
