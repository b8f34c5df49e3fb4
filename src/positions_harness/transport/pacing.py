"""One pace for the whole run: the request budget, the rate limit and throttling waits hold
across every process of it (pytest-xdist workers, the CLI's preflight), not per client.

The target throttles the client, not one connection: concepts/throttling.md asks a throttled
client to wait the Retry-After before its next requests, so a wait one worker is told about
holds every worker's next request too. And a target profile's `rate_limit_per_second` and
`request_budget` are what the target's owner allows the run as a whole.

Each send reserves a moment under a lock, then sleeps until it outside the lock: the next
moment is at least 1/R after the previous one (with a small margin, so the target never
counts more than R in any second) and never before the latest Retry-After. Processes share
the state through a small file locked with flock (`PACING_FILE_ENV` names it); without one
the state lives in this process. time.monotonic() is the system's monotonic clock on Linux and
macOS, the same in every process.
"""

from __future__ import annotations

import contextlib
import os
import struct
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: the state is shared within a process only
    fcntl = None  # type: ignore[assignment]

from ..errors import BudgetExhausted

PACING_FILE_ENV = "POSITIONS_PACING_FILE"
# Sends are spaced a little more than 1/R apart: a send's arrival at the target jitters by a
# few milliseconds, and R+1 arrivals within one second would break the limit.
RATE_MARGIN = 1.05
_LAYOUT = struct.Struct("<qddd")  # requests sent, last send, hold until, seconds held


@dataclass
class PaceState:
    sent: int = 0
    last_send: float = 0.0
    hold_until: float = 0.0
    seconds_held: float = 0.0  # throttling waits the run was told about, summed


class Pacer:
    """Reserves each request's moment to be sent, within the run's budget and rate."""

    def __init__(
        self,
        request_budget: int,
        rate_limit_per_second: float | None = None,
        shared_file: Path | None = None,
    ) -> None:
        self.request_budget = request_budget
        self.interval = RATE_MARGIN / rate_limit_per_second if rate_limit_per_second else 0.0
        self._lock = threading.Lock()
        self._local = PaceState()
        self._fd: int | None = None
        if shared_file is not None and fcntl is not None:
            self._fd = os.open(shared_file, os.O_RDWR | os.O_CREAT, 0o600)

    @classmethod
    def for_run(cls, request_budget: int, rate_limit_per_second: float | None) -> Pacer:
        """The run's pacer: shared through the file PACING_FILE_ENV names, if it is set."""
        shared = os.environ.get(PACING_FILE_ENV)
        return cls(request_budget, rate_limit_per_second, Path(shared) if shared else None)

    def reserve(self) -> float:
        """Counts one request against the budget and returns the monotonic moment it may be
        sent at; raises BudgetExhausted when the budget is spent."""
        with self._state() as state:
            if state.sent >= self.request_budget:
                raise BudgetExhausted(
                    f"the request budget of {self.request_budget} requests is spent"
                )
            now = time.monotonic()
            moment = max(now, state.hold_until)
            if self.interval and state.sent:
                moment = max(moment, state.last_send + self.interval)
            state.sent += 1
            state.last_send = moment
            return moment

    def wait_for_turn(self) -> float:
        """Reserves a moment and sleeps until it; returns how long it slept."""
        delay = self.reserve() - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        return max(delay, 0.0)

    def hold(self, seconds: float) -> None:
        """The target asked the client to wait `seconds` (Retry-After, or a back-off): no
        request of the run is sent before then."""
        with self._state() as state:
            until = time.monotonic() + seconds
            if until > state.hold_until:
                state.seconds_held += until - max(state.hold_until, time.monotonic())
                state.hold_until = until

    def totals(self) -> PaceState:
        """The run's totals so far (every process of it, when shared)."""
        with self._state() as state:
            return PaceState(state.sent, state.last_send, state.hold_until, state.seconds_held)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    @contextlib.contextmanager
    def _state(self) -> Iterator[PaceState]:
        with self._lock:
            if self._fd is None:
                yield self._local
                return
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            try:
                raw = os.pread(self._fd, _LAYOUT.size, 0)
                state = PaceState(*_LAYOUT.unpack(raw)) if len(raw) == _LAYOUT.size else PaceState()
                yield state
                os.pwrite(
                    self._fd,
                    _LAYOUT.pack(state.sent, state.last_send, state.hold_until, state.seconds_held),
                    0,
                )
            finally:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
