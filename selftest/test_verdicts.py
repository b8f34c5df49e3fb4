"""How test outcomes become requirement statuses and a run verdict."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from positions_harness.checks.expect import RequirementViolation
from positions_harness.config.targets import KnownDeviation
from positions_harness.contract.catalogue import load_catalogue
from positions_harness.errors import BudgetExhausted
from positions_harness.run.findings import NOT_CLAIMED, classify
from positions_harness.run.recorder import RequirementRecorder, incomplete_sentence
from positions_harness.run.stash_keys import results_key
from positions_harness.verdict.results import Finding, RunResults

IDS = ("POS-CREATE-001", "POS-CREATE-003", "POS-GET-002")


def test_a_passing_test_passes_all_its_requirements():
    assert classify(IDS, "call", "passed", None, []) == [(rid, "passed", None) for rid in IDS]


def test_a_violation_fails_only_its_requirement_and_credits_the_checks_before_it():
    violation = RequirementViolation("POS-CREATE-003", "jobTitle differs")
    findings = classify(IDS, "call", "failed", violation, ["POS-CREATE-001"])
    assert findings == [
        ("POS-CREATE-001", "passed", None),
        ("POS-CREATE-003", "failed", "jobTitle differs"),
    ]


def test_a_violation_of_an_id_outside_the_marker_is_a_harness_error():
    violation = RequirementViolation("POS-DELETE-001", "x")
    assert {status for _, status, _ in classify(IDS, "call", "failed", violation, [])} == {"error"}


def test_a_passing_check_of_an_id_outside_the_marker_is_a_harness_error():
    findings = classify(IDS, "call", "passed", None, ["POS-CREATE-001", "POS-DELETE-001"])
    assert {status for _, status, _ in findings} == {"error"}
    assert "POS-DELETE-001" in findings[0][2]


def test_spent_budget_is_inconclusive_and_transport_errors_are_errors():
    assert {s for _, s, _ in classify(IDS, "call", "failed", BudgetExhausted("spent"), [])} == {
        "inconclusive"
    }
    assert {s for _, s, _ in classify(IDS, "call", "failed", ConnectionResetError(), [])} == {
        "error"
    }


def test_unclaimed_features_are_not_claimed_not_failed():
    findings = classify(IDS, "setup", "skipped", None, [], f"{NOT_CLAIMED}: select")
    assert {status for _, status, _ in findings} == {"not_claimed"}


MUST_ID, SHOULD_ID = "POS-GET-002", "POS-GET-004"


def results_with(
    status: str,
    deviation: KnownDeviation | None = None,
    rid: str = MUST_ID,
    strict: bool = False,
) -> RunResults:
    """Every checkable requirement passed, but `rid`, which has `status`."""
    catalogue = load_catalogue()
    results = RunResults(catalogue, (deviation,) if deviation else (), strict=strict)
    for requirement in catalogue.requirements.values():
        if requirement.id != rid and not requirement.external:
            results.add(requirement.id, Finding("t", "passed"))
    results.add(rid, Finding("t", status, "m"))
    return results


def test_one_failed_must_makes_the_run_nonconforming_and_errors_make_it_incomplete():
    assert results_with("passed").verdict() == "conforming"
    assert results_with("failed").verdict() == "nonconforming"
    assert results_with("error").verdict() == "incomplete"
    assert results_with("inconclusive").verdict() == "incomplete"


def test_conforming_needs_every_claimed_must_checked_not_only_none_failed():
    assert results_with("not_run").verdict() == "incomplete"
    assert [r.id for r in results_with("not_run").undecided()] == [MUST_ID]
    # Not claimed by the target (a feature it leaves out) is not owed.
    assert results_with("not_claimed").verdict() == "conforming"


def test_a_failed_must_is_nonconforming_even_when_the_run_was_cut_short():
    results = results_with("failed")
    results.limited_by("interrupted")
    results.limited_by("selection: -k 'update'", partial=True)
    assert results.verdict() == "nonconforming"
    assert results.partial and results.limits == ["interrupted", "selection: -k 'update'"]


def test_an_interrupted_or_partial_run_that_failed_nothing_is_incomplete_not_conforming():
    results = RunResults(load_catalogue())
    results.add("POS-DELETE-001", Finding("t", "passed"))
    results.limited_by("interrupted")
    assert results.verdict() == "incomplete"
    assert "POS-CREATE-001" in [r.id for r in results.undecided()]


def test_a_failed_should_is_a_warning_and_decides_the_verdict_only_when_strict():
    lenient = results_with("failed", rid=SHOULD_ID)
    assert lenient.verdict() == "conforming"
    assert [r.id for r in lenient.warnings()] == [SHOULD_ID]
    strict = results_with("failed", rid=SHOULD_ID, strict=True)
    assert strict.verdict() == "nonconforming"
    assert strict.warnings() == []
    assert results_with("failed", rid=MUST_ID).warnings() == []


def test_a_should_the_run_could_not_decide_leaves_the_verdict_alone_unless_strict():
    assert results_with("error", rid=SHOULD_ID).verdict() == "conforming"
    assert results_with("error", rid=SHOULD_ID, strict=True).verdict() == "incomplete"


def test_known_deviation_does_not_fail_the_run_until_it_expires():
    today = dt.date(2027, 1, 1)
    live = KnownDeviation(MUST_ID, "https://t/1", dt.date(2027, 6, 30))
    expired = KnownDeviation(MUST_ID, "https://t/1", dt.date(2026, 6, 30))
    assert results_with("failed", live).verdict(today) == "conforming"
    assert results_with("failed", expired).verdict(today) == "nonconforming"
    (passing,) = [
        r for r in results_with("passed", live).requirement_results(today) if r.id == MUST_ID
    ]
    assert "remove it" in passing.note


def test_requirements_that_cannot_be_checked_from_outside_are_reported_as_external():
    results = RunResults(load_catalogue())
    results.add("POS-GET-001", Finding("t", "passed"))
    statuses = {r.id: r.status for r in results.requirement_results()}
    assert statuses["POS-PERM-001"] == "external"
    assert statuses["POS-DELETE-001"] == "not_run"


def test_an_incomplete_run_ends_with_one_sentence_naming_the_undecided_requirements():
    undecided = [
        SimpleNamespace(id="POS-GET-001", status="error"),
        SimpleNamespace(id="POS-LIST-001", status="inconclusive"),
    ]
    sentence = incomplete_sentence(undecided, ["interrupted"])
    assert sentence.startswith("positions-harness: the run did not complete: 2 requirement(s)")
    assert "POS-GET-001, POS-LIST-001" in sentence and "interrupted" in sentence
    assert sentence.count("\n") == 0 and sentence.endswith("run again.")


def test_a_worker_that_died_in_a_suite_test_keeps_the_run_from_being_conforming():
    results = RunResults(load_catalogue())
    for rid in load_catalogue().requirements:
        results.add(rid, Finding("suites/x.py::t", "passed"))
    config = SimpleNamespace(stash=pytest.Stash())
    config.stash[results_key] = results
    crash = pytest.TestReport(
        nodeid="suites/property/test_generated_requests.py::test_x[POST-shard-1-of-9]",
        location=("suites/property/test_generated_requests.py", None, ""),
        keywords={},
        outcome="failed",
        longrepr="worker 'gw3' crashed while running 'suites/property/...'",
        when="???",
    )

    RequirementRecorder(config).pytest_runtest_logreport(crash)

    assert results.verdict() == "incomplete"
    assert any("worker 'gw3' crashed" in limit for limit in results.limits)


def test_a_passing_run_without_limits_is_conforming():
    results = RunResults(load_catalogue())
    for rid in load_catalogue().requirements:
        results.add(rid, Finding("suites/x.py::t", "passed"))
    assert results.verdict() == "conforming"
