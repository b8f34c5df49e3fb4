"""Faulty variants of the reference implementation, each one realistic defect a vendor could ship.

Faults live here, never in the reference's code path: each is a small subclass (or wrapper) of
the reference app, in a module named after its family. Every module lists its variants in a
module-level `FAULTS` sequence; this package gathers them into one catalogue by name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..support.gathering import gather


@dataclass(frozen=True)
class Fault:
    """One defect: how to build it and which requirement ids a run must fail because of it."""

    name: str
    description: str
    make_app: Callable[[], Any]
    expected_failures: frozenset[str]

    def __post_init__(self) -> None:
        object.__setattr__(self, "expected_failures", frozenset(self.expected_failures))


def map_text(value: Any, change: Callable[[str], str]) -> Any:
    """`value` with `change` applied to every string inside it (for faults that damage text)."""
    if isinstance(value, str):
        return change(value)
    if isinstance(value, dict):
        return {key: map_text(item, change) for key, item in value.items()}
    if isinstance(value, list):
        return [map_text(item, change) for item in value]
    return value


FAULTS: dict[str, Fault] = gather(__name__, __path__, "FAULTS")
