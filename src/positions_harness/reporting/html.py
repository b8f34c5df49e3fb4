"""conformance.html: one self-contained page (no scripts, no external files) for people."""

from __future__ import annotations

from html import escape
from typing import Any

from .wording import (
    LEVELS,
    STATUS_LABELS,
    engines_line,
    exchange_text,
    failing_requirements,
    limits_sentence,
    notes_outside_failures,
    requests_line,
    source_text,
    summary_line,
    verdict_line,
)

STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 0; color: #1b1f24; background: #f6f8fa; }
header { padding: 20px 32px; color: #fff; }
header.conforming { background: #1a7f37; } header.nonconforming { background: #cf222e; }
header.incomplete { background: #9a6700; }
header h1 { margin: 0 0 4px; font-size: 22px; } header p { margin: 2px 0; opacity: .95; }
.verdict { font-size: 28px; font-weight: 700; }
main { padding: 8px 32px 40px; max-width: 1200px; }
section { background: #fff; border: 1px solid #d0d7de; border-radius: 6px; padding: 12px 20px;
          margin: 16px 0; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: 4px 8px;
        border-bottom: 1px solid #eaeef2; vertical-align: top; }
.status { font-weight: 600; white-space: nowrap; } .s-failed, .s-error { color: #cf222e; }
.s-passed { color: #1a7f37; } .s-inconclusive, .s-known_deviation { color: #9a6700; }
.s-not_claimed, .s-not_run, .s-external { color: #57606a; }
pre { background: #f6f8fa; border: 1px solid #d0d7de; padding: 8px; overflow-x: auto;
      white-space: pre-wrap; word-break: break-all; font-size: 13px; }
.failure h3 { margin: 8px 0 4px; } code { font-size: 13px; }
"""


def _e(value: Any) -> str:
    return escape(str(value if value is not None else ""), quote=True)


def _source(requirement: dict[str, Any]) -> str:
    text = _e(source_text(requirement))
    url = requirement.get("doc_url")
    return f'<a href="{_e(url)}">{text}</a>' if url else text


def _status(status: str) -> str:
    return f'<span class="status s-{_e(status)}">{_e(STATUS_LABELS[status])}</span>'


def _id_cell(requirement_id: str, has_failure: bool) -> str:
    """A requirement id, linked to its failure section when it has one."""
    text = _e(requirement_id)
    return f'<a href="#{text}">{text}</a>' if has_failure else text


def _failure_section(requirement: dict[str, Any]) -> str:
    parts = [
        f'<div class="failure" id="{_e(requirement["id"])}">',
        f"<h3>{_e(requirement['id'])} [{_e(requirement['level'])}] {_status(requirement['status'])}"
        "</h3>",
        f"<p>{_e(requirement['statement'])}<br>Source: {_source(requirement)}</p>",
    ]
    if requirement.get("note"):
        parts.append(f"<p>Note: {_e(requirement['note'])}</p>")
    for failure in requirement["failures"]:
        parts.append(f"<p>Test <code>{_e(failure['test'])}</code>: {_e(failure['observed'])}</p>")
        for exchange in failure["evidence"][-1:]:
            parts.append(f'<pre class="evidence">{_e(exchange_text(exchange))}</pre>')
            parts.append(f'<p>Reproduce:</p><pre class="curl">{_e(exchange["curl"])}</pre>')
    parts.append("</div>")
    return "\n".join(parts)


def render_html(document: dict[str, Any]) -> str:
    run, target, verdict = document["run"], document["target"], document["verdict"]
    summary_rows = "".join(
        f"<tr><td>{level}</td><td>{c['passed']}/{c['checked']}</td><td>{c['failed']}</td>"
        f"<td>{c['error'] + c['inconclusive']}</td><td>{c['known_deviation']}</td>"
        f"<td>{c['not_claimed'] + c['not_run'] + c['external']}</td><td>{c['total']}</td></tr>"
        for level in LEVELS
        if (c := document["summary"].get(level))
    )
    failing = failing_requirements(document)
    failures = "\n".join(_failure_section(r) for r in failing) or "<p>None.</p>"
    failing_ids = {r["id"] for r in failing}
    requirement_rows = "\n".join(
        f"<tr><td>{_id_cell(r['id'], r['id'] in failing_ids)}</td><td>{_e(r['level'])}</td>"
        f"<td>{_status(r['status'])}</td><td>{_e(r['statement'])}</td><td>{_source(r)}</td></tr>"
        for r in document["requirements"]
    )
    defect_rows = "\n".join(
        f"<tr><td>{_e(d['id'])}</td><td>{_e(d['contradiction'])}</td><td>{_e(d['decision'])}</td>"
        "</tr>"
        for d in document["doc_defects"]
    )
    notes = "".join(
        f"<li>{_e(r['id'])}: {_e(r['note'])}</li>" for r in notes_outside_failures(document)
    )
    notes = f'<section id="notes"><h2>Notes</h2><ul>{notes}</ul></section>\n' if notes else ""
    cleanup = document["cleanup"]
    problems = "".join(f"<li>{_e(p)}</li>" for p in cleanup["problems"])
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Conformance: {_e(target["name"])} - {_e(verdict)}</title>
<style>{STYLE}</style></head>
<body>
<header class="{_e(verdict)}">
<h1>Graph workPosition conformance: {_e(target["name"])}</h1>
<p class="verdict" id="verdict">{_e(verdict_line(document))}</p>
<p id="summary">Requirements passed: {_e(summary_line(document))}</p>
{f'<p id="limits">{_e(limits)}</p>' if (limits := limits_sentence(document)) else ""}
<p>{_e(target["base_url"])} · run {_e(run["id"])} · profile {_e(run["profile"])} ·
{_e(run["started"])} ({_e(run["duration_seconds"])} s)
· spec {_e(document["spec"]["sha256"][:12])}</p>
<p id="engines">{_e(engines_line(document))}</p>
<p id="requests">{_e(requests_line(document))}</p>
</header>
<main>
<section><h2>Summary</h2><table>
<tr><th>level</th><th>passed/checked</th><th>failed</th><th>error or inconclusive</th>
<th>known deviation</th><th>not claimed, not run or not checkable</th><th>total</th></tr>
{summary_rows}</table></section>
<section id="failures"><h2>Failures</h2>
{failures}
</section>
{notes}<section><h2>All requirements</h2><table>
<tr><th>id</th><th>level</th><th>status</th><th>statement</th><th>doc source</th></tr>
{requirement_rows}
</table></section>
<section><h2>Where the docs contradict themselves</h2><table>
<tr><th>id</th><th>contradiction</th><th>decision</th></tr>
{defect_rows}
</table></section>
<section><h2>Cleanup</h2><p>Deleted {cleanup["deleted"]} position(s) created by the run.</p>
<ul>{problems}</ul></section>
</main></body></html>
"""
