"""The limits the client keeps to: per-request timeout, request budget, rate limit and
throttling waits (a target profile's `limits:`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    timeout_seconds: float = 10.0
    request_budget: int = 5000
    rate_limit_per_second: float | None = None
    # Retries per request, as the official Graph SDKs' retry handler does them: 429, 503 and
    # 504 are retried, Retry-After is honoured (seconds or an HTTP date), without it the wait
    # backs off exponentially from 3 s; at most `max_retries` retries of one request, no single
    # wait longer than `max_retry_wait_seconds`. Throttling that outlasts them makes that one
    # check inconclusive; the run goes on.
    max_retries: int = 3
    max_retry_wait_seconds: float = 30.0
    # How long a read may lag a write before a persistence check fails: nothing in the docs
    # promises read-your-writes, and a replicated service shows a write after a moment.
    read_lag_seconds: float = 3.0
