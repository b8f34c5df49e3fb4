"""Requirement coverage: every catalogue requirement is checked by a suite test or explained, and
each check names the requirements it decides."""

from __future__ import annotations

from positions_harness.contract.catalogue import load_catalogue
from positions_harness.contract.coverage import (
    COVERED,
    EXTERNAL,
    UNCOVERED,
    render_coverage,
    requirement_coverage,
)

from .support.harness_run import run_harness
from .support.marker_audit import AUDIT_FILE_ENV, read_audit

CATALOGUE = load_catalogue()
# Ids a test may name but reach only when the target misbehaves: POS-ERR-002 is decided when an
# answer is a 5xx, POS-ERR-001 when a service refuses (4xx) input it may also ignore.
DECIDED_ON_FAILURE_ONLY = {"POS-ERR-001", "POS-ERR-002"}
# The hand-written suites; their checks go through `expect` with literal ids.
AUDITED_SUITES = "suites/examples suites/behaviour"


def test_every_requirement_is_checked_by_a_suite_test_or_explained(tmp_path):
    run = run_harness(tmp_path, command="coverage", args=("--brief",))

    assert run.exit_code == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert ", 0 uncovered" in run.stdout
    for requirement in CATALOGUE.requirements.values():
        assert requirement.id in run.stdout


def test_coverage_names_a_requirement_no_test_checks_as_uncovered():
    markers = {"suites/x/test_a.py::test_b[one]": [("POS-CREATE-001",)]}

    report = requirement_coverage(markers, CATALOGUE)

    statuses = {row.requirement.id: row.status for row in report.rows}
    assert statuses["POS-CREATE-001"] == COVERED
    assert statuses["POS-UPDATE-001"] == UNCOVERED
    assert statuses["POS-PERM-001"] == EXTERNAL
    assert not report.complete
    assert "UNCOVERED POS-UPDATE-001" in render_coverage(report)


def test_a_case_level_marker_counts_for_its_own_requirement_only():
    markers = {
        "suites/x/test_a.py::test_form[me]": [("POS-CREATE-001",)],
        "suites/x/test_a.py::test_form[users-by-id]": [("POS-CREATE-001", "POS-ADDR-001")],
    }

    rows = {row.requirement.id: row for row in requirement_coverage(markers, CATALOGUE).rows}

    assert rows["POS-CREATE-001"].cases == tuple(markers)
    assert rows["POS-ADDR-001"].cases == ("suites/x/test_a.py::test_form[users-by-id]",)
    assert rows["POS-ADDR-001"].tests == ("suites/x/test_a.py::test_form",)


def test_markers_a_run_would_refuse_make_coverage_incomplete():
    markers = {"suites/x/test_a.py::test_b": [("POS-NOPE-001",)], "suites/x/test_a.py::c": []}

    report = requirement_coverage(markers, CATALOGUE)

    assert len(report.marker_problems) == 2
    assert not report.complete


def test_every_check_a_suite_test_makes_is_named_by_its_marker(tmp_path):
    audit_file = tmp_path / "marker-audit.json"
    run = run_harness(
        tmp_path,
        env={
            AUDIT_FILE_ENV: str(audit_file),
            "PYTEST_ARGS": f"-p selftest.support.marker_audit {AUDITED_SUITES}",
        },
    )

    assert run.exit_code == 0, run.stdout[-3000:] + run.stderr[-2000:]
    audit = read_audit(audit_file)
    assert audit, "the audit plugin recorded nothing"
    stray = {test: found["stray"] for test, found in audit.items() if found["stray"]}
    assert not stray, f"checks for ids the marker does not name: {stray}"
    unreached = {
        test: sorted(set(found["unchecked"]) - DECIDED_ON_FAILURE_ONLY)
        for test, found in audit.items()
        if set(found["unchecked"]) - DECIDED_ON_FAILURE_ONLY
    }
    assert not unreached, f"marker ids no check of the test reached: {unreached}"
