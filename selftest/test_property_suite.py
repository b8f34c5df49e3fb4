"""The property suite (suites/property) run as a user runs it: green on the reference in every
profile, each planted fault found by it alone, nothing left behind, also under pytest-xdist."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
import requests
from werkzeug.wrappers import Response

from positions_harness.config.profiles import PROFILES
from positions_reference import GraphPositionsApp, ReferenceServer, create_app, wire
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


def passed_what_it_checked(run: HarnessRun) -> bool:
    """The run failed no MUST and decided everything it checked. A run of suites/property alone
    leaves the other suites' requirements undecided, which the verdict may call an incomplete
    (partial) run: exit 4, but only for that reason."""
    undecided = [
        rid for rid, status in run.statuses().items() if status in ("error", "inconclusive")
    ]
    if run.exit_code == 4:
        return bool(run.conformance.get("partial")) and not undecided
    return run.exit_code == 0 and not undecided


def test_quick_profile_passes_the_reference_and_leaves_only_what_was_there(tmp_path):
    server = ReferenceServer(create_app()).start()
    try:
        before = requests.post(
            f"{server.url}/me/profile/positions",
            json={"detail": {"jobTitle": "There before the run"}},
            headers={"Authorization": f"Bearer {TOKEN}"},
            timeout=10,
        ).json()
        # PROGRESS_SECONDS=0: a progress line after every case, so one must show.
        run = run_property_suite(tmp_path, server.url, PROGRESS_SECONDS="0")
        left = positions_in(server)
        after = server.app.store.get(SIGNED_IN_USER.id, before["id"])
    finally:
        server.stop()

    assert passed_what_it_checked(run), explain(run)
    assert run.conformance["verdict"] in ("conforming", "incomplete")
    assert {"POS-VALID-001", "POS-DELETE-002", "POS-ADDR-002"} <= {
        rid for rid, status in run.statuses().items() if status == "passed"
    }
    assert left[SIGNED_IN_USER.id] == {before["id"]}
    assert not set().union(*(ids for user, ids in left.items() if user != SIGNED_IN_USER.id))
    assert after is not None and after["detail"] == {"jobTitle": "There before the run"}
    assert after["lastModifiedDateTime"] == after["createdDateTime"]  # never updated
    assert "property phase: " in run.stdout and " requests sent, " in run.stdout


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

    assert passed_what_it_checked(run), explain(run)
    assert run.conformance["verdict"] in ("conforming", "incomplete")
    assert f"profile {profile}" in run.stdout


def test_a_spent_time_budget_stops_generation_and_says_what_did_not_run(tmp_path):
    # A millisecond is spent before the first generated request on any machine: loading the
    # contract and creating the position the cases address take far longer than that.
    run = run_with_time_budget(tmp_path, "default", 0.001)

    assert passed_what_it_checked(run), explain(run)
    assert "the time budget of 0.001 s ran out" in run.stdout
    assert "stateful scenarios did not run" in run.stdout
    # Every report says so too, not only the terminal.
    assert any("time budget of 0.001 s ran out" in x for x in run.conformance["limits"])
    (folder,) = run.report_dirs
    for name in ("conformance.md", "conformance.html"):
        assert "time budget of 0.001 s ran out" in (folder / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("fault", FOUND_BY_GENERATED_REQUESTS)
def test_the_property_suite_alone_finds_the_fault(tmp_path, fault):
    variant = FAULTS[fault]
    with serving(variant.make_app()) as url:
        run = run_property_suite(tmp_path, url)

    broken = [r for r in run.conformance["requirements"] if r["id"] in variant.expected_failures]
    # A failed MUST fails the run; a failed SHOULD (unknown properties: a Graph convention) is a
    # warning the report lists, and the run exits 0.
    fails_a_must = any(r["level"] == "MUST" for r in broken)
    if fails_a_must:
        assert run.exit_code == 1, explain(run)
    else:
        assert passed_what_it_checked(run), explain(run)
    assert variant.expected_failures <= run.failed(), (variant.description, run.failed())
    if not fails_a_must:
        assert set(run.conformance["warnings"]) >= variant.expected_failures
    observed = " ".join(f["observed"] for r in broken for f in r["failures"])
    assert "Reproduce with" in observed and "curl -X" in observed  # Schemathesis' reproduction
    # The evidence is the request Schemathesis names, not the test's last exchanges.
    shown = {(e["method"], e["url"]) for r in broken for f in r["failures"] for e in f["evidence"]}
    curls = [line.split() for line in observed.splitlines() if line.strip().startswith("curl -X")]
    assert shown & {(words[2], words[-1]) for words in curls}, (shown, curls)
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

    assert passed_what_it_checked(run), explain(run)
    sent = "\n".join(p.read_text() for p in run.reports_root.rglob("transcript*.jsonl"))
    assert "/profile/positions" in sent
    options = [f"{dollar}{name}=" for dollar in ("$", "%24") for name in ("top", "skip", "select")]
    assert not [option for option in options if option in sent], "unclaimed options sent anyway"


class ThrottlesInBursts:
    """WSGI middleware: every `every`-th request and the one after it answer 429 with
    Retry-After: 0, so with one retry allowed the client gives that request up (BudgetExhausted)
    and the next request goes through: throttling a replay would not meet again."""

    def __init__(self, app: GraphPositionsApp, every: int = 20) -> None:
        self.app, self.prefix, self.every = app, app.prefix, every
        self._count, self._lock = 0, threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        with self._lock:
            self._count += 1
            throttled = self._count % self.every in (0, 1)
        if not throttled:
            return self.app(environ, start_response)
        body = wire.error_body("TooManyRequests", "Too many requests.", "throttled")
        response = Response(wire.encode_json(body), 429, content_type=wire.JSON_CONTENT_TYPE)
        response.headers["Retry-After"] = "0"
        return response(environ, start_response)


def run_throttled(tmp_path: Path, app: GraphPositionsApp) -> HarnessRun:
    target = tmp_path / "throttled.yaml"
    target.write_text("name: throttled\nlimits: {max_retries: 1}\n", encoding="utf-8")
    with serving(ThrottlesInBursts(app)) as url:
        return run_property_suite(tmp_path, url, TARGET=str(target))


def hypothesis_noise(run: HarnessRun) -> list[str]:
    document = json.dumps(run.conformance)
    words = ("Flaky", "flaky", "distinct failures", "unreliable results", "Inconsistent data")
    return [word for word in words if word in document]


def test_throttling_past_the_retries_makes_the_checks_inconclusive_never_errors(tmp_path):
    run = run_throttled(tmp_path, create_app())
    statuses = run.statuses()

    assert run.exit_code == 4, explain(run)  # incomplete: throttled past its retries
    assert run.conformance["verdict"] == "incomplete"
    assert "inconclusive" in statuses.values()
    assert not [rid for rid, status in statuses.items() if status in ("error", "failed")]
    assert not hypothesis_noise(run)


def test_under_throttling_a_violation_found_is_still_reported_failed(tmp_path):
    run = run_throttled(tmp_path, FAULTS["is-current-as-text"].make_app())
    statuses = run.statuses()

    assert run.exit_code == 1, explain(run)
    assert statuses["POS-TYPE-001"] == "failed"
    assert not [rid for rid, status in statuses.items() if status == "error"]
    assert "inconclusive" in statuses.values()


class CountsLivePositions:
    """WSGI middleware: the most positions the reference held at once during a run."""

    def __init__(self, app: GraphPositionsApp) -> None:
        self.app, self.prefix, self.peak = app, app.prefix, 0

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        answer = list(self.app(environ, start_response))
        live = sum(len(self.app.store.list_records(user.id)) for user in self.app.users)
        self.peak = max(self.peak, live)
        return answer


@pytest.mark.parametrize("profile", ["quick", "default"])
def test_generated_creates_and_deletes_do_not_pile_up(tmp_path, profile):
    counter = CountsLivePositions(create_app())
    with serving(counter) as url:
        run = run_property_suite(tmp_path, url, PROFILE=profile)
    cleanup = json.loads(next(run.reports_root.rglob("cleanup.json")).read_text())
    sent = "\n".join(p.read_text() for p in run.reports_root.rglob("transcript*.jsonl"))

    assert passed_what_it_checked(run), explain(run)
    assert sent.count('"method": "POST"') > 100  # hundreds of positions were created ...
    # ... one test position, a case's create or delete, a sequence's few: never more at once
    assert counter.peak <= 2 + PROFILES[profile].stateful_max_steps
    assert cleanup == {"deleted": [], "problems": []}  # nothing was left for the end


def test_an_accepted_unknown_property_is_charged_to_pos_valid_001_alone(tmp_path):
    with serving(FAULTS["unknown-properties-dropped"].make_app()) as url:
        run = run_property_suite(tmp_path, url)

    assert run.failed() == {"POS-VALID-001"}, run.failed()
    assert passed_what_it_checked(run), explain(run)  # a SHOULD: a warning, not a failed run
