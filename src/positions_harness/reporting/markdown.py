"""conformance.md: the run for people who read reports in a terminal, a PR or a wiki."""

from __future__ import annotations

from typing import Any

from .wording import (
    LEVELS,
    STATUS_LABELS,
    STATUS_ORDER,
    engines_line,
    exchange_text,
    failing_requirements,
    limits_sentence,
    notes_outside_failures,
    requests_line,
    source_text,
    status_label,
    summary_line,
    verdict_line,
)


def _cell(text: Any) -> str:
    return " ".join(str(text if text is not None else "").split()).replace("|", "\\|")


def _fence(text: str) -> str:
    fence = "```"
    while fence in text:
        fence += "`"
    return f"{fence}text\n{text}\n{fence}"


def _link(requirement: dict[str, Any]) -> str:
    text = _cell(source_text(requirement))
    return f"[{text}]({requirement['doc_url']})" if requirement.get("doc_url") else text


def render_markdown(document: dict[str, Any]) -> str:
    run, target = document["run"], document["target"]
    lines = [
        f"# Conformance report: {target['name']}",
        "",
        f"**Verdict: {verdict_line(document)}** — requirements passed: {summary_line(document)}",
        "",
        *([f"{limits}", ""] if (limits := limits_sentence(document)) else []),
        f"- Base URL: `{target['base_url']}`"
        + (" (bundled reference)" if target["bundled_reference"] else ""),
        f"- Run `{run['id']}`, profile `{run['profile']}`, {run['started']} to {run['finished']}"
        f" ({run['duration_seconds']} s)",
        f"- Versions: {engines_line(document)}",
        *([f"- Requests: {sent}"] if (sent := requests_line(document)) else []),
        f"- Harness commit {document['harness']['commit']},"
        f" spec sha256 `{document['spec']['sha256'][:12]}`",
        "",
        "## Summary",
        "",
        "| level | " + " | ".join(STATUS_LABELS[s] for s in STATUS_ORDER) + " | total |",
        "|---" * (len(STATUS_ORDER) + 2) + "|",
    ]
    for level in LEVELS:
        counts = document["summary"].get(level)
        if counts:
            cells = " | ".join(str(counts.get(s, 0)) for s in STATUS_ORDER)
            lines.append(f"| {level} | {cells} | {counts['total']} |")

    failing = failing_requirements(document)
    lines += ["", "## Failures", ""]
    if not failing:
        lines.append("None.")
    for requirement in failing:
        lines += [
            f"### {requirement['id']} [{requirement['level']}] "
            f"{status_label(requirement, document)}",
            "",
            f"{requirement['statement']}",
            "",
            f"Source: {_link(requirement)}",
        ]
        if requirement.get("note"):
            lines += ["", f"Note: {requirement['note']}"]
        for failure in requirement["failures"]:
            lines += ["", f"- Test `{failure['test']}`: {failure['observed']}"]
            for exchange in failure["evidence"][-1:]:
                lines += [
                    "",
                    _fence(exchange_text(exchange)),
                    "",
                    "Reproduce:",
                    "",
                    _fence(exchange["curl"]),
                ]

    notes = notes_outside_failures(document)
    if notes:
        lines += ["", "## Notes", ""]
        lines += [f"- {requirement['id']}: {requirement['note']}" for requirement in notes]

    lines += [
        "",
        "## All requirements",
        "",
        "| id | level | status | statement | source | requests |",
        "|---|---|---|---|---|---|",
    ]
    for requirement in document["requirements"]:
        lines.append(
            f"| {requirement['id']} | {requirement['level']} | "
            f"{status_label(requirement, document)} | {_cell(requirement['statement'])} | "
            f"{_link(requirement)} | {requirement.get('requests', '')} |"
        )

    lines += [
        "",
        "## Where the docs contradict themselves",
        "",
        "| id | contradiction | decision |",
        "|---|---|---|",
    ]
    for defect in document["doc_defects"]:
        lines.append(
            f"| {defect['id']} | {_cell(defect['contradiction'])} | {_cell(defect['decision'])} |"
        )
    cleanup = document["cleanup"]
    lines += ["", "## Cleanup", "", f"Deleted {cleanup['deleted']} position(s) created by the run."]
    lines += [f"- Could not delete: {_cell(problem)}" for problem in cleanup["problems"]]
    return "\n".join(lines) + "\n"
