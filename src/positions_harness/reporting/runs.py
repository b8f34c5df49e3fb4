"""Across runs and vendors: what changed between two runs, and a vendor x requirement matrix."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from .wording import STATUS_LABELS, engines_line
from .writer import CONFORMANCE_JSON, schema_errors

BROKEN = ("failed", "error")


def load_run(location: str | Path) -> dict[str, Any]:
    """Reads conformance.json from a file or a run folder (e.g. reports/latest)."""
    path = Path(location)
    if path.is_dir():
        path = path / CONFORMANCE_JSON
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"No conformance report at {path}; give a run folder or its conformance.json."
        ) from None
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"Cannot read {path} as a conformance report ({type(exc).__name__})."
        ) from None
    problems = schema_errors(document)
    if problems:
        raise ConfigError(f"{path} is not a conformance report of this harness: {problems[0]}.")
    return document


def statuses(document: dict[str, Any]) -> dict[str, str]:
    return {r["id"]: r["status"] for r in document["requirements"]}


@dataclass
class RunDiff:
    regressions: list[tuple[str, str, str]] = field(default_factory=list)
    fixes: list[tuple[str, str, str]] = field(default_factory=list)
    changes: list[tuple[str, str, str]] = field(default_factory=list)
    added: list[tuple[str, str]] = field(default_factory=list)
    removed: list[tuple[str, str]] = field(default_factory=list)


def diff_runs(old: dict[str, Any], new: dict[str, Any]) -> RunDiff:
    before, after = statuses(old), statuses(new)
    diff = RunDiff()
    for rid, status in after.items():
        if rid not in before:
            diff.added.append((rid, status))
            continue
        previous = before[rid]
        if previous == status:
            continue
        if status in BROKEN and previous not in BROKEN:
            diff.regressions.append((rid, previous, status))
        elif previous in BROKEN and status == "passed":
            diff.fixes.append((rid, previous, status))
        else:
            diff.changes.append((rid, previous, status))
    diff.removed = [(rid, status) for rid, status in before.items() if rid not in after]
    return diff


def _run_label(document: dict[str, Any]) -> str:
    return f"{document['target']['name']} {document['run']['id']} ({document['verdict']})"


def _engines_note(old: dict[str, Any], new: dict[str, Any]) -> str:
    """The engines of both runs, so a change of results can be told from a change of engine."""
    before, after = engines_line(old), engines_line(new)
    return f"engines: {after}" if before == after else f"engines changed: {before} -> {after}"


def render_diff(old: dict[str, Any], new: dict[str, Any], diff: RunDiff) -> str:
    lines = [f"old: {_run_label(old)}", f"new: {_run_label(new)}", _engines_note(old, new), ""]
    sections = (
        ("Regressions", diff.regressions),
        ("Fixes", diff.fixes),
        ("Other status changes", diff.changes),
    )
    for title, rows in sections:
        lines.append(f"{title}: {len(rows)}")
        lines += [f"  {rid}: {STATUS_LABELS[a]} -> {STATUS_LABELS[b]}" for rid, a, b in rows]
    lines.append(f"New requirements: {len(diff.added)}")
    lines += [f"  {rid}: {STATUS_LABELS[status]}" for rid, status in diff.added]
    lines.append(f"Removed requirements: {len(diff.removed)}")
    lines += [f"  {rid} (was {STATUS_LABELS[status]})" for rid, status in diff.removed]
    return "\n".join(lines) + "\n"


def _column_names(documents: list[dict[str, Any]]) -> list[str]:
    names = [d["target"]["name"] for d in documents]
    return [
        f"{name} ({d['run']['id']})" if names.count(name) > 1 else name
        for name, d in zip(names, documents, strict=True)
    ]


def _matrix_rows(documents: list[dict[str, Any]]) -> list[tuple[str, str, list[str]]]:
    levels: dict[str, str] = {}
    for document in documents:
        levels.update({r["id"]: r["level"] for r in document["requirements"]})
    cells = [statuses(d) for d in documents]
    return [
        (rid, levels[rid], [STATUS_LABELS.get(c.get(rid, ""), "-") for c in cells])
        for rid in sorted(levels)
    ]


def render_matrix_markdown(documents: list[dict[str, Any]]) -> str:
    names = _column_names(documents)
    lines = [
        "| requirement | level | " + " | ".join(names) + " |",
        "|---|---|" + "---|" * len(names),
        "| **verdict** | | " + " | ".join(d["verdict"] for d in documents) + " |",
    ]
    lines += [
        f"| {rid} | {level} | " + " | ".join(row) + " |"
        for rid, level, row in _matrix_rows(documents)
    ]
    return "\n".join(lines) + "\n"


def render_matrix_html(documents: list[dict[str, Any]]) -> str:
    head = "".join(f"<th>{escape(name)}</th>" for name in _column_names(documents))
    verdicts = "".join(f"<td>{escape(d['verdict'])}</td>" for d in documents)
    body = "\n".join(
        f"<tr><td>{escape(rid)}</td><td>{level}</td>"
        + "".join(f'<td class="c-{escape(c.split()[0].lower())}">{escape(c)}</td>' for c in row)
        + "</tr>"
        for rid, level, row in _matrix_rows(documents)
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Conformance matrix</title><style>
body {{ font: 14px system-ui, sans-serif; margin: 24px; }} table {{ border-collapse: collapse; }}
th, td {{ border: 1px solid #d0d7de; padding: 3px 8px; }}
.c-fail, .c-error {{ background: #ffebe9; }}
.c-pass {{ background: #dafbe1; }} .c-inconclusive, .c-known {{ background: #fff8c5; }}
</style></head><body><h1>Conformance matrix</h1>
<table><tr><th>requirement</th><th>level</th>{head}</tr>
<tr><th>verdict</th><td></td>{verdicts}</tr>
{body}
</table></body></html>
"""
