"""Tolerant comparison of what a target returns with what the client wrote (DESIGN: Comparing).

Accepted: extra properties at any level, unset properties omitted or null, any key order, dates
in date or RFC 3339 date-time form. Insisted on: every written value comes back equal - text
exactly, numbers by value, booleans as booleans, lists element by element.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from ..contract.instants import DATE, RFC3339, parse_rfc3339

# Edm.Date properties: a service may answer them as a date-time (see DOC-DATE-PLACEHOLDER).
DATE_PROPERTIES = frozenset({"startMonthYear", "endMonthYear"})
ANNOTATION_PREFIX = "@"


def rfc3339_sort_key(value: str) -> tuple[dt.datetime, str]:
    """Orders RFC 3339 values at full precision (digits past microseconds break ties)."""
    parsed = parse_rfc3339(value)
    if parsed is None:
        raise ValueError(f"{value!r} is not an RFC 3339 date-time")
    fraction = RFC3339.match(value).group(7) or ""  # type: ignore[union-attr]
    return parsed, fraction[7:].ljust(12, "0")


def is_later(after: str, before: str) -> bool:
    """True when RFC 3339 `after` is strictly later than `before` (full precision)."""
    return rfc3339_sort_key(after) > rfc3339_sort_key(before)


def as_date(value: Any) -> str | None:
    """The date a date or RFC 3339 date-time names (YYYY-MM-DD), else None."""
    if not isinstance(value, str):
        return None
    if DATE.match(value):
        return value
    parsed = parse_rfc3339(value)
    return parsed.date().isoformat() if parsed is not None else None


def same_date(sent: str, received: Any) -> bool:
    """Whether `received` names the date `sent` names; either may be a date or a date-time (a
    value a service answered can be compared with a later answer the same way)."""
    date = as_date(sent)
    return date is not None and as_date(received) == date


def _collection_differences(sent: list[Any], received: list[Any], where: str) -> list[str]:
    """A collection comes back with every item written, in any order: no page documents the
    order of a collection, so each sent item is matched with a distinct received one."""
    unmatched = list(range(len(received)))
    differences: list[str] = []
    for index, item in enumerate(sent):
        match = next((j for j in unmatched if not echo_differences(item, received[j])), None)
        if match is None:
            closest = unmatched[0] if index not in unmatched else index
            differences += echo_differences(item, received[closest], f"{where}[{index}]")
            unmatched.remove(closest)
        else:
            unmatched.remove(match)
    return differences


def echo_differences(sent: Any, received: Any, path: str = "") -> list[str]:
    """Lists every place where `received` does not carry a value the client `sent`."""
    where = path or "body"
    if sent is None:
        return [] if received is None else [f"{where}: sent null, got {received!r}"]
    if isinstance(sent, Mapping):
        if not isinstance(received, Mapping):
            return [f"{where}: sent an object, got {_describe(received)}"]
        differences: list[str] = []
        for key, value in sent.items():
            if key.startswith(ANNOTATION_PREFIX):
                continue
            child = f"{path}.{key}" if path else key
            if key not in received:
                if value is not None:
                    differences.append(f"{child}: sent {value!r}, missing in the response")
                continue
            if key in DATE_PROPERTIES and isinstance(value, str):
                if not same_date(value, received[key]):
                    differences.append(f"{child}: sent {value!r}, got {received[key]!r}")
                continue
            differences += echo_differences(value, received[key], child)
        return differences
    if isinstance(sent, list):
        if not isinstance(received, list):
            return [f"{where}: sent a list, got {_describe(received)}"]
        if len(sent) != len(received):
            return [f"{where}: sent {len(sent)} items, got {len(received)}"]
        return _collection_differences(sent, received, where)
    if isinstance(sent, bool) or isinstance(received, bool):
        return [] if sent is received else [f"{where}: sent {sent!r}, got {received!r}"]
    if isinstance(sent, int | float):
        same = isinstance(received, int | float) and sent == received
        return [] if same else [f"{where}: sent {sent!r}, got {received!r}"]
    return [] if sent == received else [f"{where}: sent {sent!r}, got {received!r}"]


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    return f"{type(value).__name__} {value!r}"[:200]


def same_instant(first: Any, second: Any) -> bool:
    """Two RFC 3339 values name the same instant, to the precision of the less precise one:
    "...:06.1234567Z" and "...:06.123+00:00" are one instant written twice."""
    try:
        keys = rfc3339_sort_key(first), rfc3339_sort_key(second)
    except ValueError:
        return False
    digits = min(_fraction_digits(first), _fraction_digits(second))
    return _truncated(keys[0], digits) == _truncated(keys[1], digits)


def _truncated(key: tuple[dt.datetime, str], digits: int) -> tuple[dt.datetime, str]:
    moment, beyond_micro = key
    if digits >= 6:
        return moment, beyond_micro[: digits - 6]
    step = 10 ** (6 - digits)
    return moment.replace(microsecond=moment.microsecond // step * step), ""


def _fraction_digits(value: str) -> int:
    match = RFC3339.match(value)
    return len((match.group(7) or ".")[1:]) if match else 0


def identity_ids(identity_set: Any) -> dict[str, Any]:
    """The ids in an identitySet, by kind (user, application, device, ...)."""
    if not isinstance(identity_set, Mapping):
        return {}
    return {
        kind: identity.get("id")
        for kind, identity in identity_set.items()
        if isinstance(identity, Mapping) and identity.get("id") is not None
    }


def same_identity_set(first: Any, second: Any) -> bool:
    """Two identitySets name the same actors: compared by id, since identity.md lets
    displayName be missing or out of date. An unset identitySet matches anything."""
    ids = identity_ids(first), identity_ids(second)
    return not ids[0] or not ids[1] or ids[0] == ids[1]
