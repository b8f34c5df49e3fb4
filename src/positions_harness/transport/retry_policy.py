"""How a request that was throttled or found the service unavailable is retried: the policy of
the official Graph SDKs' retry handler. 429, 503 and 504 are retried; Retry-After is honoured,
in seconds or as an HTTP date; without it the wait backs off exponentially from 3 s; a profile
bounds the number of retries per request and the longest single wait (transport/limits.py).
"""

from __future__ import annotations

import email.utils
import time

RETRYABLE = (429, 503, 504)
FIRST_BACKOFF_SECONDS = 3.0


def parse_retry_after(value: str) -> float:
    """Retry-After is either delta-seconds or an HTTP date; unparsable means the first back-off."""
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return FIRST_BACKOFF_SECONDS
    return max(0.0, when.timestamp() - time.time())


def retry_wait(retry_after: str | None, attempt: int, longest: float) -> float:
    """Seconds to wait before retry number `attempt` (1 for the first retry)."""
    if retry_after is None:
        wait = FIRST_BACKOFF_SECONDS * 2 ** (attempt - 1)
    else:
        wait = parse_retry_after(retry_after)
    return min(max(wait, 0.0), longest)
