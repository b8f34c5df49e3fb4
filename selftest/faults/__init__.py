"""Faulty variants of the reference implementation, each one realistic defect a vendor could ship.

Faults live here, never in the reference's code path: each is a small subclass (or wrapper) of
the reference app, in a module named after its family. Every module lists its variants in a
module-level `FAULTS` sequence; this package gathers them into one catalogue by name.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Fault:
    """One defect: how to build it and which requirement ids a run must fail because of it."""

    name: str
    description: str
    make_app: Callable[[], Any]
    expected_failures: frozenset[str]

    def __post_init__(self) -> None:
        object.__setattr__(self, "expected_failures", frozenset(self.expected_failures))


def _gather() -> dict[str, Fault]:
    found: dict[str, Fault] = {}
    for module_info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        for fault in getattr(module, "FAULTS", ()):
            if fault.name in found:
                raise ValueError(f"fault {fault.name!r} is defined twice")
            found[fault.name] = fault
    return found


FAULTS: dict[str, Fault] = _gather()
