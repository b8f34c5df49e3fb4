"""Validation of POST/PATCH bodies against the type table, and the Edm format predicates.

:func:`clean_entity` checks a workPosition request body and keeps the client-settable
properties; :func:`is_edm_date` and :func:`is_date_time_offset` check date/date-time text.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from typing import Any

from .graph_types import (
    BOOLEAN,
    COMPLEX,
    DATE,
    DATETIME,
    DOUBLE,
    ENTITY_TYPE,
    ENUM,
    ENUMS,
    INT32,
    INT32_MAX,
    INT32_MIN,
    NAMESPACE,
    STRING,
    TYPES,
    ComplexType,
    Prop,
)

_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DATETIME_RE = re.compile(
    r"([0-9]{4}-[0-9]{2}-[0-9]{2})T([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]{1,7}))?)?"
    r"(Z|[+-][0-9]{2}:[0-9]{2})"
)


class ValidationError(ValueError):
    """A request body does not match the type table; the message names the property."""


def clean_entity(body: Any, *, for_update: bool) -> dict[str, Any]:
    """Validate a workPosition request body.

    Returns the client-settable properties only: annotations and server-managed
    properties are checked and dropped. Raises :class:`ValidationError`.
    """
    if not isinstance(body, dict):
        raise ValidationError("The request body must be a JSON object.")
    return _clean_object(TYPES[ENTITY_TYPE], body, "", for_update)


def _where(path: str) -> str:
    return f" (at '{path}')" if "." in path or "[" in path else ""


def _clean_object(
    ctype: ComplexType, value: dict[str, Any], path: str, for_update: bool
) -> dict[str, Any]:
    top = path == ""
    out: dict[str, Any] = {}
    for key, item in value.items():
        where = f"{path}.{key}" if path else key
        if key == "@odata.type":
            _check_odata_type(ctype, item, where)
            continue
        if top and key == "@odata.context":
            if not isinstance(item, str):
                raise ValidationError("The annotation '@odata.context' must be a string.")
            continue
        prop = ctype.props.get(key)
        if prop is None and ctype.open_members:
            prop = Prop(COMPLEX, ctype.open_members)
        if prop is None:
            raise ValidationError(
                f"The property '{key}' does not exist on type '{ctype.qualified_name}'."
                + _where(where)
            )
        if top and for_update and not prop.on_update:
            raise ValidationError(
                f"The property '{key}' cannot be set on update of type '{ctype.qualified_name}'."
            )
        cleaned = _clean_value(prop, item, where)
        if not prop.server_managed:
            out[key] = cleaned
    return out


def _check_odata_type(ctype: ComplexType, value: Any, where: str) -> None:
    allowed = (f"#{ctype.qualified_name}", ctype.qualified_name)
    if value not in allowed:
        raise ValidationError(
            f"Invalid '@odata.type' at '{where}': expected '#{ctype.qualified_name}'."
        )


def _clean_value(prop: Prop, value: Any, where: str) -> Any:
    if value is None:
        return None
    if not prop.collection:
        return _clean_single(prop, value, where)
    if not isinstance(value, list):
        raise ValidationError(f"The property '{where}' must be a JSON array.")
    return [_clean_single(prop, element, f"{where}[{i}]") for i, element in enumerate(value)]


def _expected(prop: Prop) -> str:
    if prop.kind == COMPLEX:
        return f"an object of type '{NAMESPACE}.{prop.ref}'"
    if prop.kind == ENUM:
        return "one of: " + ", ".join(ENUMS[prop.ref or ""])
    return {
        STRING: "a string",
        BOOLEAN: "a boolean (true or false)",
        INT32: f"an integer between {INT32_MIN} and {INT32_MAX}",
        DOUBLE: "a finite number",
        DATE: "a date in the form YYYY-MM-DD",
        DATETIME: "a date-time with offset, such as 2020-07-06T06:34:12.2294868Z",
    }[prop.kind]


def _clean_single(prop: Prop, value: Any, where: str) -> Any:
    cleaned = _convert(prop, value, where)
    if cleaned is _INVALID:
        raise ValidationError(f"Invalid value for property '{where}': expected {_expected(prop)}.")
    return cleaned


_INVALID = object()


def _convert(prop: Prop, value: Any, where: str) -> Any:
    kind = prop.kind
    if kind == COMPLEX:
        if not isinstance(value, dict):
            return _INVALID
        return _clean_object(TYPES[prop.ref or ""], value, where, for_update=False)
    if kind == BOOLEAN:
        return value if type(value) is bool else _INVALID
    if kind == INT32:
        # JSON has one number type: 3.0 is the integer 3 (as JSON Schema counts it).
        if type(value) is float and value.is_integer():
            value = int(value)
        ok = type(value) is int and INT32_MIN <= value <= INT32_MAX
        return value if ok else _INVALID
    if kind == DOUBLE:
        return _to_double(value)
    if not isinstance(value, str):
        return _INVALID
    if not _is_encodable(value):
        raise ValidationError(f"The string at '{where}' contains an unpaired surrogate.")
    if kind == STRING:
        return value
    if kind == ENUM:
        return value if value in ENUMS[prop.ref or ""] else _INVALID
    if kind == DATE:
        return value if is_edm_date(value) else _INVALID
    return value if is_date_time_offset(value) else _INVALID


def _to_double(value: Any) -> Any:
    if type(value) not in (int, float):
        return _INVALID
    try:
        number = float(value)
    except OverflowError:
        return _INVALID
    return number if math.isfinite(number) else _INVALID


def _is_encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def is_edm_date(text: str) -> bool:
    """True for ``YYYY-MM-DD`` naming a real calendar date."""
    if not _DATE_RE.fullmatch(text):
        return False
    try:
        _dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def is_date_time_offset(text: str) -> bool:
    """True for an RFC 3339 date-time with ``Z`` or a numeric offset (up to 7 fraction digits)."""
    match = _DATETIME_RE.fullmatch(text)
    if not match:
        return False
    date, hour, minute, second, _, offset = match.groups()
    if not is_edm_date(date):
        return False
    if int(hour) > 23 or int(minute) > 59 or int(second or 0) > 59:
        return False
    return offset == "Z" or (int(offset[1:3]) <= 23 and int(offset[4:6]) <= 59)
