"""Words and numbers the human-readable reports share."""

from __future__ import annotations

from typing import Any

from ..versions import versions_line

STATUS_LABELS = {
    "passed": "pass",
    "failed": "FAIL",
    "error": "error",
    "inconclusive": "inconclusive",
    "known_deviation": "known deviation",
    "not_claimed": "not claimed",
    "not_run": "not run",
    "external": "not checkable",
}
STATUS_ORDER = tuple(STATUS_LABELS)
LEVELS = ("MUST", "SHOULD")
EVIDENCE_BODY_LIMIT = 4000


def summary_line(document: dict[str, Any]) -> str:
    """E.g. "MUST 43/43, SHOULD 9/10; 1 SHOULD warning (POS-VALID-001)": passed of checked, per
    level, and the failed SHOULD requirements that did not decide the verdict."""
    summary = document["summary"]
    line = ", ".join(
        f"{level} {summary[level]['passed']}/{summary[level]['checked']}"
        for level in LEVELS
        if level in summary
    )
    warnings = document.get("warnings") or []
    if warnings:
        plural = "s" if len(warnings) > 1 else ""
        line += f"; {len(warnings)} SHOULD warning{plural} ({', '.join(warnings)})"
    return line


def status_label(requirement: dict[str, Any], document: dict[str, Any]) -> str:
    """The status as people read it; a failed SHOULD that did not decide the verdict is a
    warning."""
    if requirement["id"] in (document.get("warnings") or []):
        return "WARNING"
    return STATUS_LABELS[requirement["status"]]


def failing_requirements(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Requirements with evidence of a problem, the failed ones first."""
    order = {"failed": 0, "error": 1, "inconclusive": 2, "known_deviation": 3}
    failing = [r for r in document["requirements"] if r["status"] in order]
    return sorted(failing, key=lambda r: (order[r["status"]], r["level"] != "MUST", r["id"]))


def notes_outside_failures(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Requirements with a note but no failure section to show it in (e.g. a known deviation
    that passes now and should be removed from the target profile)."""
    failing = {r["id"] for r in failing_requirements(document)}
    return [r for r in document["requirements"] if r.get("note") and r["id"] not in failing]


def source_text(requirement: dict[str, Any]) -> str:
    source = requirement["source"]
    where = source.get("page") or source.get("seed") or ""
    return f"{where} ({source['section']})" if source.get("section") else where


def exchange_text(exchange: dict[str, Any]) -> str:
    """One HTTP exchange as plain text (already redacted when recorded)."""
    lines = [f"{exchange['method']} {exchange['url']}"]
    lines += [f"{name}: {value}" for name, value in exchange["request_headers"].items()]
    if exchange.get("request_body"):
        lines += ["", exchange["request_body"][:EVIDENCE_BODY_LIMIT]]
    outcome = exchange.get("error") or f"HTTP {exchange['status']}"
    lines += ["", f"-> {outcome}"]
    lines += [f"{name}: {value}" for name, value in exchange["response_headers"].items()]
    if exchange.get("response_body"):
        lines += ["", exchange["response_body"][:EVIDENCE_BODY_LIMIT]]
    return "\n".join(lines)


def verdict_line(document: dict[str, Any]) -> str:
    """E.g. "incomplete (partial run: selection: -k 'delete')": the verdict with what limited it."""
    verdict = document["verdict"]
    if document.get("partial"):
        verdict += " (partial run)"
    return verdict


def limits_sentence(document: dict[str, Any]) -> str | None:
    """What kept the run from deciding everything, and which requirements it left undecided."""
    limits, undecided = document.get("limits") or [], document.get("undecided") or []
    if not limits and not undecided:
        return None
    named = ", ".join(undecided[:10]) + (" ..." if len(undecided) > 10 else "")
    because = f" ({'; '.join(limits)})" if limits else ""
    return f"Not decided{because}: {len(undecided)} claimed requirement(s): {named or 'none'}."


def engines_line(document: dict[str, Any]) -> str:
    """E.g. "positions-harness 0.1.0 (schemathesis 4.32.5, hypothesis 6.170.17, pytest 9.2.0)":
    the harness and the engines that produced the report (the harness alone in reports written
    before engines were recorded)."""
    harness = document["harness"]
    return versions_line(harness["version"], harness.get("engines") or {})


def requests_line(document: dict[str, Any]) -> str:
    """E.g. "2,431 requests: 2,280 for tests, 20 preflight, 131 cleanup" ("" when unknown)."""
    run = document["run"]
    sent, purposes = run.get("requests_sent"), run.get("requests_by_purpose")
    if sent is None:
        return ""
    if not purposes:
        return f"{sent:,} requests"
    return (
        f"{sent:,} requests: {purposes.get('tests', 0):,} for tests, "
        f"{purposes.get('preflight', 0):,} preflight, {purposes.get('cleanup', 0):,} cleanup"
    )
