"""Normalisation: one canonical form for the many spellings of a complaint."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nlp.errors import InvalidInputError
from nlp.normalize import (
    clean_text,
    default_abbreviations,
    expand_abbreviations,
    normalize_text,
    normalize_tone_marks,
    parse_abbreviations,
    strip_accents,
)


def test_normalize_nfc_and_nfd_give_the_same_form() -> None:
    text = "Đường Nguyễn Trãi ngập sâu, hoà cả vào nhà"
    nfd = unicodedata.normalize("NFD", text)
    assert nfd != text
    assert normalize_text(nfd) == normalize_text(text)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("hoà", "hòa"),
        ("thuý", "thúy"),
        ("khoẻ", "khỏe"),
        ("thuỷ", "thủy"),
        ("hoạ", "họa"),
        ("uỷ ban", "ủy ban"),
        ("Hoà Bình", "hòa bình"),
    ],
)
def test_normalize_old_and_new_tone_placement_agree(old: str, new: str) -> None:
    assert normalize_text(old) == normalize_text(new) == new


@pytest.mark.parametrize(
    "word",
    ["toàn", "quý", "già", "gìn", "người", "khuỷu", "mùa", "thuở", "quốc", "hoàng", "giữa"],
)
def test_normalize_tone_marks_keeps_correct_syllables(word: str) -> None:
    assert normalize_tone_marks(word) == word


def test_normalize_lowercases_and_collapses_whitespace() -> None:
    assert normalize_text("  RÁC   THẢI\n\t BỐC MÙI  ") == "rác thải bốc mùi"


@pytest.mark.parametrize(
    ("stretched", "plain"),
    [("ngập quaaaa", "ngập qua"), ("quáaaa", "quá"), ("bẩnnnnn", "bẩn"), ("tắc!!!!", "tắc!")],
)
def test_normalize_squeezes_stretched_letters(stretched: str, plain: str) -> None:
    assert normalize_text(stretched) == plain


def test_normalize_keeps_double_letters_and_digits() -> None:
    assert normalize_text("xoong nồi 1000 đồng") == "xoong nồi 1000 đồng"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("gọi 0912 345 678 nhé", "gọi xxphone nhé"),
        ("sđt 0912.345.678", "số điện thoại xxphone"),
        ("+84912345678", "xxphone"),
        ("xe 30A-123.45 đỗ", "xe xxplate đỗ"),
        ("BKS 29H 456.78", "biển kiểm soát xxplate"),
        ("xem https://example.vn/a?b=1", "xem xxurl"),
        ("mail an.nguyen@example.com", "mail xxemail"),
        ("lúc 8h30 sáng", "lúc 8 giờ 30 sáng"),
    ],
)
def test_normalize_replaces_entities_by_placeholders(text: str, expected: str) -> None:
    assert normalize_text(text) == expected


@pytest.mark.parametrize(
    ("sms", "full"),
    [
        ("ko đi đc", "không đi được"),
        ("k ai xử lý", "không ai xử lý"),
        ("hok dc", "không được"),
        ("ng dân bức xúc", "người dân bức xúc"),
        ("làm j bây giờ", "làm gì bây giờ"),
        ("mất bn tiền", "mất bao nhiêu tiền"),
        ("kđt linh đàm", "khu đô thị linh đàm"),
    ],
)
def test_normalize_expands_sms_abbreviations(sms: str, full: str) -> None:
    assert normalize_text(sms) == full


def test_abbreviations_do_not_touch_parts_of_words() -> None:
    assert expand_abbreviations("kong ngõ 50k") == "kong ngõ 50k"


def test_abbreviation_table_is_stable_under_its_own_expansion() -> None:
    table = default_abbreviations()
    assert {"ko", "k", "hok", "dc", "đc", "ng", "j", "bn"} <= set(table)
    for expansion in table.values():
        assert expand_abbreviations(expansion) == expansion


def test_parse_abbreviations_skips_comments_and_blank_lines() -> None:
    table = parse_abbreviations("# comment\n\nko\tkhông\nbroken line\n")
    assert table == {"ko": "không"}


def test_strip_accents_removes_every_diacritic() -> None:
    assert strip_accents("Đường Láng ngập sâu, Ổ GÀ") == "Duong Lang ngap sau, O GA"


def test_clean_text_refuses_non_strings() -> None:
    with pytest.raises(InvalidInputError):
        clean_text(42)


def test_clean_text_drops_lone_surrogates_and_invisible_marks() -> None:
    assert clean_text("ng\ud800ập\u200b\u202e") == "ngập"


@given(st.text(max_size=300))
def test_normalize_never_raises_and_is_idempotent(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once
    once.encode("utf-8")  # always encodable: no lone surrogates survive


@given(st.text(alphabet="aăâeêioôơuưyhnqgtđ \u0300\u0301\u0303\u0309\u0323", max_size=40))
def test_normalize_vietnamese_like_text_is_idempotent(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once
