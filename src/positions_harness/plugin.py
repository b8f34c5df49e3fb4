"""The pytest plugin: options, the requirement marker, per-requirement results and the verdict.

PYTEST_DONT_REWRITE: imported before pytest starts (by the CLI), so not rewritten.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from . import interrupts
from .catalogue import Catalogue, load_catalogue
from .client import ResponseTooLarge
from .config import HarnessConfig, resolve_config
from .errors import EXIT_RUN_INCOMPLETE, BudgetExhausted, ConfigError, HarnessError
from .locations import SUITES_DIR
from .redaction import Redactor, scrub_tree
from .reporting.writer import write_run_report
from .results import CONFORMING, INCOMPLETE, NONCONFORMING, Finding, RunResults
from .safety import NotClaimed
from .transcript import current_test
from .verdict import RequirementViolation, check_log, merged_violation

MARKER = "requirement"
FINDINGS_ATTRIBUTE = "requirement_findings"
EVIDENCE_EXCHANGES = 3
NOT_CLAIMED = "not claimed by the target"
RUN_ID_KEY = "positions_run_id"

config_key = pytest.StashKey[HarnessConfig]()
results_key = pytest.StashKey[RunResults]()
session_key = pytest.StashKey[Any]()  # the HarnessSession opened by the fixtures, if any


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("graph-positions", "Graph positions contract harness")
    group.addoption(
        "--base-url", default=None, help="service root, e.g. https://host/beta (env BASE_URL)"
    )
    group.addoption("--target", default=None, help="target profile name or path (env TARGET)")
    group.addoption("--profile", default=None, help="quick | default | nightly (env PROFILE)")


def pytest_configure(config: pytest.Config) -> None:
    # SIGTERM ends the run like Ctrl-C, and neither cuts a request in half: session fixtures
    # still tear down, so the cleanup runs and finds every position the run created.
    interrupts.install()
    config.addinivalue_line(
        "markers",
        f"{MARKER}(*ids): requirement ids from openapi/requirements.yaml this test checks",
    )
    config.pluginmanager.register(RequirementRecorder(config), "positions-requirement-recorder")


def is_suite_item(item: pytest.Item) -> bool:
    return Path(str(item.path)).resolve().is_relative_to(SUITES_DIR.resolve())


def requirement_ids(item: pytest.Item) -> tuple[str, ...]:
    markers = list(item.iter_markers(MARKER))
    return tuple(markers[0].args) if markers else ()


def harness_config(config: pytest.Config) -> HarnessConfig:
    """The run's configuration, resolved once per process from options and environment."""
    if config_key not in config.stash:
        options = {name: config.getoption(name) for name in ("base_url", "target", "profile")}
        worker_input = getattr(config, "workerinput", {})
        options["run_id"] = worker_input.get(RUN_ID_KEY)
        config.stash[config_key] = resolve_config(options)
    return config.stash[config_key]


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """pytest-xdist: every worker takes the controller's run id (one report per run)."""
    node.workerinput[RUN_ID_KEY] = harness_config(node.config).run_id


def marker_problem(
    nodeid: str, marker_args: list[tuple[object, ...]], catalogue: Catalogue
) -> str | None:
    """Why a suite test's requirement marker is unacceptable, or None when it is fine."""
    if len(marker_args) != 1 or not marker_args[0]:
        return f"{nodeid} needs exactly one @pytest.mark.{MARKER}(...) with ids"
    unknown = catalogue.unknown([str(a) for a in marker_args[0]])
    return f"{nodeid} names unknown requirement ids {unknown}" if unknown else None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    suite_items = [item for item in items if is_suite_item(item)]
    if not suite_items:
        return
    catalogue = load_catalogue()
    problems = [
        problem
        for item in suite_items
        if (
            problem := marker_problem(
                item.nodeid, [m.args for m in item.iter_markers(MARKER)], catalogue
            )
        )
    ]
    if problems:
        raise pytest.UsageError(
            "Suite tests must name catalogue requirements: " + "; ".join(problems[:5])
        )
    try:
        harness = harness_config(config)
    except ConfigError as exc:
        raise pytest.UsageError(str(exc)) from None
    config.stash[results_key] = RunResults(catalogue, harness.target.known_deviations)


def pytest_runtest_setup(item: pytest.Item) -> None:
    current_test.nodeid = item.nodeid
    check_log.reset()
    if not is_suite_item(item):
        return
    ids = requirement_ids(item)
    item.user_properties.append(("requirements", " ".join(ids)))  # junit.xml <property>
    catalogue = load_catalogue()
    unclaimed = harness_config(item.config).target.unclaimed
    features = {catalogue[rid].feature for rid in ids} & unclaimed
    if features:
        pytest.skip(f"{NOT_CLAIMED}: {', '.join(sorted(features))}")


def _evidence(item: pytest.Item) -> list[dict[str, Any]]:
    session = item.config.stash.get(session_key, None)
    if session is None or session.client is None:
        return []
    exchanges = session.client.transcript.for_test(item.nodeid)[-EVIDENCE_EXCHANGES:]
    return [exchange.as_dict() for exchange in exchanges]


def classify(
    ids: tuple[str, ...],
    when: str,
    outcome: str,
    exc: BaseException | None,
    passed_checks: list[str],
    skip_reason: str = "",
) -> list[tuple[str, str, str | None]]:
    """Turns one test phase's outcome into (requirement id, status, message) findings."""
    exc = merged_violation(exc)  # Hypothesis reports a test's distinct failures as a group
    if outcome == "skipped":
        status = "not_claimed" if NOT_CLAIMED in skip_reason else "not_run"
        return [(rid, status, skip_reason) for rid in ids]
    stray = sorted(set(passed_checks) - set(ids))
    if stray:  # the marker must name every requirement the test decides
        message = f"harness bug: the test checked {stray}, which its marker {ids} does not name"
        return [(rid, "error", message) for rid in ids]
    if outcome == "passed":
        return [(rid, "passed", None) for rid in ids] if when == "call" else []
    checked = [rid for rid in dict.fromkeys(passed_checks) if rid in ids]
    findings = [(rid, "passed", None) for rid in checked]
    unchecked = [rid for rid in ids if rid not in checked]
    if isinstance(exc, RequirementViolation):
        stray = [rid for rid in exc.requirement_ids if rid not in ids]
        if stray:
            message = f"harness bug: the test checked {stray}, which its marker {ids} does not name"
            return [(rid, "error", message) for rid in ids]
        findings = [f for f in findings if f[0] not in exc.requirement_ids]
        return [*findings, *((rid, "failed", exc.message) for rid in exc.requirement_ids)]
    if isinstance(exc, BudgetExhausted):
        return [*findings, *((rid, "inconclusive", str(exc)) for rid in unchecked)]
    if isinstance(exc, NotClaimed):
        return [*findings, *((rid, "not_claimed", str(exc)) for rid in unchecked)]
    if isinstance(exc, AssertionError):
        return [(rid, "failed", str(exc)[:2000]) for rid in ids]
    kind = (
        "target did not answer properly" if isinstance(exc, OSError | ResponseTooLarge) else "error"
    )
    message = f"{kind}: {type(exc).__name__}: {str(exc)[:500]}"
    return [*findings, *((rid, "error", message) for rid in unchecked)]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    ids = requirement_ids(item) if is_suite_item(item) else ()
    if not ids:
        return report
    exc = call.excinfo.value if call.excinfo is not None else None
    if isinstance(exc, NotClaimed):  # e.g. a write on a read-only target: skipped, not failed
        report.outcome = "skipped"
        report.longrepr = (str(item.path), item.location[1] or 0, f"Skipped: {NOT_CLAIMED}: {exc}")
    skip_reason = ""
    if report.skipped and isinstance(report.longrepr, tuple):
        skip_reason = str(report.longrepr[2])
    findings = classify(ids, report.when, report.outcome, exc, check_log.passed, skip_reason)
    evidence = _evidence(item) if report.failed else []
    if evidence:
        last = evidence[-1]
        report.sections.append(
            (
                "graph exchange",
                f"{last['method']} {last['url']} -> {last['status'] or last['error']}\n"
                f"reproduce: {last['curl']}\nresponse body: {(last['response_body'] or '')[:2000]}",
            )
        )
    redactor = Redactor([harness_config(item.config).token.reveal()])
    # A plain attribute travels with the report to the xdist controller.
    rows = [
        [rid, status, redactor.text(message) if message else message, evidence]
        for rid, status, message in findings
    ]
    setattr(report, FINDINGS_ATTRIBUTE, rows)
    _redact_report(report, redactor)
    return report


def _redact_report(report: pytest.TestReport, redactor: Redactor) -> None:
    """Keeps the token out of pytest's own output: tracebacks, messages, captured output."""
    if report.longrepr is not None:
        text = str(report.longrepr)
        if redactor.text(text) != text:
            report.longrepr = redactor.text(text)
    report.sections = [(title, redactor.text(text)) for title, text in report.sections]


class RequirementRecorder:
    """Collects findings from test reports (also those xdist workers send) into RunResults."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.started = dt.datetime.now(dt.UTC)

    @property
    def results(self) -> RunResults | None:
        results = self.config.stash.get(results_key, None)
        if results is None or hasattr(self.config, "workerinput") or not results.has_findings:
            return None
        return results

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        rows = getattr(report, FINDINGS_ATTRIBUTE, None) or ()
        results = self.config.stash.get(results_key, None)
        if results is None and rows and not hasattr(self.config, "workerinput"):
            # The xdist controller collects no items, so pytest_collection_modifyitems did not
            # make its RunResults; the first report with findings from a worker does.
            deviations = harness_config(self.config).target.known_deviations
            results = self.config.stash[results_key] = RunResults(load_catalogue(), deviations)
        if results is None:
            return
        for rid, status, message, evidence in rows:
            results.add(rid, Finding(report.nodeid, status, message, evidence))

    @pytest.hookimpl(trylast=True)  # after session fixtures are torn down (cleanup done)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        results = self.results
        if results is None:
            return
        harness = harness_config(self.config)
        opened = self.config.stash.get(session_key, None)
        base_url = opened.config.base_url if opened is not None else harness.base_url
        try:
            write_run_report(
                harness,
                results,
                base_url=base_url,
                started=self.started,
                requests_sent=opened.client.requests_sent if opened and opened.client else None,
            )
        except (OSError, HarnessError) as exc:  # reports are output: say so, keep the verdict
            self._write(f"Could not write the report: {exc}")
        scrub_tree(harness.report_dir, Redactor([harness.token.reveal()]))
        if exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
            verdict = results.verdict()
            session.exitstatus = (
                pytest.ExitCode.OK
                if verdict == CONFORMING
                else pytest.ExitCode.TESTS_FAILED
                if verdict == NONCONFORMING
                else EXIT_RUN_INCOMPLETE
            )

    def _write(self, line: str) -> None:
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(line)

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        results = self.results
        if results is None:
            return
        write = terminalreporter.write_line
        terminalreporter.section("requirements")
        catalogue = results.catalogue
        for result in results.requirement_results():
            requirement = catalogue[result.id]
            if result.status in ("failed", "error", "inconclusive", "known_deviation"):
                message = next(
                    (f.message for f in result.findings if f.status == result.status), ""
                )
                write(
                    f"{result.status.upper():<16} {result.id} [{requirement.level}] "
                    f"{requirement.statement}"
                )
                if message:
                    write(f"{'':<17}{message.splitlines()[0][:300]}")
            if result.note and result.status not in ("known_deviation", "external"):
                write(f"NOTE             {result.id}: {result.note}")
        levels = ", ".join(
            f"{level} {c['passed']}/{c['checked']}"
            for level, c in sorted(results.level_summary().items())
        )
        write(f"requirements passed: {levels}; verdict: {results.verdict()}")
        if results.verdict() == INCOMPLETE:
            write(incomplete_sentence(results.requirement_results()))
        write(f"report: {harness_config(self.config).report_dir}")


def incomplete_sentence(results: list[Any]) -> str:
    """Why a run without failures is not a verdict, and what to do about it: one sentence."""
    undecided = [r.id for r in results if r.status in ("error", "inconclusive")]
    named = ", ".join(undecided[:5]) + (" ..." if len(undecided) > 5 else "")
    return (
        f"positions-harness: the run did not complete: {len(undecided)} requirement(s) could not "
        f"be decided ({named}); the first error above says why - fix it, or raise the "
        "profile's limits if the budget ran out, and run again."
    )
