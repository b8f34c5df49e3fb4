"""Faulty variants of the reference implementation, each one realistic defect.

Faults live here, never in the reference's code path: each is a small subclass of the
reference app. `FAULTS` maps a name to the variant and the requirement ids the harness must
fail when run against it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from positions_reference import GraphPositionsApp

from .patch_semantics import PatchReplacesWholeObject


@dataclass(frozen=True)
class Fault:
    name: str
    description: str
    make_app: Callable[[], GraphPositionsApp]
    expected_failures: frozenset[str]


FAULTS = {
    fault.name: fault
    for fault in (
        Fault(
            "patch-replaces-object",
            "PATCH replaces the whole position with the body instead of merging it",
            PatchReplacesWholeObject,
            frozenset({"POS-UPDATE-003"}),
        ),
    )
}
