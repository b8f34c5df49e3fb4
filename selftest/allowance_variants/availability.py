"""Freedoms in availability: throttling and transient unavailability, each bounded so a run
still ends.

concepts/throttling.md: a throttled request gets 429 and "A suggested wait time is returned in
the response header"; concepts/errors.md: 503 "You may repeat the request after a delay, the
length of which may be specified in a Retry-After header" (may: it need not be).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from typing import Any

from werkzeug.http import http_date
from werkzeug.wrappers import Response

from positions_reference import GraphPositionsApp, wire

from ..conforming_variants.throttling import EVERY, ThrottlesOneInFive
from . import Allowance
from .wsgi import EveryNth, Middleware

THROTTLES_IN_ALL = 60
UNAVAILABLE_EVERY, UNAVAILABLE_IN_ALL = 11, 6
RETRY_AFTER_DATE_SECONDS = 2


class ThrottlesOneInFiveUpToSixty(ThrottlesOneInFive):
    """Every fifth request of each method is answered 429 + `Retry-After: 1`, with no cap per
    method, until 60 requests in all have been throttled (a realistic throttle, bounded in time).

    concepts/throttling.md, What happens when throttling occurs; "writes are throttled but reads
    are still permitted" is one of the shapes it names."""

    def _throttle(self, method: str) -> bool:
        with self._lock:
            self._seen[method] += 1
            due = self._seen[method] % EVERY == 0
            if due and sum(self.throttled.values()) < THROTTLES_IN_ALL:
                self.throttled[method] += 1
                return True
            return False


class ThrottleRetryAfterAsDate(Middleware):
    """The capped throttle of `throttles-one-in-five` (twice per method), with `Retry-After`
    written as an HTTP-date two seconds ahead instead of a number of seconds.

    RFC 9110 §10.2.3: Retry-After is "either an HTTP-date or a number of seconds";
    concepts/throttling.md names the header, not its form."""

    def __init__(self) -> None:
        super().__init__(ThrottlesOneInFive(GraphPositionsApp()))

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        def dated(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            if status.startswith("429"):
                when = http_date(time.time() + RETRY_AFTER_DATE_SECONDS)
                headers = [(k, when if k.lower() == "retry-after" else v) for k, v in headers]
            return start_response(status, headers, exc_info)

        return self.app(environ, dated)


class UnavailableWithoutRetryAfter(Middleware):
    """Every eleventh request is answered `503 Service Unavailable` with a Graph error body and
    no Retry-After, six times in a run; the request was not carried out.

    concepts/errors.md: 503 "You may repeat the request after a delay, the length of which may
    be specified in a Retry-After header"; RFC 9110 §15.6.4 (Retry-After optional on 503)."""

    def __init__(self) -> None:
        super().__init__(GraphPositionsApp())
        self.due = EveryNth(UNAVAILABLE_EVERY, UNAVAILABLE_IN_ALL)
        self.answered: Counter[str] = Counter()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if not self.due():
            return self.app(environ, start_response)
        self.answered[environ.get("REQUEST_METHOD", "GET")] += 1
        body = wire.error_body(
            "serviceNotAvailable", "The service is temporarily unavailable.", "unavailable"
        )
        response = Response(wire.encode_json(body), 503, content_type=wire.JSON_CONTENT_TYPE)
        return response(environ, start_response)


VARIANTS = [
    Allowance(
        "throttles-one-in-five-uncapped",
        "every 5th request of each method gets 429 + Retry-After: 1, no cap per method, 60 in all",
        lambda: ThrottlesOneInFiveUpToSixty(GraphPositionsApp()),
        "concepts/throttling.md, What happens when throttling occurs",
    ),
    Allowance(
        "retry-after-http-date",
        "the capped one-in-five throttle with Retry-After as an HTTP-date 2 s ahead",
        ThrottleRetryAfterAsDate,
        "RFC 9110 §10.2.3 (Retry-After: HTTP-date or seconds)",
    ),
    Allowance(
        "unavailable-without-retry-after",
        "every 11th request gets 503 + Graph error body, no Retry-After, 6 times in all",
        UnavailableWithoutRetryAfter,
        "concepts/errors.md, HTTP status codes (503); RFC 9110 §15.6.4",
    ),
]
