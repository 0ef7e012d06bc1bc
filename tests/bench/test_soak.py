"""A bounded soak in the suite: mixed traffic at concurrency 32, nothing lost."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def test_soak_mixed_load_fails_nothing_and_loses_no_correction(model_dir: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.soak",
            "--requests",
            "2000",
            "--concurrency",
            "32",
            "--model",
            str(model_dir),
        ],
        cwd=ROOT,
        env={**os.environ, "TRIAGE_ROUTING_PATH": str(ROOT / "data" / "routing.json")},
        capture_output=True,
        text=True,
        timeout=300,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["requests"] == 2000
    assert result["errors"] == 0
    assert result["feedback_acknowledged"] == 400 and result["feedback_missing"] == 0
    assert result["rss_growth"] < 0.10
    assert done.returncode == 0
