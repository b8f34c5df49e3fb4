"""The kill table's own rules: what counts as detected, missed and a false alarm."""

from __future__ import annotations

import pytest

from .allowance_variants import ALLOWANCES
from .conforming_variants import VARIANTS
from .faults import FAULTS
from .kill_table import Row, render, rows

EXPECTED = frozenset({"POS-UPDATE-003"})


@pytest.mark.parametrize(
    ("exit_code", "failed", "verdict"),
    [
        (1, {"POS-UPDATE-003", "POS-GET-002"}, "detected"),
        (1, {"POS-GET-002"}, "MISSED"),  # failed, but not for the fault's requirement
        (0, set(), "MISSED"),
        (4, {"POS-UPDATE-003"}, "MISSED"),  # an incomplete run proves nothing
    ],
)
def test_a_fault_is_detected_only_by_failing_on_its_expected_requirement(
    exit_code, failed, verdict
):
    row = Row("f", "fault", EXPECTED, exit_code=exit_code, failed=frozenset(failed))
    assert row.verdict == verdict


@pytest.mark.parametrize(
    ("exit_code", "failed", "verdict"),
    [(0, set(), "passed"), (1, {"POS-GET-002"}, "FALSE ALARM"), (4, set(), "FALSE ALARM")],
)
def test_a_conforming_variant_must_pass(exit_code, failed, verdict):
    row = Row("v", "conforming", frozenset(), exit_code=exit_code, failed=frozenset(failed))
    assert row.verdict == verdict


@pytest.mark.parametrize(
    ("exit_code", "warnings", "verdict"),
    [(0, {"POS-UPDATE-003"}, "detected"), (0, set(), "MISSED")],
    ids=["reported-as-a-should-warning", "exit-0-without-the-warning"],
)
def test_a_fault_of_a_should_requirement_is_detected_by_its_warning(exit_code, warnings, verdict):
    row = Row(
        "f",
        "fault",
        EXPECTED,
        exit_code=exit_code,
        failed=frozenset({"POS-UPDATE-003"}),
        warnings=frozenset(warnings),
    )
    assert row.verdict == verdict


def test_a_should_warning_against_a_passing_variant_is_shown_but_is_no_false_alarm():
    row = Row(
        "v",
        "allowance",
        frozenset(),
        exit_code=0,
        failed=frozenset({"POS-VALID-009"}),
        warnings=frozenset({"POS-VALID-009"}),
    )
    assert row.verdict == "passed"
    assert "POS-VALID-009 (SHOULD)" in render([row])


def test_the_table_lists_every_variant_and_ends_with_the_summary_line():
    table = rows(None)
    assert len(FAULTS) >= 30
    assert {r.name for r in table} == set(FAULTS) | set(VARIANTS) | set(ALLOWANCES)
    assert render(table[:1]).splitlines()[-1] == "faults detected: 0/1, false alarms: 0/0"


def test_every_fault_names_requirements_of_the_catalogue(catalogue):
    for fault in FAULTS.values():
        assert fault.expected_failures, fault.name
        assert catalogue.unknown(sorted(fault.expected_failures)) == [], fault.name
