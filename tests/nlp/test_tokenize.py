"""Word segmentation: underthesea behind a guard."""

import subprocess
import sys
import textwrap

import pytest

from nlp.errors import InvalidInputError
from nlp.tokenize import MAX_TOKENIZE_CHARS, segment


def test_segment_joins_the_syllables_of_a_word() -> None:
    words = segment("ùn tắc giao thông kéo dài hàng giờ").split()
    assert "ùn_tắc" in words
    assert "giao_thông" in words


def test_segment_of_blank_text_is_empty() -> None:
    assert segment("   \n ") == ""


def test_segment_caps_very_long_text() -> None:
    segmented = segment("ngập " * 20_000)
    assert 0 < len(segmented) <= MAX_TOKENIZE_CHARS + 10


def test_segment_refuses_non_strings() -> None:
    with pytest.raises(InvalidInputError):
        segment(None)  # type: ignore[arg-type]


def test_segment_survives_lone_surrogates_and_emoji() -> None:
    assert "ngập" in segment("đường ngập \ud83d 😡😡")


def test_tokenize_concurrent_first_calls_all_succeed() -> None:
    # A fresh interpreter, so that these threads really make the first calls.
    script = textwrap.dedent(
        """
        from concurrent.futures import ThreadPoolExecutor
        from nlp.tokenize import segment
        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(segment, ["ùn tắc giao thông ở ngã tư sở"] * 16))
        assert all("ùn_tắc" in result for result in results), results
        print("ok")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
