"""Ctrl-C and SIGTERM that wait for the request in flight, so the ledger never misses a create.

Without this, an interrupt landing between "the target created a position" and "the client
recorded its id" would leave that position behind. Inside `deferred()` the first SIGINT/SIGTERM
is held until the block ends (each request is bounded by its timeout); a second one interrupts
at once.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


class _State:
    depth = 0
    pending: int | None = None
    received: int | None = None  # the first signal of the run, even if something swallowed it
    # Instead of raising at the first signal: a process that runs no test itself (the
    # pytest-xdist controller) asks its workers to stop, and waits for their cleanup.
    on_first: Callable[[], None] | None = None
    first_at = 0.0  # when the first signal came (time.monotonic)
    # An xdist worker: KeyboardInterrupt raised outside a test's setup and call (in xdist's
    # loop, while a report is sent, in cleanup) would end the worker as if it had crashed, so
    # there the signal is only noted, and the worker's next test phase does not start.
    only_noting_outside_tests = False
    # Inside a test's setup or call (not its teardown, not the session's cleanup): after a
    # signal, the client sends no more of the test's requests.
    in_test = False


_state = _State()


# A signal this soon after the first is the same interrupt reaching the process twice (from
# the terminal to the whole process group, and passed on by the xdist controller), not a
# second Ctrl-C from a person in a hurry.
SAME_INTERRUPT_SECONDS = 1.0


def _handle(signum: int, frame: Any) -> None:
    first = _state.received is None
    if first:
        _state.received, _state.first_at = signum, time.monotonic()
    if _state.only_noting_outside_tests and not _state.in_test:
        return
    if first:
        if _state.on_first is not None:
            _state.on_first()
            return
    elif time.monotonic() - _state.first_at < SAME_INTERRUPT_SECONDS:
        return
    if _state.depth > 0 and _state.pending is None:
        _state.pending = signum
        return
    _state.pending = None
    raise KeyboardInterrupt(f"signal {signum}")


def install() -> None:
    """Routes SIGINT and SIGTERM through the deferring handler (main thread only)."""
    _state.on_first = None  # a new run interrupts at the first signal unless told otherwise
    _state.only_noting_outside_tests = False
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, _handle)
        signal.signal(signal.SIGTERM, _handle)


def stop_gently_on_first_signal(stop: Callable[[], None]) -> None:
    """The first SIGINT/SIGTERM calls `stop` instead of raising KeyboardInterrupt; a second one
    still interrupts at once."""
    _state.on_first = stop


def only_note_outside_tests() -> None:
    """From now on a signal is raised only inside a test's setup or call (`test_phase`);
    elsewhere it is only noted (`received`). For an xdist worker."""
    _state.only_noting_outside_tests = True


@contextmanager
def test_phase() -> Iterator[None]:
    """Marks a test's setup or call: requests sent in it are the test's, not cleanup."""
    before, _state.in_test = _state.in_test, True
    try:
        yield
    finally:
        _state.in_test = before


def stop_test_if_interrupted() -> None:
    """Raises KeyboardInterrupt before a test's next request once a signal came, even when the
    first KeyboardInterrupt was swallowed on its way (a gc callback, a library's `except`);
    cleanup requests still go."""
    if _state.received is None or not _state.in_test or _state.depth > 0:
        return
    if threading.current_thread() is threading.main_thread():  # not the background deletes
        raise KeyboardInterrupt(f"signal {_state.received}")


def received() -> int | None:
    """The signal that interrupted the run, if one came: code that catches KeyboardInterrupt
    on its way (Hypothesis, a gc callback) cannot make the run forget it."""
    return _state.received


@contextmanager
def deferred() -> Iterator[None]:
    """Holds an interrupt until the block ends. Signals reach the main thread only, so another
    thread (e.g. one deleting in the background) never raises one: the main thread does, at the
    end of its own block or at once."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _state.depth += 1
    try:
        yield
    finally:
        _state.depth -= 1
        if _state.depth == 0 and _state.pending is not None:
            signum, _state.pending = _state.pending, None
            raise KeyboardInterrupt(f"signal {signum}")
