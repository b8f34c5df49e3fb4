"""How a user narrowed a run (-k, -m, --lf, --deselect, test paths or node ids): such a run is
allowed and useful, but partial, so it never gives a verdict for the whole contract."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..locations import REPO_ROOT, SUITES_DIR


def selection_of(config: pytest.Config) -> str | None:
    """The options and paths that narrowed the run, in one phrase; None for a full run."""
    option = config.option
    chosen = []
    if getattr(option, "keyword", ""):
        chosen.append(f"-k {option.keyword!r}")
    if getattr(option, "markexpr", ""):
        chosen.append(f"-m {option.markexpr!r}")
    if getattr(option, "lf", False):
        chosen.append("--lf")
    if getattr(option, "deselect", None):
        chosen.append("--deselect")
    if getattr(option, "exitfirst", False) or getattr(option, "maxfail", 0):
        chosen.append("stop after the first failures (-x/--maxfail)")
    narrowed = [arg for arg in config.args if not _is_every_suite(arg)]
    if narrowed:
        chosen.append("only " + ", ".join(narrowed))
    return "; ".join(chosen) or None


def _is_every_suite(arg: str) -> bool:
    path = Path(arg.split("::", 1)[0])
    path = path if path.is_absolute() else REPO_ROOT / path
    return "::" not in arg and path.resolve() == SUITES_DIR.resolve()
