"""The CRF segmenter gives exactly underthesea's words, and falls back when it cannot."""

import csv
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from underthesea import word_tokenize
from underthesea.pipeline.word_tokenize.regex_tokenize import tokenize

from nlp.crf_segmenter import (
    CrfSegmenter,
    SegmenterFormatError,
    load_segmenter,
    read_crfsuite_model,
)
from nlp.normalize import normalize_text, strip_accents

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def segmenter() -> CrfSegmenter:
    loaded = load_segmenter()
    assert loaded is not None, "the installed underthesea model should be readable"
    return loaded


def _corpus_texts() -> list[str]:
    with (ROOT / "data" / "test.csv").open(encoding="utf-8", newline="") as stream:
        return [row["text"] for row in csv.DictReader(stream)]


def test_same_words_as_word_tokenize_on_the_test_split(segmenter: CrfSegmenter) -> None:
    texts = _corpus_texts()
    variants = texts + [strip_accents(t) for t in texts] + [normalize_text(t) for t in texts]
    variants += [t.upper() for t in texts[:300]]
    different = [
        text
        for text in variants
        if segmenter.segment(tokenize(text)) != word_tokenize(text, format="text")
    ]
    assert different == []


_VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợ"
_TEXT = st.text(
    alphabet=st.sampled_from(list(_VIETNAMESE + _VIETNAMESE.upper() + "0123456789 .,;:!?()-/'\"%")),
    min_size=1,
    max_size=80,
)


@settings(max_examples=150, deadline=None)
@given(text=_TEXT)
def test_same_words_as_word_tokenize_on_random_text(segmenter: CrfSegmenter, text: str) -> None:
    tokens = tokenize(text)
    if tokens:
        assert segmenter.segment(tokens) == word_tokenize(text, format="text")


def test_segmenting_again_from_warm_caches_gives_the_same_words(
    segmenter: CrfSegmenter,
) -> None:
    tokens = tokenize("Đường Láng ngập sâu sau mưa, xe chết máy hàng loạt")
    expected = word_tokenize("Đường Láng ngập sâu sau mưa, xe chết máy hàng loạt", format="text")
    assert segmenter.segment(tokens) == expected
    assert segmenter.segment(tokens) == expected


def test_empty_token_list_gives_empty_text(segmenter: CrfSegmenter) -> None:
    assert segmenter.segment([]) == ""


def test_a_file_that_is_not_a_crfsuite_model_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "models.bin"
    path.write_bytes(b"not a model at all" * 10)
    with pytest.raises(SegmenterFormatError):
        read_crfsuite_model(path)


def test_unreadable_model_files_mean_falling_back(tmp_path: Path) -> None:
    assert load_segmenter(tmp_path) is None
    for name in ("features.bin", "dictionary.bin", "models.bin"):
        (tmp_path / name).write_bytes(b"\x00garbage")
    assert load_segmenter(tmp_path) is None
