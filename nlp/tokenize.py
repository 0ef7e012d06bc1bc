"""Vietnamese word segmentation with underthesea, behind a guard.

Vietnamese writes one syllable per space, so "ùn tắc" (congestion) is two tokens to a
naive splitter; underthesea's segmentation model joins the syllables of a word
("ùn_tắc"). underthesea splits the text into syllables with its own tokenizer, and its
CRF model is run by `nlp.crf_segmenter`, which gives the same words as
`underthesea.word_tokenize` at about 1.5 times its speed; if that model cannot be read,
`word_tokenize` itself is used. The syllable tokenizer is imported without the rest of
underthesea (`nlp.syllable_tokenizer`), which saves each process about 50 MB. Loading is
not thread-safe (concurrent first calls of `word_tokenize` fail, and the light import
briefly stands in for the package), so `warm_up` loads once under a lock; servers call it
before taking requests.
"""

import threading
from typing import Final

from nlp.crf_segmenter import CrfSegmenter, load_segmenter
from nlp.normalize import clean_text
from nlp.syllable_tokenizer import SyllableTokenizer, load_syllable_tokenizer

#: Characters of one text handed to the segmenter. Longer text is cut here: the first
#: 10,000 characters of a complaint decide its route, and the cap bounds the CPU a single
#: request can take.
MAX_TOKENIZE_CHARS: Final = 10_000

_load_lock = threading.Lock()
_loaded = threading.Event()
#: Set once by `warm_up` and read-only afterwards (its caches are memos of a pure function).
_segmenter: CrfSegmenter | None = None
#: underthesea's syllable tokenizer, set by `warm_up` together with `_segmenter`.
_syllables: SyllableTokenizer | None = None


def warm_up() -> None:
    """Load underthesea's segmentation model once, safely under concurrent callers.

    Safe to call many times; only the first call does work. Nothing is downloaded: the
    model ships inside the underthesea package.
    """
    global _segmenter, _syllables
    if _loaded.is_set():
        return
    with _load_lock:
        if _loaded.is_set():
            return
        _segmenter = load_segmenter()
        if _segmenter is not None:
            _syllables = load_syllable_tokenizer()
        else:
            from underthesea import word_tokenize

            word_tokenize("Đường Láng ngập sâu sau mưa", format="text")
        _loaded.set()


def segment(text: str) -> str:
    """Segment cleaned, normalised text into words joined by "_" and separated by spaces.

    The input is cleaned again (a no-op on normalised text) so that nothing that reaches
    underthesea can make it raise, and cut to `MAX_TOKENIZE_CHARS`.

    Examples:
        >>> segment("đường láng ngập sâu sau mưa, xe chết máy hàng loạt")
        'đường láng_ngập sâu sau mưa , xe chết máy hàng_loạt'
    """
    text = clean_text(text)[:MAX_TOKENIZE_CHARS].strip()
    if not text:
        return ""
    warm_up()
    if _segmenter is None or _syllables is None:
        from underthesea import word_tokenize

        segmented: str = word_tokenize(text, format="text")
        return segmented
    return _segmenter.segment(_syllables(text))


def clear_cache() -> None:
    """Empty the segmenter's memo of token windows, as in a freshly started process.

    Only speed changes; benchmarks call it to measure text the service has not seen.
    """
    if _segmenter is not None:
        _segmenter.clear_cache()
