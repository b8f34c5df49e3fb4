"""Allowance variants: the reference changed in exactly one way the docs (or HTTP, OData, an RFC)
leave open, each naming the page section or RFC that allows it.

The conforming variants (`selftest/conforming_variants/`) show that the harness accepts other
*representations* of the reference's own answers. These go further: each one takes a freedom the
reference does not take (refuses what the reference accepts, answers another allowed status,
pages, lags, throttles without a cap per method ...), so a harness that quietly learned the
reference's reading of the docs raises a false alarm here. The suites must pass against every
one. Each module lists its variants in a module-level `VARIANTS` sequence; this package gathers
them into `ALLOWANCES`, one catalogue by name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..support.gathering import gather


@dataclass(frozen=True)
class Allowance:
    """One freedom: how to build the service that takes it, what it does, and who allows it."""

    name: str
    description: str
    make_app: Callable[[], Any]
    allowed_by: str  # the doc page and section, or the RFC/OData section, that leaves it open

    def __post_init__(self) -> None:
        if not self.allowed_by.strip():
            raise ValueError(f"allowance {self.name!r} names nothing that allows it")


ALLOWANCES: dict[str, Allowance] = gather(__name__, __path__, "VARIANTS")
