"""A slow variant: some answers take far longer than the rest, but well inside any timeout."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from positions_reference import GraphPositionsApp

from . import Variant

EVERY = 100  # one request in a hundred ...
DELAY_SECONDS = 0.5  # ... waits this long before it is answered


class SlowEveryHundredth:
    """WSGI middleware: delays every 100th request (deterministic, so runs are comparable)."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app
        self.prefix = getattr(app, "prefix", "")
        self._count = itertools.count(1)
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        with self._lock:
            number = next(self._count)
        if number % EVERY == 0:
            time.sleep(DELAY_SECONDS)
        return self.app(environ, start_response)


VARIANTS = [
    Variant(
        "slow-responses",
        f"every {EVERY}th request is answered after {DELAY_SECONDS} s",
        lambda: SlowEveryHundredth(GraphPositionsApp()),
    ),
]
