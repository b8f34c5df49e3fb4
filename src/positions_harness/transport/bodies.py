"""Bodies as the client writes and reads them: JSON out, JSON in, and every answer read with a
size cap and a deadline, so a hostile or broken server cannot flood or stall the run."""

from __future__ import annotations

import json as jsonlib
import time
from typing import Any

import requests

MAX_RESPONSE_BYTES = 10 * 1024 * 1024


class ResponseTooLarge(requests.RequestException):
    """The target sent more than MAX_RESPONSE_BYTES."""


def read_bounded(response: requests.Response, deadline: float) -> None:
    """Reads a streamed body with a size cap and an overall deadline (a time.monotonic()
    value), for slow-drip servers; the body is then in `response.content`."""
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_content(64 * 1024):
            size += len(chunk)
            if size > MAX_RESPONSE_BYTES:
                raise ResponseTooLarge(
                    f"response body exceeds {MAX_RESPONSE_BYTES // (1024 * 1024)} MiB"
                )
            if time.monotonic() > deadline:
                raise requests.Timeout("response body took too long to arrive")
            chunks.append(chunk)
    finally:
        response.close()
    response._content = b"".join(chunks)


def encode_json(value: Any) -> bytes:
    """UTF-8 JSON, as clients send it; escaped when the value holds lone surrogates."""
    try:
        return jsonlib.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return jsonlib.dumps(value).encode("ascii")


def json_object(response: requests.Response) -> dict[str, Any] | None:
    """The body as a JSON object, or None when it is empty, not JSON or not an object."""
    if not response.content:
        return None
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None
