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
    max_retry_wait_seconds: float = 30.0
    retry_budget_seconds: float = 120.0
