"""Ctrl-C and SIGTERM that wait for the request in flight, so the ledger never misses a create.

Without this, an interrupt landing between "the target created a position" and "the client
recorded its id" would leave that position behind. Inside `deferred()` the first SIGINT/SIGTERM
is held until the block ends (each request is bounded by its timeout); a second one interrupts
at once.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class _State:
    depth = 0
    pending: int | None = None
    received: int | None = None  # the first signal of the run, even if something swallowed it


_state = _State()


def _handle(signum: int, frame: Any) -> None:
    if _state.received is None:
        _state.received = signum
    if _state.depth > 0 and _state.pending is None:
        _state.pending = signum
        return
    _state.pending = None
    raise KeyboardInterrupt(f"signal {signum}")


def install() -> None:
    """Routes SIGINT and SIGTERM through the deferring handler (main thread only)."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, _handle)
        signal.signal(signal.SIGTERM, _handle)


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
