"""The property suite (suites/property) run as a user runs it: green on the reference in every
profile, each planted fault found by it alone, nothing left behind, also under pytest-xdist."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from positions_reference import ReferenceServer, create_app
from positions_reference.store import SIGNED_IN_USER

from .faults import FAULTS
from .support.harness_run import HarnessRun, run_harness
from .support.servers import serving

TOKEN = "tok-selftest-property"
PROPERTY_ONLY = "suites/property"
# Faults the property suite must find without help from the other suites.
FOUND_BY_GENERATED_REQUESTS = [
    "crashes-on-null-company",  # a 500 on some generated input
    "audience-is-free-text",  # an invalid enum value accepted
    "unknown-properties-dropped",  # an unknown property accepted
    "is-current-as-text",  # a response property of the wrong type
    "soft-delete-still-readable",  # a deleted position still retrievable
]


def run_property_suite(tmp_path: Path, url: str, *pytest_args: str, **env: str) -> HarnessRun:
    args = " ".join((PROPERTY_ONLY, *pytest_args))
    return run_harness(
        tmp_path, env={"BASE_URL": url, "GRAPH_TOKEN": TOKEN, "PYTEST_ARGS": args, **env}
    )


def positions_in(server: ReferenceServer) -> dict[str, set[str]]:
    app = server.app
    return {
        user.id: {record["id"] for record in app.store.list_records(user.id)} for user in app.users
    }


def explain(run: HarnessRun) -> str:
    return run.stdout[-4000:] + run.stderr[-2000:]


def test_quick_profile_passes_the_reference_and_leaves_only_what_was_there(tmp_path):
    server = ReferenceServer(create_app()).start()
    try:
        before = requests.post(
            f"{server.url}/me/profile/positions",
            json={"detail": {"jobTitle": "There before the run"}},
            headers={"Authorization": f"Bearer {TOKEN}"},
            timeout=10,
        ).json()
        run = run_property_suite(tmp_path, server.url)
        left = positions_in(server)
        after = server.app.store.get(SIGNED_IN_USER.id, before["id"])
    finally:
        server.stop()

    assert run.exit_code == 0, explain(run)
    assert run.conformance["verdict"] == "conforming"
    assert {"POS-VALID-001", "POS-DELETE-002", "POS-ADDR-002"} <= {
        rid for rid, status in run.statuses().items() if status == "passed"
    }
    assert left[SIGNED_IN_USER.id] == {before["id"]}
    assert not set().union(*(ids for user, ids in left.items() if user != SIGNED_IN_USER.id))
    assert after is not None and after["detail"] == {"jobTitle": "There before the run"}
    assert after["lastModifiedDateTime"] == after["createdDateTime"]  # never updated


def run_with_time_budget(tmp_path: Path, profile: str, seconds: float) -> HarnessRun:
    """The bundled reference under `profile` with its time budget set by a target profile; the
    profile's own settings (coverage scope, shrinking, examples) all apply."""
    target = tmp_path / "reference-short.yaml"
    target.write_text(
        "name: reference-short\nbase_url: null\n"
        f"property:\n  {profile}: {{time_budget_seconds: {seconds}}}\n"
        "limits: {request_budget: 100000}\n"
    )
    return run_harness(
        tmp_path, env={"PROFILE": profile, "TARGET": str(target), "PYTEST_ARGS": PROPERTY_ONLY}
    )


@pytest.mark.parametrize("profile", ["default", "nightly"])
def test_longer_profiles_pass_the_reference(tmp_path, profile):
    # A 6 s cap keeps the selftest short; whether the cap or the case count ends the run
    # depends on the machine, so neither is asserted here (see the test below).
    run = run_with_time_budget(tmp_path, profile, 6)

    assert run.exit_code == 0, explain(run)
    assert run.conformance["verdict"] == "conforming"
    assert f"profile {profile}" in run.stdout


def test_a_spent_time_budget_stops_generation_and_says_what_did_not_run(tmp_path):
    # A millisecond is spent before the first generated request on any machine: loading the
    # contract and creating the position the cases address take far longer than that.
    run = run_with_time_budget(tmp_path, "default", 0.001)

    assert run.exit_code == 0, explain(run)
    assert "the time budget of 0.001 s ran out" in run.stdout
    assert "stateful scenarios did not run" in run.stdout


@pytest.mark.parametrize("fault", FOUND_BY_GENERATED_REQUESTS)
def test_the_property_suite_alone_finds_the_fault(tmp_path, fault):
    variant = FAULTS[fault]
    with serving(variant.make_app()) as url:
        run = run_property_suite(tmp_path, url)

    broken = [r for r in run.conformance["requirements"] if r["id"] in variant.expected_failures]
    # A failed MUST fails the run; a failed SHOULD (unknown properties: a Graph convention) is a
    # warning the report lists, and the run exits 0.
    fails_a_must = any(r["level"] == "MUST" for r in broken)
    assert run.exit_code == (1 if fails_a_must else 0), explain(run)
    assert variant.expected_failures <= run.failed(), (variant.description, run.failed())
    if not fails_a_must:
        assert set(run.conformance["warnings"]) >= variant.expected_failures
    observed = " ".join(f["observed"] for r in broken for f in r["failures"])
    assert "Reproduce with" in observed and "curl -X" in observed  # Schemathesis' reproduction
    assert TOKEN not in run.all_output()


def test_under_xdist_a_failing_run_reports_and_cleans_up_every_worker(tmp_path):
    server = ReferenceServer(FAULTS["is-current-as-text"].make_app()).start()
    try:
        run = run_property_suite(tmp_path, server.url, "-n", "2")
        left = positions_in(server)
    finally:
        server.stop()

    assert run.exit_code == 1, explain(run)
    assert "2 workers" in run.stdout
    assert "POS-TYPE-001" in run.failed()
    # Findings of both the stateless tests and the stateful one reached the controller.
    tests = {test for r in run.conformance["requirements"] for test in r["tests"]}
    assert any("test_generated_requests" in t for t in tests)
    assert any("test_linked_sequences" in t for t in tests)
    assert left == {user: set() for user in left}


def test_unclaimed_query_features_leave_generated_requests_without_those_options(tmp_path):
    profile = tmp_path / "no-query-options.yaml"
    profile.write_text("name: no-query-options\nunclaimed: [paging, select]\n", encoding="utf-8")
    with serving(create_app()) as url:
        run = run_property_suite(tmp_path, url, TARGET=str(profile))

    assert run.exit_code == 0, explain(run)
    sent = "\n".join(p.read_text() for p in run.reports_root.rglob("transcript*.jsonl"))
    assert "/profile/positions" in sent
    options = [f"{dollar}{name}=" for dollar in ("$", "%24") for name in ("top", "skip", "select")]
    assert not [option for option in options if option in sent], "unclaimed options sent anyway"
