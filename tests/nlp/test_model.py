"""The classifier: scores, explanations and invariance to spelling."""

import unicodedata

import pytest

from nlp.errors import InvalidInputError
from nlp.features import prepare_text
from nlp.labels import LABELS
from nlp.model import Classifier
from nlp.normalize import strip_accents

FLOOD = "Đường Láng ngập sâu sau mưa, xe chết máy hàng loạt"


def test_prepare_text_gives_segmented_and_stripped_views() -> None:
    words, chars, accented = prepare_text("ÙN TẮC giao thông ở Ngã Tư Sở")
    assert words.split()[:2] == ["ùn_tắc", "giao_thông"]
    assert chars == "un tac giao thong o nga tu so"
    assert accented == "ùn tắc giao thông ở ngã tư sở"


def test_model_keeps_one_letter_syllables(classifier: Classifier) -> None:
    vocabulary = classifier.pipeline.named_steps["features"].named_transformers_["words"]
    assert "ở" in vocabulary.vocabulary_


def test_model_scores_cover_all_labels_and_sum_to_one(classifier: Classifier) -> None:
    prediction = classifier.predict_one(FLOOD)
    assert set(prediction.scores) == set(LABELS)
    assert sum(prediction.scores.values()) == pytest.approx(1.0, abs=1e-6)
    assert prediction.confidence == max(prediction.scores.values())
    assert prediction.scores[prediction.label] == prediction.confidence


def test_model_routes_a_plain_flood_report_to_flooding(classifier: Classifier) -> None:
    assert classifier.predict_one(FLOOD).label == "flooding"


def test_model_explanation_names_words_of_the_complaint(classifier: Classifier) -> None:
    prediction = classifier.predict_one(FLOOD, explain=5)
    assert 0 < len(prediction.explanation) <= 5
    words = set(prepare_text(FLOOD)[0].replace("_", " ").split()) | {
        w.replace("_", " ") for w in prepare_text(FLOOD)[0].split()
    }
    for term in prediction.explanation:
        assert term.weight > 0
        assert term.term in words
    weights = [term.weight for term in prediction.explanation]
    assert weights == sorted(weights, reverse=True)
    assert "ngập" in [term.term for term in prediction.explanation]


def test_model_explanation_can_be_turned_off(classifier: Classifier) -> None:
    assert classifier.predict_one(FLOOD, explain=0).explanation == []


@pytest.mark.parametrize(
    "variant",
    [
        unicodedata.normalize("NFD", FLOOD),
        "  Đường   Láng ngập sâu   sau mưa,  xe chết máy hàng loạt  ",
        "Đường Láng ngậpppp sâu sau mưaaaa, xe chết máy hàng loạt",
        FLOOD.upper(),
    ],
)
def test_model_spelling_variants_get_identical_scores(classifier: Classifier, variant: str) -> None:
    assert classifier.predict_one(variant).scores == classifier.predict_one(FLOOD).scores


def test_model_old_and_new_tone_marks_get_identical_scores(classifier: Classifier) -> None:
    old = classifier.predict_one("Khu Hoà Bình ngập, nước thải bẩn, ảnh hưởng sức khoẻ")
    new = classifier.predict_one("Khu Hòa Bình ngập, nước thải bẩn, ảnh hưởng sức khỏe")
    assert old.scores == new.scores


@pytest.mark.parametrize(
    "odd", ["", "😡😡😡", "x" * 50_000, "ngập \ud800 quá", "שלום עולם ngập", "\u200b\u200b"]
)
def test_model_gives_a_defined_answer_to_odd_input(classifier: Classifier, odd: str) -> None:
    prediction = classifier.predict_one(odd)
    assert prediction.label in LABELS
    assert 0 < prediction.confidence <= 1


def test_model_refuses_non_text_items(classifier: Classifier) -> None:
    with pytest.raises(InvalidInputError, match="item 1"):
        classifier.predict(["ngập", 3])  # type: ignore[list-item]


def test_model_batch_keeps_order(classifier: Classifier) -> None:
    texts = [FLOOD, "Bán thịt lợn thối không rõ nguồn gốc ở chợ", FLOOD]
    batch = classifier.predict(texts)
    singles = [classifier.predict_one(text) for text in texts]
    assert [p.label for p in batch] == [p.label for p in singles]
    assert batch[0].scores == pytest.approx(batch[2].scores)


def test_model_text_typed_without_marks_is_decided_by_the_invariant_model(
    classifier: Classifier,
) -> None:
    assert classifier.invariant is not None
    text = "duong lang ngap sau sau mua, xe chet may hang loat"
    prepared = classifier.pipeline.named_steps["prep"].transform([text])
    expected = classifier.invariant.predict_proba(prepared)[0]
    scores = classifier.predict_one(text).scores
    classes = list(classifier.invariant.named_steps["clf"].classes_)
    assert [scores[label] for label in classes] == pytest.approx(expected.tolist())


def test_model_marked_and_stripped_text_agree_on_a_plain_flood_report(
    classifier: Classifier,
) -> None:
    stripped = classifier.predict_one("Duong Lang ngap sau sau mua, xe chet may hang loat")
    assert stripped.label == classifier.predict_one(FLOOD).label == "flooding"


def test_text_typed_without_diacritics_is_explained_by_its_own_syllables(
    classifier: Classifier,
) -> None:
    prediction = classifier.predict_one("duong ngap sau qua, nuoc tran vao nha, xe chet may")
    assert prediction.label == "flooding"
    terms = [term.term for term in prediction.explanation]
    assert "ngap" in terms
    assert all(term == strip_accents(term) for term in terms)
