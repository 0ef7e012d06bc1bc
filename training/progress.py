"""Progress lines for long steps, written to standard error so stdout stays clean data."""

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

#: A step reports itself as `step(done, total)`; training code takes one of these.
ProgressCallback = Callable[[int, int], None]


class Progress:
    """Prints `label: done/total (percent), elapsed` at most every `interval` seconds.

    Silent when `enabled` is false, so library calls from tests print nothing.
    """

    def __init__(
        self, *, stream: TextIO | None = None, enabled: bool = True, interval: float = 2.0
    ) -> None:
        """Write to `stream` (standard error by default)."""
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.interval = interval

    def say(self, message: str) -> None:
        """Print one status line."""
        if self.enabled:
            print(message, file=self.stream, flush=True)

    @contextmanager
    def step(self, label: str) -> Iterator[ProgressCallback]:
        """Time a step; the yielded callback reports how far along it is."""
        start = time.monotonic()
        last = 0.0

        def report(done: int, total: int) -> None:
            nonlocal last
            now = time.monotonic()
            if self.enabled and (now - last >= self.interval or done == total):
                last = now
                percent = 100 * done / max(1, total)
                self.say(f"  {label}: {done}/{total} ({percent:.0f}%), {now - start:.1f}s")

        self.say(f"{label}...")
        yield report
        self.say(f"{label}: done in {time.monotonic() - start:.1f}s")
