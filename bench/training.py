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
from training.data import load_records

TRIAGE = str(Path(sys.executable).with_name("triage"))


def _resampled(size: int, path: Path, seed: int = 0) -> None:
    records = load_records([ROOT / "data" / "train.csv"]).records
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["text", "label"])
        seen: set[str] = set()
        while len(seen) < size:
            record = (
                records[len(seen) % len(records)]
                if len(seen) < len(records)
                else rng.choice(records)
            )
            text = record.text if len(seen) < len(records) else perturb(record.text, rng)
            if text not in seen:
                seen.add(text)
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
        "triage train (5-fold cross-validation, calibration, final fit, save)",
        ["complaints", "seconds", "complaints/s", "peak memory of the largest process (MB)"],
        rows,
    )
