"""A bounded soak run: mixed classify, batch and feedback traffic at high concurrency.

`python -m bench.soak [--requests N] [--concurrency C]` starts the service on loopback with
a fresh SQLite database, drives it from a separate load-generator process, and checks
that no request failed, that every acknowledged correction is in the database, and that
resident memory grew less than 10% from the first to the last thousand requests.
"""

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.common import table
from bench.http import _children, _rss_mb, serve
from nlp.registry import resolve_model_dir
from nlp.settings import Settings
from service.storage import Storage


def _rss(server_pid: int) -> float:
    pids = _children(server_pid) or [server_pid]
    return sum(_rss_mb(pid) for pid in pids)


def run(model_dir: Path, requests: int, concurrency: int) -> dict[str, Any]:
    """Run the soak; return its figures (requests, errors, feedback kept, memory)."""
    with tempfile.TemporaryDirectory() as folder:
        database = f"sqlite:///{Path(folder) / 'soak.db'}"
        ids_file = Path(folder) / "acknowledged.txt"
        with serve(model_dir, 1, {"TRIAGE_DATABASE_URL": database}) as (url, _, server):
            load = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "bench.loadgen",
                    url,
                    "--mix",
                    "--concurrency",
                    str(concurrency),
                    "--requests",
                    str(requests),
                    "--ids-file",
                    str(ids_file),
                ],
                stdout=subprocess.PIPE,
                text=True,
            )
            assert load.stdout is not None
            first_rss: float | None = None
            last_rss = 0.0
            summary: dict[str, Any] = {}
            for line in load.stdout:
                message = json.loads(line)
                if "progress" in message:
                    last_rss = _rss(server.pid)
                    if first_rss is None:
                        first_rss = last_rss
                else:
                    summary = message
            load.wait()
            last_rss = _rss(server.pid)
        acknowledged = (
            {int(x) for x in ids_file.read_text().split()} if ids_file.exists() else set()
        )
        storage = Storage(database)
        stored = {row.id for row in storage.iter_feedback()}
        storage.close()
    first = first_rss or last_rss
    return {
        **summary,
        "feedback_acknowledged": len(acknowledged),
        "feedback_missing": len(acknowledged - stored),
        "rss_first_thousand_mb": round(first, 1),
        "rss_last_thousand_mb": round(last_rss, 1),
        "rss_growth": round((last_rss - first) / first, 4) if first else 0.0,
    }


def format_result(result: dict[str, Any], concurrency: int) -> str:
    """The soak's figures as a table."""
    return table(
        f"Soak: mixed classify / batch / feedback at concurrency {concurrency}, one worker",
        [
            "requests",
            "errors",
            "req/s",
            "p99 ms",
            "feedback acknowledged",
            "missing afterwards",
            "memory first → last thousand (MB)",
            "growth",
        ],
        [
            [
                result.get("requests"),
                result.get("errors"),
                result.get("rps"),
                result.get("p99_ms"),
                result["feedback_acknowledged"],
                result["feedback_missing"],
                f"{result['rss_first_thousand_mb']} → {result['rss_last_thousand_mb']}",
                f"{result['rss_growth']:.1%}",
            ]
        ],
    )


def main() -> int:
    """Parse arguments, run, print the table; exit 1 if any soak criterion fails."""
    parser = argparse.ArgumentParser(prog="python -m bench.soak")
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--model", type=Path)
    args = parser.parse_args()
    model_dir = resolve_model_dir(Settings().models_dir, args.model)
    result = run(model_dir, args.requests, args.concurrency)
    print(format_result(result, args.concurrency))
    print(json.dumps(result))
    ok = result["errors"] == 0 and result["feedback_missing"] == 0 and result["rss_growth"] < 0.10
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
