"""Training cost as the data grows: wall time and peak memory of `triage train`."""

import csv
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, perturb, table
from nlp.normalize import normalize_text
from training.data import load_records

TRIAGE = str(Path(sys.executable).with_name("triage"))


def _resampled(size: int, path: Path, seed: int = 0) -> None:
    """The training file first, then perturbed copies of its rows, up to `size` rows.

    Rows are kept unique after normalisation, as `triage train` requires.
    """
    records = load_records([ROOT / "data" / "train.csv"]).records
    rng = random.Random(seed)
    seen: set[str] = set()
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["text", "label"])
        for record in records[:size]:
            seen.add(normalize_text(record.text))
            writer.writerow([record.text, record.label])
        while len(seen) < size:
            record = rng.choice(records)
            text = perturb(record.text, rng)
            key = normalize_text(text)
            if key not in seen:
                seen.add(key)
                writer.writerow([text, record.label])


def run(sizes: list[int]) -> str:
    """One row per size: seconds and peak resident memory of a full `triage train`."""
    rows: list[list[object]] = []
    for size in sizes:
        with tempfile.TemporaryDirectory() as folder:
            data = Path(folder) / "data.csv"
            _resampled(size, data)
            start = time.perf_counter()
            before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            subprocess.run(
                [TRIAGE, "train", "--data", str(data), "--out", str(Path(folder) / "models")],
                check=True,
                capture_output=True,
            )
            seconds = time.perf_counter() - start
            peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
            rows.append([f"{size:,}", f"{seconds:.1f}", f"{size / seconds:,.0f}", f"{peak:,.0f}"])
    return table(
        "triage train (5 folds, 3 from 50,000 rows; calibration; final fit; save)",
        ["complaints", "seconds", "complaints/s", "peak memory of the largest process (MB)"],
        rows,
    )
