"""A bounded HTTP load generator, run as its own process: `python -m bench.loadgen`.

Each of C threads keeps one keep-alive connection and sends its share of N requests;
the process prints one JSON line of latency percentiles, throughput and error count.
It only ever talks to the URL it is given (the benchmarks give it 127.0.0.1).
"""

import argparse
import http.client
import json
import threading
import time
from urllib.parse import urlsplit


def _worker(url: str, body: bytes, count: int, latencies: list[float], errors: list[int]) -> None:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    headers = {"content-type": "application/json"}
    for _ in range(count):
        start = time.perf_counter()
        try:
            connection.request("POST", parts.path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                errors.append(response.status)
        except (OSError, http.client.HTTPException):
            errors.append(0)
            connection.close()
            connection = http.client.HTTPConnection(
                parts.hostname or "127.0.0.1", parts.port, timeout=30
            )
        latencies.append(time.perf_counter() - start)
    connection.close()


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def main() -> None:
    """Parse arguments, run the load, print the JSON summary."""
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--body", required=True, help="the JSON request body")
    args = parser.parse_args()
    if urlsplit(args.url).hostname not in ("127.0.0.1", "localhost", "::1"):
        parser.error("the load generator only targets this machine's loopback address")
    body = args.body.encode("utf-8")
    latencies: list[float] = []
    errors: list[int] = []
    share, extra = divmod(args.requests, args.concurrency)
    threads = [
        threading.Thread(
            target=_worker, args=(args.url, body, share + (i < extra), latencies, errors)
        )
        for i in range(args.concurrency)
    ]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    print(
        json.dumps(
            {
                "requests": len(latencies),
                "errors": len(errors),
                "seconds": round(elapsed, 3),
                "rps": round(len(latencies) / elapsed, 1),
                "p50_ms": round(1000 * _percentile(latencies, 0.50), 2),
                "p95_ms": round(1000 * _percentile(latencies, 0.95), 2),
                "p99_ms": round(1000 * _percentile(latencies, 0.99), 2),
            }
        )
    )


if __name__ == "__main__":
    main()
