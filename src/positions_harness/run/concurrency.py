"""How many pytest-xdist workers a run uses, chosen from the latency its preflight measured.

A target that answers in a few milliseconds is CPU-bound here: a worker process only adds its
start-up (a second or two of imports and collection on each), so the run stays serial. A slow
target leaves the harness waiting on the network, and independent tests can wait side by side:
one worker per MS_PER_WORKER of latency, up to MAX_WORKERS, and never more than a rate limit
can keep busy (R requests a second at L seconds each keep R*L requests in flight).
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

from ..transport.transcript import Transcript

SERIAL_BELOW_MS = 50.0
MS_PER_WORKER = 15.0
MIN_WORKERS, MAX_WORKERS = 2, 20


@dataclass(frozen=True)
class Concurrency:
    workers: int  # 0: serial, in the process that runs pytest
    reason: str

    @property
    def pytest_args(self) -> list[str]:
        # load: tests are handed out in order as workers free up, one at a time, and the
        # longest come first, one to each worker (work_order.py), so no worker is left with a
        # long test at the end.
        if not self.workers:
            return []
        return ["-n", str(self.workers), "--dist", "load", "--maxschedchunk", "1"]


def measured_latency_ms(transcript: Transcript) -> float | None:
    """The median time to an answer of the exchanges so far (the preflight's)."""
    times = [e.elapsed_ms for e in transcript.exchanges() if e.elapsed_ms is not None]
    return statistics.median(times) if times else None


def choose(
    requested: int | None, latency_ms: float | None, rate_limit_per_second: float | None
) -> Concurrency:
    """`requested` (an option or the target profile) wins; None means choose from latency."""
    if requested is not None:
        workers = 0 if requested < 2 else requested
        return Concurrency(workers, "as requested")
    if latency_ms is None or latency_ms < SERIAL_BELOW_MS:
        shown = "unknown" if latency_ms is None else f"{latency_ms:.0f} ms"
        return Concurrency(0, f"serial: latency {shown}")
    workers = min(MAX_WORKERS, max(MIN_WORKERS, round(latency_ms / MS_PER_WORKER)))
    if rate_limit_per_second:
        in_flight = math.ceil(rate_limit_per_second * latency_ms / 1000)
        workers = min(workers, max(1, in_flight))
    workers = 0 if workers < 2 else workers
    return Concurrency(workers, f"latency {latency_ms:.0f} ms")
