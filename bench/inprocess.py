"""The tokenizer's limit and our in-process classification on the same texts.

The limit is bare `underthesea.word_tokenize`. Our segmentation runs the same model with
remembered feature weights (`nlp.crf_segmenter`), so it can beat the limit; every row but
the last starts from empty caches, as a freshly started worker meets new text, and the
last repeats the batch run once the caches hold these texts.
"""

import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from underthesea import word_tokenize

from bench.common import table
from nlp.model import Classifier
from nlp.normalize import normalize_text
from nlp.tokenize import segment


def _rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("inf")


def _timed(count: int, work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return _rate(count, time.perf_counter() - start)


def _batches(classifier: Classifier, texts: list[str], size: int) -> None:
    for i in range(0, len(texts), size):
        classifier.predict(texts[i : i + size], explain=0)


def run(classifier: Classifier, texts: list[str]) -> str:
    """Complaints per second: the limit, our segmentation, and classification."""
    word_tokenize("khởi động")
    classifier.predict(["khởi động"])
    count = len(texts)
    limit = _timed(count, lambda: [word_tokenize(text) for text in texts])
    normalized = [normalize_text(text) for text in texts]
    runs: list[tuple[str, Callable[[], object]]] = [
        ("our segmentation alone (same words)", lambda: [segment(t) for t in normalized]),
        (
            "classify one at a time (with explanation)",
            lambda: [classifier.predict_one(text) for text in texts],
        ),
        ("classify in batches of 32", partial(_batches, classifier, texts, 32)),
        ("classify in batches of 256", partial(_batches, classifier, texts, 256)),
    ]
    rows: list[tuple[str, float]] = [("bare underthesea.word_tokenize (the limit)", limit)]
    for what, work in runs:
        classifier.clear_caches()
        rows.append((what, _timed(count, work)))
    warm = partial(_batches, classifier, texts, 256)
    rows.append(("classify in batches of 256, caches warm", _timed(count, warm)))
    return table(
        f"In-process throughput, {count} complaints, one core",
        ["what", "complaints/s", "ratio to the limit"],
        [[what, f"{rate:,.0f}", f"{rate / limit:.2f}"] for what, rate in rows],
    )


def load(model_dir: Path) -> Classifier:
    """The model to measure."""
    from nlp.persistence import load_model

    return load_model(model_dir)
