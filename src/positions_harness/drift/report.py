"""The drift report, as terminal lines and as markdown (for a CI job summary or an issue)."""

from __future__ import annotations

from .differences import DriftReport


def render_text(report: DriftReport) -> str:
    lines = [difference.sentence() for difference in report.differences]
    lines.append(_verdict(report))
    if report.sources_not_compared:
        lines.append(
            f"not compared: {len(report.sources_not_compared)} cited sources with no table or "
            "example to compare (prose, Graph conventions; listed by --out)."
        )
    return "\n".join(lines) + "\n"


def render_markdown(report: DriftReport) -> str:
    lines = ["# Doc drift: Graph docs vs openapi/positions.yaml", "", _verdict(report), ""]
    if report.differences:
        lines += [
            "| Aspect | Page | Subject | Docs | Spec | Schemas |",
            "|---|---|---|---|---|---|",
        ]
        lines += [
            f"| {d.aspect} | `{d.page}` | {_cell(d.subject)} | {_cell(d.docs)} | {_cell(d.spec)} "
            f"| {', '.join(d.schemas) or '-'} |"
            for d in report.differences
        ]
        lines.append("")
    lines += ["## Pages compared", ""] + [f"- `{page}`" for page in report.pages_compared]
    if report.sources_not_compared:
        lines += ["", "## Sources cited but not compared", ""]
        lines += [f"- {source}" for source in report.sources_not_compared]
    return "\n".join(lines) + "\n"


def _verdict(report: DriftReport) -> str:
    count = len(report.differences)
    pages = len(report.pages_compared)
    if not count:
        return f"doc drift: none; {pages} pages agree with the spec."
    return (
        f"doc drift: {count} difference{'s' if count != 1 else ''} across {pages} pages compared."
    )


def _cell(text: str) -> str:
    return text.replace("|", "\\|")
