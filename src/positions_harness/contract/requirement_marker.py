"""The requirement marker: its name, which tests must carry it, the ids it names and
what makes a use of it wrong (read by the run's collection and by `coverage`).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ..locations import SUITES_DIR
from .catalogue import Catalogue

MARKER = "requirement"


def is_suite_item(item: pytest.Item) -> bool:
    return Path(str(item.path)).resolve().is_relative_to(SUITES_DIR.resolve())


def requirement_ids(item: pytest.Item) -> tuple[str, ...]:
    markers = list(item.iter_markers(MARKER))
    return tuple(markers[0].args) if markers else ()


def marker_problem(
    nodeid: str, marker_args: list[tuple[object, ...]], catalogue: Catalogue
) -> str | None:
    """Why a suite test's requirement marker is unacceptable, or None when it is fine."""
    if len(marker_args) != 1 or not marker_args[0]:
        return f"{nodeid} needs exactly one @pytest.mark.{MARKER}(...) with ids"
    unknown = catalogue.unknown([str(a) for a in marker_args[0]])
    return f"{nodeid} names unknown requirement ids {unknown}" if unknown else None
