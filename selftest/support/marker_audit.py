"""A pytest plugin for selftests: compares what each suite test checked with what its marker names.

Loaded into a harness run with `-p selftest.support.marker_audit`; writes, per suite test, the
requirement ids its passing checks named although the marker does not (a harness bug: a failure
there would be reported as an error), and the marker ids no check of the run reached, to the JSON
file named by MARKER_AUDIT_FILE.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from positions_harness.checks.expect import check_log
from positions_harness.contract.requirement_marker import is_suite_item, requirement_ids

AUDIT_FILE_ENV = "MARKER_AUDIT_FILE"
_audit: dict[str, dict[str, list[str]]] = {}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if call.when == "call" and is_suite_item(item):
        named = set(requirement_ids(item))
        checked = set(check_log.passed)
        _audit[item.nodeid] = {
            "outcome": [report.outcome],
            "stray": sorted(checked - named),
            "unchecked": sorted(named - checked),
        }
    return report


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Writes MARKER_AUDIT_FILE (each pytest-xdist worker its own `<file>.<worker>`)."""
    target = os.environ.get(AUDIT_FILE_ENV)
    if not target or not _audit:
        return
    worker = getattr(session.config, "workerinput", {}).get("workerid")
    path = Path(f"{target}.{worker}" if worker else target)
    path.write_text(json.dumps(_audit, indent=1), encoding="utf-8")


def read_audit(target: Path) -> dict[str, dict[str, list[str]]]:
    """The audit of a run, merged over pytest-xdist workers."""
    merged: dict[str, dict[str, list[str]]] = {}
    for path in [target, *target.parent.glob(f"{target.name}.*")]:
        if path.exists():
            merged.update(json.loads(path.read_text(encoding="utf-8")))
    return merged
