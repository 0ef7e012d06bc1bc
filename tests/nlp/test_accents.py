"""Detecting text typed without diacritics, and combining the two models' probabilities."""

import unicodedata

import numpy as np
import pytest

from nlp.accents import (
    UNACCENTED_MAX_SHARE,
    combine_probabilities,
    is_unaccented,
    marked_share,
)


@pytest.mark.parametrize(
    "text",
    ["duong ngap qua", "DUONG LANG NGAP SAU", "xe ko di dc, lh 0912345678", "rac thai boc mui"],
)
def test_accents_text_typed_without_marks_is_unaccented(text: str) -> None:
    assert is_unaccented(text)


@pytest.mark.parametrize(
    "text",
    [
        "đường ngập quá",
        "ĐƯỜNG LÁNG NGẬP SÂU",
        "Đường Láng ngập sâu sau mưa, xe chết máy",
        "Rác thải bốc mùi, ko ai dọn",
    ],
)
def test_accents_marked_text_is_not_unaccented(text: str) -> None:
    assert not is_unaccented(text)


@pytest.mark.parametrize("text", ["", "0912 345 678", "😡😡😡", "!!!"])
def test_accents_text_without_letters_is_not_unaccented(text: str) -> None:
    assert not is_unaccented(text)
    assert marked_share(text) == 0.0


def test_accents_one_pasted_name_does_not_make_stripped_text_marked() -> None:
    text = "duong truoc nha so 12 pho Đội Cấn bi ngap nuoc sau moi tran mua to, xe chet may"
    assert 0.05 < marked_share(text) < UNACCENTED_MAX_SHARE
    assert is_unaccented(text)


def test_accents_decomposed_unicode_counts_like_composed() -> None:
    text = "Đường Láng ngập"
    assert marked_share(unicodedata.normalize("NFD", text)) == marked_share(text)


def test_accents_combine_uses_invariant_alone_for_unaccented_rows() -> None:
    main = np.array([[0.9, 0.1], [0.2, 0.8]])
    invariant = np.array([[0.3, 0.7], [0.6, 0.4]])
    combined = combine_probabilities(main, invariant, np.array([True, False]))
    assert combined[0] == pytest.approx([0.3, 0.7])
    assert combined[1] == pytest.approx([0.4, 0.6])
    assert combined.sum(axis=1) == pytest.approx([1.0, 1.0])
