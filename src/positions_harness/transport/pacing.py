"""One pace for the whole run: the request budget, the rate limit and throttling waits hold
across every process of it (pytest-xdist workers, the CLI's preflight), not per client.

The target throttles the client, not one connection: concepts/throttling.md asks a throttled
client to wait the Retry-After before its next requests, so a wait one worker is told about
holds every worker's next request too. And a target profile's `rate_limit_per_second` and
`request_budget` are what the target's owner allows the run as a whole.

Each request takes its turn at the moment it is sent, under a lock: it goes when the run's
budget is not spent, no hold is in force, the last request of the run went at least 1/R ago,
and fewer than R went in the last WINDOW_SECONDS (a little over a second, so that the target,
whose clock sees arrivals a few milliseconds apart from sends, never counts more than R in one
second). Otherwise it naps and asks again, so a hold that comes while it waits holds it too.
When a hold ends, the requests it throttled are retried, and answered, before any other request
of the run goes: otherwise every worker would resume at the same instant, and a throttled
request, arriving among them all, could be throttled on each of its tries and give up
(`max_retries`), leaving its check undecided. Taking its turn first is not enough: requests
sent a millisecond apart reach the target in any order. A retry that never comes (its test was
interrupted) or is not answered stops holding the others back RETRIES_FIRST_SECONDS after its
turn was due or came. Retries are kept by the thread that makes them (a thread has one request
in flight), so a late answer to one retry never ends another's precedence.
Processes share the state through a small file locked with flock (`PACING_FILE_ENV` names it);
without one the state lives in this process. time.monotonic() is the system's monotonic clock
on Linux and macOS, the same in every process (a file from before a reboot must not be reused:
the run makes a new one each time, see run/shared_pace.py).
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: the state is shared within a process only
    fcntl = None  # type: ignore[assignment]

from ..errors import BudgetExhausted
from . import interrupts

PACING_FILE_ENV = "POSITIONS_PACING_FILE"
WINDOW_SECONDS = 1.05
LONGEST_NAP_SECONDS = 0.25  # how long a waiting request sleeps before it asks again
# A quiet spell (see `quiet`) lasts at most this long, even if its holder never ends it (a
# process killed in the middle), and waits at most QUIET_WAIT_SECONDS for writes in flight.
QUIET_SECONDS = 30.0
QUIET_WAIT_SECONDS = 10.0
# How long after a hold ends, or after a retry's turn, the others wait for the retries due.
RETRIES_FIRST_SECONDS = 2.0
SHORT_NAP_SECONDS = 0.05  # how often a request waiting for others' answers asks again


@dataclass
class PaceState:
    """What every process of the run agrees on."""

    sent: int = 0  # requests sent by the run
    hold_until: float = 0.0  # no request before this moment (a Retry-After)
    recent: list[float] = field(default_factory=list)  # the last sends' moments, oldest first
    quiet_until: float = 0.0  # no write (create, update, delete) before this moment
    quiet_holder: str = ""  # whose writes a quiet spell lets through (see `quiet`), if anyone's
    writes_in_flight: int = 0  # writes sent and not yet answered
    # Throttled requests to retry, and see answered, before any other: [until when at most,
    # whether it is a write] by the thread that retries it (see `answered`).
    retries_due: dict[str, list[Any]] = field(default_factory=dict)


class Pacer:
    """Gives each request of the run its turn, within the run's budget and rate."""

    def __init__(
        self,
        request_budget: int,
        rate_limit_per_second: float | None = None,
        shared_file: Path | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.request_budget = request_budget
        self.rate = rate_limit_per_second
        self._per_window = math.floor(self.rate) if self.rate and self.rate >= 1 else 0
        self._clock, self._sleep = clock, sleep
        self._lock = threading.Lock()
        self._quiet_depth = 0  # quiet spells this pacer holds, one inside another
        self._local = PaceState()
        self._fd: int | None = None
        if shared_file is not None and fcntl is not None:
            self._fd = os.open(shared_file, os.O_RDWR | os.O_CREAT, 0o600)

    @classmethod
    def for_run(cls, request_budget: int, rate_limit_per_second: float | None) -> Pacer:
        """The run's pacer: shared through the file PACING_FILE_ENV names, if it is set."""
        shared = os.environ.get(PACING_FILE_ENV)
        return cls(request_budget, rate_limit_per_second, Path(shared) if shared else None)

    def wait_for_turn(self, write: bool = False, retry: bool = False) -> float:
        """Waits until this request may go, counts it as sent and returns how long it waited;
        raises BudgetExhausted once the run's budget is spent. A `write` (a create, update or
        delete) also waits out a quiet spell. A `retry` of a throttled request goes before the
        requests that are not retries. Each turn is ended with `answered(write, retry)`."""
        waited = 0.0
        while True:
            interrupts.stop_test_if_interrupted()  # also when its KeyboardInterrupt was lost
            with self._state() as state:
                if state.sent >= self.request_budget:
                    raise BudgetExhausted(
                        f"the request budget of {self.request_budget} requests is spent"
                    )
                now = self._clock()
                ready_at = self._ready_at(state, now)
                if write and state.quiet_holder != self._holder():
                    ready_at = max(ready_at, state.quiet_until)
                if not retry:
                    ready_at = max(ready_at, _after_due_retries(state, now))
                if ready_at <= now:
                    state.sent += 1
                    if retry:  # the others wait for its answer, but not for ever
                        state.retries_due[self._holder()] = [now + RETRIES_FIRST_SECONDS, write]
                    state.writes_in_flight += 1 if write else 0
                    if self.rate:
                        state.recent = [*state.recent, now][-max(self._per_window, 1) :]
                    return waited
            nap = min(ready_at - now, LONGEST_NAP_SECONDS)
            self._sleep(nap)
            waited += nap

    def _ready_at(self, state: PaceState, now: float) -> float:
        ready = max(now, state.hold_until)
        if self.rate and state.recent:
            ready = max(ready, state.recent[-1] + 1.0 / self.rate)
        if self._per_window and len(state.recent) >= self._per_window:
            ready = max(ready, state.recent[-self._per_window] + WINDOW_SECONDS)
        return ready

    def answered(
        self, write: bool = False, retry: bool = False, wait: float = 0.0, retried: bool = False
    ) -> None:
        """The request whose turn `wait_for_turn(write, retry)` gave was answered (or failed).
        `wait`: the target asked the client to wait this long (Retry-After, or a back-off), so
        no request of the run goes before then. `retried`: this request will be retried after
        the wait, and answered before any request that is not a retry goes; announced with
        this answer, under one lock, so that no other request slips in between."""
        if not (write or retry or wait or retried):
            return
        with self._state() as state:
            if write:
                state.writes_in_flight = max(0, state.writes_in_flight - 1)
            now = self._clock()
            state.hold_until = max(state.hold_until, now + wait)
            if retried:  # its turn, at the rate limit too, and then a little more
                until = self._ready_at(state, now) + RETRIES_FIRST_SECONDS
                state.retries_due[self._holder()] = [until, write]
            elif retry:
                state.retries_due.pop(self._holder(), None)

    @contextlib.contextmanager
    def quiet(self, own_writes: bool = False) -> Iterator[None]:
        """A spell in which no process of the run creates, updates or deletes: for reading a
        list that must not change under the reader (a list paged by offset skips items that
        shift between two page reads; the newest position is only the newest while no other
        worker creates). It starts once the writes in flight are answered. With `own_writes`
        the holder's own writes (this pacer, this thread) still go: a check that creates a
        position and then reads the list sees the run's newest position be its own, as in a
        serial run. A spell inside another ends with the outer one."""
        self._quiet_depth += 1
        if self._quiet_depth == 1:
            with self._state() as state:
                state.quiet_until = max(state.quiet_until, self._clock() + QUIET_SECONDS)
                state.quiet_holder = self._holder() if own_writes else ""
        try:
            waited = 0.0
            while waited < QUIET_WAIT_SECONDS:
                with self._state() as state:
                    if state.writes_in_flight == 0:
                        break
                self._sleep(SHORT_NAP_SECONDS)
                waited += SHORT_NAP_SECONDS
            yield
        finally:
            self._quiet_depth -= 1
            if self._quiet_depth == 0:
                with self._state() as state:
                    state.quiet_until = min(state.quiet_until, self._clock())
                    state.quiet_holder = ""

    def _holder(self) -> str:
        return f"{os.getpid()}.{id(self)}.{threading.get_ident()}"

    def totals(self) -> PaceState:
        """The run's totals so far (every process of it, when shared)."""
        with self._state() as state:
            return PaceState(**_fields(state))

    def close(self) -> None:
        """Stops sharing; a request paced after this counts in this process only."""
        with self._lock:
            fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)

    @contextlib.contextmanager
    def _state(self) -> Iterator[PaceState]:
        with self._lock:
            if self._fd is None:
                yield self._local
                return
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            try:
                state = _read(self._fd)
                yield state
                _write(self._fd, state)
            finally:
                fcntl.flock(self._fd, fcntl.LOCK_UN)


def _after_due_retries(state: PaceState, now: float) -> float:
    """Until when a request that is not a retry waits for the retries due; drops those whose
    time is up (a retry that never came, its test interrupted, or was not answered in time).
    In a quiet spell, a retried write waits for the spell (unless it is the spell holder's), so
    nobody waits for it: the holder's reads must go for the spell to end."""
    state.retries_due = {who: due for who, due in state.retries_due.items() if due[0] > now}
    waited_for = [
        until
        for who, (until, write) in state.retries_due.items()
        if not (write and now < state.quiet_until and who != state.quiet_holder)
    ]
    return min(max(waited_for), now + SHORT_NAP_SECONDS) if waited_for else now


def _read(fd: int) -> PaceState:
    raw = os.pread(fd, 1 << 20, 0)
    try:
        return PaceState(**json.loads(raw)) if raw else PaceState()
    except (ValueError, TypeError):
        return PaceState()  # unreadable: start over rather than stop the run


def _write(fd: int, state: PaceState) -> None:
    data = json.dumps(_fields(state)).encode()
    os.pwrite(fd, data, 0)
    os.ftruncate(fd, len(data))


def _fields(state: PaceState) -> dict[str, Any]:
    # dataclasses.asdict deep-copies field by field: a third of a second per run here.
    return {
        "sent": state.sent,
        "hold_until": state.hold_until,
        "recent": list(state.recent),
        "quiet_until": state.quiet_until,
        "writes_in_flight": state.writes_in_flight,
        "quiet_holder": state.quiet_holder,
        "retries_due": {who: list(due) for who, due in state.retries_due.items()},
    }
