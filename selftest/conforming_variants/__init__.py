"""Conforming variants of the reference: services that differ from it only in ways the docs allow.

The suites must pass against every one (DESIGN.md, "Comparing what a target returns"): a failure
against a variant is a false alarm in the harness, not a defect in the variant. Like the faults,
each module lists its variants in a module-level `VARIANTS` sequence; this package gathers them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..support.gathering import gather


@dataclass(frozen=True)
class Variant:
    """One allowed difference (or several): how to build it and what it does differently."""

    name: str
    description: str
    make_app: Callable[[], Any]


VARIANTS: dict[str, Variant] = gather(__name__, __path__, "VARIANTS")
