"""OData system query options supported by the reference: $select, $top, $skip, $orderby."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from werkzeug.datastructures import MultiDict

from . import graph_types

ORDERABLE = ("createdDateTime", "lastModifiedDateTime")
_UINT_RE = re.compile(r"[0-9]{1,10}")


class QueryError(ValueError):
    """An unsupported or malformed query option (answered 400 BadRequest)."""


@dataclass(frozen=True)
class ListOptions:
    select: tuple[str, ...] | None = None
    top: int | None = None
    skip: int = 0
    orderby: tuple[tuple[str, bool], ...] = (("createdDateTime", False),)  # (name, descending)


def system_options(args: MultiDict[str, str], allowed: Iterable[str]) -> dict[str, str]:
    """The ``$``-prefixed options by lower-cased name; other parameters are ignored.
    Unsupported, repeated and ``$filter`` options raise :class:`QueryError`."""
    allowed = set(allowed)
    options: dict[str, str] = {}
    for raw_name in args:
        name = raw_name.lower()
        if not name.startswith("$"):
            continue
        if name == "$filter":
            raise QueryError(
                "The query option '$filter' is not supported by this reference implementation."
            )
        if name not in allowed:
            raise QueryError(f"The query option '{raw_name[:50]}' is not supported here.")
        values = args.getlist(raw_name)
        if name in options or len(values) > 1:
            raise QueryError(f"The query option '{raw_name[:50]}' is specified more than once.")
        options[name] = values[0]
    return options


def entity_select(args: MultiDict[str, str]) -> tuple[str, ...] | None:
    """$select for a single entity (the only option accepted there)."""
    options = system_options(args, ("$select",))
    return parse_select(options["$select"]) if "$select" in options else None


def list_options(args: MultiDict[str, str]) -> ListOptions:
    options: Mapping[str, str] = system_options(args, ("$select", "$top", "$skip", "$orderby"))
    default = ListOptions()
    return ListOptions(
        select=parse_select(options["$select"]) if "$select" in options else None,
        top=parse_count("$top", options["$top"]) if "$top" in options else None,
        skip=parse_count("$skip", options["$skip"]) if "$skip" in options else 0,
        orderby=parse_orderby(options["$orderby"]) if "$orderby" in options else default.orderby,
    )


def parse_select(value: str) -> tuple[str, ...]:
    """Comma list of top-level workPosition properties (or ``*``), in request order."""
    props = graph_types.TYPES[graph_types.ENTITY_TYPE].props
    names: list[str] = []
    for part in value.split(","):
        name = part.strip()
        if name == "*":
            names.extend(props)
        elif name in props:
            names.append(name)
        else:
            raise QueryError(
                f"Could not find a property named '{name[:100] or '(empty)'}' on type "
                f"'{graph_types.NAMESPACE}.{graph_types.ENTITY_TYPE}' ($select)."
            )
    return tuple(dict.fromkeys(names))


def parse_count(name: str, value: str) -> int:
    """A non-negative Int32 written in plain digits."""
    if not _UINT_RE.fullmatch(value) or int(value) > graph_types.INT32_MAX:
        raise QueryError(
            f"Invalid value '{value[:50]}' for query option '{name}': "
            "expected a non-negative integer."
        )
    return int(value)


def parse_orderby(value: str) -> tuple[tuple[str, bool], ...]:
    """``prop [asc|desc]`` clauses, comma separated, over :data:`ORDERABLE`."""
    clauses: list[tuple[str, bool]] = []
    for part in value.split(","):
        words = part.split()
        valid = (
            1 <= len(words) <= 2
            and words[0] in ORDERABLE
            and (len(words) == 1 or words[1].lower() in ("asc", "desc"))
        )
        if not valid or words[0] in (name for name, _ in clauses):
            raise QueryError(
                f"Invalid $orderby clause '{part.strip()[:100]}': expected createdDateTime or "
                "lastModifiedDateTime, optionally followed by asc or desc."
            )
        clauses.append((words[0], len(words) == 2 and words[1].lower() == "desc"))
    return tuple(clauses)
