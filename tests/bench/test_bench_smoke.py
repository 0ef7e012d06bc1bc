"""The benchmark scripts still run (tiny sizes; their figures are not checked here)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def test_bench_quick_run_prints_every_table(model_dir: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--no-record", "--model", str(model_dir)],
        cwd=ROOT,
        env={**os.environ, "TRIAGE_ROUTING_PATH": str(ROOT / "data" / "routing.json")},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    for title in (
        "In-process throughput",
        "Service start-up and memory",
        "POST /v1/classify from a separate load-generator process",
        "POST /v1/classify/batch",
        "triage train",
    ):
        assert title in done.stdout
    assert "| 1 | 8 | 100 | 0 |" in done.stdout, "no request may fail under load"
