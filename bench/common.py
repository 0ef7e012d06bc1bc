"""Shared pieces of the benchmarks: the texts, timing, tables and the results file."""

import os
import platform
import random
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from training.data import load_records

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "RESULTS.md"


def complaint_texts(limit: int | None = None) -> list[str]:
    """The corpus's held-out complaints (real-looking lengths), repeated up to `limit`."""
    texts = [record.text for record in load_records([ROOT / "data" / "test.csv"]).records]
    if limit is None:
        return texts
    return [texts[i % len(texts)] for i in range(limit)]


def perturb(text: str, rng: random.Random) -> str:
    """A light perturbation, so resampled training rows are not exact duplicates."""
    words = text.split()
    if len(words) > 3:
        i = rng.randrange(len(words))
        action = rng.random()
        if action < 0.4:
            del words[i]
        elif action < 0.7:
            words.insert(i, words[rng.randrange(len(words))])
        else:
            j = rng.randrange(len(words))
            words[i], words[j] = words[j], words[i]
    return " ".join(words) + (f" #{rng.randrange(10**6)}" if rng.random() < 0.5 else "")


def table(title: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table with a title line."""
    lines = [f"### {title}", "", "| " + " | ".join(header) + " |"]
    lines.append("|" + "---|" * len(header))
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def machine() -> str:
    """One line about the machine the figures come from."""
    return (
        f"{platform.node()}: {os.cpu_count()} cores, {platform.machine()}, "
        f"Python {platform.python_version()}"
    )


def append_results(sections: Sequence[str], command: str | None = None) -> None:
    """Append a dated block of tables to bench/RESULTS.md."""
    command = command or " ".join(["python -m bench", *sys.argv[1:]])
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    block = [f"## {stamp}", "", f"Machine: {machine()}. Command: `{command}`.", "", *sections]
    with RESULTS.open("a", encoding="utf-8") as stream:
        stream.write("\n".join(block) + "\n")
