"""Vietnamese word segmentation with underthesea, behind a guard.

Vietnamese writes one syllable per space, so "ùn tắc" (congestion) is two tokens to a
naive splitter; `underthesea.word_tokenize` joins the syllables of a word ("ùn_tắc").
Its first call loads a CRF model and is not thread-safe (concurrent first calls fail),
so `warm_up` loads it once under a lock; servers call it before taking requests.
"""

import threading
from typing import Final

from nlp.normalize import clean_text

#: Characters of one text handed to the segmenter. Longer text is cut here: the first
#: 10,000 characters of a complaint decide its route, and the cap bounds the CPU a single
#: request can take.
MAX_TOKENIZE_CHARS: Final = 10_000

_load_lock = threading.Lock()
_loaded = threading.Event()


def warm_up() -> None:
    """Load underthesea's segmentation model once, safely under concurrent callers.

    Safe to call many times; only the first call does work. Nothing is downloaded: the
    model ships inside the underthesea package.
    """
    if _loaded.is_set():
        return
    with _load_lock:
        if _loaded.is_set():
            return
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
    from underthesea import word_tokenize

    segmented: str = word_tokenize(text, format="text")
    return segmented
