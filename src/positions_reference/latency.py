"""Added latency: a WSGI wrapper that holds every response back for a fixed time, as a slow
real service would (`python -m positions_reference --latency-ms 300`).

The wait happens in the thread that serves the request, after the app has answered and before
the answer is sent, so concurrent requests wait side by side: the threaded server answers 16
requests at 300 ms in about 300 ms, not 16 x 300 ms.
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable, Iterable
from typing import Any

WsgiApp = Callable[..., Iterable[bytes]]


class DelayedApp:
    """Wraps a WSGI app; every response is sent `latency_ms` milliseconds late.

    Keeps the wrapped app's `prefix` (where the API is served) visible to ReferenceServer and
    hands any other attribute (`store`, ...) through to the wrapped app."""

    def __init__(self, app: WsgiApp, latency_ms: float) -> None:
        if not (math.isfinite(latency_ms) and latency_ms >= 0):
            raise ValueError(f"latency_ms must be a number of milliseconds >= 0, not {latency_ms}")
        self.app = app
        self.latency_ms = latency_ms
        self.prefix = getattr(app, "prefix", "")

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        result = self.app(environ, start_response)
        time.sleep(self.latency_ms / 1000)
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self.__dict__["app"], name)


def with_latency(app: WsgiApp, latency_ms: float) -> WsgiApp:
    """`app` itself when there is no latency to add, else `app` behind a DelayedApp."""
    return DelayedApp(app, latency_ms) if latency_ms else app


def latency_ms_argument(text: str) -> float:
    """argparse type for --latency-ms: a finite number of milliseconds, zero or more."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value >= 0):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a latency: give a number of milliseconds, 0 or more (e.g. 300)"
        )
    return value


def add_latency_option(parser: argparse.ArgumentParser) -> None:
    """Adds --latency-ms to a server's command line (default 0: answer at once)."""
    parser.add_argument(
        "--latency-ms",
        type=latency_ms_argument,
        default=0.0,
        metavar="MS",
        help="hold every response back this many milliseconds before sending it (default 0)",
    )
