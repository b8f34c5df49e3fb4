"""Bodies as the client writes and reads them: JSON out, JSON in, and every answer read with a
size cap and a deadline, so a hostile or broken server cannot flood or stall the run."""

from __future__ import annotations

import json as jsonlib
import time
from collections.abc import Mapping
from typing import Any

import requests

from .redaction import Secret

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


USER_AGENT = "graph-positions-harness/0.1"

# `auth` argument of GraphClient.request: True sends the bearer token, False sends no
# Authorization header, a string is sent as the raw Authorization header (for auth tests).
Auth = bool | str


def outgoing(
    method: str,
    token: Secret,
    json: Any,
    content: bytes | str | None,
    headers: Mapping[str, str] | None,
    auth: Auth,
) -> tuple[bytes | None, dict[str, str]]:
    """The body and headers a request goes out with."""
    send_headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
    if auth is True:
        send_headers["Authorization"] = f"Bearer {token.reveal()}"
    elif isinstance(auth, str):
        send_headers["Authorization"] = auth
    body: bytes | None = None
    if json is not None:
        body = encode_json(json)
        send_headers["Content-Type"] = "application/json"
    elif content is not None:
        body = content.encode("utf-8") if isinstance(content, str) else content
    send_headers.update(headers or {})
    if method.upper() == "DELETE" and not any(h.lower() == "content-type" for h in send_headers):
        # The Delete page lists Content-Type: application/json as required, body or not
        # (DOC-DELETE-CONTENT-TYPE): a service that insists on it must not fail the run.
        send_headers["Content-Type"] = "application/json"
    return body, send_headers
