"""Small WSGI plumbing shared by the allowance variants that sit in front of the reference."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterable
from typing import Any

WsgiApp = Callable[..., Iterable[bytes]]


class Middleware:
    """Wraps a WSGI app and keeps its `prefix` (where the API is served, e.g. /beta) visible."""

    def __init__(self, app: WsgiApp) -> None:
        self.app = app
        self.prefix = getattr(app, "prefix", "")

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        return self.app(environ, start_response)


class EveryNth:
    """Thread-safe: true for every `every`-th call, at most `limit` times (None: no limit)."""

    def __init__(self, every: int, limit: int | None) -> None:
        self.every = every
        self.limit = limit
        self.fired = 0
        self._calls = itertools.count(1)
        self._lock = threading.Lock()

    def __call__(self) -> bool:
        with self._lock:
            due = next(self._calls) % self.every == 0
            if due and (self.limit is None or self.fired < self.limit):
                self.fired += 1
                return True
            return False


def call_and_capture(
    app: WsgiApp, environ: dict[str, Any]
) -> tuple[str, list[tuple[str, str]], bytes]:
    """Runs `app` to completion and returns its status line, headers and whole body."""
    captured: list[Any] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        captured[:] = [status, list(headers)]
        return lambda data: None

    result = app(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    return captured[0], captured[1], body
