"""A variant that throttles: 429 with Retry-After, as concepts/throttling.md describes.

Every fifth request of each method is answered 429 + `Retry-After: 1` until that method has been
throttled twice, so every operation meets a throttle and the whole run waits about 8 s at most.
The count is deterministic: the same requests are throttled in every run.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.wrappers import Response

from positions_reference import GraphPositionsApp, wire

from . import Variant
from .representation import EveryAllowedDifference

EVERY = 5
THROTTLES_PER_METHOD = 2


class ThrottlesOneInFive:
    """WSGI middleware: answers one request in five of each method with 429 + Retry-After."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app
        self.prefix = getattr(app, "prefix", "")  # where the served API lives, e.g. /beta
        self._lock = threading.Lock()
        self._seen: Counter[str] = Counter()
        self.throttled: Counter[str] = Counter()

    def _throttle(self, method: str) -> bool:
        with self._lock:
            self._seen[method] += 1
            due = self._seen[method] % EVERY == 0
            if due and self.throttled[method] < THROTTLES_PER_METHOD:
                self.throttled[method] += 1
                return True
            return False

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if not self._throttle(environ.get("REQUEST_METHOD", "GET")):
            return self.app(environ, start_response)
        body = wire.error_body(
            "TooManyRequests", "Too many requests; retry after the time given.", "throttled"
        )
        response = Response(wire.encode_json(body), 429, content_type=wire.JSON_CONTENT_TYPE)
        response.headers["Retry-After"] = "1"
        return response(environ, start_response)


def throttled_reference() -> ThrottlesOneInFive:
    return ThrottlesOneInFive(GraphPositionsApp())


def throttled_with_every_allowed_difference() -> ThrottlesOneInFive:
    return ThrottlesOneInFive(EveryAllowedDifference())


VARIANTS = [
    Variant(
        "throttles-one-in-five",
        "every fifth request of each method answers 429 + Retry-After: 1 (twice per method)",
        throttled_reference,
    ),
    Variant(
        "every-allowed-difference",
        "all representation variants at once, and throttled one request in five",
        throttled_with_every_allowed_difference,
    ),
]
