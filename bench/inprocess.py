"""The tokenizer's limit and our in-process classification on the same texts."""

import time
from pathlib import Path

from underthesea import word_tokenize

from bench.common import table
from nlp.model import Classifier


def _rate(count: int, seconds: float) -> float:
    return count / seconds if seconds > 0 else float("inf")


def run(classifier: Classifier, texts: list[str]) -> str:
    """Complaints per second: bare word_tokenize, one-at-a-time and batched classification."""
    word_tokenize("khởi động")
    classifier.predict(["khởi động"])
    start = time.perf_counter()
    for text in texts:
        word_tokenize(text)
    limit = _rate(len(texts), time.perf_counter() - start)
    rows: list[list[object]] = [["bare underthesea.word_tokenize", f"{limit:,.0f}", "1.00"]]
    start = time.perf_counter()
    for text in texts:
        classifier.predict_one(text)
    single = _rate(len(texts), time.perf_counter() - start)
    rows.append(
        ["classify one at a time (with explanation)", f"{single:,.0f}", f"{single / limit:.2f}"]
    )
    for size in (32, 256):
        start = time.perf_counter()
        for i in range(0, len(texts), size):
            classifier.predict(texts[i : i + size], explain=0)
        rate = _rate(len(texts), time.perf_counter() - start)
        rows.append([f"classify in batches of {size}", f"{rate:,.0f}", f"{rate / limit:.2f}"])
    return table(
        f"In-process throughput, {len(texts)} complaints, one core",
        ["what", "complaints/s", "ratio to the limit"],
        rows,
    )


def load(model_dir: Path) -> Classifier:
    """The model to measure."""
    from nlp.persistence import load_model

    return load_model(model_dir)
