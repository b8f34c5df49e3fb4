"""Turns each test phase's outcome into per-requirement findings with their evidence,
carried on the test report (so they reach the xdist controller), token redacted.

PYTEST_DONT_REWRITE: imported before pytest starts (by the CLI), so not rewritten.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ..checks.expect import RequirementViolation, check_log, merged_violation
from ..contract.requirement_marker import is_suite_item, requirement_ids
from ..errors import BudgetExhausted
from ..transport import interrupts
from ..transport.bodies import ResponseTooLarge
from ..transport.redaction import Redactor
from ..transport.safety import NotClaimed
from .evidence import evidence
from .options import harness_config
from .stash_keys import session_key

FINDINGS_ATTRIBUTE = "requirement_findings"
NOT_CLAIMED = "not claimed by the target"


def _evidence(item: pytest.Item, exc: BaseException | None) -> list[dict[str, Any]]:
    session = item.config.stash.get(session_key, None)
    if session is None or session.client is None:
        return []
    violation = merged_violation(exc)
    message = violation.message if isinstance(violation, RequirementViolation) else None
    return evidence(session.client.transcript.for_test(item.nodeid), message)


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
    if interrupts.received() is not None and not isinstance(
        merged_violation(exc), RequirementViolation
    ):
        # Whatever a test raised after the signal (a KeyboardInterrupt some library wrapped)
        # says nothing about the target: its requirements were not decided.
        findings = [
            (rid, "error", "interrupted by a signal before the check finished")
            if status in ("failed", "error")
            else (rid, status, message)
            for rid, status, message in findings
        ]
    evidence = _evidence(item, exc) if report.failed else []
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
    _expected_when_every_failure_is_a_known_deviation(item, report, findings)
    return report


def _expected_when_every_failure_is_a_known_deviation(
    item: pytest.Item, report: pytest.TestReport, findings: list[tuple[str, str, str | None]]
) -> None:
    """A test whose failures are all declared known deviations (not expired) is an expected
    failure to pytest, junit.xml and Allure (xfail, with the requirement and link as the
    reason), as it is to the verdict: a CI dashboard shows no red for a conforming target."""
    failed = [rid for rid, status, _ in findings if status == "failed"]
    if not report.failed or not failed:
        return
    today = dt.date.today()
    live = {
        d.requirement: d
        for d in harness_config(item.config).target.known_deviations
        if not d.expired(today)
    }
    if all(rid in live for rid in failed):
        report.outcome = "skipped"
        report.wasxfail = "known deviation: " + "; ".join(
            f"{rid} ({live[rid].link})" for rid in dict.fromkeys(failed)
        )


def _redact_report(report: pytest.TestReport, redactor: Redactor) -> None:
    """Keeps the token out of pytest's own output: tracebacks, messages, captured output."""
    if report.longrepr is not None:
        text = str(report.longrepr)
        if redactor.text(text) != text:
            report.longrepr = redactor.text(text)
    report.sections = [(title, redactor.text(text)) for title, text in report.sections]
