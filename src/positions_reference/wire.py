"""Wire-format helpers: strict JSON in, UTF-8 JSON out, media types, timestamps."""

from __future__ import annotations

import datetime as _dt
import json
import math
import time
from typing import Any

from werkzeug.http import parse_options_header

MAX_BODY_BYTES = 4 * 1024 * 1024
JSON_CONTENT_TYPE = (
    "application/json;odata.metadata=minimal;odata.streaming=true;"
    "IEEE754Compatible=false;charset=utf-8"
)
TICKS_PER_SECOND = 10_000_000  # one tick = 100 ns, the resolution of Graph timestamps
_EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.UTC)


class BodyError(ValueError):
    """The request body is not acceptable JSON; the message says why."""


def is_json_media_type(content_type: str | None) -> bool:
    """True for ``application/json`` with any parameters, compared case-insensitively."""
    if not content_type:
        return False
    mimetype, _ = parse_options_header(content_type)
    return mimetype.strip().lower() == "application/json"


def _reject_constant(name: str) -> Any:
    raise BodyError(f"The JSON literal '{name}' is not allowed.")


def _parse_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise BodyError(f"The JSON number '{text[:40]}' is out of range.")
    return value


def _object_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise BodyError(f"The property '{key}' appears more than once in one object.")
        result[key] = value
    return result


def parse_json_body(raw: bytes) -> Any:
    """Decode a request body: UTF-8 (optional BOM), one JSON value, no NaN/Infinity,
    no duplicate keys. Raises :class:`BodyError`."""
    if not raw.strip():
        raise BodyError("The request body is empty; a JSON object is expected.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BodyError(f"The request body is not valid UTF-8 (byte {exc.start}).") from None
    try:
        return json.loads(
            text,
            parse_constant=_reject_constant,
            parse_float=_parse_float,
            object_pairs_hook=_object_without_duplicates,
        )
    except BodyError:
        raise
    except json.JSONDecodeError as exc:
        raise BodyError(
            f"The request body is not valid JSON: {exc.msg} "
            f"(line {exc.lineno}, column {exc.colno})."
        ) from None
    except RecursionError:
        raise BodyError("The request body is nested too deeply.") from None
    except ValueError as exc:  # e.g. integers longer than the int conversion limit
        raise BodyError(f"The request body could not be parsed: {str(exc)[:200]}") from None


def encode_json(body: Any) -> bytes:
    """Compact UTF-8 JSON (non-ASCII kept literal). Falls back to ``\\u`` escapes
    if some string cannot be encoded as UTF-8."""
    try:
        text = json.dumps(body, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        return text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(body, ensure_ascii=True, allow_nan=False, separators=(",", ":"))
        return text.encode("ascii")


def error_body(
    code: str, message: str, request_id: str, client_request_id: str | None = None
) -> dict[str, Any]:
    """The Graph error shape, with innerError date and request ids."""
    return {
        "error": {
            "code": code,
            "message": message,
            "innerError": {
                "date": format_seconds(ticks_now()),
                "request-id": request_id,
                "client-request-id": client_request_id or request_id,
            },
        }
    }


def ticks_now() -> int:
    """Current UTC time in 100-ns ticks since the Unix epoch."""
    return time.time_ns() // 100


def format_ticks(ticks: int) -> str:
    """RFC 3339 UTC with seven fractional digits, e.g. ``2020-07-06T06:34:12.2294868Z``."""
    seconds, fraction = divmod(ticks, TICKS_PER_SECOND)
    moment = _EPOCH + _dt.timedelta(seconds=seconds)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{fraction:07d}Z"


def format_seconds(ticks: int) -> str:
    """RFC 3339 UTC without fraction, e.g. ``2020-07-06T06:34:12Z``."""
    moment = _EPOCH + _dt.timedelta(seconds=ticks // TICKS_PER_SECOND)
    return f"{moment:%Y-%m-%dT%H:%M:%S}Z"
