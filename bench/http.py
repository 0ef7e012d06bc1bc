"""The service over HTTP: cold start, memory per worker, latency under load, batch rate."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from bench.common import table

TRIAGE = str(Path(sys.executable).with_name("triage"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        children = (task / "children").read_text().split()
        for child in children:
            found.append(int(child))
            found.extend(_children(int(child)))
    return found


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _worker_pids(server_pid: int) -> tuple[list[int], list[int]]:
    """The processes that serve requests, and the rest (uvicorn's supervisor, helpers).

    With one worker uvicorn serves in its own process; with more, it spawns one process
    per worker plus multiprocessing's resource tracker.
    """
    workers: list[int] = []
    others: list[int] = []
    for pid in _children(server_pid):
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
        (others if b"resource_tracker" in command else workers).append(pid)
    if not workers:
        return [server_pid], others
    return workers, [server_pid, *others]


@contextmanager
def serve(
    model_dir: Path, workers: int, extra_env: Mapping[str, str] | None = None
) -> Iterator[tuple[str, float, subprocess.Popen[bytes]]]:
    """Start `triage serve`; yield its URL, the seconds to a 200 from /readyz, the process."""
    port = _free_port()
    env = {**os.environ, "TRIAGE_LOG_LEVEL": "warning", **(extra_env or {})}
    start = time.perf_counter()
    server = subprocess.Popen(
        [
            TRIAGE,
            "serve",
            "--model",
            str(model_dir),
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                with urllib.request.urlopen(f"{url}/readyz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.perf_counter() - start > 120:
                raise RuntimeError("the service did not start")
            time.sleep(0.02)
        yield url, time.perf_counter() - start, server
    finally:
        server.terminate()
        server.wait(timeout=30)


def _load(
    url: str, concurrency: int, requests: int, body: Mapping[str, object]
) -> dict[str, float]:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.loadgen",
            url,
            "--concurrency",
            str(concurrency),
            "--requests",
            str(requests),
            "--body",
            json.dumps(body, ensure_ascii=False),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, float] = json.loads(done.stdout)
    return result


def run(model_dir: Path, texts: list[str], requests: int) -> list[str]:
    """Latency and throughput tables for 1 and 2 workers at concurrency 1, 8 and 32."""
    latency_rows: list[list[object]] = []
    start_rows: list[list[object]] = []
    batch_rows: list[list[object]] = []
    single = {"text": texts[0]}
    batch = {"items": [{"id": str(i), "text": t} for i, t in enumerate(texts[:200])]}
    for workers in (1, 2):
        with serve(model_dir, workers) as (url, cold, server):
            time.sleep(1.0)  # let every worker finish loading before measuring memory
            serving, others = _worker_pids(server.pid)
            start_rows.append(
                [
                    workers,
                    f"{cold:.2f}",
                    ", ".join(f"{_rss_mb(pid):.0f}" for pid in serving),
                    ", ".join(f"{_rss_mb(pid):.0f}" for pid in others) or "—",
                ]
            )
            _load(f"{url}/v1/classify", 4, 200, single)  # warm-up
            for concurrency in (1, 8, 32):
                stats = _load(f"{url}/v1/classify", concurrency, requests, single)
                latency_rows.append(
                    [
                        workers,
                        concurrency,
                        stats["requests"],
                        stats["errors"],
                        stats["rps"],
                        stats["p50_ms"],
                        stats["p95_ms"],
                        stats["p99_ms"],
                    ]
                )
            stats = _load(f"{url}/v1/classify/batch", 2, max(4, requests // 200), batch)
            batch_rows.append(
                [workers, 200, stats["requests"], stats["errors"], f"{stats['rps'] * 200:,.0f}"]
            )
    return [
        table(
            "Service start-up and memory",
            [
                "workers",
                "process start to /readyz 200 (s)",
                "resident memory per worker (MB)",
                "supervisor and helper (MB)",
            ],
            start_rows,
        ),
        table(
            "POST /v1/classify from a separate load-generator process on loopback",
            ["workers", "concurrency", "requests", "errors", "req/s", "p50 ms", "p95 ms", "p99 ms"],
            latency_rows,
        ),
        table(
            "POST /v1/classify/batch",
            ["workers", "items per batch", "batches", "errors", "complaints/s"],
            batch_rows,
        ),
    ]
