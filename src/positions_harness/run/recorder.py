"""Collects the findings of every test report into the run's results, writes the
report at the end, sets the exit status from the verdict and prints the summary.

PYTEST_DONT_REWRITE: imported before pytest starts (by the CLI), so not rewritten.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ..contract.catalogue import load_catalogue
from ..errors import EXIT_RUN_INCOMPLETE, HarnessError
from ..reporting.writer import write_run_report
from ..transport import interrupts
from ..transport.redaction import Redactor, scrub_tree
from ..verdict.results import (
    CONFORMING,
    INCOMPLETE,
    INTERRUPTED,
    NONCONFORMING,
    Finding,
    RunResults,
)
from .findings import FINDINGS_ATTRIBUTE
from .limits_of_run import recorded_limits
from .options import harness_config
from .selection import selection_of
from .shared_pace import run_totals
from .stash_keys import results_key, session_key

SUITES_PREFIX = "suites/"  # node ids of the contract suites (rootdir-relative)
CRASHED = "???"  # the phase pytest-xdist gives the report of a test its worker died in


class RequirementRecorder:
    """Collects findings from test reports (also those xdist workers send) into RunResults."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.started = dt.datetime.now(dt.UTC)

    @property
    def results(self) -> RunResults | None:
        results = self.config.stash.get(results_key, None)
        if results is None or hasattr(self.config, "workerinput"):
            return None
        return results if results.has_findings or results.limits else None

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: Any, ids: list[str]) -> None:
        """The xdist controller collects no items, so pytest_collection_modifyitems did not
        make its RunResults: a worker that collected suite tests does (before any result, so
        a run interrupted before its first finding still reports)."""
        if any(nodeid.startswith(SUITES_PREFIX) for nodeid in ids):
            self._controller_results()

    def _controller_results(self) -> RunResults:
        results = self.config.stash.get(results_key, None)
        if results is None:
            harness = harness_config(self.config)
            results = self.config.stash[results_key] = RunResults(
                load_catalogue(), harness.target.known_deviations, strict=harness.strict
            )
        return results

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        rows = getattr(report, FINDINGS_ATTRIBUTE, None) or ()
        results = self.config.stash.get(results_key, None)
        if results is None and rows and not hasattr(self.config, "workerinput"):
            results = self._controller_results()
        if results is None:
            return
        if report.failed and report.when == CRASHED and report.nodeid.startswith(SUITES_PREFIX):
            # An xdist worker died in this test: what it was checking was not decided.
            results.limited_by(f"harness error: {report.longrepr}", blocks_conforming=True)
        for rid, status, message, evidence in rows:
            results.add(rid, Finding(report.nodeid, status, message, evidence))

    @pytest.hookimpl(trylast=True)  # after session fixtures are torn down (cleanup done)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        if hasattr(self.config, "workerinput"):
            return  # an xdist worker: the controller reads the limits and writes the report
        stashed = self.config.stash.get(results_key, None)
        if stashed is not None:
            selection = selection_of(self.config)
            if selection:
                stashed.limited_by(f"selection: {selection}", partial=True)
            if exitstatus == pytest.ExitCode.INTERRUPTED or interrupts.received() is not None:
                stashed.limited_by(INTERRUPTED)
            for sentence in recorded_limits(harness_config(self.config).report_dir):
                stashed.limited_by(sentence)
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
                requests_sent=sent_in_run(opened),
            )
        except (OSError, HarnessError) as exc:  # reports are output: say so, keep the verdict
            self._write(f"Could not write the report: {exc}")
        scrub_tree(harness.report_dir, Redactor([harness.token.reveal()]))
        interrupted = interrupts.received() is not None
        if exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED) or interrupted:
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
        warned = {r.id for r in results.warnings()}
        for result in results.requirement_results():
            requirement = catalogue[result.id]
            if result.status in ("failed", "error", "inconclusive", "known_deviation"):
                message = next(
                    (f.message for f in result.findings if f.status == result.status), ""
                )
                label = "WARNING" if result.id in warned else result.status.upper()
                write(f"{label:<16} {result.id} [{requirement.level}] {requirement.statement}")
                if message:
                    write(f"{'':<17}{message.splitlines()[0][:300]}")
            if result.note and result.status not in ("known_deviation", "external"):
                write(f"NOTE             {result.id}: {result.note}")
        levels = ", ".join(
            f"{level} {c['passed']}/{c['checked']}"
            for level, c in sorted(results.level_summary().items())
        )
        warnings = f"; {len(warned)} SHOULD warning(s)" if warned else ""
        partial = " (partial run)" if results.partial else ""
        write(f"requirements passed: {levels}{warnings}; verdict: {results.verdict()}{partial}")
        if results.verdict() == INCOMPLETE:
            write(incomplete_sentence(results.undecided(), results.limits))
        write(f"report: {harness_config(self.config).report_dir}")


def incomplete_sentence(undecided: list[Any], limits: list[str] | None = None) -> str:
    """Why a run without failures is not a verdict, and what to do about it: one sentence."""
    ids = [r.id for r in undecided]
    named = ", ".join(ids[:5]) + (" ..." if len(ids) > 5 else "")
    why = "; ".join(limits or []) or "the first error above says why"
    return (
        f"positions-harness: the run did not complete: {len(ids)} requirement(s) could not "
        f"be decided ({named}) - {why}; run the whole contract (no selection), fix the first "
        "error, or raise the profile's limits if a budget ran out, and run again."
    )


def sent_in_run(opened: Any) -> int | None:
    """Requests the whole run sent (every worker, and the CLI's preflight), else this process's."""
    sent = run_totals()
    if sent is not None:
        return sent
    return opened.client.requests_sent if opened is not None and opened.client else None
