"""Requirement coverage: which suite tests check each requirement, and which requirement none does.

The suites are collected the way a run collects them (pytest in process, `--collect-only`) with a
small plugin that reads every collected item's requirement marker, so a parametrised case that
carries its own marker counts exactly. The run plugin is left out: coverage depends on the suites
and the catalogue only, never on a target, a token or the environment of a run.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from ..errors import ConfigError
from ..locations import REPO_ROOT, SUITES_DIR
from .catalogue import Catalogue, Requirement, load_catalogue
from .requirement_marker import MARKER, marker_problem

RUN_PLUGIN = "positions_harness.run.plugin"
COVERED, EXTERNAL, UNCOVERED = "covered", "external", "uncovered"


class _MarkerCollector:
    """Records each collected item's requirement markers."""

    def __init__(self) -> None:
        self.markers: dict[str, list[tuple[object, ...]]] = {}

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        for item in session.items:
            self.markers[item.nodeid] = [m.args for m in item.iter_markers(MARKER)]


def collect_markers(paths: Sequence[Path] = (SUITES_DIR,)) -> dict[str, list[tuple[object, ...]]]:
    """Every suite test (node id) with the argument tuples of its requirement markers."""
    collector = _MarkerCollector()
    output = io.StringIO()
    args = [
        *(str(p) for p in paths),
        "--collect-only",
        "-qq",
        f"--rootdir={REPO_ROOT}",
        "-c",
        str(REPO_ROOT / "pyproject.toml"),
        "-p",
        f"no:{RUN_PLUGIN}",
    ]
    with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
        code = pytest.main(args, plugins=[collector])
    if code != pytest.ExitCode.OK:
        tail = "\n".join(output.getvalue().strip().splitlines()[-15:])
        raise ConfigError(f"Collecting the suites failed (pytest exit {int(code)}):\n{tail}")
    return collector.markers


@dataclass(frozen=True)
class RequirementCoverage:
    requirement: Requirement
    cases: tuple[str, ...]  # collected node ids naming the requirement

    @property
    def tests(self) -> tuple[str, ...]:
        """The test functions behind the cases (parameters dropped), in collection order."""
        return tuple(dict.fromkeys(case.split("[", 1)[0] for case in self.cases))

    @property
    def status(self) -> str:
        if self.cases:
            return COVERED
        return EXTERNAL if self.requirement.external else UNCOVERED


@dataclass(frozen=True)
class CoverageReport:
    rows: tuple[RequirementCoverage, ...]
    marker_problems: tuple[str, ...]

    @property
    def uncovered(self) -> tuple[RequirementCoverage, ...]:
        return tuple(row for row in self.rows if row.status == UNCOVERED)

    @property
    def complete(self) -> bool:
        return not self.uncovered and not self.marker_problems


def requirement_coverage(
    markers: dict[str, list[tuple[object, ...]]], catalogue: Catalogue
) -> CoverageReport:
    """Maps collected markers onto the catalogue; markers a run would refuse are problems."""
    problems = [
        problem
        for nodeid, marker_args in markers.items()
        if (problem := marker_problem(nodeid, marker_args, catalogue))
    ]
    cases: dict[str, list[str]] = {rid: [] for rid in catalogue.requirements}
    for nodeid, marker_args in markers.items():
        for rid in dict.fromkeys(str(a) for args in marker_args for a in args):
            if rid in cases:
                cases[rid].append(nodeid)
    rows = tuple(
        RequirementCoverage(requirement, tuple(cases[rid]))
        for rid, requirement in catalogue.requirements.items()
    )
    return CoverageReport(rows, tuple(problems))


def render_coverage(report: CoverageReport, brief: bool = False) -> str:
    """The requirement -> tests table (or one line per requirement), then what is uncovered."""
    lines = [f"{'requirement':<16} {'level':<7} {'status':<10} tests (cases)"]
    for row in report.rows:
        lines += _table_rows(row, brief)
    counts = {status: 0 for status in (COVERED, EXTERNAL, UNCOVERED)}
    for row in report.rows:
        counts[row.status] += 1
    lines.append("")
    lines.append(
        f"{len(report.rows)} requirements: {counts[COVERED]} covered by tests, "
        f"{counts[EXTERNAL]} external (not checkable from outside, with a reason), "
        f"{counts[UNCOVERED]} uncovered"
    )
    for row in report.uncovered:
        lines.append(f"UNCOVERED {row.requirement.id}: {row.requirement.statement}")
    for problem in report.marker_problems:
        lines.append(f"MARKER PROBLEM {problem}")
    return "\n".join(lines) + "\n"


def _table_rows(row: RequirementCoverage, brief: bool) -> list[str]:
    requirement = row.requirement
    first = f"{requirement.id:<16} {requirement.level:<7} {row.status:<10}"
    indent = " " * len(first)
    if row.status == EXTERNAL:
        return [f"{first} {' '.join((requirement.external or '').split())[:80]}..."]
    if row.status == UNCOVERED:
        return [f"{first} -"]
    if brief:
        count = len(row.tests)
        return [f"{first} {count} test{'' if count == 1 else 's'} ({len(row.cases)})"]
    lines = []
    for index, test in enumerate(row.tests):
        count = sum(1 for case in row.cases if case.split("[", 1)[0] == test)
        lines.append(f"{indent if index else first} {test.removeprefix('suites/')} ({count})")
    return lines


def coverage_report(paths: Sequence[Path] = (SUITES_DIR,)) -> CoverageReport:
    return requirement_coverage(collect_markers(paths), load_catalogue())
