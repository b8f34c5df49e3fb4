"""What generated request bodies may hold (DESIGN: "Comparing what a target returns").

The contract's request schemas draw one line: what they refuse is invalid input. Between what a
conforming service *must* accept and what it *must* refuse lies a band the docs leave to the
service, and generated requests stay out of it both ways:

* valid (positive) bodies hold only values every conforming service must accept.
  `as_must_accept` rewrites a generated body into that form and `maybe_refused` names what
  would be left otherwise. The band, each with its reason:

  - an Int32 written as a float (`0.0`): JSON Schema counts it as an integer, but an OData
    service reads the literal as Edm.Double and may refuse it for an Edm.Int32 ("Cannot
    convert the literal 0.0"). It is sent as the integer.
  - null for a collection, or for allowedAudiences (`x-never-null` in the spec): OData
    collections are never null and Graph refuses null for them. The property is left out.
  - the evolvable-enum sentinel `unknownFutureValue`: it marks values a client does not know
    yet; Graph refuses it as input. The property is left out.
  - control characters (U+0000-U+001F, U+007F) and lone surrogates in strings: JSON can carry
    them escaped, but a service may refuse text holding them. They are removed.
  - `@odata.type` without its leading `#`: the docs write `#microsoft.graph...`; the bare
    form is OData's older spelling, which a service may not take. The `#` is added.
  - an Edm.Date outside 1900-2200 (`0001-01-01`): a real position has none, and a service may
    keep dates in a type of narrower range. The year is moved into the range.
  - an empty PATCH body: it changes nothing, and a service may refuse it as having no
    properties to update (`is_empty_update`; such cases are not sent).

* invalid (negative) bodies must be invalid by a doc sentence; which sentence is decided by
  check_requirements.doc_invalidity. What the schema refuses only by its strictness is no
  such sentence: server-managed properties (POS-MANAGED-003 lets a service ignore them),
  `source` on update (DOC-UPDATE-SOURCE), and the names Graph's $metadata has though the pages
  lack them (`x-graph-metadata-only`), which a service built on that metadata accepts.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..checks.position_shape import SERVER_MANAGED
from ..contract.instants import DATE
from ..contract.spec import load_contract

SENTINEL = "unknownFutureValue"
FIRST_YEAR, LAST_YEAR = 1900, 2200  # Edm.Date values a real-world position can carry
REQUEST_ROOTS = {"POST": "workPositionCreate", "PATCH": "workPositionUpdate"}
# Properties the strict request schema leaves out that a service may refuse or ignore: sending
# them is neither valid nor invalid input (top level only).
TOLERATED_EXTRAS = {
    "POST": frozenset(SERVER_MANAGED),
    "PATCH": frozenset({*SERVER_MANAGED, "source"}),  # DOC-UPDATE-SOURCE
}
_UNSAFE_CHARACTERS = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")


@dataclass(frozen=True)
class RequestRules:
    """Per property name, what the request schemas say of it (the names do not clash)."""

    integers: frozenset[str]  # Int32: a JSON integer
    dates: frozenset[str]  # Edm.Date
    never_null: frozenset[str]  # x-never-null
    with_sentinel: frozenset[str]  # enums that list unknownFutureValue
    metadata_only: frozenset[str]  # x-graph-metadata-only


@functools.cache
def request_rules() -> RequestRules:
    """The rules, read from the request schemas of openapi/positions.yaml."""
    schemas = load_contract().document["components"]["schemas"]
    kinds: dict[str, set[str]] = {
        key: set() for key in ("integers", "dates", "never_null", "with_sentinel")
    }
    metadata_only: set[str] = set()
    for name in _reachable(schemas, REQUEST_ROOTS.values()):
        schema = schemas[name]
        metadata_only.update(schema.get("x-graph-metadata-only", ()))
        for prop, definition in schema.get("properties", {}).items():
            resolved = _resolve(schemas, definition)
            types = resolved.get("type", [])
            if "integer" in (types if isinstance(types, list) else [types]):
                kinds["integers"].add(prop)
            if resolved.get("format") == "date":
                kinds["dates"].add(prop)
            if definition.get("x-never-null"):
                kinds["never_null"].add(prop)
            if SENTINEL in resolved.get("enum", ()):
                kinds["with_sentinel"].add(prop)
    return RequestRules(
        **{key: frozenset(names) for key, names in kinds.items()},
        metadata_only=frozenset(metadata_only),
    )


def as_must_accept(body: Any, rules: RequestRules | None = None) -> Any:
    """A copy of a valid body with every value a service may refuse made one it must take."""
    return _rewrite(body, rules or request_rules())


def maybe_refused(body: Any, rules: RequestRules | None = None) -> list[str]:
    """Where a valid body holds a value a conforming service may refuse, one line each."""
    return [f"{'.'.join(map(str, path)) or '(body)'}: {why}" for path, why in _band(body, rules)]


def is_empty_update(method: str, body: Any) -> bool:
    return method.upper() == "PATCH" and body == {}


# ---------------------------------------------------------------------------------- internals
def _rewrite(value: Any, rules: RequestRules) -> Any:
    if isinstance(value, str):
        return _UNSAFE_CHARACTERS.sub("", value)
    if isinstance(value, list):
        return [_rewrite(item, rules) for item in value]
    if not isinstance(value, dict):
        return value
    result: dict[str, Any] = {}
    for key, item in value.items():
        if item is None and key in rules.never_null:
            continue
        if item == SENTINEL and key in rules.with_sentinel:
            continue
        if key == "@odata.type" and isinstance(item, str) and not item.startswith("#"):
            item = "#" + item
        elif key in rules.integers and isinstance(item, float) and item.is_integer():
            item = int(item)
        elif key in rules.dates and isinstance(item, str):
            item = _date_in_range(item)
        result[key] = _rewrite(item, rules)
    return result


def _band(
    value: Any, rules: RequestRules | None, path: tuple[Any, ...] = ()
) -> Iterator[tuple[tuple[Any, ...], str]]:
    rules = rules or request_rules()
    if isinstance(value, str):
        if _UNSAFE_CHARACTERS.search(value):
            yield path, "text with a control character or a lone surrogate"
        return
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield from _band(item, rules, (*path, index))
        return
    if not isinstance(value, dict):
        return
    for key, item in value.items():
        where = (*path, key)
        if item is None and key in rules.never_null:
            yield where, "null for a property Graph never has null (a collection)"
        elif item == SENTINEL and key in rules.with_sentinel:
            yield where, f"the evolvable-enum sentinel {SENTINEL}"
        elif key == "@odata.type" and isinstance(item, str) and not item.startswith("#"):
            yield where, f"{item!r} without the leading # the docs write"
        elif key in rules.integers and isinstance(item, float):
            yield where, f"the Int32 written as the float {item!r}"
        elif key in rules.dates and isinstance(item, str) and _date_in_range(item) != item:
            yield where, f"the date {item!r} outside {FIRST_YEAR}-{LAST_YEAR}"
        yield from _band(item, rules, where)


def _date_in_range(value: str) -> str:
    """The same month and day in a year within FIRST_YEAR..LAST_YEAR (a non-date unchanged)."""
    if not DATE.match(value):
        return value
    try:
        date = dt.date.fromisoformat(value)
    except ValueError:
        return value
    if FIRST_YEAR <= date.year <= LAST_YEAR:
        return value
    year = min(max(date.year, FIRST_YEAR), LAST_YEAR)
    day = date.day if (date.month, date.day) != (2, 29) else 28  # 1900 and 2200 are no leap years
    return dt.date(year, date.month, day).isoformat()


def _resolve(schemas: dict[str, Any], definition: dict[str, Any]) -> dict[str, Any]:
    """A property's schema with its $ref followed and an anyOf [X, null] read as X."""
    if "$ref" in definition:
        return _resolve(schemas, schemas[definition["$ref"].rsplit("/", 1)[-1]])
    branches = [b for b in definition.get("anyOf", ()) if b != {"type": "null"}]
    if len(branches) == 1:
        return _resolve(schemas, branches[0])
    return definition


def _reachable(schemas: dict[str, Any], roots: Any) -> list[str]:
    """The schema names reachable by $ref from `roots`, roots included."""
    found: list[str] = []
    pending = list(roots)
    while pending:
        name = pending.pop()
        if name in found:
            continue
        found.append(name)
        pending.extend(_refs(schemas[name]))
    return found


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"].rsplit("/", 1)[-1]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)
