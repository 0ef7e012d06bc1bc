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


def _mixed_worker(
    base: str,
    texts: list[str],
    count: int,
    offset: int,
    latencies: list[float],
    errors: list[int],
    acknowledged: list[int],
    progress: "_Progress",
) -> None:
    """Cycle through classify (7 in 10), batch of 20 (1 in 10) and feedback (2 in 10)."""
    parts = urlsplit(base)
    host = parts.hostname or "127.0.0.1"
    connection = http.client.HTTPConnection(host, parts.port, timeout=60)
    headers = {"content-type": "application/json"}
    labels = ["traffic", "flooding", "sanitation", "food_safety", "urban_order", "other"]
    for i in range(offset, offset + count):
        text = texts[i % len(texts)]
        kind = i % 10
        if kind == 0:
            path = "/v1/classify/batch"
            items = [{"id": str(j), "text": texts[(i + j) % len(texts)]} for j in range(20)]
            body: dict[str, object] = {"items": items}
        elif kind in (3, 7):
            path, body = "/v1/feedback", {"text": text, "correct_label": labels[i % 6]}
        else:
            path, body = "/v1/classify", {"text": text}
        start = time.perf_counter()
        try:
            connection.request("POST", path, body=json.dumps(body).encode(), headers=headers)
            response = connection.getresponse()
            payload = response.read()
            if response.status not in (200, 201):
                errors.append(response.status)
            elif path == "/v1/feedback":
                acknowledged.append(int(json.loads(payload)["id"]))
        except (OSError, http.client.HTTPException):
            errors.append(0)
            connection.close()
            connection = http.client.HTTPConnection(host, parts.port, timeout=60)
        latencies.append(time.perf_counter() - start)
        progress.tick()
    connection.close()


class _Progress:
    """Prints one JSON progress line per thousand requests, for the parent to sample."""

    def __init__(self) -> None:
        self.done = 0
        self.lock = threading.Lock()

    def tick(self) -> None:
        with self.lock:
            self.done += 1
            if self.done % 1000 == 0:
                print(json.dumps({"progress": self.done}), flush=True)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def main() -> None:
    """Parse arguments, run the load, print the JSON summary."""
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--body", help="the JSON request body (single-endpoint mode)")
    parser.add_argument("--mix", action="store_true", help="classify, batch and feedback")
    parser.add_argument("--ids-file", help="with --mix: where acknowledged feedback ids go")
    args = parser.parse_args()
    if urlsplit(args.url).hostname not in ("127.0.0.1", "localhost", "::1"):
        parser.error("the load generator only targets this machine's loopback address")
    if not args.mix and args.body is None:
        parser.error("--body is needed unless --mix is given")
    latencies: list[float] = []
    errors: list[int] = []
    acknowledged: list[int] = []
    share, extra = divmod(args.requests, args.concurrency)
    counts = [share + (i < extra) for i in range(args.concurrency)]
    if args.mix:
        from bench.common import complaint_texts

        texts = complaint_texts()
        progress = _Progress()
        offsets = [sum(counts[:i]) for i in range(args.concurrency)]
        threads = [
            threading.Thread(
                target=_mixed_worker,
                args=(
                    args.url,
                    texts,
                    counts[i],
                    offsets[i],
                    latencies,
                    errors,
                    acknowledged,
                    progress,
                ),
            )
            for i in range(args.concurrency)
        ]
    else:
        body = args.body.encode("utf-8")
        threads = [
            threading.Thread(target=_worker, args=(args.url, body, counts[i], latencies, errors))
            for i in range(args.concurrency)
        ]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    if args.ids_file:
        with open(args.ids_file, "w", encoding="utf-8") as stream:
            stream.write("\n".join(str(x) for x in acknowledged))
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
