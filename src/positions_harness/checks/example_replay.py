"""Documented response examples as something a client can write, and what it may not.

A response example shows a whole workPosition. Replaying it means writing the part a client
may set and checking the service gives it back; the rest is set aside:

* server-managed properties (id, created*, lastModified*) are checked for shape, not value;
* nulls and annotations are left out (the docs shorten responses, nulls mean "not set");
* properties the request schema does not have (e.g. `sources`) are not settable;
* values the request schema refuses are placeholders (e.g. "datetime-value" for a Date): doc
  defects, never replayed as positive cases; each one is replayed as invalid input instead.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import jsonschema

from ..contract.spec import Contract
from .position_shape import SERVER_MANAGED

CREATE_SCHEMA = "workPositionCreate"
# The operations whose documented responses show positions; the examples suite replays each
# (the /users/{id} operations share the same examples).
RESPONSE_OPERATIONS = ("createMyPosition", "updateMyPosition", "getMyPosition", "listMyPositions")
Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Placeholder:
    """A documented value that is not valid input, and the requirement that refuses it."""

    path: Path
    value: Any
    keyword: str  # the schema keyword the value breaks: format, enum, type, ...
    requirement: str

    @property
    def where(self) -> str:
        return ".".join(str(p) for p in self.path)


@dataclass(frozen=True)
class WritablePart:
    body: dict[str, Any]
    placeholders: tuple[Placeholder, ...]
    set_aside: tuple[str, ...]  # server-managed and not-settable properties, by path


def writable_part(
    contract: Contract, position: dict[str, Any], schema: str = CREATE_SCHEMA
) -> WritablePart:
    """Splits a documented workPosition into the body a client writes and what it may not."""
    set_aside = [name for name in SERVER_MANAGED if name in position]
    body = _without_nulls_and_annotations(
        {k: v for k, v in position.items() if k not in SERVER_MANAGED}
    )
    placeholders: list[Placeholder] = []
    validator = contract.validator(schema)
    for _ in range(100):  # each round removes at least one value; a body has fewer
        errors = list(_leaf_errors(validator.iter_errors(body)))
        if not errors:
            break
        for error in sorted(errors, key=lambda e: len(e.absolute_path), reverse=True):
            path = tuple(error.absolute_path)
            if error.validator == "additionalProperties":
                allowed = error.schema.get("properties", {})
                for extra in [k for k in error.instance if k not in allowed]:
                    if _remove(body, (*path, extra)):
                        set_aside.append(".".join(str(p) for p in (*path, extra)))
            elif _remove(body, path):
                placeholders.append(
                    Placeholder(path, error.instance, str(error.validator), _refusing(error))
                )
    else:  # pragma: no cover - a schema that never validates is a bug in the spec
        raise ValueError(f"could not reduce the example to valid input: {position!r}"[:300])
    return WritablePart(body, tuple(placeholders), tuple(set_aside))


def with_value_at(body: dict[str, Any], path: Path, value: Any) -> dict[str, Any]:
    """A copy of `body` with `value` written at `path` (creating objects on the way)."""
    result = copy.deepcopy(body)
    node: Any = result
    for key in path[:-1]:
        node = node.setdefault(key, {}) if isinstance(key, str) else node[key]
    node[path[-1]] = value
    return result


def _refusing(error: jsonschema.ValidationError) -> str:
    """The validation requirement under which a service must refuse the value."""
    last = error.absolute_path[-1] if error.absolute_path else ""
    if error.validator == "format":
        return "POS-VALID-005" if error.validator_value == "date" else "POS-VALID-002"
    if error.validator == "enum":
        return "POS-VALID-003" if last == "allowedAudiences" else "POS-VALID-004"
    return "POS-VALID-002"


def _leaf_errors(errors: Any) -> Iterator[jsonschema.ValidationError]:
    """The innermost errors; for anyOf, the branch errors except "is not null"."""
    for error in errors:
        if error.context:
            yield from _leaf_errors(error.context)
        elif not (error.validator == "type" and error.validator_value == "null"):
            yield error


def _remove(body: Any, path: Path) -> bool:
    node = body
    for key in path[:-1]:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            return False
    if isinstance(node, dict) and path and path[-1] in node:
        del node[path[-1]]
        return True
    return False


def _without_nulls_and_annotations(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: _without_nulls_and_annotations(v)
            for k, v in value.items()
            if v is not None and not k.startswith("@")
        }
    if isinstance(value, list):
        return [_without_nulls_and_annotations(v) for v in value if v is not None]
    return value
