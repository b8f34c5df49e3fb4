"""Shaping of stored (sparse) objects into the full representation the type table describes."""

from __future__ import annotations

from typing import Any

from .graph_types import COMPLEX, TYPES


def shape(type_name: str, value: dict[str, Any] | None) -> dict[str, Any] | None:
    """Full representation of a stored (sparse) object: every documented property present."""
    if value is None:
        return None
    ctype = TYPES[type_name]
    out: dict[str, Any] = {}
    for name, prop in ctype.props.items():
        item = value.get(name)
        if item is not None and prop.kind == COMPLEX:
            if prop.collection:
                item = [shape(prop.ref or "", element) for element in item]
            else:
                item = shape(prop.ref or "", item)
        elif item is not None and prop.collection:
            item = list(item)
        out[name] = item
    return out
